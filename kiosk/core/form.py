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
        "knee_dominant: knee flexion at the bottom at or above this (deg). A hinge softens the knees"
        " (15-30 deg, the article's 'slightly bend the knees'); from 45 the knees, not the hips, make the"
        " depth ('squatting the hinge')",
    )
    rounded_back_deg: float = _setting(
        15.0,
        "rounded_back: the back's contour bows this far (deg) from the straight hip-shoulder line at the"
        " bottom ('keep your torso stiff': a neutral spine bows under 10 deg)",
    )
    hips_first_rise_deg: float = _setting(
        4.0,
        "hips_first: by the time the knees have straightened half way on the way up, the trunk has"
        " risen less than this (deg) - the hips came up with the chest still down",
    )
    hips_first_knee_deg: float = _setting(
        10.0,
        "hips_first is only judged when the knees straighten at least this much (deg) on the way up",
    )
    too_fast_s: float = _setting(
        1.6,
        "too_fast: down + up take less than this (s) - under 0.8 s each way is dropping and bouncing,"
        " not a controlled hinge",
    )
    cue_window: int = _setting(3, "a cue looks at the last this many reps ...")
    cue_repeats: int = _setting(2, "... and needs the same fault in at least this many of them")


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
    down_s: float  # from leaving standing to the bottom
    bottom_s: float  # held at the bottom
    up_s: float  # from leaving the bottom to standing again (the count)
    faults: tuple[str, ...]  # in FAULTS order; () = clean

    @property
    def clean(self) -> bool:
        return not self.faults

    def to_json(self) -> dict:
        """The `kiosk replay --json` entry (back_bow null when unmeasured)."""
        return {
            "frame": self.frame,
            "depth_deg": round(self.depth_deg, 2),
            "knee_deg": round(self.knee_deg, 2),
            "trunk_deg": round(self.trunk_deg, 2),
            "back_bow": None if math.isnan(self.back_bow) else round(self.back_bow, 2),
            "down_s": round(self.down_s, 3),
            "up_s": round(self.up_s, 3),
            "faults": list(self.faults),
        }


@dataclass(frozen=True)
class SetSummary:
    reps: int
    clean: int
    faults: dict[str, int]  # every code in FAULTS, 0 when not seen
    best_depth_deg: float | None  # the deepest (smallest) hip angle of the set
    down_s: float | None  # median tempo of the set
    bottom_s: float | None
    up_s: float | None

    @property
    def top_fault(self) -> str | None:
        """The set's most common fault (ties: CUE_PRIORITY order), None when every rep was clean."""
        best = max(CUE_PRIORITY, key=lambda f: (self.faults[f], -CUE_PRIORITY.index(f)))
        return best if self.faults[best] else None


def summarize(reps: list[RepDetail] | tuple[RepDetail, ...]) -> SetSummary:
    """Clean count, count per fault, best depth and median tempo of a set."""
    counts = {f: sum(f in r.faults for r in reps) for f in FAULTS}

    def med(xs: list[float]) -> float | None:
        return float(np.median(xs)) if xs else None

    return SetSummary(
        reps=len(reps),
        clean=sum(r.clean for r in reps),
        faults=counts,
        best_depth_deg=min((r.depth_deg for r in reps), default=None),
        down_s=med([r.down_s for r in reps]),
        bottom_s=med([r.bottom_s for r in reps]),
        up_s=med([r.up_s for r in reps]),
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
    verdict. `trunk_rise_deg`: how far the trunk rose by the time the knees had straightened half way
    up; `knee_straighten_deg`: how far the knees straightened over the ascent."""
    s = settings or FormSettings()
    out = []
    if not math.isnan(knee_deg) and knee_deg >= s.knee_dominant_deg:
        out.append("knee_dominant")
    if not math.isnan(back_bow) and back_bow >= s.rounded_back_deg:
        out.append("rounded_back")
    if (
        trunk_rise_deg is not None
        and knee_straighten_deg >= s.hips_first_knee_deg
        and trunk_rise_deg < s.hips_first_rise_deg
    ):
        out.append("hips_first")
    if down_s + up_s < s.too_fast_s:
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


class FormTracker:
    """Fed every frame; returns the RepDetail on the frame a rep counts (see module docstring)."""

    def __init__(self, settings: FormSettings | None = None) -> None:
        self.settings = settings or FormSettings()
        self.frame = -1
        # per frame: t, smoothed hip angle, knee, trunk, back bow (nan = not measured)
        self._buf: deque[tuple[float, float, float, float, float]] = deque(maxlen=1024)

    def reset(self) -> None:
        self._buf.clear()

    def update(self, t: float, smoothed_deg, knee_deg, trunk_deg, back_bow_deg, events) -> RepDetail | None:
        self.frame += 1
        nan = math.nan
        self._buf.append(
            (
                t,
                nan if smoothed_deg is None else smoothed_deg,
                nan if knee_deg is None else knee_deg,
                nan if trunk_deg is None else trunk_deg,
                nan if back_bow_deg is None else back_bow_deg,
            )
        )
        for e in events:
            if e.kind == "rep":
                return self._detail(e)
        return None

    def _detail(self, ev) -> RepDetail:
        a = np.array(self._buf, float)
        t = a[:, 0]
        start = max(0, int(np.searchsorted(t, ev.t - ev.duration_s - 2.0)))
        a = a[start:]
        t, hip, knee, trunk, bow = a.T
        deepest = int(np.nanargmin(hip))
        near = np.abs(hip - hip[deepest]) <= 3.0
        kb = float(np.nanmedian(knee[near])) if np.isfinite(knee[near]).any() else math.nan
        tb = float(np.nanmedian(trunk[near])) if np.isfinite(trunk[near]).any() else math.nan
        bb = float(np.nanmedian(bow[near])) if np.isfinite(bow[near]).any() else math.nan
        faults = judge(
            knee_deg=kb,
            back_bow=bb,
            trunk_rise_deg=None,
            knee_straighten_deg=0.0,
            down_s=ev.duration_s / 2,
            up_s=ev.duration_s / 2,
            settings=self.settings,
        )
        return RepDetail(
            self.frame, ev.t, ev.angle_deg, kb, tb, bb, ev.duration_s / 2, 0.0, ev.duration_s / 2, faults
        )
