"""Form per rep: depth, knees, trunk, back shape, tempo and the order of the ascent -> faults; the
set's summary; when to say one cue. Pure Python and numpy; `t` is monotonic seconds; one thread.

`FormTracker.update` is fed every frame the pipeline steps (cheap: it keeps a few numbers per frame)
and returns a `RepDetail` on the frame a rep is counted. A faulty rep still counts: the faults are
reported beside it. Too shallow is not a fault here - it is not a rep (kiosk.core.reps).

The fault definitions and their thresholds are the one table `FormSettings` (default and help per
field; `describe_settings()` lists them).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field, fields

import numpy as np

from kiosk.errors import ConfigError

FAULTS = ("knee_dominant", "rounded_back", "hips_first", "too_fast")
# when two faults repeat equally often, the one cued: the back first (safety), then the pattern
CUE_PRIORITY = ("rounded_back", "knee_dominant", "hips_first", "too_fast")


def _setting(default: float, help_: str):
    return field(default=default, metadata={"help": help_})


@dataclass(frozen=True)
class FormSettings:
    """Each fault's definition and threshold, and the cue policy: the one table (default + help)."""

    knee_dominant_deg: float = _setting(
        45.0,
        "knee_dominant ('squatting the hinge'): the knees, not the hips, make the depth - knee flexion at"
        " the bottom at or above this (deg), and on the way up the chest rises with the knees straightening"
        " (not hips_first). A hinge softens the knees (15-30 deg, the article's 'slightly bend the"
        " knees'). Knees as bent that straighten first while the chest stays down are hips_first instead:"
        " a pull from the floor starts on bent knees either way, the ascent's order tells the two apart",
    )
    rounded_back_deg: float = _setting(
        15.0,
        "rounded_back: through the deep part of the rep (its lowest 30 %, the median) the back's outline"
        " bends this far (deg) between its lower and upper part (vision's back_bow_deg, > 0 rounded)."
        " 'Keep your torso stiff': a neutral back's outline is straight (reads within +-8 deg); a flexed,"
        " rounded upper back bends 15 deg or more",
    )
    hips_first_rise_deg: float = _setting(
        1.0,
        "hips_first: by the time the knees have straightened half way on the way up, the trunk has risen"
        " less than this (deg): it stayed as far forward or tipped further, the hips came up with the"
        " chest still down. In a hinge the chest rises with the hips (by then about half its way, 20-40"
        " deg); the margin is the trunk reading's noise",
    )
    hips_first_knee_deg: float = _setting(
        10.0,
        "hips_first is only judged when the knees straighten at least this much (deg) on the way up",
    )
    too_fast_down_s: float = _setting(
        0.8,
        "too_fast: dropping into the bottom and bouncing out - the way down takes less than this (s) ...",
    )
    too_fast_s: float = _setting(
        1.6,
        "... and down + up less than this (s). A quick descent with a slow, controlled stand-up is not"
        " bouncing; nor is a brisk stand-up after a controlled descent (the hip drive a hinge wants)",
    )
    set_fault_share: float = _setting(
        1 / 3,
        "the set's verdict is its most common form fault (knees, back, hips) when more than this share"
        " of its reps show it, else clean: one misread rep in eight does not make a set faulty",
    )
    cue_window: int = _setting(3, "a cue looks at the last this many reps ...")
    cue_repeats: int = _setting(2, "... and needs the same fault in at least this many of them")

    def __post_init__(self) -> None:
        bad = [f.name for f in fields(self) if not getattr(self, f.name) > 0]
        if bad:
            raise ConfigError(f"form settings: {', '.join(bad)} must be above 0 - see describe_settings()")
        if not 1 <= self.cue_repeats <= self.cue_window:
            raise ConfigError(
                f"form settings: cue_repeats {self.cue_repeats} of cue_window {self.cue_window} reps can"
                " never happen - use 1 to cue_window"
            )


def describe_settings() -> list[tuple[str, float, str]]:
    """(name, default, help) for every form setting, in order."""
    return [(f.name, f.default, f.metadata["help"]) for f in fields(FormSettings)]


