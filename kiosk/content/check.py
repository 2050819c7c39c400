"""What the screen says: the default content, a staff content directory over it, every field checked.

The defaults ship in assets/content.toml (the article's words). A content directory on the Pi
(/etc/crux-kiosk/content/) holds a `content.toml` and the images it names. Its tables override the
defaults key by key ([gym] phone alone changes only the phone); its lists ([[benefits]], [[steps]])
replace the default list whole. Images are files in the content directory, named relative to it.

`FIELDS` below is the one place that says what each field means and which values are allowed; the
defaults are the values in assets/content.toml; `describe_fields()` prints both (the README's list).
`check_content()` returns every problem, not just the first, each naming file, line, key, what is
wrong and how to fix it; `load_content()` raises ContentError with all of them.
"""

from __future__ import annotations

import difflib
import hashlib
import io
import json
import math
import os
import re
import struct
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from kiosk.errors import ContentError

FILE_NAME = "content.toml"


def _assets_dir() -> Path:
    """The built-in content: kiosk/assets/ in an installed wheel (package data), else the checkout's
    top-level assets/ (an editable install or a source tree)."""
    here = Path(__file__).resolve().parent
    packaged = here / "assets"
    return packaged if (packaged / FILE_NAME).is_file() else here.parent / "assets"


ASSETS = _assets_dir()
DEFAULT_PATH = ASSETS / FILE_NAME
CUE_KEYS = ("arrive", "calibrate", "standing", "descending", "bottom", "ascending", "rep")
MAX_TOML_BYTES = 256 * 1024
MAX_IMAGE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_PIXELS = 8_000_000
MAX_IMAGE_SIDE = 4096
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")
URL_SCHEMES = ("https", "http", "mailto", "sms", "tel")
SMALLEST_SCREEN = (800, 480)

ALL = ("every screen",)


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


@dataclass(frozen=True)
class Benefit:
    title: str
    text: str


@dataclass(frozen=True)
class StepText:
    text: str
    pose: float  # 0 standing .. 1 full hinge


@dataclass(frozen=True)
class Image:
    name: str  # as written in content.toml
    data: bytes  # the file, read once when the content was checked
    size: tuple[int, int]


@dataclass(frozen=True)
class Theme:
    background: tuple[int, int, int]
    panel: tuple[int, int, int]
    text: tuple[int, int, int]
    muted: tuple[int, int, int]
    accent: tuple[int, int, int]
    good: tuple[int, int, int]


@dataclass(frozen=True)
class Content:
    gym_name: str
    tagline: str
    phone: str
    phone_uri: str
    offer: str
    offer_url: str
    heading: str
    intro: str
    author: str
    benefits: tuple[Benefit, ...]
    steps: tuple[StepText, ...]
    cues: dict[str, str]
    set_reps: int
    target_angle_deg: float
    source: str
    theme: Theme = None  # type: ignore[assignment]
    card_s: float = 7.0
    summary_s: float = 8.0
    call_s: float = 30.0
    logo: Image | None = None
    photo: Image | None = None
    values: dict[str, Any] = field(default_factory=dict)  # flat "gym.phone" -> value, for diffs
    version: str = ""  # short hash of everything shown: what a diff or a metric compares


@dataclass(frozen=True)
class Problem:
    path: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {display_key(self.key)} {self.message}" if self.key else f"{where}: {self.message}"


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


# -- reading ---------------------------------------------------------------------------------------
def _locate(text: str) -> dict[str, int]:
    """Line numbers of tables and keys ("gym", "gym.phone", "steps[2]", "steps[2].text"), 1-based."""
    where: dict[str, int] = {}
    prefix, counts = "", {}
    for no, raw in enumerate(text.splitlines(), 1):
        s = raw.strip()
        m = re.match(r"^\[\[\s*([A-Za-z0-9_.-]+)\s*\]\]", s)
        if m:
            name = m.group(1)
            counts[name] = counts.get(name, 0) + 1
            prefix = f"{name}[{counts[name]}]"
            where.setdefault(prefix, no)
            where.setdefault(name, no)
            continue
        m = re.match(r"^\[\s*([A-Za-z0-9_.-]+)\s*\]", s)
        if m:
            prefix = m.group(1)
            where.setdefault(prefix, no)
            continue
        m = re.match(r'^("?)([A-Za-z0-9_-]+)\1\s*=', s)
        if m:
            where.setdefault(f"{prefix}.{m.group(2)}" if prefix else m.group(2), no)
    return where


