"""The camera side of the loop: the member's camera and the trainer demo's figure, a pipeline each,
frame health (a bad frame said once per kind, a camera gone quiet) and the exposure lock. Main thread."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from kiosk.app.settings import LoopTiming
from kiosk.core.reps import RepSettings
from kiosk.hw.camera import Camera

if TYPE_CHECKING:  # the vision (kiosk.core.pipeline) is imported with the first camera frame
    from kiosk.core.pipeline import FrameResult, Pipeline

log = logging.getLogger(__name__)


@dataclass
class Reading:
    """What one loop's camera read says, for the mode machine."""

    result: FrameResult | None = None  # from a new, usable frame; None: none this loop
    shown: FrameResult | None = None  # what the screen shows (the last result while frames pause)
    read_ok: bool = False  # the read and the pipeline step completed (a fault has recovered)
    fault: str | None = None  # the frame failed with this error
    nobody: bool = False  # no usable picture: nobody is seen
    notice: str | None = None  # a new kind of bad frame, said once


class StartingCamera:
    """Stands for the member's camera until it is opened (wiring opens it once the first frame is on
    the screen): no frames yet, nothing wrong. Main thread."""

    state = "starting"
    last_error = ""

    def __init__(self, name: str) -> None:
        self.name = name

    def read(self, t: float) -> None:
        return None

    def lock_exposure(self) -> None:
        pass

    def close(self) -> None:
        pass


