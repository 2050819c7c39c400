"""The live per-frame pipeline: frame -> vision -> presence debounce -> rep counter.

The kiosk app, `kiosk replay` and the benchmark all run exactly this. Call `step` from one thread.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from kiosk.core.form import FormSettings, FormTracker, RepDetail
from kiosk.core.reps import Phase, RepCounter, RepEvent, RepSettings
from kiosk.core.vision import HipEstimator, Observation, VisionSettings


@dataclass(frozen=True)
class FrameResult:
    t: float
    observation: Observation
    present: bool  # debounced: stays steady through a flickering frame or two
    hip_angle_deg: float | None  # this frame's raw measurement (None when not measured honestly)
    smoothed_deg: float | None
    depth: float  # 0 standing .. 1 at target depth (LED bar, depth meter)
    count: int
    phase: Phase
    events: list[RepEvent] = field(default_factory=list)
    rep_detail: RepDetail | None = None  # on the frame a rep counts: how it was done (kiosk.core.form)


def frame_problem(frame) -> str | None:
    """Why a camera frame cannot be used (garbled, blank), or None. Cheap: checked on every frame."""
    if not isinstance(frame, np.ndarray):
        return f"not an image ({type(frame).__name__})"
    if frame.ndim != 2 or frame.shape[0] < 16 or frame.shape[1] < 16:
        return f"shape {frame.shape} - expected a 2-D grayscale image of at least 16x16"
    if frame.dtype != np.uint8:
        return f"pixel type {frame.dtype} - expected uint8"
    sample = frame[::8, ::8]
    lo, hi = int(sample.min()), int(sample.max())
    if hi - lo <= 2:
        if hi < 16:
            return "all black - lens covered, cap on, or the lights off?"
        if lo > 240:
            return "all white - the camera is blinded (sun or a lamp in view?)"
        return "one flat colour - the camera shows nothing"
    return None


class Pipeline:
    """Vision plus rep counting, with presence that needs 0.2 s to appear and 0.4 s to go."""

    def __init__(
        self,
        vision: VisionSettings | None = None,
        reps: RepSettings | None = None,
        *,
        appear_s: float = 0.2,
        vanish_s: float = 0.4,
        form: FormSettings | None = None,
    ) -> None:
        self.estimator = HipEstimator(vision)
        self.counter = RepCounter(reps or RepSettings())
        self.form = FormTracker(form)
        self._appear_s = appear_s
        self._vanish_s = vanish_s
        self._present = False
        self._t_change: float | None = None

    def blind(self, t: float) -> None:
        """No usable frame: nobody is seen, and a rep in progress is not finished on guesswork."""
        self._present, self._t_change = False, None
        self.counter.update(None, False, t)

    def relearn_background(self) -> None:
        self.estimator.relearn_background()

    def step(self, frame: np.ndarray, t: float) -> FrameResult:
        obs = self.estimator.process(frame, t)
        raw = obs.present
        if raw == self._present:
            self._t_change = None
        else:
            if self._t_change is None:
                self._t_change = t
            wait = self._appear_s if raw else self._vanish_s
            if t - self._t_change >= wait:
                self._present, self._t_change = raw, None
        angle = obs.hip_angle_deg if (obs.present and self._present) else None
        events = self.counter.update(angle, self._present, t, knee_deg=obs.knee_deg, trunk_deg=obs.trunk_deg)
        c = self.counter
        seen = angle is not None
        detail = self.form.update(
            t,
            c.smoothed_deg if seen else None,
            obs.knee_deg if seen else None,
            obs.trunk_deg if seen else None,
            obs.back_bow_deg if seen else None,
            events,
            hip_deg=angle,
        )
        return FrameResult(
            t,
            obs,
            self._present,
            obs.hip_angle_deg,
            c.smoothed_deg,
            c.depth,
            c.count,
            c.phase,
            events,
            rep_detail=detail,
        )
