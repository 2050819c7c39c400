"""Checking content: the defaults, then a staff content directory over them, every field checked.

The defaults ship in assets/content.toml (the article's words). A content directory on the Pi
(/etc/crux-kiosk/content/) holds a `content.toml` and the images it names. Its tables override the
defaults key by key ([gym] phone alone changes only the phone); its lists ([[benefits]], [[steps]])
replace the default list whole. Images are files in the content directory, named relative to it.

`check_content()` returns every problem, not just the first, each naming file, line, key, what is
wrong and how to fix it; `load_content()` raises ContentError with all of them. Whether an image
decodes and whether the text fits the smallest screen are asked of a `ScreenCheck` the caller passes
in (`kiosk.ui.fit.ScreenFit`): this package draws nothing and imports no pygame.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import math
import re
import struct
import tomllib
import urllib.parse
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from kiosk.content.fields import (
    ASSETS,
    CONTRAST,
    CUE_KEYS,
    DEFAULT_PATH,
    FIELDS,
    FILE_NAME,
    IMAGE_SUFFIXES,
    LISTS,
    MAX_IMAGE_BYTES,
    MAX_IMAGE_PIXELS,
    MAX_IMAGE_SIDE,
    MAX_TOML_BYTES,
    SMALLEST_SCREEN,
    THEME_KEYS,
    URL_SCHEMES,
    Spec,
)
from kiosk.content.model import Benefit, Content, Image, Problem, StepText, Theme
from kiosk.errors import ContentError


class ScreenCheck(Protocol):
    """What only the drawing side can tell: does an image decode, does the text fit. Main thread."""

    def image_problem(self, data: bytes, name: str) -> str | None:
        """None when the image decodes, else why not (one line)."""

    def fit_problems(self, content: Content, size_px: tuple[int, int]) -> list[tuple[str, str]]:
        """(field key, what to shorten) for every text that does not fit a screen of `size_px`."""


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


def _check_image(v: str, base: Path, screen: ScreenCheck | None) -> tuple[Image | None, str | None]:
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
    why = screen.image_problem(data, pp.name) if screen is not None else None
    if why is not None:
        return None, f'"{v}" does not decode ({why}) - re-export it as PNG or JPEG'
    return Image(v, data, dims), None


def _check_value(
    key: str, spec: Spec, v: Any, base: Path, screen: ScreenCheck | None = None
) -> tuple[Any, str | None]:
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
        return _check_image(v, base, screen)
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


def _merge_list(src: _Source, table: str, entries: Any, merged: dict, origin: dict, problems: list) -> None:
    """A [[table]] list replaces the one before it whole."""
    f = str(src.path)
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        problems.append(Problem(f, src.lines.get(table), table, f"write it as [[{table}]] entries"))
        return
    lo, hi = LISTS[table]
    if not lo <= len(entries) <= hi:
        problems.append(
            Problem(f, src.lines.get(table), table, f"has {len(entries)} entries - use {lo} to {hi}")
        )
        return
    for k in [k for k in merged if k.startswith(f"{table}[")]:
        del merged[k]
    merged[f"{table}#"] = len(entries)
    origin[f"{table}#"] = src
    for i, e in enumerate(entries, 1):
        for key, v in e.items():
            if f"{table}[].{key}" not in FIELDS:
                known = [k.split(".", 1)[1] for k in FIELDS if k.startswith(f"{table}[]")]
                where = f"{table}[{i}].{key}"
                problems.append(
                    Problem(f, src.lines.get(where), where, "is not a field" + _suggest(key, known))
                )
                continue
            merged[f"{table}[{i}].{key}"] = v
            origin[f"{table}[{i}].{key}"] = src


def _merge_table(src: _Source, table: str, entries: Any, merged: dict, origin: dict, problems: list) -> None:
    """A [table] overrides the one before it key by key."""
    f = str(src.path)
    known_tables = {k.split(".")[0] for k in FIELDS if "[" not in k}
    if table not in known_tables:
        shown = f"{table}[]" if isinstance(entries, list) else table
        known = known_tables | set(LISTS)
        problems.append(
            Problem(f, src.lines.get(table), shown, "is not a content table" + _suggest(table, known))
        )
        return
    if not isinstance(entries, dict):
        problems.append(Problem(f, src.lines.get(table), table, f"write it as a [{table}] table"))
        return
    for key, v in entries.items():
        fk = f"{table}.{key}"
        if fk not in FIELDS:
            known = [k.split(".", 1)[1] for k in FIELDS if k.startswith(table + ".")]
            problems.append(Problem(f, src.lines.get(fk), fk, "is not a field" + _suggest(key, known)))
            continue
        merged[fk] = v
        origin[fk] = src


@dataclass
class _Check:
    """One check in progress: the merged values, where each came from, the problems found."""

    default: _Source
    staff: _Source | None
    base: Path  # the directory the staff file's images are in
    screen: ScreenCheck | None
    problems: list[Problem]
    merged: dict[str, Any]
    origin: dict[str, _Source]  # flat key -> the file its value came from
    values: dict[str, Any]

    def bad(self, key: str, message: str, src: _Source | None = None) -> None:
        src = src or self.origin.get(key) or self.staff or self.default
        line = src.lines.get(key) or src.lines.get(key.split(".")[0])
        self.problems.append(Problem(str(src.path), line, key, message))

    def value(self, flat: str, spec: Spec) -> None:
        # images are looked up beside the file that names them
        base = self.base if self.origin[flat] is self.staff else ASSETS
        val, err = _check_value(flat, spec, self.merged[flat], base, self.screen)
        if err:
            self.bad(flat, err)
        else:
            self.values[flat] = val

    def fields(self) -> None:
        for fk, spec in FIELDS.items():
            if "[]" not in fk:
                if fk in self.merged:
                    self.value(fk, spec)
                else:
                    self.bad(fk, f"is missing - copy it from {DEFAULT_PATH}")
                continue
            table, key = fk.split("[].")
            for i in range(1, self.merged.get(f"{table}#", 0) + 1):
                flat = f"{table}[{i}].{key}"
                if flat in self.merged:
                    self.value(flat, spec)
                elif key == "pose":  # a step without a pose shows the figure standing
                    self.values[flat] = 0.0
                else:
                    entry = self.origin.get(f"{table}#")
                    self.bad(flat, f'is missing - add {key} = "..." to this entry', entry)

    def across(self) -> None:
        """What no single field shows: contrast between colours, the QR code dialling the number shown."""
        v = self.values
        for fg, bg, need in CONTRAST:
            a, b = v.get(f"theme.{fg}"), v.get(f"theme.{bg}")
            if a is not None and b is not None and contrast_ratio(a, b) < need:
                self.bad(
                    f"theme.{fg}",
                    f"on theme.{bg} has contrast {contrast_ratio(a, b):.1f}:1 - needs at least {need:g}:1;"
                    f" pick a {'lighter' if _luminance(a) >= _luminance(b) else 'darker'} colour",
                )
        p, u = v.get("gym.phone"), v.get("gym.phone_uri")
        if p and u and not _digits(u).endswith(_digits(p)[-7:]):
            self.bad("gym.phone_uri", f"dials {u[4:]} but the screen shows {p} - make them the same number")


def check_content(
    source: str | Path | None = None, *, screen: ScreenCheck | None = None, fit: bool = True
) -> tuple[Content | None, list[Problem]]:
    """Defaults, then the staff file over them; every problem, each with file, line and key.

    `screen` (e.g. `kiosk.ui.fit.ScreenFit()`) also decodes the images and checks that every text
    fits the smallest screen; without it those two checks are skipped (a diff needs neither).
    `fit=False` skips the fit check alone (it lays out every screen: the slow part); a content so
    checked is not yet known to fit - `LiveContent` shows none such before the full check."""
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
    chk = _Check(default, staff, base, screen, problems, {}, {}, {})
    for src in (default, staff):
        for table, entries in (src.data.items() if src is not None else ()):
            merge = _merge_list if table in LISTS else _merge_table
            merge(src, table, entries, chk.merged, chk.origin, problems)
    chk.fields()
    chk.across()
    if problems:
        return None, problems
    content = _build(chk.values, str(staff_path or DEFAULT_PATH))
    if screen is not None and fit:
        for key, message in screen.fit_problems(content, SMALLEST_SCREEN):
            chk.bad(key, message)
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
        theme=Theme(*(v[f"theme.{k}"] for k in THEME_KEYS)),
        card_s=v["timing.card_s"],
        summary_s=v["timing.summary_s"],
        call_s=v["timing.call_s"],
        logo=v.get("gym.logo"),
        photo=v.get("title.photo"),
        values=shown,
        version=digest.hexdigest()[:12],
    )


def load_content(source: str | Path | None = None, *, screen: ScreenCheck | None = None) -> Content:
    """The content, or ContentError listing every problem (one per line)."""
    content, problems = check_content(source, screen=screen)
    if content is None:
        raise ContentError("\n".join(map(str, problems)), problems)
    return content
