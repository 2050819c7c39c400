"""A one-slot handoff from a capture thread to the frame loop, and the thread that fills it.

The capture side `put()`s every frame it gets; a frame not yet taken is replaced, never queued, so
the loop's `take()` always returns the newest frame (or None: nothing new since its last take) and a
loop that fell behind catches up at once instead of working through stale frames. `put()` is called
from the capture thread, `take()` / `wait()` from the loop (main thread); both are cheap (a lock).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kiosk.hw.closing import Closing

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Delivery:
    frame: np.ndarray  # H x W uint8; the capture side never touches it again
    seq: int  # 1, 2, 3 .. in capture order (a gap: frames replaced before the loop took them)
    captured_mono: float  # time.monotonic() when it was put


class Handoff:
    def __init__(self, *, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._cond = threading.Condition()
        self._slot: Delivery | None = None
        self._seq = 0
        self.monotonic = monotonic
        self.replaced = 0  # frames the loop never saw (it was busy): a count for the staff overlay

    def put(self, frame: np.ndarray) -> None:
        """A new frame (capture thread). An untaken older one is dropped."""
        with self._cond:
            self._seq += 1
            if self._slot is not None:
                self.replaced += 1
            self._slot = Delivery(frame, self._seq, self.monotonic())
            self._cond.notify_all()

    def take(self) -> Delivery | None:
        """The newest frame not taken before, or None (loop thread). Never blocks."""
        with self._cond:
            d, self._slot = self._slot, None
            return d

    def wait(self, timeout_s: float, *, seq: int | None = None) -> bool:
        """Block until a frame is waiting (or, with `seq`, until frame number `seq` has been put): True,
        or False once `timeout_s` passed. The loop waits here for the camera's next frame after its
        flip (kiosk.app.loop, bounded); tests and benches wait for a given frame."""
        with self._cond:
            if seq is None:
                return self._cond.wait_for(lambda: self._slot is not None, timeout=timeout_s)
            return self._cond.wait_for(lambda: self._seq >= seq, timeout=timeout_s)

    @property
    def seq(self) -> int:
        """How many frames were put so far."""
        with self._cond:
            return self._seq


class CaptureThread(Closing):
    """Calls `grab()` over and over in a thread of its own and puts each frame into `handoff`.

    `grab()` blocks until its source has the next frame (a camera's own pace) and returns it, or None
    for none this time. An exception from it ends the thread; `error` holds it for the owner to act
    on. `close()` stops the thread (after the grab in progress) and is idempotent."""

    def __init__(
        self, grab: Callable[[], np.ndarray | None], handoff: Handoff, *, name: str = "capture",
        join_s: float = 2.0,
    ) -> None:
        self.grab, self.handoff, self.join_s = grab, handoff, join_s
        self.error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                frame = self.grab()
            except BaseException as e:  # handed to the owner, who says what happened
                self.error = e
                return
            if frame is not None and not self._stop.is_set():
                self.handoff.put(frame)

    def close(self) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(self.join_s)
            if self._thread.is_alive():  # a grab stuck in a driver: a daemon thread, gone at exit
                log.warning("capture thread %s did not stop within %g s", self._thread.name, self.join_s)
