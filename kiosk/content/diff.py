"""What would change on screen: one line per changed field, with the screens it shows on."""

from __future__ import annotations

import json
import re
from typing import Any

from kiosk.content.fields import FIELDS, display_key


def _screens(key: str) -> str:
    spec = FIELDS.get(re.sub(r"\[\d+\]", "[]", key))
    return ", ".join(spec.screens) if spec else "-"


def diff(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """One line per changed field: key, old -> new, and the screens it shows on."""
    out = []
    for k in [k for k in FIELDS if "[]" not in k] + sorted(
        {k for k in (*old, *new) if "[" in k},
        key=lambda k: (k.split("[")[0], int(k.split("[")[1].split("]")[0]), k),
    ):
        a, b = old.get(k), new.get(k)
        if a == b:
            continue
        if a is None:
            out.append(f"+ {display_key(k)} = {_short(b)}  ({_screens(k)})")
        elif b is None:
            out.append(f"- {display_key(k)} (was {_short(a)})  ({_screens(k)})")
        else:
            out.append(f"~ {display_key(k)}: {_short(a)} -> {_short(b)}  ({_screens(k)})")
    return out


def _short(v: Any) -> str:
    if isinstance(v, list | tuple) and len(v) == 3 and all(isinstance(c, int) for c in v):
        return "#{:02x}{:02x}{:02x}".format(*tuple(v))
    s = json.dumps(v, ensure_ascii=False)
    return s if len(s) <= 60 else s[:57] + '..."'

