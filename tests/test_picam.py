"""The picamera2 adapter against a faithful fake (tests/fake_picamera2.py): it is exercised for real on CI."""

import sys

import fake_picamera2 as fake
import numpy as np
import pytest

from kiosk.errors import HardwareUnavailable
from kiosk.hw.picam import PiCamera, full_fov_mode


@pytest.fixture
def picam(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", fake.module())
    monkeypatch.setattr(
        fake, "STATE", {"present": True, "stall": False, "unplug": False, "made": 0, "tries": 0, "last": None}
    )
    return fake


def frames(cam, t0, n=3, dt=1 / 30):
    out = []
    for k in range(n):
        f = cam.read(t0 + k * dt)
        if f is not None:
            out.append(f)
    return out


def test_lores_y_plane_is_sliced_from_the_padded_stride(picam):
    cam = PiCamera()
    got = frames(cam, 0.0)
    assert got and got[0].shape == (240, 320) and got[0].dtype == np.uint8
    assert np.array_equal(got[0], fake.pattern())  # no stride padding, no chroma rows
    assert cam.state == "live"


def test_full_field_of_view_mode_and_frame_rate(picam):
    cam = PiCamera(fps=30)
    cam.read(0.0)
    cfg = fake.STATE["last"].config
    assert cfg["sensor"] == {"output_size": (2304, 1296), "bit_depth": 10}  # not the cropped 1536x864
    assert cfg["controls"]["FrameDurationLimits"] == (33333, 33333)
    assert cfg["lores"] == {"size": (320, 240), "format": "YUV420"}
    assert full_fov_mode(fake.IMX708_MODES, (4608, 2592), 60) is None  # none reaches 60 fps at full view


def test_stall_rests_quietly_and_recovers_with_backoff(picam, caplog):
    cam = PiCamera(capture_timeout_s=1.0)
    assert frames(cam, 0.0)
    fake.STATE["stall"] = True
    cam.read(1.0)  # queues a job that never finishes
    assert cam.read(1.5) is None and cam.state == "live"  # not yet past the timeout
    assert cam.read(2.1) is None and cam.state == "resting"
    assert "stalled" in cam.last_error
    assert sum("camera resting" in r.message for r in caplog.records) == 1
    assert cam.read(2.5) is None  # backoff: no retry before 3.1 s
    fake.STATE["stall"] = False
    cam.read(3.2)  # retry: starts again and queues a capture
    assert cam.state == "live"
    assert frames(cam, 3.3)
    assert fake.STATE["made"] == 1  # one Picamera2 object for the whole process


def test_missing_camera_at_boot_rests_and_backs_off(picam):
    fake.STATE["present"] = False
    cam = PiCamera()
    retries = []
    for k in range(80):
        t = k * 0.5
        before = fake.STATE["tries"]
        assert cam.read(t) is None
        if fake.STATE["tries"] != before:  # the camera was looked for again
            retries.append(t)
    assert cam.state == "resting" and "no camera found" in cam.last_error
    gaps = np.diff(retries)
    assert list(gaps[:4]) == [1.0, 2.0, 4.0, 8.0]  # 1, 2, 4, 8 s ...
    fake.STATE["present"] = True
    t = retries[-1] + 31
    cam.read(t)
    assert cam.state == "live"


def test_unplugged_mid_run_then_back(picam):
    cam = PiCamera()
    assert frames(cam, 0.0)
    fake.STATE["unplug"] = True
    cam.read(1.0)  # may still hand over the frame already captured; the next capture fails
    assert cam.state == "resting" and "capture failed" in cam.last_error
    assert cam.read(1.1) is None
    fake.STATE["unplug"] = False
    cam.read(2.5)
    assert cam.state == "live" and frames(cam, 2.6)


def test_exposure_lock_uses_the_current_values(picam):
    cam = PiCamera()
    cam.read(0.0)
    cam.lock_exposure()
    assert fake.STATE["last"].controls[-1] == {"AeEnable": False, "ExposureTime": 12000, "AnalogueGain": 2.5}
    cam.unlock_exposure()
    assert fake.STATE["last"].controls[-1] == {"AeEnable": True}


def test_close_is_idempotent(picam):
    cam = PiCamera()
    cam.read(0.0)
    inner = fake.STATE["last"]
    cam.close()
    cam.close()
    assert inner.closed and cam.read(1.0) is None


def test_without_picamera2_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)
    with pytest.raises(HardwareUnavailable, match="sudo apt install python3-picamera2"):
        PiCamera()
