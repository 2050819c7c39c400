"""`kiosk selftest` checks, on gpiozero mock pins and fake cameras: every line OK/FAIL with what to do."""

import numpy as np
import pytest

from kiosk.hw.buttons import GpioButtons
from kiosk.hw.ledbar import GpioLedBar
from kiosk.ops import selftest as st

PINS = {"green": "GPIO17", "yellow": "GPIO27", "blue": "GPIO22"}


class FakeClock:
    def __init__(self):
        self.t = 0.0

    def __call__(self):
        return self.t

    def sleep(self, dt):
        self.t += dt


def test_led_bar_chase_lights_each_segment_in_order(pwm_factory):
    pins = ["GPIO5", "GPIO6", "GPIO13", "GPIO19"]
    seen = []
    with GpioLedBar(pins, pin_factory=pwm_factory) as bar:

        def sleep(_dt):
            seen.append(tuple(int(pwm_factory.pin(p).state) for p in pins))

        c = st.check_ledbar(bar, sleep=sleep)
    assert c.ok and c.line().startswith("OK")
    assert seen[:4] == [(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1)]
    assert len(seen) == 8


def test_buttons_echo_the_pin_when_pressed_and_fail_with_a_hint_when_not(pwm_factory):
    clock = FakeClock()
    buttons = GpioButtons(PINS, pin_factory=pwm_factory, clock=clock)
    said = []

    def sleep(dt):
        clock.sleep(dt)
        if said and "GREEN" in said[-1] and clock.t > 0.5:
            pwm_factory.pin("GPIO17").drive_low()
        if said and "BLUE" in said[-1] and clock.t > 15:
            pwm_factory.pin("GPIO22").drive_low()

    checks = st.check_buttons(buttons, PINS, timeout_s=10, clock=clock, sleep=sleep, say=said.append)
    assert [c.ok for c in checks] == [True, False, True]
    assert checks[0].detail == "pressed (GPIO17)"
    assert "no press seen on GPIO27" in checks[1].detail and "GND" in checks[1].detail
    buttons.close()


class FrameSource:
    def __init__(self, frames, clock, dt):
        self.frames, self.clock, self.dt, self.k = frames, clock, dt, 0

    def read(self, _t):
        self.clock.t += self.dt
        f = self.frames[self.k % len(self.frames)]
        self.k += 1
        return f


@pytest.mark.parametrize(
    "frames, ok, words",
    [
        ([np.full((240, 320), 120, np.uint8)], True, "mean 120"),
        ([np.full((240, 320), 15, np.uint8)], False, "too dark"),
        ([np.full((240, 320), 250, np.uint8)], False, "too bright"),
        ([np.full((240, 320), v, np.uint8) for v in (90, 140)], False, "flicker"),
    ],
)
def test_camera_lighting(frames, ok, words):
    clock = FakeClock()
    checks = st.check_camera(FrameSource(frames, clock, 1 / 30), seconds=2.0, clock=clock)
    assert checks[0].ok and "30.0 fps" in checks[0].detail
    assert checks[1].ok is ok and words in checks[1].detail


def test_camera_without_frames_says_what_to_check():
    clock = FakeClock()

    class Dead:
        def read(self, _t):
            clock.t += 0.1

    (c,) = st.check_camera(Dead(), seconds=1.0, clock=clock)
    assert not c.ok and "rpicam-hello --list-cameras" in c.detail


def test_disk_and_service_lines():
    assert st.check_disk("/", min_free_mb=0).ok
    assert not st.check_disk("/", min_free_mb=1e12).ok


@pytest.mark.parametrize(
    "active, enabled, ok, says",
    [
        ("active", "enabled", True, "crux-kiosk is active, enabled"),
        ("inactive", "disabled", False, "enable it: sudo systemctl enable crux-kiosk"),
        ("inactive", "", True, "crux-kiosk is inactive, not installed"),  # no unit file: a desktop install
        ("failed", "enabled", True, "crux-kiosk is failed, enabled"),  # enabled: systemd restarts it
    ],
)
def test_service_line_says_how_the_unit_is(active, enabled, ok, says):
    import subprocess

    answers = {"is-active": active, "is-enabled": enabled}

    def systemctl(cmd, **_kw):
        return subprocess.CompletedProcess(cmd, 0, stdout=answers[cmd[1]] + "\n", stderr="")

    c = st.check_service("crux-kiosk", run=systemctl, which=lambda _name: "/usr/bin/systemctl")
    assert c.ok is ok and says in c.detail


def test_no_systemd_is_no_failure():
    c = st.check_service("crux-kiosk", which=lambda _name: None)
    assert c.ok and "no systemd" in c.detail


def test_display_check_names_the_packages_kmsdrm_needs(tmp_path):
    def load_without(*absent):
        def load(soname):
            if soname in absent:
                raise OSError(f"{soname}: cannot open shared object file")

        return load

    (tmp_path / "card1").touch()
    c = st.check_display(load=load_without("libgbm.so.1", "libGLESv2.so.2"), dri=str(tmp_path))
    assert c.line() == (
        "FAIL display: SDL's kmsdrm cannot load its libraries - sudo apt install libgbm1 libgles2"
    )
    assert st.check_display(load=load_without(), dri=str(tmp_path)).ok
    c = st.check_display(load=load_without(), dri=str(tmp_path / "none"))
    assert not c.ok and "no DRM device" in c.detail


def test_selftest_prints_fail_lines_when_the_pins_cannot_open(monkeypatch, capsys, caplog):
    # off a Pi with no pin library: gpiozero finds no pin factory. FAIL lines, the other checks run
    # on, exit 1 - and gpiozero's fallback warnings are one line in the kiosk's words
    import warnings

    from gpiozero import Device

    from kiosk.cli import main
    from kiosk.hw import gpio

    monkeypatch.delenv("GPIOZERO_PIN_FACTORY", raising=False)
    monkeypatch.setattr(Device, "pin_factory", None)
    monkeypatch.setattr(gpio, "_said", False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # any warning that escapes fails the test
        rc = main(["selftest", "--camera", "sim", "--button-timeout", "0.1"])
    out = capsys.readouterr().out.splitlines()
    assert rc == 1
    assert out[0].startswith("FAIL LED bar: LED bar on pins GPIO5, GPIO6")
    assert out[0].endswith("no GPIO pin library works here - on a Pi: sudo apt install python3-lgpio")
    assert out[1].startswith("FAIL buttons: button GREEN on GPIO17 could not be opened")
    assert any(line.startswith(("OK   camera frame rate", "FAIL camera frame rate")) for line in out)
    assert out[-1].endswith(" FAIL") and not out[-1].endswith(" 0 FAIL")
    said = [r.getMessage() for r in caplog.records if r.name == "kiosk.hw.gpio"]
    assert len(said) == 1 and said[0].startswith("no GPIO pin library usable here: lgpio (")
