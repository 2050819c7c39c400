"""The picamera2 adapter against a faithful fake (tests/fake_picamera2.py): it is exercised for real on CI.

The adapter captures in a thread of its own; these tests wait for that thread with events (`settle()`,
the handoff's `wait()`, the fake's gate), never with sleeps, and time the backoff by the loop's `t`."""

import sys
import threading

import fake_picamera2 as fake
import numpy as np
import pytest

from kiosk.errors import HardwareUnavailable
from kiosk.hw.picam import PiCamera, full_fov_mode

WAIT_S = 5.0  # generous: only a broken adapter takes this long


@pytest.fixture
def picam(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", fake.module())
    monkeypatch.setattr(fake, "STATE", fake.fresh_state())
    return fake


@pytest.fixture
def cams():
    made = []
    yield made
    for c in made:
        c.close()


def started(cam, t=0.0):
    """Ask for a start at loop time t and take the capture thread's answer."""
    assert cam.read(t) is None  # the start is asked for; the loop never waits for it
    assert cam.settle(WAIT_S)
    cam.read(t)
    return cam


def next_frame(cam, t):
    assert cam.handoff.wait(WAIT_S), "no frame from the capture thread"
    f = cam.read(t)
    assert f is not None
    return f


def test_lores_y_plane_is_sliced_from_the_padded_stride(picam, cams):
    cam = started(PiCamera())
    cams.append(cam)
    assert cam.state == "live"
    f = next_frame(cam, 0.1)
    assert f.shape == (240, 320) and f.dtype == np.uint8 and f.flags.c_contiguous
    want = fake.pattern()
    assert np.array_equal(f.ravel()[1:], want.ravel()[1:])  # no stride padding, no chroma ([0, 0]: frame no.)


def test_full_field_of_view_mode_and_frame_rate(picam, cams):
    cam = started(PiCamera(fps=30))
    cams.append(cam)
    cfg = fake.STATE["last"].config
    assert cfg["sensor"] == {"output_size": (2304, 1296), "bit_depth": 10}  # not the cropped 1536x864
    assert cfg["controls"]["FrameDurationLimits"] == (33333, 33333)
    assert cfg["lores"] == {"size": (320, 240), "format": "YUV420"}
    assert full_fov_mode(fake.IMX708_MODES, (4608, 2592), 60) is None  # none reaches 60 fps at full view


def test_a_slow_loop_gets_the_newest_frame_and_never_a_stale_one(picam, cams):
    gate = threading.Semaphore(0)
    fake.STATE["gate"] = gate  # each release lets the camera deliver one frame
    cam = started(PiCamera(capture_timeout_s=WAIT_S))
    cams.append(cam)
    seq0 = cam.handoff.seq
    for _ in range(3):  # three frames arrive while the loop is busy elsewhere
        gate.release()
    assert cam.handoff.wait(WAIT_S, seq=seq0 + 3)
    f = cam.read(1.0)
    assert f[0, 0] == fake.STATE["captured"] % 256  # the third, newest frame
    assert cam.read(1.01) is None  # nothing new: no frame is handed over twice
    gate.release()
    f2 = next_frame(cam, 1.1)
    assert f2[0, 0] == fake.STATE["captured"] % 256
    fake.STATE["gate"] = None  # back to the camera's own pace, so close() need not wait out a capture
    gate.release()


def test_stall_rests_quietly_and_recovers_with_backoff(picam, cams, caplog):
    cam = started(PiCamera(capture_timeout_s=1.0))
    cams.append(cam)
    next_frame(cam, 0.5)
    fake.STATE["stall"] = True  # the capture in flight times out
    while cam.state == "live":  # the thread says so at its next capture; the loop reads it
        cam.handoff.wait(0.05)
        assert cam.read(2.0) is None or cam.state == "live"
    assert cam.state == "resting" and "stalled" in cam.last_error
    assert fake.STATE["last"].cancelled  # the pending job cancelled, as picamera2 asks after a timeout
    assert sum("camera resting" in r.message for r in caplog.records) == 1
    tries = fake.STATE["tries"]
    assert cam.read(2.5) is None and cam.read(2.9) is None  # backoff: no retry before 3.0 s
    fake.STATE["stall"] = False
    started(cam, 3.1)  # retry: starts again
    assert cam.state == "live"
    next_frame(cam, 3.2)
    assert fake.STATE["made"] == 1 and fake.STATE["tries"] == tries  # one Picamera2 for the process


def test_missing_camera_at_boot_rests_and_backs_off(picam, cams):
    fake.STATE["present"] = False
    cam = PiCamera()
    cams.append(cam)
    retries = []
    for k in range(80):
        t = k * 0.5
        before = cam._asked
        assert cam.read(t) is None
        if cam._asked != before:  # a start was asked for: the camera is looked for again
            retries.append(t)
            assert cam.settle(WAIT_S)
    assert cam.state == "resting" and "no camera found" in cam.last_error
    assert fake.STATE["tries"] == len(retries)
    gaps = np.diff(retries)
    assert list(gaps[:4]) == [1.0, 2.0, 4.0, 8.0]  # 1, 2, 4, 8 s ...
    fake.STATE["present"] = True
    t = retries[-1] + 31
    started(cam, t)
    assert cam.state == "live"


def test_unplugged_mid_run_then_back(picam, cams):
    cam = started(PiCamera())
    cams.append(cam)
    next_frame(cam, 0.1)
    fake.STATE["unplug"] = True
    while cam.state == "live":
        cam.handoff.wait(0.05)
        cam.read(1.0)
    assert cam.state == "resting" and "capture failed" in cam.last_error
    assert cam.read(1.1) is None
    fake.STATE["unplug"] = False
    started(cam, 2.5)
    assert cam.state == "live"
    next_frame(cam, 2.6)


def test_exposure_lock_uses_the_newest_frames_values(picam, cams):
    cam = started(PiCamera())
    cams.append(cam)
    next_frame(cam, 0.1)
    cam.lock_exposure()
    assert fake.STATE["last"].controls[-1] == {"AeEnable": False, "ExposureTime": 12000, "AnalogueGain": 2.5}
    cam.unlock_exposure()
    assert fake.STATE["last"].controls[-1] == {"AeEnable": True}


def test_close_is_idempotent_and_stops_the_thread(picam):
    cam = started(PiCamera())
    next_frame(cam, 0.1)
    inner = fake.STATE["last"]
    cam.close()
    cam.close()
    assert inner.closed and not cam._thread.is_alive() and cam.read(1.0) is None


def test_without_picamera2_the_message_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "picamera2", None)
    with pytest.raises(HardwareUnavailable, match="sudo apt install python3-picamera2"):
        PiCamera()