@dataclass(frozen=True)
class RepDetail:
    """One counted rep as measured. Angles in degrees, times in seconds."""

    frame: int  # the pipeline's frame number (0 = the first frame it stepped) the rep counted on
    t_s: float  # monotonic time it counted
    depth_deg: float  # deepest hip angle (smoothed), 180 = standing
    knee_deg: float  # knee flexion at the bottom (0 = straight)
    trunk_deg: float  # trunk (hip -> shoulder) lean from vertical at the bottom
    back_bow: float  # back contour's bow from the hip-shoulder line at the bottom, deg; nan = unmeasured
    down_s: float  # from leaving standing to the bottom; nan = not seen
    bottom_s: float  # held at the bottom; nan = not seen
    up_s: float  # from leaving the bottom to standing again; nan = not seen
    faults: tuple[str, ...]  # in FAULTS order; () = clean

    @property
    def clean(self) -> bool:
        return not self.faults

    def to_json(self) -> dict:
        """The `kiosk replay --json` entry (null for what was not measured)."""
        return {
            "frame": self.frame,
            "depth_deg": round(self.depth_deg, 2),
            "knee_deg": _round(self.knee_deg, 2),
            "trunk_deg": _round(self.trunk_deg, 2),
            "back_bow": _round(self.back_bow, 2),
            "down_s": _round(self.down_s, 3),
            "up_s": _round(self.up_s, 3),
            "faults": list(self.faults),
        }


def _round(x: float, n: int) -> float | None:
    return None if math.isnan(x) else round(x, n)


@dataclass(frozen=True)
class SetSummary:
    reps: int
    clean: int
    faults: dict[str, int]  # every code in FAULTS, 0 when not seen
    best_depth_deg: float | None  # the deepest (smallest) hip angle of the set
    down_s: float | None  # median tempo of the set (of the reps where it was seen)
    bottom_s: float | None
    up_s: float | None
    verdict: str | None = None  # the set's form fault (FormSettings.set_fault_share), None = clean

    @property
    def top_fault(self) -> str | None:
        """The set's most common fault (ties: CUE_PRIORITY order), None when every rep was clean."""
        best = max(CUE_PRIORITY, key=lambda f: (self.faults[f], -CUE_PRIORITY.index(f)))
        return best if self.faults[best] else None


FORM_FAULTS = FAULTS[:3]  # how the hinge was done; too_fast is its tempo


def summarize(
    reps: list[RepDetail] | tuple[RepDetail, ...], settings: FormSettings | None = None
) -> SetSummary:
    """Clean count, count per fault, best depth, median tempo and the verdict of a set."""
    s = settings or FormSettings()
    counts = {f: sum(f in r.faults for r in reps) for f in FAULTS}
    top = max(FORM_FAULTS, key=lambda f: (counts[f], -CUE_PRIORITY.index(f)))
    verdict = top if reps and counts[top] > s.set_fault_share * len(reps) else None

    def med(xs: list[float]) -> float | None:
        xs = [x for x in xs if not math.isnan(x)]
        return float(np.median(xs)) if xs else None

    return SetSummary(
        reps=len(reps),
        clean=sum(r.clean for r in reps),
        faults=counts,
        best_depth_deg=min((r.depth_deg for r in reps), default=None),
        down_s=med([r.down_s for r in reps]),
        bottom_s=med([r.bottom_s for r in reps]),
        up_s=med([r.up_s for r in reps]),
        verdict=verdict,
    )