@dataclass
class _Source:
    path: Path
    data: dict
    lines: dict[str, int]


def _read_toml(p: Path, problems: list[Problem]) -> _Source | None:
    try:
        if p.is_dir():
            problems.append(Problem(str(p), None, "", f"is a directory - put {FILE_NAME} in it"))
            return None
        size = p.stat().st_size
        if size > MAX_TOML_BYTES:
            problems.append(
                Problem(str(p), None, "", f"is {size} bytes - a content file is at most {MAX_TOML_BYTES}")
            )
            return None
        raw = p.read_bytes()
        if not raw.strip():
            # the most common failed scp; every field silently back to the built-in content would
            # look like a lost edit, so it is refused (the last good content stays on screen)
            problems.append(
                Problem(
                    str(p),
                    None,
                    "",
                    f"is empty ({len(raw)} bytes) - a failed copy? copy it again; for the built-in content"
                    ' write just a comment in it, e.g. "# built-in content"',
                )
            )
            return None
    except FileNotFoundError:
        problems.append(
            Problem(str(p), None, "", "no such file - check the path or copy assets/content.toml")
        )
        return None
    except OSError as e:
        problems.append(Problem(str(p), None, "", f"cannot be read ({e.strerror}) - check its permissions"))
        return None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        problems.append(
            Problem(str(p), line, "", f"byte {e.start} is not UTF-8 text - save the file as UTF-8")
        )
        return None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        m = re.search(r"line (\d+)", str(e))
        problems.append(
            Problem(str(p), int(m.group(1)) if m else None, "", f"not valid TOML ({e}) - fix that line")
        )
        return None
    except RecursionError:
        problems.append(Problem(str(p), None, "", "nested too deeply to be content - check the brackets"))
        return None
    return _Source(p, data, _locate(text))


def _suggest(name: str, known) -> str:
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f' - did you mean "{close[0]}"?' if close else f" - known: {', '.join(sorted(known))}"


# -- checking one value ----------------------------------------------------------------------------
def _colour(v: str) -> tuple[int, int, int]:
    return (int(v[1:3], 16), int(v[3:5], 16), int(v[5:7], 16))


