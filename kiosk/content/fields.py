"""What each content field means and allows: the one table (`FIELDS`), its limits, and the field list
staff read (`describe_fields()`, the README's list). Defaults are the values in assets/content.toml."""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

FILE_NAME = "content.toml"


def _assets_dir() -> Path:
    """The built-in content: kiosk/assets/ in an installed wheel (package data), else the checkout's
    top-level assets/ (an editable install or a source tree)."""
    kiosk_dir = Path(__file__).resolve().parents[1]
    packaged = kiosk_dir / "assets"
    return packaged if (packaged / FILE_NAME).is_file() else kiosk_dir.parent / "assets"


ASSETS = _assets_dir()
DEFAULT_PATH = ASSETS / FILE_NAME
# the content directory on a kiosk (the systemd unit's --content); KIOSK_CONTENT_DIR overrides it
LIVE_DIR = Path(os.environ.get("KIOSK_CONTENT_DIR", "/etc/crux-kiosk/content"))
CUE_KEYS = (
    *("arrive", "calibrate", "standing", "descending", "bottom", "ascending", "rep", "squat", "side_on"),
    # after a rep, when a fault repeats (kiosk.core.form.FAULTS; at most one, never two reps running)
    *("knee_dominant", "rounded_back", "hips_first", "too_fast"),
)
MAX_TOML_BYTES = 256 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 8_000_000
MAX_IMAGE_SIDE = 4096
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
URL_SCHEMES = ("https", "http", "mailto", "sms", "tel")
SMALLEST_SCREEN = (800, 480)

ALL = ("every screen",)
THEME_KEYS = ("background", "panel", "text", "muted", "accent", "good")  # Theme's fields, in order


@dataclass(frozen=True)
class Spec:
    kind: str  # text | phone | tel | url | image | int | float | colour
    help: str
    screens: tuple[str, ...]
    lo: float | None = None
    hi: float | None = None
    max_chars: int = 200


# The one place for what each field means and allows. Keys "a.b" are [a] b; "steps[].text" is a key
# of every [[steps]] entry. Defaults: assets/content.toml.
FIELDS: dict[str, Spec] = {
    "gym.name": Spec("text", "the gym's name, top left of every screen", ALL, max_chars=40),
    "gym.tagline": Spec(
        "text", "one line under the name: what the gym does", ("attract", "call"), max_chars=80
    ),
    "gym.phone": Spec("phone", "the number members call, shown big", ("attract", "summary", "call")),
    "gym.phone_uri": Spec(
        "tel", "what the call-us QR code dials: tel: and the full number", ("attract", "call")
    ),
    "gym.offer": Spec("text", "the offer next to the second QR code", ("call",), max_chars=120),
    "gym.offer_url": Spec(
        "url", "the offer QR code: an https:, mailto:, sms: or tel: link", ("call",), max_chars=300
    ),
    "gym.logo": Spec("image", 'logo image in the content directory, top right; "" for none', ALL),
    "title.heading": Spec(
        "text", "the title of the attract and learn screens", ("attract", "learn"), max_chars=60
    ),
    "title.intro": Spec("text", "the first attract card's big line", ("attract",), max_chars=160),
    "title.author": Spec("text", "credit line under every step", ("learn",), max_chars=80),
    "title.photo": Spec(
        "image",
        'photo on the first attract card instead of the drawn figure; "" for the figure',
        ("attract",),
    ),
    "benefits[].title": Spec("text", "a benefit, as a short title", ("attract",), max_chars=80),
    "benefits[].text": Spec("text", "one line explaining the benefit", ("attract",), max_chars=160),
    "steps[].text": Spec("text", "one step of the hinge, as the article says it", ("learn",), max_chars=200),
    "steps[].pose": Spec(
        "float", "how deep the figure hinges on this step: 0 standing .. 1 full", ("learn",), 0, 1
    ),
    "cues.arrive": Spec("text", "Train, nobody seen yet: how to stand", ("train",), max_chars=60),
    "cues.calibrate": Spec("text", "Train, first second in view: stand tall", ("train",), max_chars=60),
    "cues.standing": Spec("text", "Train, standing between reps", ("train",), max_chars=60),
    "cues.descending": Spec("text", "Train, hinging down", ("train",), max_chars=60),
    "cues.bottom": Spec("text", "Train, at depth", ("train",), max_chars=60),
    "cues.ascending": Spec("text", "Train, coming back up", ("train",), max_chars=60),
    "cues.rep": Spec("text", "Train, for a second after each counted rep", ("train",), max_chars=60),
    "cues.squat": Spec(
        "text", "Train, after a squat (not counted: a squat is not a hinge)", ("train",), max_chars=60
    ),
    "cues.side_on": Spec(
        "text",
        "Train, while the camera sees the member from too far in front to measure the hinge",
        ("train",),
        max_chars=60,
    ),
    "cues.knee_dominant": Spec(
        "text",
        "Train, after reps with the knees bent too far (squatting the hinge)",
        ("train",),
        max_chars=60,
    ),
    "cues.rounded_back": Spec("text", "Train, after reps with a rounded back", ("train",), max_chars=60),
    "cues.hips_first": Spec(
        "text", "Train, after reps where the hips came up before the chest", ("train",), max_chars=60
    ),
    "cues.too_fast": Spec("text", "Train, after reps that dropped and bounced", ("train",), max_chars=60),
    "faults.knee_dominant": Spec(
        "text",
        "the set summary's words for reps with the knees bent too far; the trainer demo's name for them",
        ("train", "summary"),
        max_chars=30,
    ),
    "faults.rounded_back": Spec(
        "text",
        "the set summary's words for reps with a rounded back; the trainer demo's name for them",
        ("train", "summary"),
        max_chars=30,
    ),
    "faults.hips_first": Spec(
        "text",
        "the set summary's words for reps where the hips rose first; the trainer demo's name for them",
        ("train", "summary"),
        max_chars=30,
    ),
    "faults.too_fast": Spec(
        "text",
        "the set summary's words for reps that dropped and bounced; the trainer demo's name for them",
        ("train", "summary"),
        max_chars=30,
    ),
    "train.set_reps": Spec("int", "reps in a member's set", ("train", "summary"), 1, 50),
    "train.target_angle_deg": Spec(
        "float",
        "a rep counts when the hip angle gets this small (degrees; smaller = deeper)",
        ("train",),
        60,
        160,
    ),
    "timing.card_s": Spec("float", "seconds each attract card shows", ("attract",), 3, 60),
    "timing.summary_s": Spec(
        "float", "seconds the set summary shows before the call-us screen", ("summary",), 3, 60
    ),
    "timing.call_s": Spec("float", "seconds the call-us screen waits for a button", ("call",), 5, 300),
    "theme.background": Spec("colour", 'screen background, "#rrggbb"', ALL),
    "theme.panel": Spec("colour", "panels (camera view, dial)", ("train",)),
    "theme.text": Spec("colour", "main text", ALL),
    "theme.muted": Spec("colour", "secondary text", ALL),
    "theme.accent": Spec("colour", "highlights: the gym name, counts, the phone number", ALL),
    "theme.good": Spec("colour", '"I see you" and depth reached', ("train",)),
}
LISTS = {"benefits": (1, 6), "steps": (2, 8)}
# (foreground, background, minimum WCAG contrast ratio): 4.5 for body text, 3 for large text
CONTRAST = (
    ("text", "background", 4.5),
    ("text", "panel", 4.5),
    ("muted", "background", 3.0),
    ("accent", "background", 3.0),
    ("accent", "panel", 3.0),
    ("good", "panel", 3.0),
)


