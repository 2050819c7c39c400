"""`kiosk selftest`: staff check the hardware over SSH. Every line is OK or FAIL with what to do.

LED bar chase (watch the bar), "press each button now" (echoes the pin), camera frame rate and a
lighting check (too dark, too bright, flicker), disk space, and the service's state. Stop the service
first (`sudo systemctl stop crux-kiosk`): it holds the pins and the camera.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from kiosk.errors import KioskError


@dataclass
class Check:
    name: str
    ok: bool
    detail: str

    def line(self) -> str:
        return f"{'OK  ' if self.ok else 'FAIL'} {self.name}: {self.detail}"


def check_ledbar(bar, *, sleep: Callable[[float], None] = time.sleep, step_s: float = 0.25) -> Check:
    """Light each segment in turn, bottom to top, twice; staff watch the bar."""
    n = bar.n
    try:
        for _ in range(2):
            for i in range(n):
                bar.show(tuple(1.0 if k == i else 0.0 for k in range(n)))
                sleep(step_s)
        bar.show((0.0,) * n)
    except Exception as e:  # a GPIO write failing mid-chase
        return Check("LED bar", False, f"writing the pins failed ({e}) - check the wiring and [ledbar] pins")
    return Check(
        "LED bar", True, f"chased {n} segments bottom to top twice - did every segment light in order?"
    )


def check_buttons(
    buttons,
    pins: dict[str, str],
    *,
    timeout_s: float = 10.0,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    say: Callable[[str], None] = print,
) -> list[Check]:
    out = []
    for name, pin in pins.items():
        say(f"   press {name.upper()} now ({pin}) ...")
        t_end = clock() + timeout_s
        seen = False
        while clock() < t_end and not seen:
            seen = any(b == name and down for b, down, _t in buttons.drain())
            if not seen:
                sleep(0.02)
        if seen:
            out.append(Check(f"{name.upper()} button", True, f"pressed ({pin})"))
        else:
            out.append(
                Check(
                    f"{name.upper()} button",
                    False,
                    f"no press seen on {pin} within {timeout_s:g} s"
                    f" - check the button's wire to {pin} and to GND",
                )
            )
    return out


def check_camera(camera, *, seconds: float = 3.0, clock: Callable[[], float] = time.monotonic) -> list[Check]:
    t0 = clock()
    means = []
    clipped = []
    frames = 0
    while clock() - t0 < seconds:
        f = camera.read(clock())
        if f is None:
            continue
        frames += 1
        means.append(float(f.mean()))
        clipped.append(float(((f < 8) | (f > 247)).mean()))
    elapsed = max(clock() - t0, 1e-6)
    if frames == 0:
        return [
            Check(
                "camera", False, "no frames - check the ribbon cable, then run 'rpicam-hello --list-cameras'"
            )
        ]
    fps = frames / elapsed
    out = [
        Check(
            "camera frame rate",
            fps >= 14.0,
            f"{fps:.1f} fps"
            + ("" if fps >= 14.0 else " - expected 15-30: check the light (long exposures) and CPU load"),
        )
    ]
    level = float(np.median(means))
    flicker = float(np.std(means) / max(level, 1.0))
    if level < 40:
        out.append(Check("lighting", False, f"too dark (mean {level:.0f}/255) - add light or move the kiosk"))
    elif level > 215 or np.median(clipped) > 0.2:
        out.append(Check("lighting", False, f"too bright (mean {level:.0f}/255) - no window or lamp in view"))
    elif flicker > 0.05:
        out.append(
            Check(
                "lighting",
                False,
                f"flicker {100 * flicker:.0f} % - mains-lit? set the camera to 25 or 30 fps",
            )
        )
    else:
        out.append(Check("lighting", True, f"mean {level:.0f}/255, flicker {100 * flicker:.1f} %"))
    return out


# what SDL's kmsdrm driver (compiled into pygame-ce's wheel) loads from the system, and its package
DISPLAY_LIBS = (
    ("libdrm.so.2", "libdrm2"),
    ("libgbm.so.1", "libgbm1"),
    ("libEGL.so.1", "libegl1"),
    ("libGLESv2.so.2", "libgles2"),
)


def check_display(*, load: Callable[[str], object] | None = None, dri: str = "/dev/dri") -> Check:
    """The display path without opening the display: the libraries kmsdrm loads, and a DRM card."""
    import ctypes
    import glob

    load = load or ctypes.CDLL
    missing = []
    for soname, package in DISPLAY_LIBS:
        try:
            load(soname)
        except OSError:
            missing.append(package)
    if missing:
        return Check(
            "display", False, f"SDL's kmsdrm cannot load its libraries - sudo apt install {' '.join(missing)}"
        )
    cards = sorted(glob.glob(f"{dri}/card*"))
    if not cards:
        return Check(
            "display",
            False,
            f"no DRM device in {dri} - check dtoverlay=vc4-kms-v3d in /boot/firmware/config.txt",
        )
    return Check("display", True, f"kmsdrm libraries present, {', '.join(cards)}")


def check_disk(path: str = "/", *, min_free_mb: float = 200.0) -> Check:
    free_mb = shutil.disk_usage(path).free / 2**20
    ok = free_mb >= min_free_mb
    return Check(
        "disk",
        ok,
        f"{free_mb:.0f} MB free on {path}" + ("" if ok else " - free space: sudo apt clean, old logs"),
    )


def check_service(unit: str = "crux-kiosk", *, run=subprocess.run, which=shutil.which) -> Check:
    """`run` and `which` are subprocess.run and shutil.which (tests pass stand-ins)."""
    if which("systemctl") is None:
        return Check("service", True, "no systemd here (desktop): not installed as a service")
    r = run(["systemctl", "is-active", unit], capture_output=True, text=True, check=False)
    state = r.stdout.strip() or "unknown"
    enabled = run(["systemctl", "is-enabled", unit], capture_output=True, text=True, check=False)
    en = enabled.stdout.strip() or "not installed"
    ok = en in ("enabled", "not installed", "") or state == "active"
    detail = f"{unit} is {state}, {en}"
    if en == "disabled":
        detail += " - enable it: sudo systemctl enable crux-kiosk"
    return Check("service", ok, detail)


def selftest_command(args) -> int:
    """`kiosk selftest`: every check, one OK or FAIL line each; 1 on any FAIL."""
    import logging

    from kiosk.config import load_config
    from kiosk.errors import HardwareUnavailable
    from kiosk.hw.camera import open_camera

    logging.basicConfig(level=logging.WARNING, format="%(message)s")  # e.g. no GPIO library usable
    cfg = load_config(args.config)
    checks: list = []
    if args.gpio:
        from kiosk.hw.buttons import GpioButtons
        from kiosk.hw.ledbar import GpioLedBar

        try:
            bar = GpioLedBar(cfg["ledbar.pins"], pwm=cfg["ledbar.pwm"], active_high=cfg["ledbar.active_high"])
        except HardwareUnavailable as e:  # a FAIL line like any other, and the other checks still run
            checks.append(Check("LED bar", False, str(e)))
        else:
            with bar:
                print("watch the LED bar: each segment lights in turn, bottom to top")
                checks.append(check_ledbar(bar))
        print(checks[-1].line())
        try:
            buttons = GpioButtons(cfg.button_pins, pull_up=cfg["buttons.pull_up"])
        except HardwareUnavailable as e:
            checks.append(Check("buttons", False, str(e)))
            print(checks[-1].line())
        else:
            try:
                for c in check_buttons(buttons, cfg.button_pins, timeout_s=args.button_timeout):
                    checks.append(c)
                    print(c.line())
            finally:
                buttons.close()
    try:
        camera = open_camera(args.camera)
    except KioskError as e:
        checks.append(Check("camera", False, str(e)))
        print(checks[-1].line())
    else:
        try:
            for c in check_camera(camera):
                checks.append(c)
                print(c.line())
        finally:
            camera.close()
    for c in (check_display(), check_disk("/"), check_service()):
        checks.append(c)
        print(c.line())
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} OK, {len(failed)} FAIL")
    return 1 if failed else 0