def judge(
    *,
    knee_deg: float,
    back_bow: float,
    trunk_rise_deg: float | None,
    knee_straighten_deg: float,
    down_s: float,
    up_s: float,
    settings: FormSettings | None = None,
) -> tuple[str, ...]:
    """The fault table: measures of one rep -> fault codes (FAULTS order). nan/None = unmeasured, no
    verdict. `trunk_rise_deg`: how far the trunk had risen by the time the knees had straightened half
    way up; `knee_straighten_deg`: how far the knees straightened on the way up.

    knee_dominant and hips_first exclude each other: both can start from knees bent 45 deg or more
    at the bottom (which looks the same either way); knees that straighten first with the chest still
    down are hips_first, knees that stay bent while the chest rises are knee_dominant. When the
    ascent's order was not measured the knee bend alone decides."""
    s = settings or FormSettings()
    out = []
    hips_first = (
        trunk_rise_deg is not None
        and knee_straighten_deg >= s.hips_first_knee_deg
        and trunk_rise_deg < s.hips_first_rise_deg
    )
    if not math.isnan(knee_deg) and knee_deg >= s.knee_dominant_deg and not hips_first:
        out.append("knee_dominant")
    if not math.isnan(back_bow) and back_bow >= s.rounded_back_deg:
        out.append("rounded_back")
    if hips_first:
        out.append("hips_first")
    if down_s < s.too_fast_down_s and down_s + up_s < s.too_fast_s:  # (nan, not seen: no verdict)
        out.append("too_fast")
    return tuple(out)


class CuePolicy:
    """At most one cue after a rep, only for a fault that repeats (`cue_repeats` of the last
    `cue_window` reps, this one included and showing it), never after two reps running."""

    def __init__(self, settings: FormSettings | None = None) -> None:
        self.settings = settings or FormSettings()
        self._recent: deque[tuple[str, ...]] = deque(maxlen=self.settings.cue_window)
        self._cued_last = False

    def reset(self) -> None:
        """A new set."""
        self._recent.clear()
        self._cued_last = False

    def after_rep(self, faults: tuple[str, ...]) -> str | None:
        """The fault to cue after this rep (a content `[cues]` key), or None."""
        self._recent.append(tuple(faults))
        if self._cued_last:
            self._cued_last = False
            return None
        n = {f: sum(f in r for r in self._recent) for f in faults}
        due = [f for f in CUE_PRIORITY if n.get(f, 0) >= self.settings.cue_repeats]
        if not due:
            return None
        self._cued_last = True
        return max(due, key=lambda f: (n[f], -CUE_PRIORITY.index(f)))


# A smooth movement (a cosine or minimum-jerk profile) covers the middle 60 % of its path, from 20 % to
# 80 % of the way, in about 41 % of its time; timed there, where the hip moves fastest and noise matters
# least, and scaled up, a phase's duration needs neither its noisy start nor its end.
_MID_LO, _MID_HI = 0.2, 0.8
_MID_SHARE = 0.41
_EDGE_SHARE = (1.0 - _MID_SHARE) / 2  # the time before the 20 % point (and after the 80 % one)
_PRE_S = 3.0  # standing before the descent: the person's own standing readings
_MAX_GAP_S = 0.2  # a crossing is timed only between readings at most this far apart
_BOTTOM_SHARE = 0.1  # within this share of the depth from the deepest point is "at the bottom"
_BOW_SHARE = 0.3  # ... and the back's bow is read within this share (the deep part of the rep)


