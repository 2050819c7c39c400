"""Frames in, numbers out: background model -> silhouette -> person -> body model -> hip angle.

Pure numpy. One `HipEstimator` per camera; call `process(frame, t_s)` from one thread, one frame at a
time, in order, with the frame's monotonic time. Frames are grayscale H x W uint8 (160x120 .. 640x480,
either orientation).

How the angle is measured: an articulated side-view body (shin, thigh, trunk, head; lengths from the
person's standing height, the ankle anchored where the feet stand) is fitted to the silhouette each
frame, near the last frame's pose (`kiosk.core.body_fit`). The hip angle is the angle at the fitted
hip joint between the thigh and the trunk (180 = standing tall), the knee flexion and the trunk's
lean come from the same fit. Arms, hands and a kettlebell hang in front of the body; the fit matches
only the back outlines (calf, hamstrings and seat, the back), so they do not pull it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from kiosk.core.body_fit import (
    ANKLE_H,
    HEEL_BEHIND_ANKLE,
    BodyModel,
    FitPose,
    Fitter,
    back_bow_deg,
    fit,
    signed_distance,
)

# A body is not the model: a person's own shape biases the fitted angle by a few degrees, the same
# standing and at depth. Standing tall (what the calibration asks for) is taken to be this angle, and
# the difference corrects every reading for this person (within limits).
STANDING_REF_DEG = 177.0
MAX_CORRECTION_DEG = 6.0

# The view: below this widening per unit of drop (1.2 side-on, 0.8 at 45 deg, 0.55 at 60, 0 facing the
# camera) the camera is too frontal to measure a hinge - about 65 deg off side-on.
VIEW_FRONTAL_BELOW = 0.4
VIEW_BENT_FRAC = 0.85  # frames with the silhouette below this fraction of standing height are judged
VIEW_SAMPLES = 30  # the judgement is the median of this many recent bent frames
VIEW_MIN_SAMPLES = 8
BOW_BELOW_DEG = 150.0  # the back's bow is measured in a hinge (a rounded back matters under load)
FACING_SWITCH_RATIO = 0.7  # the other facing's fit must cost under this share to be taken
# With someone's image still in the background, revealed wall is absorbed where it matches the wall
# beside them within this many gray levels plus this share of that wall's level.
WALL_BESIDE_TOL = (10.0, 0.03)
# someone seen leaving at a side edge: the edge must clear within this long (s) - see _after_exit
EXIT_CLEAR_S = 1.0
EXIT_SPECKS = 0.1  # ... and hold fewer foreground pixels than this share of the frame's height
EXIT_TRACKED_S = 3.0  # ... and they were followed this long to the edge without a jump to another blob
MAX_FIT_COST = 2.5  # mean cost per model sample above which the body model does not fit the silhouette


@dataclass(frozen=True)
class VisionSettings:
    """Tuning of the estimator. Defaults suit a person 2.5-4 m from a Pi camera at hip height."""

    analysis_max_px: int = 320  # frames whose longer side exceeds this are downsampled by an integer factor
    diff_threshold: float = 9.0  # gray levels (after tone compensation) that make a pixel foreground
    noise_factor: float = 3.5  # ... or this many times the measured noise, whichever is larger
    diff_relative: float = 0.03  # plus this fraction of the background level (bright walls are noisier)
    shadow_ratio: tuple[float, float] = (0.55, 0.96)  # darker-than-background ratios treated as shadow
    learn_rate: float = 0.04  # background update per frame where nobody is
    ghost_threshold: float = 10.0  # revealed background matching its neighbours is absorbed (gray levels)
    min_height_frac: float = 0.28  # a person is at least this fraction of the frame height
    min_fill: float = 0.12  # silhouette pixels / bounding box area
    edge_margin_px: int = 2  # a silhouette touching the side edges is not fully in view
    # Started with no empty room seen: the room counts as empty when nothing has moved for
    # still_room_s, or when someone who was in view has been gone for empty_room_s.
    still_room_s: float = 60.0
    still_start_s: float = 3.0  # someone standing still from the start is looked for this long
    empty_room_s: float = 3.0


@dataclass(frozen=True)
class Observation:
    """What one frame shows. Coordinates are frame pixels (x right, y down)."""

    present: bool
    hip_angle_deg: float | None
    confidence: float  # 0..1; 0 when no angle
    reason: str  # why there is no angle ("" when there is one)
    mask: np.ndarray  # bool silhouette at analysis resolution (frame size / scale)
    scale: int  # one mask pixel = scale x scale frame pixels
    facing: int = 0  # +1 faces +x (right), -1 faces left, 0 unknown
    seat_xy: tuple[float, float] | None = None
    knee_xy: tuple[float, float] | None = None  # end of the thigh line
    shoulder_xy: tuple[float, float] | None = None  # end of the torso line
    bbox: tuple[int, int, int, int] | None = None  # x0, y0, x1, y1 (exclusive), frame pixels
    ankle_xy: tuple[float, float] | None = None
    knee_deg: float | None = None  # knee flexion (0 = straight leg)
    trunk_deg: float | None = None  # trunk (hip -> shoulder) lean from vertical, forward > 0
    back_bow_deg: float | None = None  # bend of the back's outline (> 0 rounded); None: not seen or upright
    too_frontal: bool = False  # the camera sees this person from too far in front to measure a hinge


@dataclass
class _Track:
    standing_height_px: float = 0.0
    facing: int = 0
    facing_votes: float = 0.0
    facing_fit: int = 0  # facing the body model showed (it fitted only the other way round); 0 none
    facing_fit_votes: int = 0  # bent frames the body fitted only the other way round (since it last
    # fitted, bent, this way round)
    toe_votes: int = 0  # standing frames whose feet point +x, less those pointing -x (clipped +-10)
    floor_y: float = -1.0  # lowest silhouette row seen (analysis px), the feet
    ankle_x: float = -1.0  # where the ankle stands (analysis px, frame coordinates); < 0 unknown
    fits: int = 0  # frames with a fitted pose
    standing_reading_deg: float = 177.0  # what the model reads while this person stands tall
    standing_n: int = 0
    velocity: tuple[float, float, float] = (0.0, 0.0, 0.0)  # shin, thigh, trunk: degrees per frame
    tall_px: float = 0.0  # the tallest silhouette of late (analysis px): the view's reference
    standing_width_px: float = 0.0  # bounding-box width while standing tall (analysis px)
    spread: list[float] = field(default_factory=list)  # recent bent frames' widening per unit drop
    too_frontal: bool = False
    pose: FitPose | None = None  # last frame's fitted pose: the next search starts there


def _shift_or(m: np.ndarray) -> np.ndarray:
    """3x3 cross dilation."""
    out = m.copy()
    out[1:] |= m[:-1]
    out[:-1] |= m[1:]
    out[:, 1:] |= m[:, :-1]
    out[:, :-1] |= m[:, 1:]
    return out


def _shift_and(m: np.ndarray) -> np.ndarray:
    """3x3 cross erosion."""
    out = m.copy()
    out[1:] &= m[:-1]
    out[:-1] &= m[1:]
    out[:, 1:] &= m[:, :-1]
    out[:, :-1] &= m[:, 1:]
    out[0] = out[-1] = False
    out[:, 0] = out[:, -1] = False
    return out


def _count(m: np.ndarray, axis: int) -> np.ndarray:
    """True pixels per column (axis 0) or row (axis 1): the bytes summed, a third of count_nonzero's
    cost along an axis."""
    return np.add.reduce(m.view(np.uint8), axis=axis, dtype=np.int16 if m.shape[axis] < 32768 else np.int32)


def _nonzero2(m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """np.nonzero of a 2-D bool array (rows, columns; the same order), from the flat indices: a fifth
    of np.nonzero's cost on 2-D arrays."""
    flat = np.flatnonzero(m)  # (copies a view to C order first)
    w = m.shape[1]
    ys = flat // w
    return ys, flat - ys * w