def _luminance(rgb: tuple[int, int, int]) -> float:
    def ch(c: int) -> float:
        x = c / 255
        return x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4

    r, g, b = (ch(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _digits(s: str) -> str:
    return "".join(ch for ch in s if ch.isdigit())


def _image_dims(data: bytes) -> tuple[int, int] | None:
    """Width and height from a PNG or JPEG header, before anything is decoded."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            seg = struct.unpack(">H", data[i + 2 : i + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF):
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return (w, h)
            i += 2 + seg
    return None


def _check_image(v: str, base: Path) -> tuple[Image | None, str | None]:
    """An image named in content: confined to the content directory, limited, decodable."""
    if v == "":
        return None, None
    pp = PurePosixPath(v)
    if pp.is_absolute() or v.startswith("~") or "\\" in v:
        return None, f'"{v}" is not a path inside the content directory - write a name like "logo.png"'
    if ".." in pp.parts:
        return None, f'"{v}" leaves the content directory (..) - put the image in the directory itself'
    if pp.suffix.lower() not in IMAGE_SUFFIXES:
        return None, f'"{v}" is not a .png or .jpg file - save the image as PNG or JPEG'
    p = base / pp
    try:
        real, root = p.resolve(strict=True), base.resolve(strict=True)
    except (OSError, RuntimeError):
        return None, f'"{v}" is not in {base} - copy the image there (or set "" for none)'
    if root not in real.parents:
        return None, f'"{v}" links outside {base} - copy the image itself into the directory'
    if not real.is_file():
        return None, f'"{v}" is not a regular file - copy the image itself into {base}'
    size = real.stat().st_size
    if size > MAX_IMAGE_BYTES:
        return (
            None,
            f'"{v}" is {size / 1e6:.1f} MB - images are at most {MAX_IMAGE_BYTES / 1e6:.1f} MB; resize it',
        )
    data = real.read_bytes()
    dims = _image_dims(data)
    if dims is None:
        return None, f'"{v}" is not a PNG or JPEG image (its contents) - re-export it'
    w, h = dims
    if w == 0 or h == 0 or w > MAX_IMAGE_SIDE or h > MAX_IMAGE_SIDE or w * h > MAX_IMAGE_PIXELS:
        return None, (
            f'"{v}" is {w}x{h} pixels - at most {MAX_IMAGE_SIDE} a side and'
            f" {MAX_IMAGE_PIXELS // 1_000_000} MP; resize it (the screen is 1920x1080)"
        )
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    try:
        surf = pygame.image.load(io.BytesIO(data), pp.name)
    except (pygame.error, ValueError, OSError) as e:
        return None, f'"{v}" does not decode ({e}) - re-export it as PNG or JPEG'
    return Image(v, data, surf.get_size()), None


def _check_value(key: str, spec: Spec, v: Any, base: Path) -> tuple[Any, str | None]:
    """(the value as the kiosk uses it, None) or (None, what is wrong and how to fix it)."""
    k = spec.kind
    if k in ("int", "float"):
        if isinstance(v, bool) or not isinstance(v, int | float) or (k == "int" and not isinstance(v, int)):
            want = "a whole number" if k == "int" else "a number"
            return None, f"is {_show(v)} - write {want} from {spec.lo:g} to {spec.hi:g}, without quotes"
        if not math.isfinite(v) or not spec.lo <= v <= spec.hi:
            return None, f"is {v} - use {spec.lo:g} to {spec.hi:g}"
        return (int(v) if k == "int" else float(v)), None
    if not isinstance(v, str):
        return None, f'is {_show(v)} - write it in quotes, e.g. {key.rsplit(".", 1)[-1]} = "..."'
    if k == "image":
        return _check_image(v, base)
    s = v.strip()
    if not s:
        return None, f'is empty - write the text between the quotes: {key.rsplit(".", 1)[-1]} = "..."'
    if any(ord(ch) < 32 for ch in s):
        return None, "contains a line break or control character - keep it to one line"
    if len(s) > spec.max_chars:
        return None, f"is {len(s)} characters - at most {spec.max_chars}; shorten it"
    if k == "colour":
        if not re.fullmatch(r"#[0-9a-fA-F]{6}", s):
            return None, f'is "{s}" - write a colour as "#rrggbb", e.g. "#ff8c00"'
        return _colour(s), None
    if k == "phone" and (not re.fullmatch(r"\+?[0-9][0-9 ().-]*", s) or not 7 <= len(_digits(s)) <= 15):
        return None, f'is "{s}" - write a phone number with 7 to 15 digits, e.g. "778-985-7700"'
    if k == "tel" and (not re.fullmatch(r"tel:\+?[0-9][0-9().-]*", s) or not 7 <= len(_digits(s)) <= 15):
        return None, f'is "{s}" - write tel: and the number with country code, e.g. "tel:+17789857700"'
    if k == "url":
        u = urllib.parse.urlsplit(s)
        if u.scheme not in URL_SCHEMES:
            return None, f'is "{s}" - start it with https:, mailto:, sms: or tel:'
        if u.scheme in ("http", "https") and not u.netloc:
            return None, f'is "{s}" - a web link needs a host, e.g. "https://cruxfitness.ca/free-report"'
        if " " in s:
            return None, "contains a space - write spaces in a link as %20"
    return s, None


def _show(v: Any) -> str:
    r = repr(v)
    return f"{type(v).__name__} {r[:40]}{'...' if len(r) > 40 else ''}"


# -- the whole content -----------------------------------------------------------------------------
def resolve(source: str | Path | None) -> tuple[Path | None, Path]:
    """(the staff content.toml or None for the defaults alone, the directory its images are in)."""
    if source is None:
        return None, ASSETS
    p = Path(source)
    if p.is_dir():
        return p / FILE_NAME, p
    return p, p.parent


def check_content(
    source: str | Path | None = None, *, fit: bool = True
) -> tuple[Content | None, list[Problem]]:
    """Defaults, then the staff file over them; every problem, each with file, line and key."""
    problems: list[Problem] = []
    default = _read_toml(DEFAULT_PATH, problems)
    if default is None:
        return None, problems
    staff_path, base = resolve(source)
    staff = None
    if staff_path is not None and staff_path.resolve() != DEFAULT_PATH:
        staff = _read_toml(staff_path, problems)
        if staff is None:
            return None, problems
    elif staff_path is not None:
        base = ASSETS
    merged: dict[str, Any] = {}
    origin: dict[str, _Source] = {}  # flat key -> where its value came from
    for src in (default, staff):
        if src is None:
            continue
        f = str(src.path)
        for table, entries in src.data.items():
            if table in LISTS:
                if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
                    problems.append(
                        Problem(f, src.lines.get(table), table, f"write it as [[{table}]] entries")
                    )
                    continue
                lo, hi = LISTS[table]
                if not lo <= len(entries) <= hi:
                    problems.append(
                        Problem(
                            f, src.lines.get(table), table, f"has {len(entries)} entries - use {lo} to {hi}"
                        )
                    )
                    continue
                for k in [k for k in merged if k.startswith(f"{table}[")]:
                    del merged[k]
                merged[f"{table}#"] = len(entries)
                origin[f"{table}#"] = src
                for i, e in enumerate(entries, 1):
                    for key, v in e.items():
                        fk = f"{table}[].{key}"
                        if fk not in FIELDS:
                            known = [k.split(".", 1)[1] for k in FIELDS if k.startswith(f"{table}[]")]
                            problems.append(
                                Problem(
                                    f,
                                    src.lines.get(f"{table}[{i}].{key}"),
                                    f"{table}[{i}].{key}",
                                    "is not a field" + _suggest(key, known),
                                )
                            )
                            continue
                        merged[f"{table}[{i}].{key}"] = v
                        origin[f"{table}[{i}].{key}"] = src
                continue
            known_tables = {k.split(".")[0] for k in FIELDS if "[" not in k}
            if table not in known_tables:
                shown = f"{table}[]" if isinstance(entries, list) else table
                known = known_tables | set(LISTS)
                problems.append(
                    Problem(f, src.lines.get(table), shown, "is not a content table" + _suggest(table, known))
                )
                continue
            if not isinstance(entries, dict):
                problems.append(Problem(f, src.lines.get(table), table, f"write it as a [{table}] table"))
                continue
            for key, v in entries.items():
                fk = f"{table}.{key}"
                if fk not in FIELDS:
                    known = [k.split(".", 1)[1] for k in FIELDS if k.startswith(table + ".")]
                    problems.append(
                        Problem(f, src.lines.get(fk), fk, "is not a field" + _suggest(key, known))
                    )
                    continue
                merged[fk] = v
                origin[fk] = src
    values: dict[str, Any] = {}

    def bad(key: str, message: str, src: _Source | None = None) -> None:
        src = src or origin.get(key) or staff or default
        problems.append(
            Problem(str(src.path), src.lines.get(key) or src.lines.get(key.split(".")[0]), key, message)
        )

    def check(flat: str, spec: Spec) -> None:
        # images are looked up beside the file that names them
        val, err = _check_value(flat, spec, merged[flat], base if origin[flat] is staff else ASSETS)
        if err:
            bad(flat, err)
        else:
            values[flat] = val

    for fk, spec in FIELDS.items():
        if "[]" not in fk:
            if fk in merged:
                check(fk, spec)
            else:
                bad(fk, f"is missing - copy it from {DEFAULT_PATH}")
            continue
        table, key = fk.split("[].")
        for i in range(1, merged.get(f"{table}#", 0) + 1):
            flat = f"{table}[{i}].{key}"
            if flat in merged:
                check(flat, spec)
            elif key == "pose":  # a step without a pose shows the figure standing
                values[flat] = 0.0
            else:
                bad(flat, f'is missing - add {key} = "..." to this entry', origin.get(f"{table}#"))
    for fg, bg, need in CONTRAST:
        a, b = values.get(f"theme.{fg}"), values.get(f"theme.{bg}")
        if a is not None and b is not None and contrast_ratio(a, b) < need:
            bad(
                f"theme.{fg}",
                f"on theme.{bg} has contrast {contrast_ratio(a, b):.1f}:1 - needs at least {need:g}:1;"
                f" pick a {'lighter' if _luminance(a) >= _luminance(b) else 'darker'} colour",
            )
    p, u = values.get("gym.phone"), values.get("gym.phone_uri")
    if p and u and not _digits(u).endswith(_digits(p)[-7:]):
        bad("gym.phone_uri", f"dials {u[4:]} but the screen shows {p} - make them the same number")
    if problems:
        return None, problems
    content = _build(values, str(staff_path or DEFAULT_PATH))
    if fit:
        from kiosk.ui.screens import fit_problems

        for key, message in fit_problems(content, SMALLEST_SCREEN):
            bad(key, message)
        if problems:
            return None, problems
    return content, []


def _build(v: dict[str, Any], source: str) -> Content:
    n_b = sum(1 for k in v if k.startswith("benefits[") and k.endswith(".title"))
    n_s = sum(1 for k in v if k.startswith("steps[") and k.endswith(".text"))
    flat = {k: (list(x) if isinstance(x, tuple) else x) for k, x in v.items()}
    shown = {k: (x.name if isinstance(x, Image) else x) for k, x in flat.items()}
    digest = hashlib.sha256(json.dumps(shown, sort_keys=True).encode())
    for x in v.values():
        if isinstance(x, Image):
            digest.update(x.data)
    for k in ("gym.logo", "title.photo"):
        if v.get(k) is None:
            shown[k] = ""
    return Content(
        gym_name=v["gym.name"],
        tagline=v["gym.tagline"],
        phone=v["gym.phone"],
        phone_uri=v["gym.phone_uri"],
        offer=v["gym.offer"],
        offer_url=v["gym.offer_url"],
        heading=v["title.heading"],
        intro=v["title.intro"],
        author=v["title.author"],
        benefits=tuple(
            Benefit(v[f"benefits[{i}].title"], v[f"benefits[{i}].text"]) for i in range(1, n_b + 1)
        ),
        steps=tuple(StepText(v[f"steps[{i}].text"], v[f"steps[{i}].pose"]) for i in range(1, n_s + 1)),
        cues={k: v[f"cues.{k}"] for k in CUE_KEYS},
        set_reps=v["train.set_reps"],
        target_angle_deg=v["train.target_angle_deg"],
        source=source,
        theme=Theme(*(v[f"theme.{k}"] for k in ("background", "panel", "text", "muted", "accent", "good"))),
        card_s=v["timing.card_s"],
        summary_s=v["timing.summary_s"],
        call_s=v["timing.call_s"],
        logo=v.get("gym.logo"),
        photo=v.get("title.photo"),
        values=shown,
        version=digest.hexdigest()[:12],
    )


def load_content(source: str | Path | None = None, *, fit: bool = True) -> Content:
    """The content, or ContentError listing every problem (one per line)."""
    content, problems = check_content(source, fit=fit)
    if content is None:
        raise ContentError("\n".join(map(str, problems)), problems)
    return content


# -- what staff see: diffs and the field list ------------------------------------------------------
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
