"""A fake `picamera2` module that behaves like the real one for what kiosk.hw.picam uses.

Modelled on picamera2 0.3.x: `Picamera2()` raises IndexError with no camera; `sensor_modes` as an
IMX708 (Camera Module 3) reports them; YUV420 lores arrays come back as (h*3/2, stride) with rows
padded to the stride; `capture_arrays(names, wait=seconds)` blocks until the next frame (paced at the
configured FrameDurationLimits, or when a test releases STATE["gate"], a Semaphore) and returns
([arrays], metadata); a stalled camera raises TimeoutError (concurrent.futures.TimeoutError) as the
real one does once `wait` seconds have passed (at once here: the tests do not wait it out).
"""

from __future__ import annotations

import concurrent.futures
import time
import types

import numpy as np

# what a test sets (present, stall, unplug) and reads: every Picamera2() tried, the last one made
STATE = {
    "present": True, "stall": False, "unplug": False, "made": 0, "tries": 0, "last": None, "gate": None,
    "captured": 0,
}


def fresh_state(**kw) -> dict:
    return {
        "present": True, "stall": False, "unplug": False, "made": 0, "tries": 0, "last": None, "gate": None,
        "captured": 0, **kw,
    }
IMX708_MODES = [
    {
        "format": "SRGGB10_CSI2P",
        "bit_depth": 10,
        "size": (1536, 864),
        "fps": 120.13,
        "crop_limits": (768, 432, 3072, 1728),
        "exposure_limits": (9, 77208384, None),
    },
    {
        "format": "SRGGB10_CSI2P",
        "bit_depth": 10,
        "size": (2304, 1296),
        "fps": 56.03,
        "crop_limits": (0, 0, 4608, 2592),
        "exposure_limits": (13, 112015443, None),
    },
    {
        "format": "SRGGB10_CSI2P",
        "bit_depth": 10,
        "size": (4608, 2592),
        "fps": 14.35,
        "crop_limits": (0, 0, 4608, 2592),
        "exposure_limits": (26, 220417486, None),
    },
]


def pattern(h: int = 240, w: int = 320) -> np.ndarray:
    y, x = np.mgrid[0:h, 0:w]
    return ((x + 2 * y) % 251).astype(np.uint8)


class Job:
    def __init__(self, result=None, done=True):
        self.result, self.done = result, done

    def get_result(self, timeout=None):
        if not self.done:
            raise concurrent.futures.TimeoutError()
        return self.result


class Picamera2:
    def __init__(self, camera_num: int = 0):
        STATE["tries"] += 1
        if not STATE["present"]:
            raise IndexError("list index out of range")
        STATE["made"] += 1
        STATE["last"] = self
        self.camera_properties = {"Model": "imx708", "PixelArraySize": (4608, 2592)}
        self.sensor_modes = IMX708_MODES
        self.config = None
        self.started = False
        self.closed = False
        self.controls: list[dict] = []
        self.cancelled = False

    def create_video_configuration(
        self,
        main=None,
        lores=None,
        raw=None,
        transform=None,
        colour_space=None,
        buffer_count=6,
        controls=None,
        display="main",
        encode="main",
        queue=True,
        sensor=None,
        use_case="video",
    ):
        return {
            "use_case": use_case,
            "main": main,
            "lores": lores,
            "sensor": sensor or {},
            "controls": controls or {},
            "buffer_count": buffer_count,
        }

    def configure(self, config):
        self.config = config

    def start(self):
        if STATE["unplug"]:
            raise RuntimeError("Camera frontend has timed out!")
        self.started = True

    def stop(self):
        self.started = False

    def close(self):
        self.closed = True

    def capture_array(self, name="main", wait=None, signal_function=None):
        assert name == "lores" and wait is False, "the adapter must not block"
        if STATE["unplug"]:
            raise RuntimeError("Device or resource busy")
        if STATE["stall"]:
            return Job(done=False)
        w, h = self.config["lores"]["size"]
        stride = (w + 63) // 64 * 64  # rows padded to the stride (384 for 320)
        arr = np.full((h * 3 // 2, stride), 128, np.uint8)
        arr[:h, w:] = 255  # padding garbage that must not reach the frame
        arr[:h, :w] = pattern(h, w)
        return Job(arr)

    def capture_arrays(self, names=("main",), wait=None, signal_function=None):
        assert list(names) == ["lores"] and isinstance(wait, float), "the adapter waits at most its timeout"
        if STATE["unplug"]:
            raise RuntimeError("Device or resource busy")
        if STATE["stall"]:
            raise concurrent.futures.TimeoutError()
        gate = STATE["gate"]
        if gate is not None:
            if not gate.acquire(timeout=wait):
                raise concurrent.futures.TimeoutError()
        else:
            frame_us = self.config["controls"].get("FrameDurationLimits", (33333, 33333))[0]
            time.sleep(frame_us / 1e6)
        if not self.started:
            raise RuntimeError("Camera is not started")
        STATE["captured"] += 1
        n = STATE["captured"]
        arr = self._lores()
        arr[0, 0] = n % 256  # which frame this is, for the tests
        return [arr], self.capture_metadata()

    def cancel_all_and_flush(self):
        self.cancelled = True

    def _lores(self):
        w, h = self.config["lores"]["size"]
        stride = (w + 63) // 64 * 64  # rows padded to the stride (384 for 320)
        arr = np.full((h * 3 // 2, stride), 128, np.uint8)
        arr[:h, w:] = 255  # padding garbage that must not reach the frame
        arr[:h, :w] = pattern(h, w)
        return arr

    def capture_metadata(self, wait=None):
        return {"ExposureTime": 12000, "AnalogueGain": 2.5, "Lux": 300.0}

    def set_controls(self, controls):
        self.controls.append(dict(controls))


def module() -> types.ModuleType:
    m = types.ModuleType("picamera2")
    m.Picamera2 = Picamera2
    return m
