"""The one place that builds devices: the camera, the buttons, the LED bar, the rep log, the metrics
writer, systemd's notifier - real ones from the command line and the settings, or the simulator's
stand-ins. An ExitStack owns every device and closes it, whatever happens, in reverse order."""

from __future__ import annotations

import contextlib
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.app.app import App
from kiosk.app.feed import StartingCamera
from kiosk.app.script import load_script
from kiosk.config import Config, load_config
from kiosk.core.buttons import ButtonTiming
from kiosk.errors import ConfigError, HardwareUnavailable
from kiosk.hw.buttons import KeyboardButtons
from kiosk.hw.camera import Camera, RestingCamera, SimCamera, open_camera
from kiosk.hw.ledbar import SimLedBar

log = logging.getLogger(__name__)


@dataclass
class StandIns:
    keyboard: KeyboardButtons  # keys as buttons (always on: the keyboard works beside GPIO)
    camera: SimCamera  # the synthetic person, for a kiosk without a camera
    figure: SimCamera  # the trainer demo's figure
    ledbar: SimLedBar  # the bar, drawn on screen


def stand_ins(*, ledbar_n: int = 10) -> StandIns:
    return StandIns(KeyboardButtons(), SimCamera(), SimCamera(), SimLedBar(ledbar_n))


def on_raspberry_pi() -> bool:
    try:
        with open("/proc/device-tree/model", "rb") as f:
            return b"Raspberry Pi" in f.read()
    except OSError:
        return False


@dataclass
class Devices:
    camera: Camera
    buttons: object | None = None  # GpioButtons, or None for the keyboard alone
    ledbar: object | None = None  # GpioLedBar, or None for the bar on screen
    notices: tuple[str, ...] = ()  # what could not be had, said loudly; the kiosk runs on
    # camera_later: the camera (a StartingCamera until then) and its notice, made by this call
    open_camera: Callable[[], tuple[Camera, str | None]] | None = None


def open_devices(
    args, cfg: Config, stack: contextlib.ExitStack, *, camera_later: bool = False
) -> Devices:
    """The devices the command line asks for, each closed by `stack`. A GPIO device that cannot be
    opened is a notice (the keyboard and the on-screen bar stand in); so is a Pi without picamera2.
    `camera_later`: the sim and Pi cameras are opened by `Devices.open_camera`, later (their
    start - picamera2's import, the synthetic scene and its capture thread - competes with the
    first frame for the interpreter); a clip or an unknown source is opened now, its errors said at once."""
    notices = []
    if on_raspberry_pi() and os.environ.get("GPIOZERO_PIN_FACTORY", "").lower() == "mock":
        notices.append(
            "GPIOZERO_PIN_FACTORY=mock on a Raspberry Pi: the buttons and LED bar do nothing - unset it"
        )
    buttons = ledbar = None
    if args.buttons == "gpio":
        from kiosk.hw.buttons import GpioButtons

        try:
            buttons = stack.enter_context(GpioButtons(cfg.button_pins, pull_up=cfg["buttons.pull_up"]))
        except HardwareUnavailable as e:
            notices.append(f"{e} (the keyboard still works)")
    if args.ledbar == "gpio":
        from kiosk.hw.ledbar import GpioLedBar

        try:
            ledbar = stack.enter_context(
                GpioLedBar(cfg["ledbar.pins"], pwm=cfg["ledbar.pwm"], active_high=cfg["ledbar.active_high"])
            )
        except HardwareUnavailable as e:
            notices.append(f"{e} (the bar is drawn on screen instead)")
    def camera_now() -> tuple[Camera, str | None]:
        notice = None
        try:
            # sim and clip frames come from a capture thread in a real-time run, as the Pi camera's do
            camera = open_camera(args.camera, fps=cfg["camera.fps"], threaded=not args.headless)
        except HardwareUnavailable as e:
            if args.camera != "pi":
                raise
            # no picamera2 module (a Debian without the Raspberry Pi archive, `install.sh --no-camera`):
            # like a missing camera, the kiosk runs on with the camera resting - not a restart loop
            camera = RestingCamera(str(e))
            notice = f"camera resting: {e}"
        stack.callback(camera.close)
        return camera, notice

    if camera_later and args.camera in ("sim", "pi"):
        return Devices(StartingCamera(args.camera), buttons, ledbar, tuple(notices), camera_now)
    camera, notice = camera_now()
    return Devices(camera, buttons, ledbar, tuple(notices) + ((notice,) if notice else ()))