class FormTracker:
    """Fed every frame; returns the RepDetail on the frame a rep counts (see module docstring)."""

    def __init__(self, settings: FormSettings | None = None) -> None:
        self.settings = settings or FormSettings()
        self.frame = -1
        # per frame: t, smoothed hip angle, knee, trunk, back bow, raw hip angle (nan = not measured);
        # 1024 frames is 34 s at 30 fps, more than the longest rep (RepSettings.max_rep_s) and before
        self._buf: deque[tuple[float, ...]] = deque(maxlen=1024)
        self.measures: dict[str, float] = {}  # the last rep's intermediate measures (benchmark, tests)

    def update(
        self,
        t: float,
        smoothed_deg: float | None,
        knee_deg: float | None,
        trunk_deg: float | None,
        back_bow_deg: float | None,
        events: list,
        *,
        hip_deg: float | None = None,
    ) -> RepDetail | None:
        """One frame: the counter's smoothed hip angle and vision's knee flexion, trunk lean and back
        bow (None when not measured this frame), the counter's events and this frame's raw hip angle
        (`hip_deg`; the tempo is timed on it when given - smoothing lags a fast rep). Returns the
        counted rep's detail on the frame a "rep" event comes."""
        self.frame += 1
        nan = math.nan
        self._buf.append(
            (
                t,
                nan if smoothed_deg is None else smoothed_deg,
                nan if knee_deg is None else knee_deg,
                nan if trunk_deg is None else trunk_deg,
                nan if back_bow_deg is None else back_bow_deg,
                nan if hip_deg is None else hip_deg,
            )
        )
        for e in events:
            if e.kind == "rep":
                return self._detail(e)
        return None

    def _detail(self, ev) -> RepDetail:
        a = np.array(self._buf, float)
        t0 = ev.t - ev.duration_s  # the descent as the counter saw it begin
        a = a[int(np.searchsorted(a[:, 0], t0 - _PRE_S)) :]
        t, hip, knee, trunk, bow, raw = a.T
        i0 = int(np.searchsorted(t, t0))
        pre = slice(0, max(i0, 1))
        rest = hip[i0:]
        deep = i0 + (int(np.nanargmin(rest)) if np.isfinite(rest).any() else 0)
        bottom_deg = float(ev.angle_deg)
        # standing before the rep; seen only as they began to move (no standing frames before), the
        # rep's own highest reading (the count comes within a few degrees of standing)
        top = _nanmax(hip[pre], default=math.nan) if np.isfinite(hip[pre]).sum() >= 3 else math.nan
        if math.isnan(top):
            top = _nanmax(hip, default=bottom_deg + 60.0)
        span = max(top - bottom_deg, 10.0)
        at_bottom = np.isfinite(hip) & (hip <= bottom_deg + _BOTTOM_SHARE * span)
        at_bottom[:i0] = False
        if not at_bottom.any():
            at_bottom[deep] = True
        # the knee reading while this person stood just before: straight knees, so the fit's bias
        standing = np.isfinite(hip[pre]) & (hip[pre] >= top - 5.0)
        # (a low percentile: the last standing frames may already bend the knees into the rep)
        kst = knee[pre][standing]
        kst = kst[np.isfinite(kst)]
        knee_ref = float(np.percentile(kst, 25)) if kst.size else 0.0
        knee_ref = min(max(knee_ref, -10.0), 20.0)
        kb_raw = _nanmedian(knee[at_bottom])
        kb = kb_raw - knee_ref
        tb = _nanmedian(trunk[at_bottom])
        # the back's shape is held through the deep part of the rep: read over more of it than the
        # knees (single frames of a ghost or a hole in the outline bend it either way)
        deep_part = np.isfinite(hip) & (hip <= bottom_deg + _BOW_SHARE * span)
        deep_part[:i0] = False
        bb = _nanmedian(bow[deep_part | at_bottom])
        # tempo: each phase timed between 20 % and 80 % of the way, scaled to the whole phase; on the
        # raw angle where there is one (a running median of three against single-frame misreads)
        timed = _median3(raw) if np.isfinite(raw).sum() > 0.8 * np.isfinite(hip).sum() else hip
        lo, hi = top - _MID_LO * span, top - _MID_HI * span
        up_lo = bottom_deg + (1 - _MID_HI) * span
        up_hi = bottom_deg + (1 - _MID_LO) * span
        # the tightest pair: the last time it passed 20 % before the deepest point and the first time
        # 80 % after that; on the way up the first time past 80 % and the last time past 20 % before it
        d_lo = _crossing(t[: deep + 1], timed[: deep + 1], lo, last=True)
        d_hi = _crossing(t[: deep + 1], timed[: deep + 1], hi, last=False, after=d_lo)
        u_hi = _crossing(t[deep:], timed[deep:], up_hi, last=False)
        u_lo = _crossing(t[deep:], timed[deep:], up_lo, last=True, before=u_hi)
        # a phase crossed between two readings with none between them jumped there (the fit had lost
        # the pose for a moment): not timed - no body covers 60 % of a rep's range in a frame
        if _jumped(t, timed, d_lo, d_hi):
            d_hi = math.nan
        if _jumped(t, timed, u_lo, u_hi):
            u_lo = math.nan
        # (nan: not seen - the descent began before the person was found, or the reading broke off)
        down_s = (d_hi - d_lo) / _MID_SHARE
        up_s = (u_hi - u_lo) / _MID_SHARE
        bottom_s = max(0.0, (u_lo - _EDGE_SHARE * up_s) - (d_hi + _EDGE_SHARE * down_s))
        # the ascent's order: how far the trunk had risen when the knees had straightened half way
        last_bottom = int(np.flatnonzero(at_bottom).max())
        k_up, tr_up = _median3(knee[last_bottom:]), _median3(trunk[last_bottom:])
        ke = _nanmedian(k_up[-2:])
        straighten = kb_raw - ke
        rise = share = math.nan
        if straighten > 0:
            half = np.flatnonzero(k_up <= kb_raw - 0.5 * straighten)
            total = tb - _nanmedian(tr_up[-2:])
            if half.size and np.isfinite(tr_up[half[0]]):
                rise = tb - float(tr_up[half[0]])
                share = rise / total if total > 5.0 else math.nan
        self.measures = {
            "knee_ref_deg": knee_ref,
            "knee_straighten_deg": straighten,
            "trunk_rise_deg": rise,
            "trunk_rise_share": share,
            "top_deg": top,
        }
        faults = judge(
            knee_deg=kb,
            back_bow=bb,
            trunk_rise_deg=None if math.isnan(rise) else rise,
            knee_straighten_deg=straighten,
            down_s=down_s,
            up_s=up_s,
            settings=self.settings,
        )
        return RepDetail(self.frame, ev.t, bottom_deg, kb, tb, bb, down_s, bottom_s, up_s, faults)