def display_key(key: str) -> str:
    """ "gym.phone" -> "[gym] phone", "steps[3].text" -> "[[steps]] 3 text", as staff see the file."""
    m = re.fullmatch(r"(\w+)\[(\d*)\](?:\.(\w+))?", key)
    if m:
        n = f"#{m.group(2)} " if m.group(2) else ""
        return f"[[{m.group(1)}]] {n}{m.group(3) or ''}".strip()
    if key in LISTS:
        return f"[[{key}]]"
    if "." in key:
        table, k = key.split(".", 1)
        return f"[{table}] {k}"
    return f"[{key}]"


def default_values() -> dict[str, Any]:
    """The built-in defaults, flat, as they appear in assets/content.toml."""
    d = tomllib.loads(DEFAULT_PATH.read_text("utf-8"))
    out: dict[str, Any] = {}
    for table, entries in d.items():
        if isinstance(entries, list):
            for i, e in enumerate(entries, 1):
                for k, v in e.items():
                    out[f"{table}[{i}].{k}"] = v
        else:
            for k, v in entries.items():
                out[f"{table}.{k}"] = v
    return out


def describe_fields() -> str:
    """Every field with its default and meaning, as a Markdown table (the README's list)."""
    d = default_values()
    rows = ["| field | default | allowed | meaning |", "|---|---|---|---|"]
    for fk, spec in FIELDS.items():
        if "[]" in fk:
            table, key = fk.split("[].")
            n = sum(1 for k in d if k.startswith(f"{table}[") and k.endswith(f".{key}"))
            default = f"{n} entries (the article's)"
            lo, hi = LISTS[table]
            name = f"`[[{table}]]` {key}"
            allowed = f"text, {lo} to {hi} entries" if spec.kind == "text" else f"{spec.lo:g} to {spec.hi:g}"
        else:
            table, key = fk.split(".")
            name = f"`[{table}]` {key}"
            v = d[fk]
            default = f"`{json.dumps(v, ensure_ascii=False)}`"
            if len(default) > 50:
                default = default[:46] + '..."`'
            allowed = {
                "text": f"text, at most {spec.max_chars} characters",
                "phone": "7 to 15 digits",
                "tel": "tel: + number",
                "url": "https:, http:, mailto:, sms:, tel: link",
                "image": f"PNG/JPEG in the content dir, <= {MAX_IMAGE_BYTES // 2**20} MB",
                "colour": "#rrggbb, readable contrast",
            }.get(spec.kind) or f"{spec.lo:g} to {spec.hi:g}"
        rows.append(f"| {name} | {default} | {allowed} | {spec.help} ({', '.join(spec.screens)}) |")
    return "\n".join(rows) + "\n"