def _main_span(m: np.ndarray, near: tuple[int, int] | None = None) -> tuple[int, int, int, int] | None:
    """Bounding box (x0, y0, x1, y1) of the heaviest run of occupied columns, narrow gaps bridged;
    with `near` (columns x0, x1), the heaviest of the runs overlapping those, if any does."""
    rows = np.flatnonzero(m.any(axis=1))  # (the columns are counted only over the occupied rows)
    if rows.size == 0:
        return None
    cols = _count(m[rows[0] : rows[-1] + 1], 0)
    if cols.max() < 2:
        return None
    x0, x1 = _heaviest_run(cols, 2, max(2, m.shape[1] // 80), near)
    rows = _count(m[:, x0:x1], 1)
    y0, y1 = _heaviest_run(rows, 1, max(2, m.shape[0] // 30))
    return x0, y0, x1, y1


def _heaviest_run(
    profile: np.ndarray, min_count: int, gap: int, near: tuple[int, int] | None = None
) -> tuple[int, int]:
    """The run of profile >= min_count with the largest sum, bridging gaps up to `gap` long (the
    first of equal sums); with `near` (start, end), only runs overlapping it compete, if any does."""
    idx = np.flatnonzero(profile >= min_count)
    # a new run starts where the next qualifying index is more than `gap` beyond the previous run
    step = idx[1:] - idx[:-1]
    if step.size == 0 or int(step.max()) <= gap + 1:  # one run (the usual case): no sums needed
        return int(idx[0]), int(idx[-1]) + 1
    cut = np.flatnonzero(step > gap + 1)
    starts = idx[np.concatenate(([0], cut + 1))]
    ends = idx[np.append(cut, idx.size - 1)] + 1
    csum = np.concatenate(([0], np.cumsum(profile)))
    sums = csum[ends] - csum[starts]
    if near is not None:
        overlap = (starts < near[1]) & (ends > near[0])
        if overlap.any():
            sums = np.where(overlap, sums, -1)
    g = int(np.argmax(sums))
    return int(starts[g]), int(ends[g])


def _median(v: np.ndarray) -> float:
    """Median by partition (no sort, no copy of the caller's array); the upper middle value of an even
    count."""
    k = v.size // 2
    return float(np.partition(v, k)[k])


def _median_exact(v: np.ndarray) -> float:
    """np.median of a non-empty 1-D array (the mean of the two middle values of an even count), by
    partition: a fifth of np.median's cost on a short array."""
    k = v.size // 2
    if v.size % 2:
        return float(np.partition(v, k)[k])
    p = np.partition(v, (k - 1, k))
    return 0.5 * (float(p[k - 1]) + float(p[k]))


class BackgroundModel:
    """Per-pixel background with gain compensation, shadow suppression and ghost absorption.

    Where the silhouette is, the background is never updated, so a person standing still for minutes
    stays in the mask. Where a person stood when the camera started (no empty room was ever seen),
    the background holds their image; once they move, the revealed wall matches its neighbours and is
    absorbed from the edges inward ("ghost" removal), a pixel per frame.
    """

    def __init__(self, settings: VisionSettings) -> None:
        self._s = settings
        self._bg: np.ndarray | None = None
        self._fg_prev: np.ndarray | None = None
        self.gain = 1.0
        self.offset = 0.0
        self.noise = 2.0  # gray levels, robust estimate of per-pixel noise against the background
        # Start-up without an empty room: pixels never seen as empty are "unverified" and are judged
        # against their row's background level instead (works on a plain wall, not on a busy one).
        self._unverified: np.ndarray | None = None
        self._boot = "undecided"  # -> "empty" (normal) or "occupied" (someone was in view at start)
        self._boot_votes = 0
        self._still_votes = 0
        self._row_level: np.ndarray | None = None
        self._frame_no = 0
        self._t_s = 0.0
        self._t_start_s = 0.0
        self._t_quiet_s: float | None = None  # since when the room has looked empty (occupied start)
        self._last_span: tuple[int, int, int, int] | None = None
        self._bg_clipped: np.ndarray | None = None  # background pixels learnt from clipped readings
        self.differs: np.ndarray | None = None  # last frame's pixels off the background, by difference alone

    def relearn(self) -> None:
        """Forget the background; the next frame becomes the new empty-room estimate."""
        self._bg = None
        self._fg_prev = None

    @property
    def occupied_start(self) -> bool:
        """True while the model suspects someone was already in view when it started learning."""
        return self._boot == "occupied"

    def apply(self, img: np.ndarray, t_s: float, *, person_mask: np.ndarray | None = None) -> np.ndarray:
        """Return the foreground mask for `img` (float32) seen at `t_s` (monotonic seconds) and
        learn from it."""
        self._t_s = t_s
        s = self._s
        if self._bg is None or self._bg.shape != img.shape:
            self._bg = img.copy()
            self._bg_clipped = (img >= 254.0) if self._saturates(img) else None  # learnt from a clip
            self._fg_prev = np.zeros(img.shape, bool)
            self.differs = self._fg_prev
            self._unverified = np.ones(img.shape, bool)
            self._boot, self._boot_votes, self._still_votes = "undecided", 0, 0
            self._row_level = np.median(img[:, ::2], axis=1).astype(np.float32)[:, None]
            self._frame_no = 0
            self._t_start_s = t_s
            self._t_quiet_s = None
            self._last_span = None
            self.gain, self.offset, self.noise = 1.0, 0.0, 2.0
            self._update_range()
            return self._fg_prev.copy()
        self._frame_no += 1
        bg = self._bg
        # Global tone change: auto-exposure and light drift. Fit img = a*bg + b on last frame's
        # background pixels (sparse grid) so a dark person walking in does not bias it; saturated
        # pixels (a white wall at 255) are left out because they cannot follow a brighter exposure.
        grid = (slice(2, None, 8), slice(2, None, 8))
        gb = bg[grid]
        gi = img[grid]
        sample = ~self._fg_prev[grid] & (gb < 245) & (gi < 245)
        a, b = self.gain, self.offset
        if np.count_nonzero(sample) > 30:
            x = gb[sample]
            y = gi[sample]
            # Robust: exposure scales the image (a), a camera's black level or tone curve shifts it
            # a little (b). Medians ignore a person's edge or a flickering lamp in the sample.
            a = min(max(_median(y / np.maximum(x, 8.0)), 0.4), 2.5)
            b = _median(y - a * x)
            rows_gain = self._row_gain(gb, gi, sample, a, b, img.shape[0])
            if rows_gain is not None:
                a = a * rows_gain  # (H, 1): rolling-shutter flicker bands
                y = y / rows_gain[2::8][np.nonzero(sample)[0]][:, 0]
            # Noise (sensor noise, texture shimmer) sets the threshold; measured outside the local
            # range, like the foreground test below.
            if self._boot != "occupied":
                lo_s, hi_s = self._bg_lo[grid][sample], self._bg_hi[grid][sample]
            else:
                lo_s = hi_s = x
            a0 = a if np.ndim(a) == 0 else float(np.mean(a))
            res = np.maximum(np.maximum(y - (a0 * hi_s + b), (a0 * lo_s + b) - y), 0.0)
            # The 90th percentile (not the median) also catches a tone response that is not quite
            # affine in places (a real camera's gamma and vignetting), which then flickers.
            k90 = int(res.size * 0.9)
            k_n = 0.5 if self._frame_no < 10 else 0.1  # settle fast after (re)learning
            self.noise += k_n * (float(np.partition(res, k90)[k90]) / 1.645 - self.noise)
        self.gain, self.offset = (a if np.ndim(a) == 0 else float(np.mean(a))), b
        # Work in background units: the frame with the tone change undone.
        cur = (img - b) * (1.0 / a)
        thr = max(s.diff_threshold, s.noise_factor * self.noise) / self.gain
        # A pixel differs only if it leaves the range of the background around it (3x3): a camera
        # that shakes by a pixel moves every edge by a pixel, and that is not a person.
        # (Not while someone's image may still be in the background: its edges would blind it.)
        if self._boot != "occupied":
            diff = np.maximum(cur, self._bg_lo)
            np.minimum(diff, self._bg_hi, out=diff)
            np.subtract(cur, diff, out=diff)
        else:
            diff = cur - bg
        clipped = img >= 254.0 if self._saturates(img) else None
        if clipped is not None:
            # under a brighter exposure a white wall clips at 255: darker than "expected" is not a person
            np.maximum(diff, 0.0, out=diff, where=clipped)
            if self._bg_clipped is not None:
                # and where the wall was learnt from clipped readings too, its true brightness is not
                # known: as the exposure drifts, brighter than "expected" is not a person either
                diff[clipped & self._bg_clipped] = 0.0
        fg = np.abs(diff) - s.diff_relative * bg > thr
        if self._boot == "empty":  # needs a background that really is the empty room
            self._add_faint(fg, diff, thr, person_mask)
        # Learn where nobody is (slow drift), never under the person: not even inside their bounding
        # box, where clothing close to the wall's shade would otherwise fade into the background.
        keep = _shift_or(fg)
        if person_mask is not None:
            prow = np.flatnonzero(person_mask.any(axis=1))
            if prow.size:
                pcol = np.flatnonzero(person_mask.any(axis=0))
                keep[max(0, prow[0] - 3) : prow[-1] + 4, max(0, pcol[0] - 3) : pcol[-1] + 4] = True
        if clipped is not None:  # which learnt pixels were clipped
            if self._bg_clipped is None:
                self._bg_clipped = np.zeros(img.shape, bool)
            np.copyto(self._bg_clipped, clipped, where=~keep)
        elif self._bg_clipped is not None:  # nothing clipped this frame: what is learnt now is not
            self._bg_clipped[~keep] = False
            if not self._bg_clipped.any():
                self._bg_clipped = None
        delta = cur - bg
        delta[keep] = 0.0
        # the first frames after (re)learning average out the first frame's own noise
        delta *= max(s.learn_rate, 1.0 / (self._frame_no + 1)) if self._frame_no < 25 else s.learn_rate
        bg += delta
        if self._frame_no % 16 == 0 and self._boot != "occupied":
            self._update_range()
        ghost = np.zeros_like(fg)
        rows = np.flatnonzero(fg.any(axis=1))
        if rows.size:
            cols = np.flatnonzero(fg.any(axis=0))
            h, w = fg.shape
            win = (
                slice(max(0, rows[0] - 1), min(h, rows[-1] + 2)),
                slice(max(0, cols[0] - 1), min(w, cols[-1] + 2)),
            )
            # Floor shadows lie around the feet: look for them only near the bottom of the person.
            if person_mask is not None and person_mask.any():
                prow = np.flatnonzero(person_mask.any(axis=1))
                floor_from = int(prow[-1] - 0.15 * (prow[-1] - prow[0]))
            else:
                floor_from = int(0.65 * h)
            self._clean_window(
                fg[win], cur[win], bg[win], diff[win], cur[win], bg[win], ghost[win], win[0].start, floor_from
            )
        self.differs = fg  # what differs from the background (the still parts below not added)
        fg = self._boot_logic(fg, cur, ghost)
        self._fg_prev = fg
        return fg

    @staticmethod
    def _row_gain(gb, gi, sample, a: float, b: float, height: int) -> np.ndarray | None:
        """Per-row gain (H x 1) when the light flickers in horizontal bands (mains lighting read out
        row by row), from each sample row's mean ratio to the global fit; None when rows agree."""
        n = sample.sum(axis=1)
        ok = n >= 6
        if ok.sum() < 4:
            return None
        # each sample row's median ratio to the global fit (NaN sorts last)
        q = np.sort(np.where(sample, (gi - b) / np.maximum(a * gb, 8.0), np.nan), axis=1)
        f = q[np.arange(q.shape[0]), n // 2]
        f = f[ok]
        if f.size < 6 or float(np.abs(f - 1.0).max()) < 0.02:
            return None
        # Bands are smooth over many rows; camera shake and noise scatter row by row: only a
        # smooth pattern is corrected.
        smooth = np.convolve(np.pad(f, 1, mode="edge"), np.full(3, 1.0 / 3.0), mode="valid")
        if float(np.std(f - smooth)) > 0.4 * float(np.std(smooth - 1.0)):
            return None
        ok_rows = np.flatnonzero(ok)
        rows = 2 + 8 * ok_rows
        return np.interp(np.arange(height), rows, smooth).astype(np.float32)[:, None]

    def _update_range(self) -> None:
        """3x3 minimum and maximum of the background (the range a 1-px camera shake can produce)."""
        bg = self._bg
        assert bg is not None
        p = np.pad(bg, 1, mode="edge")
        rmin = np.minimum(np.minimum(p[:, :-2], p[:, 1:-1]), p[:, 2:])
        rmax = np.maximum(np.maximum(p[:, :-2], p[:, 1:-1]), p[:, 2:])
        self._bg_lo = np.minimum(np.minimum(rmin[:-2], rmin[1:-1]), rmin[2:])
        self._bg_hi = np.maximum(np.maximum(rmax[:-2], rmax[1:-1]), rmax[2:])

    def _saturates(self, img: np.ndarray) -> bool:
        """Whether the frame has clipped highlights (checked on a sparse grid, cheaply)."""
        return bool((img[::4, ::4] >= 254.0).any())

    def _add_faint(
        self, fg: np.ndarray, diff: np.ndarray, thr: float, person_mask: np.ndarray | None
    ) -> None:
        """Clothing a few gray levels off the wall: averaged over 6x6 pixels the noise drops six-fold,
        so a faint but consistent difference shows. Searched only around the strong foreground and
        last frame's person, and only where the pixel itself leans the same way (keeps edges sharp)."""
        h, w = fg.shape
        near = fg if person_mask is None else (fg | person_mask)
        rows = np.flatnonzero(near.any(axis=1))
        if rows.size == 0:
            return
        cols = np.flatnonzero(near.any(axis=0))
        py, px = int(0.2 * h), int(0.1 * w)
        # (reaching far up: with only the legs found so far, the faint torso sits above them)
        y0, y1 = max(0, rows[0] - 2 * py), min(h, rows[-1] + 1 + py)
        x0, x1 = max(0, cols[0] - px), min(w, cols[-1] + 1 + px)
        y1 -= (y1 - y0) % 2
        x1 -= (x1 - x0) % 2
        if y1 - y0 < 6 or x1 - x0 < 6:
            return
        d = diff[y0:y1, x0:x1]
        # mean over 6x6 pixels: 2x2 blocks, then 3x3 of those (at half resolution, four times cheaper)
        q = d[0::2, 0::2] + d[1::2, 0::2] + d[0::2, 1::2] + d[1::2, 1::2]
        box = q.copy()
        box[1:] += q[:-1]
        box[:-1] += q[1:]
        row = box.copy()
        box[:, 1:] += row[:, :-1]
        box[:, :-1] += row[:, 1:]
        t_box, t_px = 36.0 * max(0.35 * thr, 2.5 * self.noise / 6 + 2.0), 0.15 * thr  # box = 36 x the mean
        # faint: the 6x6 mean clearly off the wall, and the pixel itself off it the same way. Each
        # half-resolution flag covers 2x2 pixels: a row pair of bool bytes read as one uint16, so the
        # flag (as 0x0101) spreads over both by broadcasting along whole rows.
        h2, w2 = box.shape
        pos = (box > t_box).view(np.uint8).astype(np.uint16)
        pos *= 257
        neg = (box < -t_box).view(np.uint8).astype(np.uint16)
        neg *= 257
        faint = (d > t_px).view(np.uint16).reshape(h2, 2, w2)
        faint &= pos[:, None, :]
        darker = (d < -t_px).view(np.uint16).reshape(h2, 2, w2)
        darker &= neg[:, None, :]
        faint |= darker
        fg[y0:y1, x0:x1] |= faint.reshape(d.shape[0], w2).view(bool)

    def _clean_window(self, fg, img, ref, diff, cur, bg, ghost, y0: int, floor_from: int) -> None:
        """Within the foreground's bounding box: drop shadows, absorb ghosts (arrays are views)."""
        s = self._s
        # Shadows darken the background by a moderate ratio and keep its texture; a body replaces it.
        # Mid-grey clothing on a light wall has the same ratio, so only floor rows near the feet
        # are searched (a faint wall shadow stays under the threshold anyway).
        lo, hi = s.shadow_ratio
        r0 = max(0, floor_from - y0)
        f_img, f_ref = img[r0:], ref[r0:]
        shadow = fg[r0:] & (diff[r0:] < 0) & (f_img > lo * f_ref) & (f_img < hi * f_ref)
        if shadow.any():
            # Texture check: a shadowed pixel's horizontal gradient scales with the darkening ratio.
            gx_img = np.zeros_like(f_img)
            gx_ref = np.zeros_like(f_img)
            gx_img[:, 1:] = f_img[:, 1:] - f_img[:, :-1]
            gx_ref[:, 1:] = f_ref[:, 1:] - f_ref[:, :-1]
            ratio = f_img / np.maximum(f_ref, 1.0)
            shadow &= np.abs(gx_img - ratio * gx_ref) <= 4.0 + 3.5 * self.noise  # gradient noise ~ 1.4 sigma
            fg[r0:] &= ~shadow
        if self._boot == "empty":
            return
        # Ghost absorption, only while someone may have been in view at start: a foreground pixel
        # that looks like the background next to it is revealed background, not a person. (Once the
        # empty room is known it would eat into clothing that matches the wall, so it stops.)
        # (Only pixels on the foreground's edge can have a background neighbour: they are gathered
        # and tested there, a few hundred instead of the whole window.)
        ys, xs = _nonzero2(fg & ~_shift_and(fg))
        if ys.size == 0:
            return
        h, w = fg.shape
        c = cur[ys, xs]
        near = np.zeros(ys.size, bool)
        for dy, dx, ok in ((-1, 0, ys > 0), (1, 0, ys < h - 1), (0, -1, xs > 0), (0, 1, xs < w - 1)):
            yy, xx = ys[ok] + dy, xs[ok] + dx
            near[ok] |= ~fg[yy, xx] & (np.abs(c[ok] - bg[yy, xx]) < s.ghost_threshold)
        if self._row_level is not None:
            # With someone's image still in the background, only wall-like pixels may be revealed wall:
            # near their row's level, or like the wall beside the person in their row (a panel or a
            # rack behind them is not the row's level, but what shows where they stood continues it)
            level = self._row_level[y0 + ys, 0]
            like = np.abs(c - level) <= 30.0 + 0.06 * level
            cand = near & ~like
            if cand.any():
                like[cand] = self._like_wall_beside(c[cand], bg[ys[cand], xs[cand]], y0 + ys[cand])
            near &= like
        yg, xg = ys[near], xs[near]
        if yg.size:
            ghost[yg, xg] = True
            bg[yg, xg] = c[near]
            fg[yg, xg] = False

    def _like_wall_beside(self, c: np.ndarray, held: np.ndarray, ys: np.ndarray) -> np.ndarray:
        """Whether values `c` (frame rows `ys`), where the background holds `held`, are the wall just
        beside last frame's moving span in their row: the median of a band a tenth of the frame wide,
        a few pixels off either side of the span. Within WALL_BESIDE_TOL of it - and the value held
        is not (a body moving over that wall shows there while the background still holds the wall:
        that is the person, not revealed wall)."""
        out = np.zeros(c.shape, bool)
        bg, span = self._bg, self._last_span
        if span is None:
            return out
        assert bg is not None
        w = bg.shape[1]
        band, off = max(8, w // 10), 3
        y_lo = int(ys.min())
        rows = ys - y_lo
        y_hi = int(ys.max()) + 1
        x0, x1 = span[0], span[2]
        sides = ((max(0, x0 - band), max(0, x0 - off)), (min(w, x1 + off), min(w, x1 + band)))
        for a, b in sides:
            n = b - a
            if n >= 4:  # each row's median (by partition: np.median's cost is mostly its own overhead)
                k = n // 2
                if n % 2:
                    level = np.partition(bg[y_lo:y_hi, a:b], k, axis=1)[:, k]
                else:
                    p = np.partition(bg[y_lo:y_hi, a:b], (k - 1, k), axis=1)
                    level = 0.5 * (p[:, k - 1] + p[:, k])
                side = level[rows]
                tol = WALL_BESIDE_TOL[0] + WALL_BESIDE_TOL[1] * side
                out |= (np.abs(c - side) <= tol) & (np.abs(held - side) > tol)
        return out

    def _row_outliers(self, region: np.ndarray, y0: int) -> np.ndarray:
        """Pixels far from their row's typical background level (rows y0.. of the frame)."""
        assert self._row_level is not None
        level = self._row_level[y0 : y0 + region.shape[0]]
        # A row's level is a crude model of a wall (lamps, vignetting): only clear outliers count.
        return np.abs(region - level) > 30.0 + 0.06 * level

    def _still_person(self, cur: np.ndarray) -> tuple[int, int, int, int] | None:
        """At start-up, before anything moves: a person-shaped block of pixels that stand out from
        their row's wall level (someone already standing on the mark), or None. Plain walls only
        in practice: posters and racks are rarely person-shaped, and the body fit must then agree."""
        h, w = cur.shape
        out = _shift_and(_shift_or(self._row_outliers(cur, 0)))
        span = _main_span(out)
        if span is None:
            return None
        x0, y0, x1, y1 = span
        bh, bw = y1 - y0, x1 - x0
        margin = max(2, w // 40)
        inside = int(np.count_nonzero(out[y0:y1, x0:x1]))
        plain_wall = int(np.count_nonzero(out)) - inside < 0.005 * out.size  # nothing else stands out
        person_like = plain_wall and (
            bh >= self._s.min_height_frac * h
            and 2.2 * bw <= bh <= 9.0 * bw
            and y1 >= 0.55 * h
            and x0 > margin
            and x1 < w - margin
            and inside >= 0.3 * bh * bw
        )
        return span if person_like else None

    def _boot_logic(self, fg: np.ndarray, cur: np.ndarray, ghost: np.ndarray) -> np.ndarray:
        """Decide whether the first frame held a person, and if so find their still parts."""
        if self._boot == "empty":
            return fg
        n_fg = int(np.count_nonzero(fg))
        min_px = fg.size // 400
        if self._boot == "undecided":
            still = self._still_person(cur) if self._t_s - self._t_start_s < self._s.still_start_s else None
            if still is not None:
                self._still_votes += 1
                if self._still_votes >= 3:  # someone stands in view, still, from the start
                    self._boot, self._last_span = "occupied", still
            else:
                self._still_votes = 0
        if self._boot == "undecided":
            if n_fg < min_px or self._frame_no < 10:  # (the first frames only settle the model)
                if self._t_s - self._t_start_s > self._s.still_room_s:  # nothing moved: an empty room
                    self._boot, self._unverified = "empty", None
                return fg
            # The first thing that moves decides: someone walking into an empty room enters from a
            # side edge; someone who was already in view starts moving in the middle of the frame.
            span = _main_span(fg)
            margin = max(2, fg.shape[1] // 40)
            at_edge = (
                span is not None
                and (span[0] <= margin or span[2] >= fg.shape[1] - margin)
                and span[2] - span[0] >= 3
                and span[3] - span[1] >= 0.2 * fg.shape[0]
            )
            if at_edge:
                self._boot_votes -= 1
            elif n_fg >= 6 * min_px:
                self._boot_votes += 1
            if abs(self._boot_votes) < 3:
                return fg
            if self._boot_votes < 0:
                self._boot, self._unverified = "empty", None
                return fg
            self._boot = "occupied"
        unv = self._unverified
        assert unv is not None and self._bg is not None
        unv &= ~ghost
        if self._row_level is None or self._frame_no % 15 == 0:
            self._row_level = np.median(self._bg[:, ::2], axis=1).astype(np.float32)[:, None]
        span = _main_span(fg) if n_fg >= min_px else self._last_span
        if span is None:
            return fg
        self._last_span = span
        x0, y0, x1, _y1 = span
        pad = 2  # still body parts lie under the span of the moving ones; walls beside them do not
        x0, x1 = max(0, x0 - pad), min(fg.shape[1], x1 + pad)
        y0 = max(0, y0 - pad)
        fg = fg.copy()
        fg[y0:, x0:x1] |= self._row_outliers(cur[y0:, x0:x1], y0) & unv[y0:, x0:x1]
        if np.count_nonzero(fg) < min_px:
            if self._t_quiet_s is None:
                self._t_quiet_s = self._t_s
            if self._t_s - self._t_quiet_s > self._s.empty_room_s:  # empty for a while: everything verified
                self._boot, self._unverified, self._last_span = "empty", None, None
        else:
            self._t_quiet_s = None
        return fg


class HipEstimator:
    """Frame -> Observation. Keeps the background model and the person's standing height."""

    def __init__(self, settings: VisionSettings | None = None) -> None:
        self.settings = settings or VisionSettings()
        self.background = BackgroundModel(self.settings)
        self._track = _Track()
        self._scale = 1
        self._person_prev: np.ndarray | None = None
        self._cols_prev: tuple[int, int] | None = None  # last frame's person's columns
        self._upright = False
        # someone seen leaving through a side edge (analysis columns of their silhouette, side -1/+1),
        # while the background may still hold someone's image: see _after_exit
        self._exit: tuple[int, int, int, float] | None = None
        self._exit_band: np.ndarray | None = None  # the edge's differing pixels last frame
        self._span_cols: tuple[int, int] | None = None  # the last silhouette's columns
        self._jump_t = -math.inf  # when the tracked silhouette last jumped to one elsewhere (s)
        self.exit_relearns = 0  # times the background was learnt afresh after someone walked out

    def relearn_background(self) -> None:
        """Re-learn the empty scene from the next frames (staff: 'step out of view, then press')."""
        self.background.relearn()
        self._track = _Track()
        self._person_prev = None
        self._cols_prev = None
        self._exit = self._exit_band = self._span_cols = None
        self._jump_t = -math.inf

    def process(self, frame: np.ndarray, t_s: float) -> Observation:
        """Analyse one grayscale frame (H x W uint8) seen at `t_s` (monotonic seconds)."""
        if frame.ndim != 2:
            raise ValueError(f"frame must be 2-D grayscale, got shape {frame.shape}")
        h, w = frame.shape
        k = max(1, math.ceil(max(h, w) / self.settings.analysis_max_px))
        self._scale = k
        if k == 2:  # the common case, summed in integers: a quarter the cost of a float mean
            hh, ww = h - h % 2, w - w % 2
            acc = frame[0:hh:2, 0:ww:2].astype(np.uint16)
            acc += frame[1:hh:2, 0:ww:2]
            acc += frame[0:hh:2, 1:ww:2]
            acc += frame[1:hh:2, 1:ww:2]
            img = acc.astype(np.float32)
            img *= np.float32(0.25)
        elif k > 1:
            hh, ww = (h // k) * k, (w // k) * k
            img = frame[:hh, :ww].reshape(hh // k, k, ww // k, k).mean(axis=(1, 3), dtype=np.float32)
        else:
            img = frame.astype(np.float32)
        fg = self.background.apply(img, t_s, person_mask=self._person_prev)
        obs = self._measure(fg)
        if self._after_exit(fg, obs, t_s):
            self.relearn_background()
            self.exit_relearns += 1
            fg = self.background.apply(img, t_s)  # this frame is the empty room
            obs = self._measure(fg)
        self._person_prev = obs.mask if obs.present else None
        # the person's columns, for the next frame (analysis pixels): the same person is followed
        self._cols_prev = (obs.bbox[0] // k, -(-obs.bbox[2] // k)) if obs.present and obs.bbox else None
        if not obs.present and obs.bbox is None:  # nobody: the next person's view is judged afresh
            tr = self._track
            tr.spread.clear()
            tr.too_frontal, tr.tall_px, tr.standing_width_px = False, 0.0, 0.0
            tr.facing_fit = tr.facing_fit_votes = tr.toe_votes = 0
        elif self._track.too_frontal and obs.present:
            obs = replace(obs, too_frontal=True)
        return obs

    def _after_exit(self, fg: np.ndarray, obs: Observation, t_s: float) -> bool:
        """Whether the one who was in view when the camera started has just walked out, leaving only
        their image in the background: with someone's image still held (an occupied start), a
        silhouette followed for EXIT_TRACKED_S without a jump to another blob (not a passer-by the
        tracker took up from the lifter) seen partly out of view at a side edge, then, within
        EXIT_CLEAR_S, the edge clear where it was (by difference alone; a residue that no longer
        changes there does not hold it) while what the tracker finds lies elsewhere and fits no body:
        the ghost of where they stood, kept for minutes in front of a rack or a panel, or nothing.
        Someone who steps back in is followed from where they were and cancels it."""
        if not self.background.occupied_start:
            self._exit = None
            return False
        w = fg.shape[1]
        k = self._scale
        m = self.settings.edge_margin_px
        cols = (obs.bbox[0] // k, -(-obs.bbox[2] // k)) if obs.bbox else None
        if cols is not None:
            last, self._span_cols = self._span_cols, cols
            if last is not None and (cols[1] <= last[0] or cols[0] >= last[1]):
                self._jump_t = t_s  # the tracker went over to another blob (another person, a ghost)
        if obs.reason == "partly out of view" and cols is not None:
            side = -1 if cols[0] <= m else 1 if cols[1] >= w - m else 0
            # (only someone followed for a while without a jump: not a passer-by the tracker took up)
            ok = side and t_s - self._jump_t > EXIT_TRACKED_S
            self._exit = (cols[0], cols[1], side, t_s) if ok else None
            self._exit_band = None
            return False
        if self._exit is None:
            return False
        x0, x1, side, t_edge = self._exit
        where_they_were = cols is not None and cols[0] < x1 and cols[1] > x0
        if (obs.present and where_they_were) or t_s - t_edge > EXIT_CLEAR_S:
            self._exit = self._exit_band = None  # followed back in view, or the edge never cleared
            return False
        # (by difference alone: the still parts an occupied start adds are the room's outliers there)
        d = self.background.differs
        assert d is not None  # set by apply, which ran first
        band = d[:, : x1 + 1] if side < 0 else d[:, max(0, x0 - 1) :]
        prev, self._exit_band = self._exit_band, band.copy()
        h = d.shape[0]
        n = np.count_nonzero(band)
        if n > EXIT_SPECKS * h:  # the last of them still at the edge (a few specks of noise are not)
            # (or what stays there is not them: a residue that no longer changes, where they passed)
            if prev is None or prev.shape != band.shape or n > 0.5 * h:
                return False
            if np.count_nonzero(prev ^ band) > 0.2 * EXIT_SPECKS * h:
                return False
        self._exit = self._exit_band = None
        # what is left fits no body (someone else in view, fitted, is never learnt as wall) and is
        # not where they were: the ghost of where they stood, or nothing
        return obs.hip_angle_deg is None and not where_they_were

    # -- silhouette -> person --------------------------------------------------------------------
    def _measure(self, fg: np.ndarray) -> Observation:
        s = self.settings
        k = self._scale
        h, w = fg.shape
        # Opening removes sensor-noise speckles; closing fills small holes from similar-shade clothes.
        # (Only inside the foreground's bounding box: most of the frame is empty.)
        m = np.zeros_like(fg)
        rows = np.flatnonzero(fg.any(axis=1))
        if rows.size:
            cols = np.flatnonzero(fg.any(axis=0))
            win = (slice(max(0, rows[0] - 2), rows[-1] + 3), slice(max(0, cols[0] - 2), cols[-1] + 3))
            m[win] = _shift_and(_shift_or(_shift_or(_shift_and(fg[win]))))
        empty = Observation(False, None, 0.0, "nobody in view", m, k)
        span = _main_span(m, self._cols_prev)
        if span is None:
            return empty
        x0, y0, x1, y1 = span
        sub = m[:, x0:x1]
        area = int(_count(sub[y0:y1], 1).sum())
        height_px = y1 - y0
        bbox = (x0 * k, y0 * k, x1 * k, y1 * k)
        person = np.zeros_like(m)
        person[y0:y1, x0:x1] = sub[y0:y1]
        if height_px < s.min_height_frac * h or area < s.min_fill * height_px * (x1 - x0) * 0.5:
            return Observation(False, None, 0.0, "nobody in view", person, k, bbox=bbox)
        tr = self._track
        # typical width of the body (not the bounding box: feet, a shadow or a kettlebell stick out)
        rows_sub = sub[y0:y1]
        has = rows_sub.any(axis=1)
        widths = (x1 - x0) - rows_sub[:, ::-1].argmax(axis=1) - rows_sub.argmax(axis=1)
        width_px = _median_exact(widths[has]) if has.any() else float(x1 - x0)
        upright = height_px > 3.0 * width_px
        self._upright = upright
        # Standing height sets the model's segment lengths: learnt while the fitted pose stands tall
        # (or, before any fit, from an upright silhouette); never from a bent one.
        standing = tr.pose is not None and tr.pose.hip_angle_deg > 165.0 and tr.pose.knee_flexion_deg < 15.0
        if tr.standing_height_px <= 0:
            tr.standing_height_px = float(height_px)
        elif upright and (standing or tr.fits == 0):
            tr.standing_height_px += 0.1 * (height_px - tr.standing_height_px)
        else:
            tr.standing_height_px = max(tr.standing_height_px, float(height_px))
        if x0 <= s.edge_margin_px or x1 >= w - s.edge_margin_px:
            # not on the mark yet (or leaving): the kiosk does not treat them as in front of it
            return Observation(False, None, 0.0, "partly out of view", person, k, bbox=bbox)
        self._judge_view(float(height_px), float(x1 - x0))
        # The feet stay on the floor: a silhouette that stops well above it has lost its legs.
        tr.floor_y = max(float(y1 - 1), tr.floor_y - 0.002 * h)
        lost_px = tr.floor_y - (y1 - 1)
        stand_px = tr.standing_height_px
        if lost_px > 0.12 * stand_px and (tr.ankle_x < 0 or lost_px > 0.3 * stand_px):
            # (the lower legs may fade into a floor of their shade: with the feet seen before, the
            # model is anchored where they stood, and the knees up are measured)
            return Observation(True, None, 0.0, "legs not visible", person, k, bbox=bbox)
        # Bridge horizontal bands where clothing matches the scene (a dark skirting board behind
        # dark trousers): a pixel with body both above and below within `gap` rows is body.
        gap = max(2, h // 40)
        sub = person[y0:y1, x0:x1]
        above = sub.copy()
        below = sub.copy()
        reach, step = 0, 1
        while reach < gap:  # reach 1, 3, 7, ... rows (doubling), the last step up to `gap` exactly
            step = min(step, gap - reach)
            above[step:] |= above[:-step]
            below[:-step] |= below[step:]
            reach += step
            step *= 2
        sub |= above & below
        return self._angle(person, x0, y0, x1, y1, bbox)

    def _judge_view(self, height_px: float, width_px: float) -> None:
        """Side-on or too frontal, from how the silhouette changes as the person bends: seen from the
        side a hinge throws the trunk forward, and the silhouette widens about as much as it drops
        (1.2 side-on, ~cos(yaw) of that turned); seen from the front it drops without widening. The
        build of the person cancels out: their own tall silhouette is the reference (the tallest of
        late, falling slowly, so that a bend never lowers it)."""
        tr = self._track
        tr.tall_px = max(height_px, tr.tall_px * 0.998)
        if height_px >= 0.97 * tr.tall_px:  # standing tall: the width to compare with
            w0 = tr.standing_width_px
            tr.standing_width_px = width_px if w0 <= 0 else w0 + 0.1 * (width_px - w0)
            return
        drop = tr.tall_px - height_px
        if tr.standing_width_px <= 0 or drop < (1.0 - VIEW_BENT_FRAC) * tr.tall_px:
            return
        tr.spread.append((width_px - tr.standing_width_px) / drop)
        del tr.spread[:-VIEW_SAMPLES]
        if len(tr.spread) >= VIEW_MIN_SAMPLES:
            ratio = float(np.median(tr.spread))
            if ratio < VIEW_FRONTAL_BELOW:
                tr.too_frontal = True
            elif ratio > VIEW_FRONTAL_BELOW + 0.1:  # hysteresis: the judgement does not flicker
                tr.too_frontal = False

    # -- person -> hip angle ---------------------------------------------------------------------
    def _facing(self, sub, has, first, last, xs, ys) -> int:
        """+1 facing +x, -1 facing -x: the head lies in front of the feet once someone leans; before
        that, the toes reach further ahead of the shins than the heels reach behind them."""
        tr = self._track
        if tr.facing_fit:
            return tr.facing_fit
        hgt = sub.shape[0]
        feet_y = int(ys.max())  # the lowest row seen (the floor may lie lower: lower legs lost)
        foot_rows = ys >= feet_y - max(2, hgt // 12)
        foot_x = float(xs[foot_rows].mean())
        d2 = (xs - foot_x) ** 2 + (ys - feet_y) ** 2.0
        kth = int(d2.size * 0.97)
        far = d2 >= np.partition(d2, kth)[kth]
        lean = float(xs[far].mean()) - foot_x
        if abs(lean) > 0.12 * hgt:
            vote = 1.0 if lean > 0 else -1.0
            tr.facing_votes = max(-10.0, min(10.0, tr.facing_votes + vote))
        if tr.facing_votes >= 3:
            tr.facing = 1
        elif tr.facing_votes <= -3:
            tr.facing = -1
        if tr.facing:
            return tr.facing
        return self._toe_facing(has, first, last, feet_y, hgt) or 1

    @staticmethod
    def _toe_facing(has, first, last, feet_y: int, hgt: int) -> int:
        """+1 / -1 from the feet alone: the toes reach further ahead of the shins than the heels reach
        behind them; 0 when the feet or shins are not seen."""
        fr = slice(max(0, feet_y - max(2, hgt // 14)), feet_y + 1)
        shin = slice(max(0, feet_y - hgt // 4), max(1, feet_y - hgt // 8))
        ok_f, ok_s = has[fr], has[shin]
        if ok_f.any() and ok_s.any():
            ahead = float(last[fr][ok_f].max()) - float(np.median(last[shin][ok_s]))
            behind = float(np.median(first[shin][ok_s])) - float(first[fr][ok_f].min())
            return 1 if ahead >= behind else -1
        return 0

    def _angle(self, person, x0, y0, x1, y1, bbox) -> Observation:
        k = self._scale
        tr = self._track
        y_seen = y1  # the silhouette's own bottom; the floor may lie below it (lower legs lost)
        y1 = max(y1, min(person.shape[0], round(tr.floor_y) + 1))
        sub = person[y0:y1, x0:x1]
        hgt, wid = sub.shape
        has = sub.any(axis=1)
        first = np.where(has, sub.argmax(axis=1), -1)
        last = np.where(has, wid - 1 - sub[:, ::-1].argmax(axis=1), -1)
        stand_h = max(tr.standing_height_px, float(hgt))

        def no(reason: str, facing: int = 0) -> Observation:
            tr.pose = None
            tr.velocity = (0.0, 0.0, 0.0)
            return Observation(True, None, 0.0, reason, person, k, facing=facing, bbox=bbox)

        if stand_h < 24:
            return no("body too small to measure")
        ys, xs = _nonzero2(sub)
        facing = self._facing(sub, has, first, last, xs, ys)
        sub_n = sub if facing > 0 else sub[:, ::-1]
        # the feet on the floor: the heel is the back of the lowest rows, the ankle just ahead of it
        feet_y = hgt - 1
        foot = sub_n[max(0, int(feet_y - 0.03 * stand_h)) :]
        foot_cols = np.flatnonzero(foot.any(axis=0))

        def crop_x(xn: float) -> float:  # normalised crop x <-> analysis frame x
            return (xn if facing > 0 else wid - 1 - xn) + x0

        # The feet stay put through a set: the ankle is followed smoothly (the heel's pixel jitters).
        if foot_cols.size and y_seen >= y1:
            ax_frame = crop_x(float(foot_cols[0]) - 0.5 + HEEL_BEHIND_ANKLE * stand_h)
            tr.ankle_x = ax_frame if tr.ankle_x < 0 else tr.ankle_x + 0.3 * (ax_frame - tr.ankle_x)
        elif tr.ankle_x < 0:
            return no("legs not visible", facing)
        ankle_x = tr.ankle_x - x0 if facing > 0 else wid - 1 - (tr.ankle_x - x0)
        model = BodyModel(stand_h)
        ankle_y = feet_y + 0.5 - ANKLE_H * stand_h
        pad = 6
        fitter = Fitter(signed_distance(sub_n, pad), model, (pad, pad), seen_below=y_seen - y0 - 0.5)
        pose = fit(
            fitter, ankle_x, ankle_y, tr.pose, ankle_slack_px=max(1.0, 0.025 * stand_h), velocity=tr.velocity
        )
        if pose.cost > MAX_FIT_COST and tr.pose is not None:  # lost track: search afresh
            pose = fit(fitter, ankle_x, ankle_y, None, ankle_slack_px=max(1.0, 0.025 * stand_h))
        if pose.cost > MAX_FIT_COST and not tr.facing_fit and y_seen >= y1:
            # No fit this way round: was the facing misjudged? (A blob above the back - a ghost of
            # where they stood - can pass for the head.) Bent frames in which only the other way
            # round fits, clearly better, are evidence; the feet, seen while standing, must agree
            # (a silhouette with wall in it can fit a body either way).
            alt = -facing
            sub_a = sub if alt > 0 else sub[:, ::-1]
            cols_a = np.flatnonzero(sub_a[max(0, int(feet_y - 0.03 * stand_h)) :].any(axis=0))
            if cols_a.size:
                ankle_a = float(cols_a[0]) - 0.5 + HEEL_BEHIND_ANKLE * stand_h
                seen = y_seen - y0 - 0.5
                fitter_a = Fitter(signed_distance(sub_a, pad), model, (pad, pad), seen_below=seen)
                pose_a = fit(fitter_a, ankle_a, ankle_y, None, ankle_slack_px=max(1.0, 0.025 * stand_h))
                if (
                    pose_a.cost <= MAX_FIT_COST
                    and pose_a.cost < FACING_SWITCH_RATIO * pose.cost
                    and pose_a.hip_angle_deg < 140.0  # (standing, either way round fits much the same)
                ):
                    tr.facing_fit_votes += 1
        elif pose.cost <= MAX_FIT_COST and pose.hip_angle_deg < 140.0:
            tr.facing_fit_votes = 0  # fitted, bent, this way round
        if tr.facing_fit_votes >= 3 and tr.toe_votes * facing <= -3:
            # the body fitted only the other way round, and the feet say so too: that settles it for
            # as long as this person stays (from the next frame)
            tr.facing = tr.facing_fit = -facing
            tr.facing_votes = -10.0 * facing
            tr.facing_fit_votes = 0
            tr.ankle_x = -1.0
            tr.velocity = (0.0, 0.0, 0.0)
            tr.pose = None
            return no("pose unclear", facing)
        if pose.cost > MAX_FIT_COST:
            return no("pose unclear", facing)
        upright = pose.hip_angle_deg > 168.0 and pose.knee_flexion_deg < 10.0
        if tr.pose is not None:
            v = (
                pose.shin_deg - tr.pose.shin_deg,
                pose.thigh_deg - tr.pose.thigh_deg,
                pose.trunk_deg - tr.pose.trunk_deg,
            )
            tr.velocity = tuple(0.5 * a + 0.5 * b for a, b in zip(tr.velocity, v, strict=True))
        tr.pose = pose
        tr.fits += 1
        moving = max(abs(v) for v in tr.velocity)
        if self._upright and upright and y_seen >= y1:  # standing: which way the feet point
            toe = self._toe_facing(has, first, last, int(ys.max()), hgt)
            tr.toe_votes = max(-10, min(10, tr.toe_votes + toe))
        if self._upright and upright and moving < 1.0 and y_seen >= y1:
            # standing tall (what the calibration asks for): this person's reading there
            k_s = 0.2 if tr.standing_n < 10 else 0.03
            tr.standing_reading_deg += k_s * (pose.hip_angle_deg - tr.standing_reading_deg)
            tr.standing_n += 1
        corr = 0.0
        if tr.standing_n >= 5:
            off = STANDING_REF_DEG - tr.standing_reading_deg
            corr = min(MAX_CORRECTION_DEG, max(-MAX_CORRECTION_DEG, off))
        angle = min(180.0, pose.hip_angle_deg + corr)
        confidence = float(max(0.0, min(1.0, 1.4 - pose.cost)))
        if angle < 30.0:
            return no("pose not a hip hinge", facing)
        pts = pose.points(model)

        def to_frame(p: tuple[float, float]) -> tuple[float, float]:
            x = p[0] if facing > 0 else wid - 1 - p[0]
            return ((x + x0 + 0.5) * k, (p[1] + y0 + 0.5) * k)

        return Observation(
            True,
            angle,
            confidence,
            "",
            person,
            k,
            facing=facing,
            seat_xy=to_frame(pts["hip"]),
            knee_xy=to_frame(pts["knee"]),
            shoulder_xy=to_frame(pts["shoulder"]),
            bbox=bbox,
            ankle_xy=to_frame(pts["ankle"]),
            knee_deg=pose.knee_flexion_deg,
            trunk_deg=pose.trunk_deg,
            back_bow_deg=back_bow_deg(sub_n, pts["hip"], pts["shoulder"]) if angle < BOW_BELOW_DEG else None,
        )


__all__ = ["BackgroundModel", "HipEstimator", "Observation", "VisionSettings"]