def start_camera(app: App, opener: Callable[[], tuple[Camera, str | None]]) -> None:
    """The camera put off by `camera_later`, into the running app (after its first frame)."""
    camera, notice = opener()
    app.feed.camera = camera
    if notice is not None:
        log.error("%s", notice)
        app.kiosk.say(notice)


def open_replog(db: str | None):
    """The rep log, or None ('off', or it cannot be opened: said loudly, the kiosk runs on)."""
    if db == "off":
        return None
    from kiosk.ops.replog import RepLog, RepLogError, default_path

    try:
        r = RepLog(db or default_path())
    except RepLogError as e:
        log.error("%s", e)
        return None
    log.info("rep log: %s", r.path)
    return r


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as e:
        raise ConfigError(f"--window {text!r} is not WxH, e.g. 1280x720") from e
    return w, h


def run(args) -> int:
    """`kiosk run`: settings and devices from the command line, then the loop; every device closed."""
    from kiosk.content.live import SHOWING_NAME
    from kiosk.ops.notify import Notifier

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    size = _size(args.window)
    if args.headless and args.seconds is None and args.script is None:
        raise ConfigError("--headless needs --seconds N or --script FILE (it would run forever)")
    script = load_script(args.script) if args.script else None
    cfg = load_config(args.config)
    state_dir = os.environ.get("STATE_DIRECTORY")  # systemd's StateDirectory= (/var/lib/crux-kiosk)
    run_dir = os.environ.get("RUNTIME_DIRECTORY")  # systemd's RuntimeDirectory= (/run/crux-kiosk)
    # a real-time run draws its first frame first: the camera's start and the content's fit check
    # come right after it (a headless run does everything first, as its simulated clock has no screen)
    first_frame_first = not args.headless
    with contextlib.ExitStack() as stack:
        dev = open_devices(args, cfg, stack, camera_later=first_frame_first)
        for n in dev.notices:
            log.error("%s", n)
        metrics = None
        if cfg["metrics.textfile"]:
            from kiosk.ops.metrics import TextfileWriter

            metrics = TextfileWriter(cfg["metrics.textfile"], interval_s=cfg["metrics.interval_s"])
        notifier = Notifier()
        stack.callback(notifier.close)
        app = App(
            content_path=args.content,
            last_good_dir=Path(state_dir) / "last-good-content" if state_dir else None,
            camera=dev.camera,
            buttons=dev.buttons,
            ledbar=dev.ledbar,
            size=size,
            fullscreen=args.fullscreen,
            headless=args.headless,
            record=args.record,
            fps=args.fps if args.fps is not None else cfg["camera.fps"],  # the loop ticks at the camera rate
            logical_size=cfg["display.logical_size"],
            notifier=notifier,
            # what is on screen, for `kiosk content diff` over SSH
            showing_path=Path(run_dir) / SHOWING_NAME if run_dir else None,
            idle_s=cfg["timing.idle_s"],
            button_timing=ButtonTiming(hold_s=cfg["buttons.hold_s"], long_hold_s=cfg["buttons.long_hold_s"]),
            replog=open_replog(args.db),
            metrics=metrics,
            first_frame_first=first_frame_first,
        )
        if dev.open_camera is not None:
            app.after_first_frame.append(lambda: start_camera(app, dev.open_camera))
        if dev.notices:
            app.state = replace(app.state, notice=dev.notices[-1])
        return app.run(seconds=args.seconds, script=script)
