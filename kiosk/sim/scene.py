"""Synthetic side-view scenes with per-frame and per-rep ground truth. numpy only.

A `Scene` renders any frame of a `SceneSpec` on demand (deterministic per spec and frame index), so it
serves the benchmark, the tests and the kiosk's live demo camera alike.

Beyond clean hinges the generator draws what real gyms show: knee-dominant pulls, hips-first ascents,
a rounded back, genuine squats (not reps), a camera turned up to 45 deg off side-on, a cluttered gym
wall with a full-size person walking past, a lifter standing still in view from the first frame and
50 Hz light flicker. Truth is always the main person's joint angles (`FrameTruth`, `RepTruth`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from kiosk.sim.body import (
    HEAD_R,
    HIP_H,
    BodyShape,
    Pose,
    capsule,
    hinge_pose,
    hip_angle_deg,
    joints,
    render_body,
    sagittal_angles,
)

# "still": standing without the slightest sway; "squat": a genuine squat (never a rep)
KINDS = ("empty", "walk_in", "stand", "rep", "partial", "walk_out", "fidget", "still", "squat")
# how a rep moves: "hinge" (hips back, knees soft), "knee" (knee-dominant: looks like a squat, the hips
# still go back), "hips_first" (the knees straighten first on the way up, the trunk stays forward)
STYLES = ("hinge", "knee", "hips_first")
HIPS_FIRST_MIN_LEAN_DEG = 40.0
# fault labels in RepTruth
KNEE_DOMINANT_DEG = 45.0  # bottom knee flexion at or above this, and not a hips-first ascent
ROUNDED_BACK_DEG = 15.0  # spine bow at or above this
TOO_FAST_DOWN_S = 0.8  # a descent below this and descent + ascent below TOO_FAST_S
TOO_FAST_S = 1.6  # (kiosk.core.form.FormSettings.too_fast_down_s, too_fast_s)
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
    style: str = "hinge"  # see STYLES
    knee_deg: float = 0.0  # "knee"/"hips_first"/squat: knee flexion at the bottom (0 = the style's default)
    lean_deg: float = 0.0  # "knee"/squat: trunk lean from vertical at the bottom
    bow_deg: float = 0.0  # rounded back: spine bow at the bottom (grows with depth)
    tip_deg: float = 0.0  # "hips_first": the trunk tips this much further while the knees straighten

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"segment kind {self.kind!r} is not one of {', '.join(KINDS)}")
        if self.style not in STYLES:
            raise ValueError(f"segment style {self.style!r} is not one of {', '.join(STYLES)}")


@dataclass(frozen=True)
class SceneSpec:
    seed: int
    width_px: int = 320
    height_px: int = 240
    fps: float = 15.0
    facing: int = 1
    body: BodyShape = field(default_factory=BodyShape)
    kettlebell: bool = False
    background: str = "textured"  # or "plain", or "gym" (racks, plates, a bench, mirror, posters)
    person_scale: float = 0.7  # standing height / frame height
    noise_sigma: float = 2.0
    gain_drift: float = 0.0  # amplitude of a slow global gain drift over the clip
    exposure_jump: float = 1.0  # global gain step as the person walks in (auto-exposure)
    shadow: float = 0.0  # 0..1 floor shadow; > 0.5 adds a faint wall shadow
    jitter_px: int = 0  # 1: random whole-frame 1-px camera shake
    passerby: bool = False  # a smaller person walking past behind
    passerby_scale: float = 0.55  # their size against the main person (1.0: right behind, full size)
    passerby_at: float = 0.35  # when they pass, as a fraction of the clip
    passerby_body: BodyShape | None = None  # None: mid-grey clothes
    passerby_in_front: bool = False  # they pass between the camera and the lifter (occluding)
    yaw_deg: float = 0.0  # camera turned this far from side-on toward the person's front (0..45)
    flicker: float = 0.0  # 50 Hz mains light: global brightness beat amplitude (0.03 = 3 %)
    flicker_bands: float = 0.0  # rolling-shutter horizontal bands, amplitude
    mains_hz: float = 50.0
    timeline: tuple[Segment, ...] = ()
    mark_x: float = 0.5
    wall_shade: float = 165.0
    floor_shade: float = 130.0
    label: str = ""
    category: str = ""  # benchmark category (kiosk.sim.library.CATEGORIES), "" outside it


@dataclass(frozen=True)
class FrameTruth:
    present: bool
    hip_angle_deg: float | None  # 3D joint angle shoulder-hip-knee (what counts reps)
    phase: str  # "empty", "walk", "stand", "hinge", "fidget", "squat"
    image_angle_deg: float | None = None  # the same angle in the image plane (differs when yawed)
    knee_deg: float | None = None  # knee flexion
    trunk_deg: float | None = None  # hip-shoulder line from vertical
    back_bow_deg: float = 0.0  # spine bow: angle between the lower and upper spine segments


@dataclass(frozen=True)
class RepTruth:
    """One full rep as performed, for counting and for form coaching."""

    start_frame: int
    bottom_frame: int  # the middle of the bottom hold
    end_frame: int  # back up: hip angle within 10 deg of standing (the count is due from here)
    bottom_hip_angle_deg: float
    bottom_knee_deg: float
    bottom_trunk_deg: float
    back_bow_deg: float
    faults: tuple[str, ...]  # "knee_dominant", "rounded_back", "hips_first", "too_fast"


def _ease(x: float) -> float:
    x = min(max(x, 0.0), 1.0)
    return 0.5 - 0.5 * math.cos(math.pi * x)


def _mix(a: Pose, b: Pose, u: float) -> Pose:
    return Pose(
        torso_lean_deg=a.torso_lean_deg + (b.torso_lean_deg - a.torso_lean_deg) * u,
        knee_bend_deg=a.knee_bend_deg + (b.knee_bend_deg - a.knee_bend_deg) * u,
        shin_share=a.shin_share + (b.shin_share - a.shin_share) * u,
        spine_bow_deg=a.spine_bow_deg + (b.spine_bow_deg - a.spine_bow_deg) * u,
    )


def bottom_pose(seg: Segment, posture_deg: float) -> Pose:
    """The pose at the bottom of a rep, partial or squat segment."""
    if seg.kind == "squat":  # trunk near vertical, hips straight down, knees far forward
        return Pose(torso_lean_deg=seg.lean_deg or 18.0, knee_bend_deg=seg.knee_deg or 110.0, shin_share=0.45)
    if seg.style == "knee":
        pose = Pose(torso_lean_deg=seg.lean_deg or 50.0, knee_bend_deg=seg.knee_deg or 60.0, shin_share=0.35)
    elif seg.style == "hips_first":
        hip_flex = posture_deg + (90.0 - posture_deg) * min(seg.depth, 1.2)
        knee = seg.knee_deg or 38.0
        # a pull from the floor keeps the chest over the bell however bent the knees: the trunk leans
        # at least HIPS_FIRST_MIN_LEAN_DEG (the real hips-first set, tby_0016h_1, 47-68 deg)
        pose = Pose(torso_lean_deg=max(hip_flex - 0.7 * knee, HIPS_FIRST_MIN_LEAN_DEG), knee_bend_deg=knee)
    else:
        pose = hinge_pose(seg.depth, posture_deg=posture_deg)
    return replace(pose, spine_bow_deg=seg.bow_deg)


def _segment_pose(seg: Segment, tau: float, posture_deg: float) -> Pose | None:
    """Pose `tau` s into a styled rep/partial/squat; None once it is over (standing)."""
    top = Pose(torso_lean_deg=posture_deg)
    low = bottom_pose(seg, posture_deg)
    d_s, b_s, a_s = seg.descent_s, seg.bottom_s, seg.ascent_s
    if tau < d_s:
        return _mix(top, low, _ease(tau / d_s))
    if tau < d_s + b_s:
        return low
    if tau >= d_s + b_s + a_s:
        return None
    v = (tau - d_s - b_s) / a_s
    if seg.style == "hips_first" and seg.kind != "squat":
        # first the knees straighten and the hips rise while the trunk stays forward (or tips)
        mid = replace(
            low, torso_lean_deg=low.torso_lean_deg + seg.tip_deg, knee_bend_deg=0.2 * low.knee_bend_deg
        )
        split = 0.45
        if v < split:
            return _mix(low, mid, _ease(v / split))
        return _mix(mid, top, _ease((v - split) / (1 - split)))
    return _mix(low, top, _ease(v))


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
        self.rep_truths: list[RepTruth] = []
        post = spec.body.posture_deg
        for k, seg in enumerate(spec.timeline):
            if seg.kind != "rep":
                continue
            low = bottom_pose(seg, post)
            if seg.style == "hinge" and not seg.bow_deg:
                bottom = 180.0 - post - (90.0 - post) * min(seg.depth, 1.2)
            else:
                bottom = sagittal_angles(low, spec.body)["hip_angle_deg"]
            if bottom > 120.0:
                continue
            t_bottom = self._starts[k] + seg.descent_s
            i = math.ceil(t_bottom * self.fps)
            while i < self.n_frames:
                a = self._truths[i].hip_angle_deg
                if a is not None and a >= stand - 10.0:
                    break
                i += 1
            faults = []
            # (a hips-first ascent from knees bent as far is that fault, not knee-dominant: the knees
            # straighten first instead of staying bent while the chest rises - kiosk.core.form)
            if low.knee_bend_deg >= KNEE_DOMINANT_DEG and seg.style != "hips_first":
                faults.append("knee_dominant")
            if seg.bow_deg >= ROUNDED_BACK_DEG:
                faults.append("rounded_back")
            if seg.style == "hips_first":
                faults.append("hips_first")
            if seg.descent_s < TOO_FAST_DOWN_S and seg.descent_s + seg.ascent_s < TOO_FAST_S:
                faults.append("too_fast")
            self.rep_truths.append(
                RepTruth(
                    start_frame=min(int(self._starts[k] * self.fps), self.n_frames - 1),
                    bottom_frame=min(int((t_bottom + seg.bottom_s / 2) * self.fps), self.n_frames - 1),
                    end_frame=min(i, self.n_frames - 1),
                    bottom_hip_angle_deg=float(bottom),
                    bottom_knee_deg=low.knee_bend_deg,
                    bottom_trunk_deg=low.torso_lean_deg,
                    back_bow_deg=low.spine_bow_deg,
                    faults=tuple(faults),
                )
            )
        self.true_reps = len(self.rep_truths)
        self.rep_end_frames: list[int] = [r.end_frame for r in self.rep_truths]

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
        if seg.kind == "still":
            return "stand", mark, Pose(torso_lean_deg=post)
        if seg.kind == "squat" or seg.style != "hinge" or seg.bow_deg:
            pose = _segment_pose(seg, tau, post)
            if pose is None:
                return "stand", mark, Pose(torso_lean_deg=post + 0.5 * sway)
            return ("squat" if seg.kind == "squat" else "hinge"), mark, pose
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

    def _joints(self, t: float, *, yaw: bool = True):
        """(phase, joints in image px or None, pose); `yaw=False`: as if the camera were side-on."""
        phase, x, pose = self._state(t)
        if phase == "empty":
            return phase, None, pose
        j = joints(
            self.spec.body,
            pose,
            foot_x_px=x,
            floor_y_px=self.floor_y,
            px_per_m=self.px_per_m,
            facing=self.spec.facing,
            yaw_deg=self.spec.yaw_deg if yaw else 0.0,
        )
        return phase, j, pose

    def _truth_at(self, t: float) -> FrameTruth:
        phase, j, pose = self._joints(t)
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
        image = hip_angle_deg(j)
        joint = hip_angle_deg(self._joints(t, yaw=False)[1]) if self.spec.yaw_deg else image
        return FrameTruth(
            True,
            joint,
            phase,
            image_angle_deg=image,
            knee_deg=pose.knee_bend_deg,
            trunk_deg=pose.torso_lean_deg,
            back_bow_deg=pose.spine_bow_deg,
        )

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
        elif spec.background == "gym":
            self._gym(img, rng, wb)
        else:
            img[wb - 1 : wb + 1] = wall_level * 0.8
        return np.clip(img, 0, 255)

    def _gym(self, img: np.ndarray, rng: np.random.Generator, wb: int) -> None:
        """A gym wall: a mirror, posters, a power rack with a loaded bar, a plate tree, a bench."""
        H, W = img.shape
        P = self.person_px
        wall = self.spec.wall_shade
        # mirror: a wide bright panel with a frame and a soft streaky reflection of the room
        mw = int(rng.uniform(0.3, 0.6) * W)
        mx = int(rng.integers(0, max(1, W - mw)))
        my0, my1 = int(max(0, wb - 0.9 * P)), wb - 2
        if my1 > my0 + 4:
            streaks = 18.0 * np.sin(np.arange(mw, dtype=np.float32) * rng.uniform(0.05, 0.2))[None, :]
            img[my0:my1, mx : mx + mw] = np.clip(wall + rng.uniform(20, 50), 0, 250) + streaks
            img[my0 : my0 + 2, mx : mx + mw] = img[my1 - 2 : my1, mx : mx + mw] = rng.uniform(40, 90)
        for _ in range(int(rng.integers(1, 4))):  # posters with text-like stripes
            w, h = int(rng.uniform(0.06, 0.15) * W), int(rng.uniform(0.1, 0.25) * H)
            x, y = int(rng.integers(0, W - w)), int(rng.integers(0, max(1, wb - h - int(0.3 * P))))
            img[y : y + h, x : x + w] = rng.uniform(30, 230)
            for r in range(y + 3, y + h - 3, 5):
                img[r : r + 2, x + 3 : x + w - 3] = rng.uniform(20, 240)
        post_shade = float(rng.uniform(25, 70))
        # power rack: two uprights to the top of the frame, a crossbar, a bar with edge-on plates
        rx = int(rng.uniform(0.05, 0.75) * W)
        rw = int(rng.uniform(0.15, 0.3) * W)
        pw = max(2, int(0.025 * P))
        foot = min(H, wb + int(0.06 * P))
        for x in (rx, min(W - pw, rx + rw)):
            img[0:foot, x : x + pw] = post_shade
        img[int(0.05 * H) : int(0.05 * H) + pw, rx : rx + rw + pw] = post_shade
        bar_y = int(wb - rng.uniform(0.6, 0.8) * P)
        bx0, bx1 = max(0, rx - int(0.15 * P)), min(W, rx + rw + pw + int(0.15 * P))
        img[bar_y : bar_y + max(1, int(0.012 * P)), bx0:bx1] = 150.0
        plate = float(rng.uniform(20, 60))
        for x in (bx0, bx1 - int(0.05 * P)):
            img[max(0, int(bar_y - 0.12 * P)) : int(bar_y + 0.12 * P), x : x + int(0.05 * P)] = plate
        # a plate tree, face-on discs
        tx = float(rng.uniform(0.05, 0.95) * W)
        img[int(wb - 0.45 * P) : foot, int(tx) - pw // 2 : int(tx) + pw // 2 + 1] = post_shade
        for k in range(int(rng.integers(2, 4))):
            r = 0.12 * P * (1 - 0.2 * k)
            yc = wb - 0.12 * P - 0.15 * P * k
            capsule(img, (tx, yc), (tx, yc), r, r, float(rng.uniform(20, 70)))
            capsule(img, (tx, yc), (tx, yc), 0.03 * P, 0.03 * P, 120.0)
        # a flat bench on the floor a little in front of the wall
        bw = int(rng.uniform(0.2, 0.35) * W)
        bx = int(rng.integers(0, max(1, W - bw)))
        top = int(wb + 0.05 * P - 0.25 * P)
        img[top : top + max(2, int(0.05 * P)), bx : bx + bw] = float(rng.uniform(15, 60))
        for x in (bx + 2, bx + bw - pw - 2):
            img[top : min(H, wb + int(0.05 * P)), x : x + pw] = post_shade
        img += rng.normal(0, 3.0, (H, W)).astype(np.float32)

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

    def flicker_at(self, t: float) -> np.ndarray:
        """Per-row brightness factor (H x 1) of 50 Hz lighting at time t: the light pulses at twice the
        mains frequency; a global beat against the frame rate plus rolling-shutter bands (the rows are
        read out over 25 ms) that drift from frame to frame."""
        spec = self.spec
        w = 2 * math.pi * 2 * spec.mains_hz
        rows = (np.arange(spec.height_px, dtype=np.float32)[:, None] + 0.5) / spec.height_px * 0.025
        g = 1.0 + spec.flicker * math.sin(w * t + 0.7)
        return (g + spec.flicker_bands * np.sin(w * (t + rows) + spec.seed)).astype(np.float32)

    def _render(self, t: float, noise_key: int) -> np.ndarray:
        spec = self.spec
        img = self._bg.copy()
        rng = np.random.default_rng((spec.seed, noise_key))
        if spec.passerby and not spec.passerby_in_front:
            self._draw_passerby(img, t)
        _phase, j, _pose = self._joints(t)
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
                yaw_deg=spec.yaw_deg,
            )
            if body is not None and cover is not None:
                self._wall_shadow(img, body, cover)
        if spec.passerby and spec.passerby_in_front:
            self._draw_passerby(img, t)
        img *= self.gain_at(t)
        if spec.flicker or spec.flicker_bands:
            img *= self.flicker_at(t)
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
        t0 = spec.passerby_at * self.duration_s
        dur = 6.0
        if not (t0 <= t <= t0 + dur):
            return
        scale = spec.passerby_scale
        px_per_m = self.px_per_m * scale
        # full size walks just behind the lifter (or just in front); the default small one by the wall
        near = (scale - 0.55) / 0.45
        if spec.passerby_in_front:
            far_floor = self.floor_y + 0.04 * self.person_px
        else:
            far_floor = self.wall_base_y + 0.02 * self.person_px
            far_floor += near * (self.floor_y - 0.03 * self.person_px - far_floor)
        W = spec.width_px
        m = 20 + max(0.0, near) * 0.3 * self.person_px
        f = -1 if spec.facing >= 0 else 1
        x = (W + 2 * m) * (t - t0) / dur - m if f > 0 else W + m - (W + 2 * m) * (t - t0) / dur
        swing = 22.0 * math.sin(2 * math.pi * STEP_HZ * (t - t0))
        pose = Pose(torso_lean_deg=4.0, knee_bend_deg=10.0, stride_deg=swing, arm_swing_deg=0.8 * swing)
        shape = spec.passerby_body or BodyShape(height_m=1.7, top_shade=110, legs_shade=90, skin_shade=160)
        j = joints(shape, pose, foot_x_px=x, floor_y_px=far_floor, px_per_m=px_per_m, facing=f)
        render_body(img, shape, j, kettlebell=False, facing=f, px_per_m=px_per_m)


def render_clip(spec: SceneSpec) -> tuple[np.ndarray, float, list[FrameTruth]]:
    """All frames (N x H x W uint8), the fps and the per-frame truth."""
    scene = Scene(spec)
    frames = np.empty((scene.n_frames, spec.height_px, spec.width_px), np.uint8)
    for i in range(scene.n_frames):
        frames[i] = scene.render(i)
    return frames, scene.fps, [scene.truth(i) for i in range(scene.n_frames)]


__all__ = [
    "HEAD_R",
    "KINDS",
    "STYLES",
    "FrameTruth",
    "RepTruth",
    "Scene",
    "SceneSpec",
    "Segment",
    "render_clip",
]