def _nanmedian(x: np.ndarray, default: float = math.nan) -> float:
    x = x[np.isfinite(x)]
    return float(np.median(x)) if x.size else default


def _nanmax(x: np.ndarray, default: float) -> float:
    x = x[np.isfinite(x)]
    return float(x.max()) if x.size else default


def _median3(x: np.ndarray) -> np.ndarray:
    """A running median of three (ends kept; nan where nothing was measured)."""
    if x.size < 3:
        return x.copy()
    out = x.copy()
    trio = np.stack([x[:-2], x[1:-1], x[2:]])
    ok = np.isfinite(trio).any(axis=0)
    mid = np.full(trio.shape[1], math.nan)
    if ok.any():
        mid[ok] = np.nanmedian(trio[:, ok], axis=0)
    out[1:-1] = mid
    return out


def _jumped(t: np.ndarray, y: np.ndarray, t0: float, t1: float) -> bool:
    """No reading strictly between the times t0 and t1 (both known)."""
    if math.isnan(t0) or math.isnan(t1):
        return False
    return not bool(np.any(np.isfinite(y) & (t > t0) & (t < t1)))


def _crossing(
    t: np.ndarray,
    y: np.ndarray,
    level: float,
    *,
    last: bool,
    after: float = -math.inf,
    before: float = math.inf,
) -> float:
    """When y crosses `level` (between two measured frames close in time, interpolated): the last
    crossing (`last`) or the first, between the times `after` and `before`; nan when there is none."""
    if math.isnan(after) or math.isnan(before):
        return math.nan
    ok = np.isfinite(y)
    t, y = t[ok], y[ok]
    if y.size < 2:
        return math.nan
    s = y >= level
    # (only between frames measured close together: a gap in the readings is not timed across)
    idx = np.flatnonzero((s[:-1] != s[1:]) & (np.diff(t) <= _MAX_GAP_S))
    cross = t[idx] + (t[idx + 1] - t[idx]) * (y[idx] - level) / (y[idx] - y[idx + 1])
    cross = cross[(cross >= after) & (cross <= before)]
    if not cross.size:
        return math.nan
    return float(cross[-1] if last else cross[0])
