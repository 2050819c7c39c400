"""Camera sources behind one interface (`Camera`): `read(t)` returns the newest frame (H x W uint8)
or None, and `state` / `last_error` say how the camera is.

The app asks for a frame once per loop and never queues stale ones. The synthetic figure serves the
trainer demo, tests and laptops; a recorded clip replays real footage; the Pi camera is kiosk.hw.picam.
A real camera is captured in a thread of its own into a one-slot handoff (kiosk.hw.handoff), so the
loop never waits for it; `ThreadedCamera` does the same for the synthetic person and clips in a
real-time run (headless runs read them in the loop, on the simulated clock, deterministically).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

import numpy as np

from kiosk.errors import HardwareUnavailable
from kiosk.hw.closing import Closing
from kiosk.hw.handoff import CaptureThread, Handoff


class Camera(Protocol):
    name: str
    state: str  # "starting" | "live" | "resting" (no camera now: the kiosk runs on without one)
    last_error: str  # why it rests, for the staff overlay; "" when live

    def read(self, t: float) -> np.ndarray | None: ...
    def lock_exposure(self) -> None:
        """Hold exposure and gain where they are (the empty room has been learnt)."""

    def close(self) -> None: ...


class _Simple(Closing):
    """A source with no device behind it: nothing to lock, nothing to close (live unless it says)."""

    state = "live"
    last_error = ""

    def lock_exposure(self) -> None:
        pass


class SimCamera(_Simple):
    """The built-in synthetic person, rendered for time t (loops over its scene). The scene is built
    at the first read (about 50 ms): a stand-in never read costs the kiosk's start-up nothing.

    `perform(spec)` has the person go on with another scene (the trainer demo's demonstrations,
    kiosk.sim.library.demo_scene) from a moment they stand as they do there: never mid-rep."""

    name = "sim"

    def __init__(self, spec=None) -> None:
        self._spec = spec
        self._home = None  # its own scene
        self._now = None  # the scene `perform` went on with (None: its own)
        self._next = None  # the scene `perform` asked for, from the next moment it can
        self._scenes: dict = {}  # scenes built for `perform`, by spec (each about 50 ms to build)
        self._t0: float | None = None

    @property
    def scene(self):
        """The scene rendered now."""
        if self._now is not None:
            return self._now
        if self._home is None:
            from kiosk.sim.library import demo_scene
            from kiosk.sim.scene import Scene

            self._home = Scene(self._spec or demo_scene())
        return self._home

    def restart(self) -> None:
        """From the beginning of its own scene (what `perform` asked is forgotten)."""
        self._t0 = self._now = self._next = None

    def perform(self, spec) -> None:
        """Go on with scene `spec` (a kiosk.sim.scene.SceneSpec with this one's person, room and lead-in)
        from the next moment the person stands on the mark - between reps, after them - or at the same
        moment of the lead-in while the person is still arriving. Main thread (the loop's reads)."""
        from kiosk.sim.scene import Scene

        now = self.scene
        if spec == now.spec:
            self._next = None
            return
        if spec == (self._home.spec if self._home is not None else None):
            self._next = self._home
            return
        if spec not in self._scenes:
            self._scenes[spec] = Scene(spec)
        self._next = self._scenes[spec]

    def read(self, t: float) -> np.ndarray:
        if self._t0 is None:
            self._t0 = t
        if self._next is not None:
            at = _handover_s(self.scene, self._next, t - self._t0)
            if at is not None:
                self._now = None if self._next is self._home else self._next
                self._next, self._t0 = None, t - at
        return self.scene.render_at(t - self._t0)


def _lead_in(spec) -> tuple[tuple, float]:
    """A scene's timeline before its first rep, and how long that lasts (s)."""
    k = next((i for i, seg in enumerate(spec.timeline) if seg.kind == "rep"), len(spec.timeline))
    lead = tuple(spec.timeline[:k])
    return lead, sum(seg.duration_s for seg in lead)


def _handover_s(now, then, t_s: float) -> float | None:
    """Where in scene `then` to go on from `t_s` into (looping) scene `now` without a jump, or None:
    not yet. In the lead-in both scenes share, the same moment; standing on the mark in or after the
    reps, a second before `then`'s first rep (a moment of standing before a rep, as a person does)."""
    local = t_s % now.duration_s
    lead, lead_s = _lead_in(now.spec)
    lead_then, lead_then_s = _lead_in(then.spec)
    if local < lead_s:
        return local if lead == lead_then else None
    truth = now.truth(min(int(local * now.fps), now.n_frames - 1))
    if truth.present and truth.phase == "stand":
        last = lead_then[-1] if lead_then else None
        standing_s = last.duration_s if last is not None and last.kind in ("stand", "still") else 0.0
        return lead_then_s - min(1.0, standing_s)
    return None


class ClipCamera(_Simple):
    """A recorded clip (.npz), played at its own frame rate and looped."""

    name = "clip"

    def __init__(self, path: str) -> None:
        from kiosk.clip import load_clip

        self.frames, self.fps = load_clip(path)
        self._t0: float | None = None

    def read(self, t: float) -> np.ndarray:
        if self._t0 is None:
            self._t0 = t
        return self.frames[int((t - self._t0) * self.fps) % len(self.frames)]


class RestingCamera(_Simple):
    """A camera that cannot be had in this process at all (no picamera2 module): rests for good, says
    why (`last_error`, on the staff overlay); attract, learn and call-us go on without it."""

    state = "resting"

    def __init__(self, why: str, *, name: str = "pi") -> None:
        self.name = name
        self.last_error = why

    def read(self, t: float) -> None:
        return None


class ThreadedCamera(Closing):
    """`source` (a SimCamera or ClipCamera) read at `fps` in real time by a capture thread, as the Pi
    camera is: the loop's `read(t)` takes the newest frame from the handoff, or None (none new)."""

    def __init__(
        self, source: Camera, *, fps: float, monotonic: Callable[[], float] = time.monotonic
    ) -> None:
        self.source, self.name = source, source.name
        self.frame_s = 1.0 / fps
        self.monotonic = monotonic
        self.handoff = Handoff(monotonic=monotonic)
        self._stop = threading.Event()
        self._t0: float | None = None
        self._next_mono = 0.0
        self._thread = CaptureThread(self._grab, self.handoff, name=f"camera-{source.name}")

    def _grab(self) -> np.ndarray | None:
        """Capture thread: the source's frame for now, at the camera's pace."""
        now = self.monotonic()
        if self._t0 is None:
            self._t0 = self._next_mono = now
        if self._next_mono > now and self._stop.wait(self._next_mono - now):
            return None
        t = self._next_mono - self._t0
        self._next_mono = max(self._next_mono + self.frame_s, self.monotonic())  # late: no burst after
        return self.source.read(t)

    @property
    def state(self) -> str:
        return "resting" if self._thread.error is not None else "live"

    @property
    def last_error(self) -> str:
        e = self._thread.error
        return "" if e is None else f"capture failed ({e.__class__.__name__}: {e})"

    def read(self, t: float) -> np.ndarray | None:
        d = self.handoff.take()
        return None if d is None else d.frame

    def lock_exposure(self) -> None:
        self.source.lock_exposure()

    def close(self) -> None:
        self._stop.set()
        self._thread.close()
        self.source.close()


def open_camera(source: str, *, fps: float = 30.0, threaded: bool = False) -> Camera:
    """`sim`, `clip:PATH` or `pi` (at `fps` frames per second; a clip plays at its own rate).
    `threaded`: sim and clip frames come from a capture thread in real time (the Pi camera always
    does); False reads them in the loop at the loop's time (headless runs on a simulated clock)."""
    if source == "sim":
        return ThreadedCamera(SimCamera(), fps=fps) if threaded else SimCamera()
    if source.startswith("clip:"):
        clip = ClipCamera(source[5:])
        return ThreadedCamera(clip, fps=clip.fps) if threaded else clip
    if source == "pi":
        from kiosk.hw.picam import PiCamera

        return PiCamera(fps=fps)
    raise HardwareUnavailable(f"unknown camera source {source!r} - use sim, clip:PATH or pi")
