"""`kiosk content check | diff | fields`: what staff run before an edit goes live."""

from __future__ import annotations

import sys

from kiosk.errors import ContentError


def content_source(arg: str | None):
    """The directory staff name; else the live one on a kiosk; else the built-in content (None)."""
    from kiosk.content import LIVE_DIR

    if arg:
        return arg
    return LIVE_DIR if LIVE_DIR.exists() else None


def content_command(args) -> int:
    from kiosk import content as ct
    from kiosk.ui.fit import ScreenFit

    if args.action == "fields":
        sys.stdout.write(ct.describe_fields())
        return 0
    source = content_source(args.dir)
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
    old, against = running_values(args.against)
    lines = ct.diff(old, c.values)
    print(f"{name} compared with {against}:")
    for line in lines:
        print(f"  {line}")
    if not lines:
        print("  no changes")
    return 0


def running_values(against: str | None) -> tuple[dict, str]:
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
