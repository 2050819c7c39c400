"""Command line: the parser and dispatch (`kiosk run | replay | demo | selftest | config | content |
preview | stats`); each command's work lives in its own module.

Errors print one line on stderr and exit 2; set KIOSK_DEBUG=1 to see the traceback instead.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from kiosk import __version__
from kiosk.content.fields import LIVE_DIR
from kiosk.errors import KioskError

LIVE_HELP = str(LIVE_DIR)


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="kiosk",
        description="Crux Fitness hip-hinge kiosk: live hip angle and rep counting from a side-view camera.",
        epilog="Set KIOSK_DEBUG=1 to get full tracebacks instead of one-line errors.",
    )
    p.add_argument("--version", action="version", version=f"kiosk {__version__}")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    _add_replay(sub)
    _add_run(sub)
    _add_selftest(sub)
    _add_config(sub)
    _add_content(sub)
    _add_preview(sub)
    _add_stats(sub)
    _add_demo(sub)
    return p


def _add_replay(sub) -> None:
    r = sub.add_parser("replay", help="run the live vision pipeline over a recorded clip (.npz)")
    r.add_argument("clip", help=".npz file with 'frames' (N x H x W uint8) and 'fps'")
    r.add_argument("--json", action="store_true", help="print one JSON object instead of a summary")
    r.add_argument("--target-deg", type=float, default=None, help="rep target hip angle (default 120)")


def _add_run(sub) -> None:
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
    k.add_argument(
        "--fps", type=float, default=None, help="loop frames per second (default: [camera] fps, 30)"
    )
    k.add_argument(
        "--db",
        default=None,
        help="rep log (SQLite) path; default /var/lib/crux-kiosk/reps.db under systemd, else"
        " ~/.local/share/crux-kiosk/reps.db; 'off' for none",
    )


def _add_selftest(sub) -> None:
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


def _add_config(sub) -> None:
    cf = sub.add_parser(
        "config", help="print every setting with its default and help, as a TOML file to edit"
    )
    cf.add_argument("check", nargs="?", help="`check FILE`: validate a settings file and say what is wrong")
    cf.add_argument("file", nargs="?")


def _add_content(sub) -> None:
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


def _add_preview(sub) -> None:
    pv = sub.add_parser(
        "preview", help="render every screen to PNG files, to see a content edit without the kiosk"
    )
    pv.add_argument(
        "dir", nargs="?", help=f"content directory or content.toml (default: {LIVE_HELP} or built-in)"
    )
    pv.add_argument("--content", default=None, help=argparse.SUPPRESS)  # the older spelling of DIR
    pv.add_argument("--out", required=True, help="directory for the PNG files")
    pv.add_argument("--size", default="1920x1080", help="screen size WxH (default 1920x1080; e.g. 800x480)")


def _add_stats(sub) -> None:
    sa = sub.add_parser(
        "stats", help="what the rep log says: reps per day, sets, median depth, busiest hours"
    )
    sa.add_argument("--db", default=None, help="rep log path (default: as `kiosk run`)")
    sa.add_argument("--days", type=int, default=7, help="how many days back, today included (default 7)")
    sa.add_argument("--json", action="store_true", help="print one JSON object")
    sa.add_argument("--png", default=None, help="also draw a chart to this PNG file")


def _add_demo(sub) -> None:
    d = sub.add_parser("demo", help="vision demo: a synthetic person does a set; watch angle and reps")
    d.add_argument("--headless", action="store_true", help="no window: print the live readout only")
    d.add_argument("--seconds", type=float, default=None, help="stop after this many seconds")
    d.add_argument(
        "--scene", type=int, default=-1, help="benchmark scene to play (0..26); default: the demo set"
    )


# command -> (module, function): imported only when that command runs (`kiosk stats` loads no pygame)
COMMANDS = {
    "run": ("kiosk.app.wiring", "run"),
    "replay": ("kiosk.replay", "replay_command"),
    "demo": ("kiosk.tools.demo", "demo_command"),
    "selftest": ("kiosk.ops.selftest", "selftest_command"),
    "config": ("kiosk.config", "config_command"),
    "content": ("kiosk.tools.content", "content_command"),
    "preview": ("kiosk.tools.preview", "preview_command"),
    "stats": ("kiosk.ops.stats", "stats_command"),
}


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    module, function = COMMANDS[args.command]
    try:
        return getattr(importlib.import_module(module), function)(args)
    except KioskError as e:
        if os.environ.get("KIOSK_DEBUG"):
            raise
        print(f"kiosk: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
