"""The Raspberry Pi camera through picamera2 (imported here only, and only when a PiCamera is made).

Frames are the Y plane of the 320x240 `lores` YUV420 stream, sliced `[:h, :w]` (rows are padded to
the stride). A capture thread of its own starts the camera and then takes every frame
(`capture_arrays(["lores"], wait=capture_timeout_s)`: the frame and its metadata) into a one-slot
handoff (kiosk.hw.handoff), so the loop's `read(t)` never waits: it gets the newest frame or None.
A camera missing at boot (`Picamera2()` raises IndexError), one that will not start or fails mid-run
(RuntimeError) or no frame within `capture_timeout_s` (stalled, unplugged: the pending job is
cancelled, as picamera2 says to) puts the camera to rest: read() returns None, one log line says what
to check, and the loop asks the thread to try again with backoff (1, 2, 4 .. 30 s, timed by `t`).
"""

from __future__ import annotations

import contextlib
import logging
import queue
import threading

import numpy as np

from kiosk.errors import HardwareUnavailable
from kiosk.hw.closing import Closing
from kiosk.hw.handoff import Handoff

log = logging.getLogger(__name__)

HINT = (
    "check the camera ribbon cable (both ends, contacts the right way),"
    " then run 'rpicam-hello --list-cameras'"
)


def full_fov_mode(modes: list[dict], sensor_size: tuple[int, int], fps: float) -> dict | None:
    """The smallest sensor mode that sees the whole sensor (not a crop) and reaches `fps`."""
    full = [
        m
        for m in modes
        if "size" in m
        and tuple(m.get("crop_limits", (0, 0, 0, 0))[2:]) == tuple(sensor_size)
        and m.get("fps", 0) >= fps
    ]
    return min(full, key=lambda m: m["size"][0] * m["size"][1]) if full else None


