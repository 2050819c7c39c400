"""Camera sources behind one interface (`Camera`): `read(t)` returns the newest frame (H x W uint8)
or None, and `state` / `last_error` say how the camera is.

The app asks for a frame once per loop and never queues stale ones. The synthetic figure serves the
trainer demo, tests and laptops; a recorded clip replays real footage; the Pi camera is kiosk.hw.picam.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from kiosk.errors import HardwareUnavailable
from kiosk.hw.closing import Closing


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
    """The built-in synthetic person, rendered for time t (loops over its scene)."""

    name = "sim"

    def __init__(self, spec=None) -> None:
        from kiosk.sim.library import demo_scene
        from kiosk.sim.scene import Scene

        self.scene = Scene(spec or demo_scene())
        self._t0: float | None = None

    def restart(self) -> None:
        self._t0 = None

    def read(self, t: float) -> np.ndarray:
        if self._t0 is None:
            self._t0 = t
        return self.scene.render_at(t - self._t0)


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


def open_camera(source: str, *, fps: float = 30.0) -> Camera:
    """`sim`, `clip:PATH` or `pi` (at `fps` frames per second; a clip plays at its own rate)."""
    if source == "sim":
        return SimCamera()
    if source.startswith("clip:"):
        return ClipCamera(source[5:])
    if source == "pi":
        from kiosk.hw.picam import PiCamera

        return PiCamera(fps=fps)
    raise HardwareUnavailable(f"unknown camera source {source!r} - use sim, clip:PATH or pi")
