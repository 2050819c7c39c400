"""Starting without a part the kiosk can live without: no display yet, no picamera2 module.

Both used to exit into systemd's restart loop. Now the kiosk says so once and runs on: the LED bar,
the buttons and the watchdog keep going, and the display is retried with backoff until it comes.
"""

import itertools
import logging
import sys
import time

import pygame

from kiosk.app import App
from kiosk.app.settings import LoopTiming
from kiosk.core.modes import Mode


class Bar:
    n = 10

    def __init__(self):
        self.shown = []

    def show(self, levels):
        self.shown.append((pygame.display.get_init(), tuple(levels)))

    def close(self):
        pass


class Buttons:
    """GREEN pressed at the first drain and released 0.2 s later (real time, as gpiozero reports)."""

    def __init__(self):
        self.down_at = None
        self.drained_without_display = False

    def drain(self):
        now = time.monotonic()
        if self.down_at is None:
            self.down_at = now
            self.drained_without_display = not pygame.display.get_init()
            return [("green", True, now)]
        if self.down_at > 0 and now - self.down_at >= 0.2:
            self.down_at = -1.0
            return [("green", False, now)]
        return []

    def close(self):
        pass


class Notifier:
    def __init__(self):
        self.sent = []

    def ready(self):
        self.sent.append(("READY", pygame.display.get_init()))

    def watchdog(self, t=None):
        self.sent.append(("WATCHDOG", pygame.display.get_init()))

    def stopping(self):
        self.sent.append(("STOPPING", None))


def test_no_display_at_start_keeps_bar_and_buttons_alive_and_comes_up_when_the_screen_does(
    monkeypatch, caplog
):
    real_init, tries = pygame.display.init, []

    def init():
        tries.append(time.monotonic())
        if len(tries) <= 3:  # the TV is off for the first three tries
            raise pygame.error("kmsdrm not available")
        real_init()

    monkeypatch.setattr(pygame.display, "init", init)
    pygame.display.quit()
    bar, buttons, notifier = Bar(), Buttons(), Notifier()
    timing = LoopTiming(display_retry_s=(0.1, 0.2))
    app = App(ledbar=bar, buttons=buttons, notifier=notifier, timing=timing, fps=60)
    with caplog.at_level(logging.INFO):
        assert app.run(seconds=1.2) == 0
    # said once, not once per try
    missing = [r for r in caplog.records if "no display" in r.getMessage()]
    assert len(missing) == 1 and missing[0].levelno == logging.ERROR
    assert "kmsdrm not available" in missing[0].getMessage()
    assert "check the HDMI cable" in missing[0].getMessage()
    assert any("display up after" in r.getMessage() for r in caplog.records)
    # retried with backoff: 0.1 s, then 0.2 s (the longest) apart
    assert len(tries) == 4
    gaps = [b - a for a, b in itertools.pairwise(tries)]
    assert gaps[0] >= 0.1 and min(gaps[1:]) >= 0.2  # doubled to the longest
    # meanwhile the LED bar was driven, the button worked, systemd heard READY and the watchdog
    assert any(not up and any(levels) for up, levels in bar.shown)
    assert any(up for up, _levels in bar.shown)  # and after the display came
    assert buttons.drained_without_display and app.state.mode == Mode.LEARN
    assert ("READY", False) in notifier.sent and ("WATCHDOG", True) in notifier.sent


def test_a_display_that_never_comes_is_no_crash(monkeypatch, caplog):
    def init():
        raise pygame.error("kmsdrm not available")

    monkeypatch.setattr(pygame.display, "init", init)
    bar = Bar()
    app = App(ledbar=bar, timing=LoopTiming(display_retry_s=(0.05, 0.1)))
    with caplog.at_level(logging.INFO):
        assert app.run(seconds=0.5) == 0
    assert sum("no display" in r.getMessage() for r in caplog.records) == 1
    assert app.frames >= 10 and bar.shown


def test_without_the_picamera2_module_the_camera_rests_and_the_staff_overlay_says_why(
    monkeypatch, caplog, tmp_path, made_apps
):
    from dataclasses import replace

    from kiosk import cli

    monkeypatch.setitem(sys.modules, "picamera2", None)  # `import picamera2` raises ImportError
    with caplog.at_level(logging.INFO):
        rc = cli.main(["run", "--headless", "--seconds", "1", "--camera", "pi", "--db", "off"])
    assert rc == 0
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [
        "camera resting: picamera2 is not installed - on Raspberry Pi OS: sudo apt install"
        " python3-picamera2 (not pip), and create the venv with --system-site-packages"
    ]
    (app,) = made_apps
    assert app.feed.camera.state == "resting" and app.feed.camera.read(1.0) is None
    app.state = replace(app.state, overlay=True)
    frame = app.screen_frame(1.0, None, ())
    assert frame.camera_resting
    cam_line = next(line for line in frame.staff_lines if "camera:" in line)
    assert "pi resting picamera2 is not installed" in cam_line
    assert app.state.notice.startswith("camera resting: picamera2 is not installed")


def test_selftest_still_fails_the_camera_without_picamera2(monkeypatch, capsys):
    from kiosk import cli

    monkeypatch.setitem(sys.modules, "picamera2", None)
    assert cli.main(["selftest", "--no-gpio", "--camera", "pi"]) == 1
    out = capsys.readouterr().out
    assert "FAIL camera: picamera2 is not installed" in out
