"""Hip angle over time -> honest rep count.

A rep is: standing (near the person's own standing angle) -> down to the target depth -> back up to
standing. It is counted on the return to standing. Smoothing plus two thresholds with hysteresis, a
minimum rep duration and a refractory period keep walking in and out, partial reps, standing still
and jitter around a threshold from ever counting. Pure Python; time `t` is monotonic seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


@dataclass(frozen=True)
class RepSettings:
    target_angle_deg: float = 120.0  # a rep must reach a hip angle at or below this
    start_drop_deg: float = 15.0  # a descent starts this far below the standing angle
    up_margin_deg: float = 12.0  # back up = within this of the standing angle
    min_rep_s: float = 0.8  # faster "reps" are noise or flailing
    max_rep_s: float = 12.0  # slower ones are someone bending over to tie a shoe
    refractory_s: float = 0.4  # after a count, no new descent for this long
    calibrate_s: float = 0.2  # stand upright this long before the first rep can start
    max_gap_s: float = 0.7  # an angle missing longer than this abandons the current rep ...
    # ... unless the target depth was reached: then standing seen within this long of the last reading
    # counts it (the pose is often lost at depth, where the arms and the bell merge with the body)
    max_gap_up_s: float = 3.0
    smooth_tau_s: float = 0.08  # exponential smoothing time constant
    min_standing_deg: float = 150.0  # a "standing" angle below this is not trusted as standing
    # Seen only as they begin to move (someone still in view from the start on a busy wall): a rep
    # may start within late_start_s of arriving from a first reading this tall, without calibration.
    late_start_s: float = 1.0
    late_start_tall_deg: float = 165.0
    # ... or first seen already bent (found only once into the descent): seen going down at least
    # start_drop_deg to the target depth and back up to late_start_tall_deg counts that rep too, if
    # the time from arriving fits a rep (at least half of min_rep_s: the part seen).
    late_rep: bool = True
    # ... or, for someone whose standing reads lower, back up to a plateau: at least min_standing_deg
    # and within late_hold_range_deg for late_hold_s (so too a rep past the target depth whose way
    # back up levels off short of the standing angle learnt before)
    late_hold_s: float = 0.5
    late_hold_range_deg: float = 10.0
    # A squat is not a hinge: at its deepest the trunk stays near vertical and the knees bend far.
    # A knee-dominant hinge (knees bent a lot, but the trunk well forward) still counts.
    squat_trunk_deg: float = 32.0  # trunk lean from vertical at the bottom below this ...
    squat_knee_deg: float = 75.0  # ... with the knees bent more than this: "that was a squat"
    # On the way down a squat bends the knees first and the trunk hardly leans: knees past
    # squat_early_knee_deg while bent more than squat_early_ratio times the trunk's lean.
    squat_early_knee_deg: float = 25.0
    squat_early_ratio: float = 3.0
    squat_max_lean_deg: float = 40.0  # ... and the trunk never leant further than this


class Phase(Enum):
    AWAY = "away"  # nobody measurable
    CALIBRATING = "calibrating"  # someone arrived; learning their standing angle
    STANDING = "standing"
    DESCENDING = "descending"
    BOTTOM = "bottom"  # reached target depth, not yet back up


@dataclass(frozen=True)
class RepEvent:
    kind: str  # "descent", "bottom", "rep", "abandoned", "squat" (down and up like a rep, not a hinge)
    t: float
    rep: int = 0  # count after this event
    angle_deg: float = 0.0  # deepest angle for "bottom"/"rep"
    duration_s: float = 0.0  # for "rep"


@dataclass
class _Plateau:
    """A reading holding steady at a standing-like level: since when, and its range."""

    t: float = 0.0
    lo: float = 180.0
    hi: float = 0.0

    def start(self, t: float, a: float) -> None:
        self.t, self.lo, self.hi = t, a, a

    def held_s(self, t: float, a: float, s: RepSettings) -> float:
        """Feed one reading; how long it has held at >= min_standing_deg within late_hold_range_deg."""
        lo, hi = min(self.lo, a), max(self.hi, a)
        if a < s.min_standing_deg or hi - lo > s.late_hold_range_deg:
            self.start(t, a)
        else:
            self.lo, self.hi = lo, hi
        return t - self.t


@dataclass
class RepCounter:
    """Feed `update(angle_deg, present, t)` once per frame; read `count`, `phase`, `depth`."""

    settings: RepSettings = field(default_factory=RepSettings)
    count: int = 0
    phase: Phase = Phase.AWAY
    standing_deg: float | None = None
    smoothed_deg: float | None = None
    best_deg: float | None = None  # deepest counted angle in this set
    depth: float = 0.0  # 0 standing .. 1 at target depth, for the LED bar and the meter
    _t_last: float | None = None
    _t_seen: float | None = None
    _t_calib: float = 0.0
    _calib_min: float = 180.0
    _calib_max: float = 0.0
    _t_start: float = 0.0
    _deepest: float = 180.0
    _t_refractory: float = -1e9
    _hold: _Plateau = field(default_factory=_Plateau)  # at the bottom: back up to a steady level
    _t_up: float = -1e9  # the last reading near the standing angle, while standing
    _bottom_trunk: float | None = None  # trunk lean and knee bend where the hip was deepest
    _bottom_knee: float | None = None
    _squat_frames: int = 0  # frames of this descent that look like a squat going down
    _t_arrive: float = 0.0
    _first_tall: float = 0.0  # the tallest reading since arriving, and when
    _t_first_tall: float = 0.0
    _squat_run: int = 0  # standing: consecutive frames bending like a squat (before a descent starts)
    _late_bent: bool = False  # first seen already bent, within late_start_s of arriving
    _late_deepest: float = 180.0  # ... and the deepest reading since
    _late_first: float = 180.0  # ... and that first reading
    _late_hold: _Plateau = field(default_factory=_Plateau)  # ... and back up to a steady level

    def reset_set(self) -> None:
        """Start a new set: count and best depth back to zero; the standing angle is kept."""
        self.count = 0
        self.best_deg = None

    def update(
        self,
        angle_deg: float | None,
        present: bool,
        t: float,
        *,
        knee_deg: float | None = None,
        trunk_deg: float | None = None,
    ) -> list[RepEvent]:
        """One frame: the hip angle (None when not measured), whether someone is there, the time;
        the knee flexion and trunk lean (degrees) where vision measures them tell a squat apart."""
        s = self.settings
        events: list[RepEvent] = []
        if not present:
            if self.phase in (Phase.DESCENDING, Phase.BOTTOM):
                events.append(RepEvent("abandoned", t, self.count))
            self._leave()
            return events
        if angle_deg is None:
            if self._t_seen is not None and t - self._t_seen > s.max_gap_s:
                if self.phase == Phase.BOTTOM and t - self._t_seen <= s.max_gap_up_s:
                    # the depth was seen (and the pose then lost at the bottom or on the way up, or a
                    # passer-by in front): seen standing again soon, the rep they were finishing counts;
                    # first seen still bent, it goes on as before
                    return events
                if self.phase in (Phase.DESCENDING, Phase.BOTTOM):
                    kind = "squat" if self._squat() else "abandoned"
                    events.append(RepEvent(kind, t, self.count, self._deepest))
                    self.phase = Phase.STANDING if self.standing_deg else Phase.CALIBRATING
                elif self.phase == Phase.CALIBRATING:
                    self._t_calib = t
                self.smoothed_deg = None
            return events
        # exponential smoothing with a time constant, robust to uneven frame times
        if self.smoothed_deg is None or self._t_last is None:
            a = angle_deg
        else:
            dt = max(0.0, t - self._t_last)
            k = dt / (s.smooth_tau_s + dt) if dt > 0 else 1.0
            a = self.smoothed_deg + k * (angle_deg - self.smoothed_deg)
        self.smoothed_deg = a
        self._t_last = self._t_seen = t

        if self.phase == Phase.AWAY:
            self.phase = Phase.CALIBRATING
            self._t_calib, self._calib_min, self._calib_max = t, a, a
            self._t_arrive, self._first_tall, self._t_first_tall = t, a, t
            self._late_bent = s.late_rep and a < s.late_start_tall_deg
            self._late_deepest, self._late_first, self._squat_frames = a, a, 0
            self._late_hold.start(t, a)
            self._bottom_trunk, self._bottom_knee = trunk_deg, knee_deg
        if self.phase == Phase.CALIBRATING:
            if self._late_bent:
                late = self._late_rep(a, t, knee_deg, trunk_deg)
                if late is not None:
                    events.append(late)
                if late is not None or self._late_bent or self.phase != Phase.CALIBRATING:
                    return events
            if a > self._first_tall:
                self._first_tall, self._t_first_tall = a, t
            if (
                t - self._t_arrive <= s.late_start_s
                and self._first_tall >= s.late_start_tall_deg
                and a < self._first_tall - s.start_drop_deg
            ):
                # First seen standing tall and already on the way down (found as they began to move,
                # no time to calibrate): that tall reading is their standing, and this is a descent.
                self.standing_deg = self._first_tall
                self.phase = Phase.DESCENDING
                self._t_start, self._deepest = self._t_first_tall, a
                self._bottom_trunk, self._bottom_knee = trunk_deg, knee_deg
                self._squat_frames = 0
                self.depth = 0.0
                events.append(RepEvent("descent", t, self.count, a))
                return events
            self._calib_min = min(self._calib_min, a)
            self._calib_max = max(self._calib_max, a)
            steady = self._calib_max - self._calib_min <= 12.0
            if a < s.min_standing_deg or not steady:
                self._t_calib, self._calib_min, self._calib_max = t, a, a  # still getting into position
            elif t - self._t_calib >= s.calibrate_s:
                self.standing_deg = self._calib_max
                self.phase = Phase.STANDING
            self.depth = 0.0
            return events

        stand = self.standing_deg if self.standing_deg is not None else 175.0
        span = max(stand - s.target_angle_deg, 10.0)
        self.depth = min(1.0, max(0.0, (stand - a) / span))

        if self.phase == Phase.STANDING:
            squatting = a < stand - 4.0 and self._looks_like_squat(knee_deg, trunk_deg)
            self._squat_run = self._squat_run + 1 if squatting else 0
            if a >= stand - s.up_margin_deg:
                # Follow the person's posture while standing: quickly up to a taller stance, slowly
                # down (a slouch must not turn a shallow bend into a "rep").
                rate = 0.3 if a > stand else 0.02
                self.standing_deg = stand + rate * (a - stand)
                self._t_up = t
            if a < stand - s.start_drop_deg and t >= self._t_refractory:
                self.phase = Phase.DESCENDING
                # the rep began when they left standing (the last reading near it), not 15 deg lower:
                # a quick rep, or a few frames of the way down lost, is timed whole
                self._t_start = self._t_up if t - self._t_up <= s.max_gap_s else t
                self._deepest = a
                self._bottom_trunk, self._bottom_knee = trunk_deg, knee_deg
                self._squat_frames = self._squat_run  # (it may have begun before the descent did)
                events.append(RepEvent("descent", t, self.count, a))
        elif self.phase in (Phase.DESCENDING, Phase.BOTTOM):
            # (only on the way down: near the top of the way up the knees are still bent while the
            # trunk is upright again, in every hinge)
            going_down = self.phase == Phase.DESCENDING and a <= self._deepest + 2.0
            if going_down and self._looks_like_squat(knee_deg, trunk_deg):
                self._squat_frames += 1
            if a < self._deepest:
                self._bottom_trunk, self._bottom_knee = trunk_deg, knee_deg
            self._deepest = min(self._deepest, a)
            if self.phase == Phase.DESCENDING and a <= s.target_angle_deg:
                self.phase = Phase.BOTTOM
                events.append(RepEvent("bottom", t, self.count, a))
                self._hold.start(t, a)
            # back up to a steady plateau short of the standing angle (the fit now reads their
            # standing lower: a ghost, a fold of clothing): that is standing for them now
            plateau = self.phase == Phase.BOTTOM and self._hold.held_s(t, a, s) >= s.late_hold_s
            if a >= stand - s.up_margin_deg or plateau:
                if plateau:
                    self.standing_deg = self._hold.hi
                dur = t - self._t_start
                if self._squat():
                    events.append(RepEvent("squat", t, self.count, self._deepest, dur))
                elif self.phase == Phase.BOTTOM and s.min_rep_s <= dur <= s.max_rep_s:
                    self.count += 1
                    self.best_deg = (
                        self._deepest if self.best_deg is None else min(self.best_deg, self._deepest)
                    )
                    self._t_refractory = t + s.refractory_s
                    events.append(RepEvent("rep", t, self.count, self._deepest, dur))
                self.phase = Phase.STANDING
            elif t - self._t_start > s.max_rep_s:
                events.append(RepEvent("abandoned", t, self.count))
                self.phase = Phase.CALIBRATING  # bent over for a long time: re-learn standing
                self._t_calib, self._calib_min, self._calib_max = t, a, a
        return events

    def _late_rep(
        self, a: float, t: float, knee_deg: float | None, trunk_deg: float | None
    ) -> RepEvent | None:
        """First seen already bent (someone still in view from the start, found only as they bent):
        follow the rest of that rep; back up tall after reaching the target depth, it counts (or was a
        squat). Returns the event when it ends, else None."""
        s = self.settings
        going_down = a <= self._late_deepest + 2.0
        if going_down and self._looks_like_squat(knee_deg, trunk_deg):
            self._squat_frames += 1
        if a < self._late_deepest:
            self._late_deepest = a
            self._bottom_trunk, self._bottom_knee = trunk_deg, knee_deg
        # (the bar and the meter follow it against a typical standing angle)
        self.depth = min(1.0, max(0.0, (175.0 - a) / (175.0 - s.target_angle_deg)))
        plateau = a < s.late_start_tall_deg
        if plateau:
            if t - self._t_arrive > s.max_rep_s:
                self._late_bent = False  # bent over for a long time: not a rep
                return None
            # back up to a plateau that is standing for this person (their reading may stay below
            # late_start_tall_deg: a build or clothing the fit reads a little bent)
            if self._late_hold.held_s(t, a, s) < s.late_hold_s:
                return None
        self._late_bent = False
        dur = t - self._t_arrive
        if (
            self._late_deepest > s.target_angle_deg
            or self._late_first - self._late_deepest < s.start_drop_deg
            or dur < 0.5 * s.min_rep_s
        ):
            # never deep enough, or no way down seen (someone bent over who stands up), or a flicker
            # of a reading: calibrate as usual (a plateau held that long is this person's standing)
            if plateau:
                self.standing_deg = self._late_hold.hi
                self.phase = Phase.STANDING
                self.depth = 0.0
            return None
        self._deepest = self._late_deepest
        self.standing_deg = a
        self.phase = Phase.STANDING
        self.depth = 0.0
        if self._squat():
            return RepEvent("squat", t, self.count, self._deepest, dur)
        self.count += 1
        self.best_deg = self._deepest if self.best_deg is None else min(self.best_deg, self._deepest)
        self._t_refractory = t + s.refractory_s
        return RepEvent("rep", t, self.count, self._deepest, dur)

    def _looks_like_squat(self, knee_deg: float | None, trunk_deg: float | None) -> bool:
        s = self.settings
        if knee_deg is None or trunk_deg is None:
            return False
        return knee_deg > s.squat_early_knee_deg and knee_deg > s.squat_early_ratio * max(trunk_deg, 4.0)

    def _squat(self) -> bool:
        """This descent was a squat: seen going down like one (two frames), or squatting at depth."""
        s = self.settings
        tk, kn = self._bottom_trunk, self._bottom_knee
        at_depth = tk is not None and kn is not None and tk < s.squat_trunk_deg and kn > s.squat_knee_deg
        # (the way down alone could be a few misread frames: the trunk must not have leant far either)
        went_down_like_one = self._squat_frames >= 2 and tk is not None and tk < s.squat_max_lean_deg
        return at_depth or went_down_like_one

    def _leave(self) -> None:
        self.phase = Phase.AWAY
        self.smoothed_deg = None
        self.standing_deg = None
        self.depth = 0.0
        self._t_last = self._t_seen = None
