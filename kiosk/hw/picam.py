"""The Raspberry Pi camera through picamera2 (imported here only, and only when a PiCamera is made).

Frames are the Y plane of the 320x240 `lores` YUV420 stream, sliced `[:h, :w]` (rows are padded to
the stride). `read(t)` never blocks the kiosk's loop: one capture job is kept in flight and polled; a
job that does not finish within `capture_timeout_s`, a camera missing at boot (`Picamera2()` raises
IndexError) or unplugged mid-run (RuntimeError) puts the camera to rest: read() returns None, one log
line says what to check, and it retries with backoff (1, 2, 4 .. 30 s, timed by `t`) in this process.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import logging

import numpy as np

from kiosk.errors import HardwareUnavailable
from kiosk.hw.closing import Closing

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
        self._cam = None
        self._job = None
        self._job_t = 0.0
        self._retry_t = 0.0
        self._backoff_s = 1.0
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------------------
    def _open(self) -> None:
        from picamera2 import Picamera2

        if self._cam is None:  # one Picamera2 per process: repeated open/close leaks
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

    def _rest(self, t: float, why: str) -> None:
        first = self.state != "resting"
        self.state = "resting"
        self.last_error = why
        self._job = None
        if first:
            log.error("camera resting: %s - %s; retrying every %g..%g s", why, HINT, 1.0, self.max_backoff_s)
            self._backoff_s = 1.0
        self._retry_t = t + self._backoff_s
        self._backoff_s = min(self._backoff_s * 2, self.max_backoff_s)
        if self._cam is not None:
            with contextlib.suppress(Exception):  # already stopped or gone; the retry re-starts it
                self._cam.stop()

    # -- frames --------------------------------------------------------------------------------
    def read(self, t: float) -> np.ndarray | None:
        """The newest lores Y frame (H x W uint8), or None (no new frame yet, or resting)."""
        if self._closed:
            return None
        if self.state != "live":
            if t < self._retry_t:
                return None
            try:
                self._open()
            except IndexError:
                self._cam = None
                self._rest(t, "no camera found by libcamera")
                return None
            except RuntimeError as e:
                self._rest(t, f"camera would not start ({e})")
                return None
            if self.state == "resting":
                log.info("camera back")
            self.state = "live"
            self.last_error = ""
        frame = None
        if self._job is not None:
            try:
                arr = self._job.get_result(timeout=0)
            except (concurrent.futures.TimeoutError, TimeoutError):
                if t - self._job_t > self.capture_timeout_s:
                    self._rest(t, f"no frame for {self.capture_timeout_s:g} s (camera stalled or unplugged)")
                return None
            except RuntimeError as e:
                self._rest(t, f"capture failed ({e})")
                return None
            w, h = self.size
            frame = np.ascontiguousarray(arr[:h, :w])  # the Y plane; rows are padded to the stride
            self._job = None
        try:
            self._job = self._cam.capture_array("lores", wait=False)
            self._job_t = t
        except RuntimeError as e:
            self._rest(t, f"capture failed ({e})")
        return frame

    def lock_exposure(self) -> None:
        """After the empty-room calibration: hold exposure and gain so the background model does not
        chase auto-exposure when a dark-clothed member walks in."""
        if self._cam is None or self.state != "live":
            return
        md = self._cam.capture_metadata()
        self._cam.set_controls(
            {"AeEnable": False, "ExposureTime": md["ExposureTime"], "AnalogueGain": md["AnalogueGain"]}
        )

    def unlock_exposure(self) -> None:
        if self._cam is not None:
            self._cam.set_controls({"AeEnable": True})

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if self._cam is not None:
            try:
                self._cam.stop()
            finally:
                self._cam.close()
                self._cam = None
