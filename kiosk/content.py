"""What the screen says: the default content in assets/content.toml, loaded and checked.

Every problem is a ContentError naming the file, the key and the fix. (The staff workflow - a live
content directory that overrides the defaults, previews, reload with last-good - builds on this.)
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ContentError

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "assets" / "content.toml"
CUE_KEYS = ("arrive", "calibrate", "standing", "descending", "bottom", "ascending", "rep")


@dataclass(frozen=True)
class Benefit:
    title: str
    text: str


@dataclass(frozen=True)
class StepText:
    text: str
    pose: float  # 0 standing .. 1 full hinge


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


def _text(d: dict, key: str, where: str, path: Path) -> str:
    v = d.get(key)
    if not isinstance(v, str) or not v.strip():
        got = "missing" if v is None else f"{type(v).__name__} {v!r}"
        raise ContentError(f'{path}: [{where}] {key} is {got} - write the text in quotes, e.g. {key} = "..."')
    return v.strip()


def load_content(path: str | Path = DEFAULT_PATH) -> Content:
    p = Path(path)
    try:
        with p.open("rb") as f:
            d = tomllib.load(f)
    except FileNotFoundError as e:
        raise ContentError(f"{p}: no such file - check the content directory") from e
    except tomllib.TOMLDecodeError as e:
        raise ContentError(f"{p}: not valid TOML ({e}) - fix the line it names") from e
    for table in ("gym", "title", "cues", "train"):
        if not isinstance(d.get(table), dict):
            raise ContentError(f"{p}: the [{table}] table is missing - copy it from {DEFAULT_PATH.name}")
    gym, title, cues, train = d["gym"], d["title"], d["cues"], d["train"]
    benefits = d.get("benefits")
    steps = d.get("steps")
    if not isinstance(benefits, list) or not 1 <= len(benefits) <= 6:
        raise ContentError(f"{p}: [[benefits]] needs 1 to 6 entries (has {len(benefits or [])})")
    if not isinstance(steps, list) or not 2 <= len(steps) <= 8:
        raise ContentError(f"{p}: [[steps]] needs 2 to 8 entries (has {len(steps or [])})")
    bens = tuple(
        Benefit(_text(b, "title", f"benefits.{i + 1}", p), _text(b, "text", f"benefits.{i + 1}", p))
        for i, b in enumerate(benefits)
    )
    sts = []
    for i, st in enumerate(steps):
        pose = st.get("pose", 0.0)
        if not isinstance(pose, int | float) or not 0.0 <= pose <= 1.2:
            raise ContentError(f"{p}: [steps.{i + 1}] pose is {pose!r} - use a number from 0 (standing) to 1")
        sts.append(StepText(_text(st, "text", f"steps.{i + 1}", p), float(pose)))
    set_reps = train.get("set_reps")
    if not isinstance(set_reps, int) or not 1 <= set_reps <= 50:
        raise ContentError(f"{p}: [train] set_reps is {set_reps!r} - use a whole number from 1 to 50")
    target = train.get("target_angle_deg")
    if not isinstance(target, int | float) or not 60 <= target <= 160:
        raise ContentError(f"{p}: [train] target_angle_deg is {target!r} - use degrees from 60 to 160")
    return Content(
        gym_name=_text(gym, "name", "gym", p),
        tagline=_text(gym, "tagline", "gym", p),
        phone=_text(gym, "phone", "gym", p),
        phone_uri=_text(gym, "phone_uri", "gym", p),
        offer=_text(gym, "offer", "gym", p),
        offer_url=_text(gym, "offer_url", "gym", p),
        heading=_text(title, "heading", "title", p),
        intro=_text(title, "intro", "title", p),
        author=_text(title, "author", "title", p),
        benefits=bens,
        steps=tuple(sts),
        cues={k: _text(cues, k, "cues", p) for k in CUE_KEYS},
        set_reps=set_reps,
        target_angle_deg=float(target),
        source=str(p),
    )
