"""The content as the kiosk uses it: plain frozen data, built by `kiosk.content.check`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from kiosk.content.fields import display_key


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
    theme: Theme
    card_s: float  # (the defaults of these and every other field: assets/content.toml)
    summary_s: float
    call_s: float
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

