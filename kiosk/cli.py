"""Command line: the parser and dispatch (`kiosk run | replay | demo | selftest | config | content |
preview | stats`); each command's work lives in its own module.

Errors print one line on stderr and exit 2; set KIOSK_DEBUG=1 to see the traceback instead.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys

from kiosk import __version__
from kiosk.content.fields import LIVE_DIR
from kiosk.errors import ConfigError, ContentError, KioskError

LIVE_HELP = str(LIVE_DIR)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk",
        description="Crux Fitness hip-hinge kiosk: live hip angle and rep counting from a side-view camera.",
        epilog="Set KIOSK_DEBUG=1 to get full tracebacks instead of one-line errors.",
    )
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    r = sub.add_parser("replay", help="run the live vision pipeline over a recorded clip (.npz)")
    r.add_argument("clip", help=".npz file with 'frames' (N x H x W uint8) and 'fps'")
    r.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    r.add_argument("--target-deg", type=float, default=None, help="rep target hip angle (default 120)")

    k = sub.add_parser(
        "run",
        help="run the kiosk: on a desktop the simulator (synthetic camera, keys G/Y/B, LED bar on screen)",
        description="Keys: G or Left = GREEN (start/next; hold 2 s: trainer demo), Y or Down = YELLOW "
        "(back/steps; hold 2 s: home), B or Right = BLUE (call us; hold 5 s: staff overlay), Esc quits.",
    )
    k.add_argument("--window", default="1280x720", help="window size WxH (default 1280x720)")
    k.add_argument("--fullscreen", action="store_true", help="fullscreen at the display's native size")
    k.add_argument("--camera", default="sim", help="sim (default), clip:PATH.npz, or pi")
    k.add_argument("--buttons", default="keyboard", choices=["keyboard", "gpio"], help="button source")
    k.add_argument(
        "--ledbar",
        default="screen",
        choices=["screen", "gpio"],
        help="LED bar: drawn on screen, or GPIO pins",
    )
    k.add_argument(
        "--content",
        default=None,
        help="content directory (or content.toml) over the built-in defaults; edits go live by themselves",
    )
    k.add_argument("--config", default=None, help="settings file: pins, LED bar, ... (see `kiosk config`)")
    k.add_argument(
        "--headless", action="store_true", help="no window; a simulated clock runs as fast as it can"
    )
    k.add_argument(
        "--script", help="button script: '<seconds> <green|yellow|blue> [hold <seconds>]' per line"
    )
    k.add_argument("--record", help="directory for events.jsonl and a PNG at every mode change")
    k.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    k.add_argument("--fps", type=float, default=30.0, help="frames per second (default 30)")
    k.add_argument(
        "--db",
        default=None,
        help="rep log (SQLite) path; default /var/lib/crux-kiosk/reps.db under systemd, else"
        " ~/.local/share/crux-kiosk/reps.db; 'off' for none",
    )

    st = sub.add_parser(
        "selftest",
        help="check the hardware over SSH: LED bar chase, buttons, camera rate and light, disk, service",
        description="Stop the service first (sudo systemctl stop crux-kiosk): it holds the pins and camera.",
    )
    st.add_argument("--config", default=None, help="settings file (default: built-in defaults)")
    st.add_argument("--camera", default="pi", help="pi (default), sim or clip:PATH")
    st.add_argument(
        "--gpio", action=argparse.BooleanOptionalAction, default=True, help="test buttons and LED bar"
    )
    st.add_argument("--button-timeout", type=float, default=10.0, help="seconds to wait for each button")

    cf = sub.add_parser(
        "config", help="print every setting with its default and help, as a TOML file to edit"
    )
    cf.add_argument("check", nargs="?", help="`check FILE`: validate a settings file and say what is wrong")
    cf.add_argument("file", nargs="?")

    ct = sub.add_parser(
        "content",
        help="staff content: `check [DIR]` before it goes live, `diff [DIR]` against the screen, `fields`",
        description="DIR is a content directory (content.toml and its images) or a content.toml; default: "
        f"{LIVE_HELP} when it exists, else the built-in content. check exits 0 when valid, 1 with one line "
        "per problem. diff lists what would change on screen compared with the running kiosk.",
    )
    ct.add_argument("action", choices=["check", "diff", "fields"], help="check, diff or fields")
    ct.add_argument("dir", nargs="?", help="content directory or content.toml")
    ct.add_argument(
        "--against",
        default=None,
        help="diff against this directory or content.toml instead of what the running kiosk shows",
    )

    pv = sub.add_parser(
        "preview", help="render every screen to PNG files, to see a content edit without the kiosk"
    )
    pv.add_argument(
        "dir", nargs="?", help=f"content directory or content.toml (default: {LIVE_HELP} or built-in)"
    )
    pv.add_argument("--content", default=None, help=argparse.SUPPRESS)  # the older spelling of DIR
    pv.add_argument("--out", required=True, help="directory for the PNG files")
    pv.add_argument("--size", default="1920x1080", help="screen size WxH (default 1920x1080; e.g. 800x480)")

    sa = sub.add_parser(
        "stats", help="what the rep log says: reps per day, sets, median depth, busiest hours"
    )
    sa.add_argument("--db", default=None, help="rep log path (default: as `kiosk run`)")
    sa.add_argument("--days", type=int, default=7, help="how many days back, today included (default 7)")
    sa.add_argument("--json", action="store_true", help="print one JSON object")
    sa.add_argument("--png", default=None, help="also draw a chart to this PNG file")

    d = sub.add_parser("demo", help="vision demo: a synthetic person does a set; watch angle and reps")
    d.add_argument("--headless", action="store_true", help="no window: print the live readout only")
    d.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    d.add_argument(
        "--scene", type=int, default=-1, help="benchmark scene to play (0..26); default: the demo set"
    )
    return p


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        if args.command == "replay":
            return _replay(args)
        if args.command == "run":
            return _run(args)
        if args.command == "selftest":
            return _selftest(args)
        if args.command == "config":
            return _config(args)
        if args.command == "content":
            return _content(args)
        if args.command == "preview":
            return _preview(args)
        if args.command == "stats":
            return _stats(args)
        if args.command == "demo":
            from kiosk.tools.demo import run_demo

            return run_demo(scene_index=args.scene, headless=args.headless, seconds=args.seconds)
    except KioskError as e:
        if os.environ.get("KIOSK_DEBUG"):
            raise
        print(f"kiosk: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    parser.error(f"unknown command {args.command}")
    return 2


def _replay(args: argparse.Namespace) -> int:
    from kiosk.clip import load_clip
    from kiosk.core.reps import RepSettings
    from kiosk.replay import replay

    frames, fps = load_clip(args.clip)
    reps = RepSettings() if args.target_deg is None else RepSettings(target_angle_deg=args.target_deg)
    res = replay(frames, fps, reps=reps)
    out = res.to_json()
    if args.json:
        json.dump(out, sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
        return 0
    n = len(res.results)
    present = sum(r.present for r in res.results)
    measured = [r.hip_angle_deg for r in res.results if r.hip_angle_deg is not None]
    print(f"{args.clip}: {n} frames at {fps:g} fps ({n / fps:.1f} s)")
    print(f"  person in view: {present} frames; hip angle measured on {len(measured)}")
    if measured:
        print(f"  hip angle: min {min(measured):.0f} deg, max {max(measured):.0f} deg")
    print(f"  reps counted: {res.reps} (at frames {', '.join(map(str, res.rep_frames)) or '-'})")
    print(f"  pipeline: {out['ms_per_frame']:.2f} ms per frame (median)")
    return 0


def _run(args: argparse.Namespace) -> int:
    from kiosk.app import wiring

    return wiring.run(args)


def _stats(args: argparse.Namespace) -> int:
    from kiosk import stats
    from kiosk.replog import default_path

    if not 1 <= args.days <= 366:
        raise ConfigError(f"--days {args.days} - use 1 to 366")
    try:
        s = stats.compute(args.db or default_path(), days=args.days)
    except sqlite3.Error as e:
        raise ConfigError(f"{args.db or default_path()}: not a readable rep log ({e}) - check --db") from e
    if args.png:
        stats.render_png(s, args.png)
    if args.json:
        json.dump(s, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(stats.format_text(s))
        if args.png:
            print(f"chart: {args.png}")
    return 0


def _config(args: argparse.Namespace) -> int:
    from kiosk.config import describe, load_config

    if args.check is None:
        sys.stdout.write(describe())
        return 0
    if args.check != "check" or not args.file:
        raise ConfigError("usage: kiosk config [check FILE]")
    c = load_config(args.file)
    print(f"{c.source}: OK")
    return 0


def _selftest(args: argparse.Namespace) -> int:
    import logging

    from kiosk import selftest as st
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
            checks.append(st.Check("LED bar", False, str(e)))
        else:
            with bar:
                print("watch the LED bar: each segment lights in turn, bottom to top")
                checks.append(st.check_ledbar(bar))
        print(checks[-1].line())
        try:
            buttons = GpioButtons(cfg.button_pins, pull_up=cfg["buttons.pull_up"])
        except HardwareUnavailable as e:
            checks.append(st.Check("buttons", False, str(e)))
            print(checks[-1].line())
        else:
            try:
                for c in st.check_buttons(buttons, cfg.button_pins, timeout_s=args.button_timeout):
                    checks.append(c)
                    print(c.line())
            finally:
                buttons.close()
    try:
        camera = open_camera(args.camera)
    except KioskError as e:
        checks.append(st.Check("camera", False, str(e)))
        print(checks[-1].line())
    else:
        try:
            for c in st.check_camera(camera):
                checks.append(c)
                print(c.line())
        finally:
            camera.close()
    for c in (st.check_display(), st.check_disk("/"), st.check_service()):
        checks.append(c)
        print(c.line())
    failed = [c for c in checks if not c.ok]
    print(f"{len(checks) - len(failed)} OK, {len(failed)} FAIL")
    return 1 if failed else 0


def _content_source(arg: str | None):
    """The directory staff name; else the live one on a kiosk; else the built-in content (None)."""
    from kiosk.content import LIVE_DIR

    if arg:
        return arg
    return LIVE_DIR if LIVE_DIR.exists() else None


def _content(args: argparse.Namespace) -> int:
    from kiosk import content as ct
    from kiosk.ui.fit import ScreenFit

    if args.action == "fields":
        sys.stdout.write(ct.describe_fields())
        return 0
    source = _content_source(args.dir)
    c, problems = ct.check_content(source, screen=ScreenFit())
    name = str(source) if source is not None else f"{ct.DEFAULT_PATH} (built-in)"
    if problems:
        for p in problems:
            print(p)
        then = "nothing goes live until they are fixed" if args.action == "check" else "fix them first"
        print(f"{name}: {len(problems)} problem(s) - {then}")
        return 1
    if args.action == "check":
        print(
            f"{name}: OK - version {c.version}: {len(c.benefits)} benefits, {len(c.steps)} steps,"
            f" sets of {c.set_reps}, phone {c.phone}"
        )
        return 0
    # diff
    old, against = _running_values(args.against)
    lines = ct.diff(old, c.values)
    print(f"{name} compared with {against}:")
    for line in lines:
        print(f"  {line}")
    if not lines:
        print("  no changes")
    return 0


def _running_values(against: str | None) -> tuple[dict, str]:
    """What the screen shows now: the running kiosk's own record, else the live files, else built-in."""
    from kiosk import content as ct
    from kiosk.content import LIVE_DIR
    from kiosk.content.live import SHOWING_PATH, read_showing

    if against is None:
        doc = read_showing(SHOWING_PATH)
        if doc is not None and isinstance(doc.get("values"), dict):
            return doc["values"], f"the running kiosk (version {doc.get('version')}, from {SHOWING_PATH})"
        against = str(LIVE_DIR) if LIVE_DIR.exists() else None
    if against is None:
        return ct.load_content(None).values, "the built-in content"
    c, problems = ct.check_content(against)
    if c is None:
        raise ContentError(f"{against}: cannot compare with it, it has problems: {problems[0]}")
    return c.values, against


def _preview(args: argparse.Namespace) -> int:
    from pathlib import Path

    from kiosk.content import check_content
    from kiosk.tools.preview import write_previews
    from kiosk.ui.fit import ScreenFit

    size = _size(args.size, "--size", "1920x1080")
    source = _content_source(args.dir or args.content)
    content, problems = check_content(source, screen=ScreenFit())
    if content is None:
        for p in problems:
            print(p)
        print(f"{source}: {len(problems)} problem(s) - fix them, then preview again (nothing was drawn)")
        return 1
    n = write_previews(content, Path(args.out), size)
    print(f"{n} screens from {content.source} at {size[0]}x{size[1]} in {args.out}/")
    return 0


def _size(text: str, flag: str, example: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as e:
        raise ConfigError(f"{flag} {text!r} is not WxH, e.g. {example}") from e
    return w, h
