"""Synthetic side-view scenes with per-frame ground truth. numpy only.

A `Scene` renders any frame of a `SceneSpec` on demand (deterministic per spec and frame index), so it
serves the benchmark, the tests and the kiosk's live demo camera alike.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from kiosk.sim.body import (
    HEAD_R,
    HIP_H,
    BodyShape,
    Pose,
    hinge_pose,
    hip_angle_deg,
    joints,
    render_body,
)

KINDS = ("empty", "walk_in", "stand", "rep", "partial", "walk_out", "fidget")
WALK_SPEED_M_S = 1.1
STEP_HZ = 0.9


@dataclass(frozen=True)
class Segment:
    kind: str
    duration_s: float
    depth: float = 1.0  # rep/partial: hinge depth at the bottom (0 standing .. 1 hip angle ~90 deg)
    descent_s: float = 1.2
    bottom_s: float = 0.3
    ascent_s: float = 1.0

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"segment kind {self.kind!r} is not one of {', '.join(KINDS)}")


@dataclass(frozen=True)
class SceneSpec:
    seed: int
    width_px: int = 320
    height_px: int = 240
    fps: float = 15.0
    facing: int = 1
    body: BodyShape = field(default_factory=BodyShape)
    kettlebell: bool = False
    background: str = "textured"  # or "plain"
    person_scale: float = 0.7  # standing height / frame height
    noise_sigma: float = 2.0
    gain_drift: float = 0.0  # amplitude of a slow global gain drift over the clip
    exposure_jump: float = 1.0  # global gain step as the person walks in (auto-exposure)
    shadow: float = 0.0  # 0..1 floor shadow; > 0.5 adds a faint wall shadow
    jitter_px: int = 0  # 1: random whole-frame 1-px camera shake
    passerby: bool = False  # a smaller person walking past behind
    timeline: tuple[Segment, ...] = ()
    mark_x: float = 0.5
    wall_shade: float = 165.0
    floor_shade: float = 130.0
    label: str = ""


@dataclass(frozen=True)
class FrameTruth:
    present: bool
    hip_angle_deg: float | None
    phase: str  # "empty", "walk", "stand", "hinge", "fidget"


def _ease(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * x)


class Scene:
    def __init__(self, spec: SceneSpec) -> None:
        if not spec.timeline:
            raise ValueError("a scene needs a timeline")
        self.spec = spec
        self.fps = float(spec.fps)
        self.width_px = spec.width_px
        self.height_px = spec.height_px
        self._starts = np.cumsum([0.0] + [s.duration_s for s in spec.timeline])
        self.duration_s = float(self._starts[-1])
        self.n_frames = int(self.duration_s * self.fps)
        H = spec.height_px
        self.person_px = spec.person_scale * H
        self.px_per_m = self.person_px / spec.body.height_m
        # camera at hip height: the hip sits on the middle row
        self.floor_y = H / 2 + HIP_H * self.person_px
        self.wall_base_y = self.floor_y - 0.1 * self.person_px
        self._bg = self._background()
        self._entry_t = next(
            (float(self._starts[i]) for i, s in enumerate(spec.timeline) if s.kind == "walk_in"), None
        )
        self._truths = [self._truth_at(i / self.fps) for i in range(self.n_frames)]
        stand = self._standing_angle()
        self.true_reps = 0
        self.rep_end_frames: list[int] = []
        for k, seg in enumerate(spec.timeline):
            if seg.kind != "rep":
                continue
            bottom = 180.0 - spec.body.posture_deg - (90.0 - spec.body.posture_deg) * min(seg.depth, 1.2)
            if bottom > 120.0:
                continue
            self.true_reps += 1
            t_bottom = self._starts[k] + seg.descent_s
            i = math.ceil(t_bottom * self.fps)
            while i < self.n_frames:
                a = self._truths[i].hip_angle_deg
                if a is not None and a >= stand - 10.0:
                    break
                i += 1
            self.rep_end_frames.append(min(i, self.n_frames - 1))

    # -- timeline ----------------------------------------------------------------------------
    def _segment(self, t: float) -> tuple[Segment, float]:
        k = int(np.searchsorted(self._starts, t, side="right")) - 1
        k = min(max(k, 0), len(self.spec.timeline) - 1)
        return self.spec.timeline[k], t - float(self._starts[k])

    def _state(self, t: float) -> tuple[str, float, Pose]:
        """(phase, foot x in px, pose) of the main person at time t."""
        spec = self.spec
        seg, tau = self._segment(t)
        W = spec.width_px
        mark = spec.mark_x * W
        f = 1 if spec.facing >= 0 else -1
        post = spec.body.posture_deg
        stand = hinge_pose(0.0, posture_deg=post)
        sway = 1.5 * math.sin(2 * math.pi * 0.3 * t + spec.seed)
        if seg.kind == "empty":
            return "empty", -1e6, stand
        if seg.kind in ("walk_in", "walk_out"):
            dist = WALK_SPEED_M_S * self.px_per_m * seg.duration_s
            if seg.kind == "walk_in":
                x = mark - f * dist * (1 - tau / seg.duration_s)
            else:
                x = mark + f * dist * (tau / seg.duration_s)
            # the last/first half-second slows to a stop
            swing = 22.0 * math.sin(2 * math.pi * STEP_HZ * tau)
            edge = min(tau, seg.duration_s - tau)
            swing *= min(1.0, edge / 0.5)
            pose = Pose(
                torso_lean_deg=post + 3.0,
                knee_bend_deg=8.0 + 10.0 * abs(math.sin(2 * math.pi * STEP_HZ * tau)),
                stride_deg=swing,
                arm_swing_deg=0.8 * swing,
            )
            return "walk", x, pose
        if seg.kind == "stand":
            return "stand", mark, Pose(torso_lean_deg=post + 0.5 * sway)
        if seg.kind == "fidget":
            lean = 4.0 + 4.0 * math.sin(2 * math.pi * 0.4 * tau)
            return "fidget", mark, Pose(torso_lean_deg=post + lean, knee_bend_deg=3.0)
        # rep / partial
        d_s, b_s, a_s = seg.descent_s, seg.bottom_s, seg.ascent_s
        if tau < d_s:
            depth = seg.depth * _ease(tau / d_s)
        elif tau < d_s + b_s:
            depth = seg.depth
        elif tau < d_s + b_s + a_s:
            depth = seg.depth * (1 - _ease((tau - d_s - b_s) / a_s))
        else:
            return "stand", mark, Pose(torso_lean_deg=post + 0.5 * sway)
        return "hinge", mark, hinge_pose(depth, posture_deg=post)

    def _joints(self, t: float):
        phase, x, pose = self._state(t)
        if phase == "empty":
            return phase, None
        j = joints(
            self.spec.body,
            pose,
            foot_x_px=x,
            floor_y_px=self.floor_y,
            px_per_m=self.px_per_m,
            facing=self.spec.facing,
        )
        return phase, j

    def _truth_at(self, t: float) -> FrameTruth:
        phase, j = self._joints(t)
        if j is None:
            return FrameTruth(False, None, "empty")
        W = self.spec.width_px
        xs = [p[0] for p in j.values()]
        pad = 0.08 * self.person_px
        lo, hi = min(xs) - pad, max(xs) + pad
        visible = max(0.0, min(hi, W) - max(lo, 0.0)) / (hi - lo)
        present = visible >= 0.85 and 0 <= j["hip"][0] < W
        if not present:
            return FrameTruth(False, None, "empty" if visible == 0 else phase)
        return FrameTruth(True, hip_angle_deg(j), phase)

    def _standing_angle(self) -> float:
        angles = [t.hip_angle_deg for t in self._truths if t.phase == "stand" and t.hip_angle_deg]
        return float(np.median(angles)) if angles else 180.0 - self.spec.body.posture_deg

    # -- pixels ------------------------------------------------------------------------------
    def _background(self) -> np.ndarray:
        spec = self.spec
        rng = np.random.default_rng(spec.seed * 7919 + 13)
        H, W = spec.height_px, spec.width_px
        wb = int(self.wall_base_y)
        wall_level = spec.wall_shade
        floor_level = spec.floor_shade
        img = np.empty((H, W), np.float32)
        yy = np.arange(H, dtype=np.float32)[:, None]
        img[:] = wall_level * (0.9 + 0.15 * yy / H)  # light from above
        img[wb:] = floor_level * (0.92 + 0.1 * (yy[wb:] - wb) / max(1, H - wb))
        if spec.background == "textured":
            for _ in range(rng.integers(3, 6)):
                w = rng.integers(W // 12, W // 4)
                h = rng.integers(H // 10, H // 2)
                x = rng.integers(0, W - w)
                y = rng.integers(0, max(1, wb - h))
                img[y : y + h, x : x + w] = rng.uniform(40, 230)
                if rng.random() < 0.5:  # framed picture / window with a border
                    img[y + 2 : y + h - 2, x + 2 : x + w - 2] = rng.uniform(40, 230)
            img += rng.normal(0, 4.0, (H, W)).astype(np.float32)  # plaster and floor texture
            img[wb - max(2, H // 60) : wb] = rng.uniform(30, 80)  # skirting board
            tiles = ((np.arange(W)[None, :] // max(4, W // 12)) % 2) * 6.0
            img[wb:] += tiles
        else:
            img[wb - 1 : wb + 1] = wall_level * 0.8
        return np.clip(img, 0, 255)

    def gain_at(self, t: float) -> float:
        spec = self.spec
        g = 1.0 + spec.gain_drift * math.sin(2 * math.pi * t / max(self.duration_s, 1.0))
        if spec.exposure_jump != 1.0 and self._entry_t is not None:
            g *= 1.0 + (spec.exposure_jump - 1.0) * _ease((t - self._entry_t - 0.8) / 0.3)
        return g

    def render(self, i: int) -> np.ndarray:
        """Frame i as H x W uint8 (deterministic for the spec and i)."""
        return self._render(i / self.fps, i)

    def render_at(self, t_s: float) -> np.ndarray:
        """The frame at time t (looping over the clip), for a live demo camera."""
        t = t_s % self.duration_s
        return self._render(t, int(t_s * self.fps))

    def truth(self, i: int) -> FrameTruth:
        return self._truths[i]

    def _render(self, t: float, noise_key: int) -> np.ndarray:
        spec = self.spec
        img = self._bg.copy()
        rng = np.random.default_rng((spec.seed, noise_key))
        if spec.passerby:
            self._draw_passerby(img, t)
        _phase, j = self._joints(t)
        if j is not None:
            cover = np.zeros_like(img) if spec.shadow > 0 else None
            if spec.shadow > 0:
                self._floor_shadow(img, j)
            body = img.copy() if spec.shadow > 0.5 else None
            render_body(
                img,
                spec.body,
                j,
                kettlebell=spec.kettlebell,
                facing=spec.facing,
                px_per_m=self.px_per_m,
                cover=cover,
            )
            if body is not None and cover is not None:
                self._wall_shadow(img, body, cover)
        img *= self.gain_at(t)
        if spec.noise_sigma > 0:
            img += rng.normal(0.0, spec.noise_sigma, img.shape).astype(np.float32)
        if spec.jitter_px:
            dx, dy = (int(v) for v in rng.integers(-spec.jitter_px, spec.jitter_px + 1, 2))
            p = spec.jitter_px
            padded = np.pad(img, p, mode="edge")  # a shaken camera sees a little more, not a wrap
            img = padded[p + dy : p + dy + img.shape[0], p + dx : p + dx + img.shape[1]]
        return np.clip(img, 0, 255).astype(np.uint8)

    def _floor_shadow(self, img: np.ndarray, j) -> None:
        H, W = img.shape
        cx = j["ankle"][0] - (1 if self.spec.facing >= 0 else -1) * 0.05 * self.person_px
        cy = self.floor_y
        rx, ry = 0.3 * self.person_px, 0.035 * self.person_px
        y0, y1 = max(0, int(cy - 2 * ry)), min(H, int(cy + 2 * ry) + 1)
        x0, x1 = max(0, int(cx - 1.5 * rx)), min(W, int(cx + 1.5 * rx) + 1)
        if y0 >= y1 or x0 >= x1:
            return
        ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
        r2 = ((xs - cx) / rx) ** 2 + ((ys - cy) / ry) ** 2
        dark = 1.0 - 0.45 * self.spec.shadow * np.exp(-r2)
        img[y0:y1, x0:x1] *= dark

    def _wall_shadow(self, img: np.ndarray, before: np.ndarray, cover: np.ndarray) -> None:
        """A soft, faint shadow of the body on the wall behind, offset away from the light."""
        f = 1 if self.spec.facing >= 0 else -1
        dx = int(-f * 0.06 * self.person_px)
        sh = np.roll(cover, (int(0.02 * self.person_px), dx), axis=(0, 1))
        k = max(1, int(0.02 * self.person_px))
        c = np.cumsum(np.pad(sh, ((0, 0), (k, k)), mode="edge"), axis=1)
        sh = (c[:, 2 * k :] - c[:, : -2 * k]) / (2 * k)
        sh[int(self.wall_base_y) :] = 0.0
        shade = 1.0 - 0.25 * (self.spec.shadow - 0.5) * 2 * sh[:, : img.shape[1]] * (1.0 - cover)
        img *= shade
        del before

    def _draw_passerby(self, img: np.ndarray, t: float) -> None:
        spec = self.spec
        t0 = 0.35 * self.duration_s
        dur = 6.0
        if not (t0 <= t <= t0 + dur):
            return
        scale = 0.55
        px_per_m = self.px_per_m * scale
        far_floor = self.wall_base_y + 0.02 * self.person_px
        W = spec.width_px
        f = -1 if spec.facing >= 0 else 1
        x = (W + 40) * (t - t0) / dur - 20 if f > 0 else W + 20 - (W + 40) * (t - t0) / dur
        swing = 22.0 * math.sin(2 * math.pi * STEP_HZ * (t - t0))
        pose = Pose(torso_lean_deg=4.0, knee_bend_deg=10.0, stride_deg=swing, arm_swing_deg=0.8 * swing)
        shape = BodyShape(height_m=1.7, top_shade=110, legs_shade=90, skin_shade=160)
        j = joints(shape, pose, foot_x_px=x, floor_y_px=far_floor, px_per_m=px_per_m, facing=f)
        render_body(img, shape, j, kettlebell=False, facing=f, px_per_m=px_per_m)


def render_clip(spec: SceneSpec) -> tuple[np.ndarray, float, list[FrameTruth]]:
    """All frames (N x H x W uint8), the fps and the per-frame truth."""
    scene = Scene(spec)
    frames = np.empty((scene.n_frames, spec.height_px, spec.width_px), np.uint8)
    for i in range(scene.n_frames):
        frames[i] = scene.render(i)
    return frames, scene.fps, [scene.truth(i) for i in range(scene.n_frames)]


__all__ = ["HEAD_R", "FrameTruth", "Scene", "SceneSpec", "Segment", "render_clip"]