class PiCamera(Closing):
    name = "pi"

    def __init__(
        self,
        *,
        size: tuple[int, int] = (320, 240),
        fps: float = 30.0,
        capture_timeout_s: float = 1.0,
        max_backoff_s: float = 30.0,
        camera_num: int = 0,
    ) -> None:
        try:
            import picamera2  # noqa: F401  (only on a Pi)
        except ImportError as e:
            raise HardwareUnavailable(
                "picamera2 is not installed - on Raspberry Pi OS: sudo apt install python3-picamera2"
                " (not pip), and create the venv with --system-site-packages"
            ) from e
        self.size = size
        self.fps = fps
        self.capture_timeout_s = capture_timeout_s
        self.max_backoff_s = max_backoff_s
        self.camera_num = camera_num
        self.state = "starting"
        self.last_error = ""
        self.handoff = Handoff()
        self._cam = None  # made, started, captured and stopped by the capture thread only
        self._metadata: dict | None = None  # the newest frame's (the capture thread swaps it whole)
        self._retry_t = 0.0
        self._backoff_s = 1.0
        self._closed = False
        # loop -> capture thread: "start the camera"; capture thread -> loop: ("live" | "rest", why)
        self._wanted = threading.Event()
        self._stop = threading.Event()
        self._reports: queue.SimpleQueue = queue.SimpleQueue()
        self._asked = self._answered = 0  # starts the loop asked for / saw answered ("live" or "rest")
        self._asked_t = 0.0
        self._thread_answers = 0  # starts the capture thread has answered (it writes this one)
        self._settled = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="camera-pi", daemon=True)
        self._thread.start()

    # -- the loop's side (main thread) -------------------------------------------------------------
    def read(self, t: float) -> np.ndarray | None:
        """The newest lores Y frame (H x W uint8) not read before, or None (none new, or resting)."""
        if self._closed:
            return None
        self._take_reports(t)
        if self.state != "live":
            if self._asked == self._answered and t >= self._retry_t:
                self._asked += 1
                self._asked_t = t
                self._wanted.set()
            return None
        d = self.handoff.take()
        return None if d is None else d.frame

    def _take_reports(self, t: float) -> None:
        while True:
            try:
                kind, why, answer = self._reports.get_nowait()
            except queue.Empty:
                return
            self._answered += answer
            if kind == "live":
                if self.state == "resting":
                    log.info("camera back")
                self.state, self.last_error = "live", ""
            else:  # a failed start backs off from when it was asked for
                self._rest(self._asked_t if answer else t, why)

    def _rest(self, t: float, why: str) -> None:
        first = self.state != "resting"
        self.state = "resting"
        self.last_error = why
        self.handoff.take()  # a frame from before the trouble is not shown after it
        if first:
            log.error("camera resting: %s - %s; retrying every %g..%g s", why, HINT, 1.0, self.max_backoff_s)
            self._backoff_s = 1.0
        self._retry_t = t + self._backoff_s
        self._backoff_s = min(self._backoff_s * 2, self.max_backoff_s)

    def settle(self, timeout_s: float = 5.0) -> bool:
        """Wait until the capture thread has answered every start the loop asked for (tests, selftest);
        the answer is taken by the next read()."""
        with self._settled:
            return self._settled.wait_for(lambda: self._thread_answers >= self._asked, timeout_s)

    # -- the capture thread ------------------------------------------------------------------------
    def _report(self, kind: str, why: str = "", *, answer: bool) -> None:
        self._reports.put((kind, why, answer))
        if answer:
            with self._settled:
                self._thread_answers += 1
                self._settled.notify_all()

    def _work(self) -> None:
        while True:
            self._wanted.wait()
            if self._stop.is_set():
                return
            self._wanted.clear()
            why = self._start()
            if why is not None:
                self._report("rest", why, answer=True)
                continue
            self._report("live", answer=True)
            why = self._capture()
            if why is None:  # closing
                return
            self._halt()
            self._report("rest", why, answer=False)

    def _start(self) -> str | None:
        """Make (once per process: repeated open/close leaks), configure and start the camera; None, or
        why it could not."""
        try:
            from picamera2 import Picamera2

            if self._cam is None:
                self._cam = Picamera2(camera_num=self.camera_num)
            cam = self._cam
            w, h = self.size
            frame_us = round(1e6 / self.fps)
            sensor = cam.camera_properties.get("PixelArraySize")
            mode = full_fov_mode(cam.sensor_modes, tuple(sensor), self.fps) if sensor else None
            kwargs = {}
            if mode is not None:
                kwargs["sensor"] = {"output_size": tuple(mode["size"]), "bit_depth": mode["bit_depth"]}
            config = cam.create_video_configuration(
                main={"size": (640, 480), "format": "YUV420"},
                lores={"size": (w, h), "format": "YUV420"},
                controls={"FrameDurationLimits": (frame_us, frame_us)},
                buffer_count=4,
                **kwargs,
            )
            cam.configure(config)
            cam.start()
        except IndexError:
            self._cam = None
            return "no camera found by libcamera"
        except RuntimeError as e:
            return f"camera would not start ({e})"
        except Exception as e:  # anything else from libcamera: rest and retry, never a dead thread
            return f"camera would not start ({e.__class__.__name__}: {e})"
        return None

    def _capture(self) -> str | None:
        """Every frame into the handoff until trouble (why) or close (None)."""
        w, h = self.size
        while not self._stop.is_set():
            try:
                (arr,), md = self._cam.capture_arrays(["lores"], wait=self.capture_timeout_s)
            except TimeoutError:  # concurrent.futures.TimeoutError: the job stays queued unless cancelled
                with contextlib.suppress(Exception):
                    self._cam.cancel_all_and_flush()
                return f"no frame for {self.capture_timeout_s:g} s (camera stalled or unplugged)"
            except RuntimeError as e:
                return f"capture failed ({e})"
            except Exception as e:
                return f"capture failed ({e.__class__.__name__}: {e})"
            if self._stop.is_set():
                return None
            self._metadata = md
            self.handoff.put(np.ascontiguousarray(arr[:h, :w]))  # the Y plane; rows padded to the stride
        return None

    def _halt(self) -> None:
        if self._cam is not None:
            with contextlib.suppress(Exception):  # already stopped or gone; the retry re-starts it
                self._cam.stop()

    # -- controls and closing (main thread) --------------------------------------------------------
    def lock_exposure(self) -> None:
        """After the empty-room calibration: hold exposure and gain (the newest frame's) so the
        background model does not chase auto-exposure when a dark-clothed member walks in."""
        md = self._metadata
        if self._cam is None or self.state != "live" or md is None:
            return
        self._cam.set_controls(  # picamera2's controls are locked: safe beside the capture thread
            {"AeEnable": False, "ExposureTime": md["ExposureTime"], "AnalogueGain": md["AnalogueGain"]}
        )

    def unlock_exposure(self) -> None:
        if self._cam is not None:
            self._cam.set_controls({"AeEnable": True})

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        self._stop.set()
        self._wanted.set()
        self._thread.join(self.capture_timeout_s + 1.0)  # a capture in flight ends within its timeout
        if self._cam is not None:
            try:
                self._cam.stop()
            finally:
                self._cam.close()
                self._cam = None