class Feed:
    def __init__(
        self,
        camera: Camera,
        figure: Camera,
        *,
        reps: RepSettings,
        timing: LoopTiming,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.camera = camera  # the member's camera
        self.figure = figure  # the built-in synthetic person, for the trainer demo
        self.reps = reps
        self.timing = timing
        self.monotonic = monotonic
        self._camera_pipe: Pipeline | None = None  # made when first needed (a frame came)
        self._figure_pipe: Pipeline | None = None
        self.on_figure = False  # the trainer demo: the figure feeds the mode machine
        self.last: FrameResult | None = None  # the result on screen
        self.last_frame_mono: float | None = None  # monotonic time of the last frame (metrics)
        self.last_frame_t: float | None = None  # loop time of the last frame (a camera gone quiet)
        self.exposure_locked = False
        self._empty_since: float | None = None
        self._trouble: str | None = None  # the kind of bad frame now arriving
        self._bad_frames = 0
        self.capture_ms = 0.0  # this loop's camera read (taking the newest frame from its handoff)
        self.vision_ms = 0.0  # this loop's pipeline step (0 when no new frame came)

    @property
    def camera_pipe(self) -> Pipeline:
        if self._camera_pipe is None:
            self._camera_pipe = self._pipeline()
        return self._camera_pipe

    @property
    def figure_pipe(self) -> Pipeline:
        if self._figure_pipe is None:
            self._figure_pipe = self._pipeline()
        return self._figure_pipe

    def _pipeline(self) -> Pipeline:
        from kiosk.core.pipeline import Pipeline

        return Pipeline(reps=self.reps)

    def _pipe(self) -> Pipeline:
        return self.figure_pipe if self.on_figure else self.camera_pipe

    @property
    def active(self) -> Camera:
        return self.figure if self.on_figure else self.camera

    @property
    def resting(self) -> bool:
        return self.active.state == "resting"

    def switch(self, on_figure: bool) -> None:
        """To the demo figure (from its start, a fresh pipeline) or back to the member's camera."""
        if on_figure:
            self.figure.restart()
            self._figure_pipe = None  # a fresh one at the figure's first frame
        self.on_figure = on_figure

    def demonstrate(self, show: str) -> None:
        """The trainer demo: the figure performs `show` (kiosk.core.modes.DEMO_SHOWS: clean reps or one
        fault on purpose) from its next rep, in the same room, so its pipeline goes on as it is."""
        from kiosk.sim.library import demo_scene

        self.figure.perform(demo_scene(show))
        log.info("trainer demo: the figure shows %s", show)

    def relearn(self) -> None:
        """Staff asked (SIGUSR1): the member camera's background is learnt afresh from its next frames
        - a ghost where someone stood when the kiosk started is gone. The set's count is kept."""
        if self._camera_pipe is not None:
            self._camera_pipe.relearn_background()
        log.warning(
            "background re-learn requested (SIGUSR1): the camera's next frames are taken as the empty"
            " room - keep the mark clear for a few seconds"
        )

    def set_target_angle(self, angle_deg: float) -> None:
        """New content: the counters keep their counts, with the new target."""
        if angle_deg != self.reps.target_angle_deg:
            self.reps = replace(self.reps, target_angle_deg=angle_deg)
            for pipe in (self._camera_pipe, self._figure_pipe):
                if pipe is not None:
                    pipe.counter.settings = self.reps

    def read(self, t: float) -> Reading:
        """Vision runs in every mode: presence drives the timeouts, and a set can start calibrated."""
        r = Reading()
        cam = self.active
        if self.on_figure:
            self._watch_room(t)
        self.vision_ms = 0.0
        t0 = time.perf_counter()
        try:
            frame = cam.read(t)
            t1 = time.perf_counter()
            self.capture_ms = (t1 - t0) * 1000
            if frame is not None:
                frame = self._usable(frame, t, r)
            pipe = self._pipe()
            walked_out = pipe.estimator.exit_relearns
            r.result = pipe.step(frame, t) if frame is not None else None
            if pipe.estimator.exit_relearns != walked_out and not self.on_figure:
                log.info(
                    "background learnt afresh: whoever was in view when the camera started has walked"
                    " out, and where they stood is wall again"
                )
            if r.result is not None:
                self.vision_ms = (time.perf_counter() - t1) * 1000
            r.read_ok = True
        except Exception as e:  # a per-frame error must never take the screen down
            log.exception("frame failed; showing 'back in a moment'")
            r.fault = f"frame failed: {e.__class__.__name__}: {e}"
        quiet = self.last_frame_t is None or t - self.last_frame_t > self.timing.frame_gap_s
        if r.result is None and self.last is not None and quiet:
            self._nobody(t, r)  # frames stopped: nobody is seen rather than a frozen silhouette
        self._lock_exposure_when_room_learnt(t, r.result)
        r.shown = r.result if r.result is not None or self.resting else self.last
        self.last = r.shown
        return r

    def _usable(self, frame, t: float, r: Reading):
        """The frame, or None for a garbled or blank one (said once per kind, nobody seen)."""
        from kiosk.core.pipeline import frame_problem

        self.last_frame_mono, self.last_frame_t = self.monotonic(), t
        bad = frame_problem(frame)
        if bad is None:
            if self._trouble is not None:
                log.warning("camera frames usable again after %d bad ones", self._bad_frames)
                self._trouble, self._bad_frames = None, 0
            return frame
        self._bad_frames += 1
        if bad != self._trouble:
            log.error("camera frame unusable: %s - check the camera and its view", bad)
            self._trouble = bad
            r.notice = f"camera: {bad}"
        self._nobody(t, r)
        return None

    def _nobody(self, t: float, r: Reading) -> None:
        """No usable picture: no silhouette on screen, no rep finished on guesswork, nobody present."""
        self._pipe().blind(t)
        self.last = None
        r.nobody = True

    def _watch_room(self, t: float) -> None:
        """During the trainer demo the real camera keeps feeding its own pipeline (results unused):
        its picture of the room stays current, so someone who walks in during the demo and leaves
        again is not left behind as a ghost that keeps the kiosk in Train."""
        try:
            from kiosk.core.pipeline import frame_problem

            frame = self.camera.read(t)
            if frame is not None and frame_problem(frame) is None:
                self.camera_pipe.step(frame, t)
        except Exception as e:  # the demo must go on; the live camera's trouble shows after it
            log.debug("live camera during the demo: %s", e)

    def _lock_exposure_when_room_learnt(self, t: float, result: FrameResult | None) -> None:
        """Once the room has been seen with nobody in view for a while, hold the camera's exposure so
        the background model does not chase auto-exposure when a member walks in."""
        if self.exposure_locked or result is None or self.on_figure:
            return
        if result.present:
            self._empty_since = None
        elif self._empty_since is None:
            self._empty_since = t
        elif t - self._empty_since >= self.timing.empty_room_s:
            self.camera.lock_exposure()
            self.exposure_locked = True
            log.info("camera exposure locked after learning the empty room")
