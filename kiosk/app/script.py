"""Scripted runs: button scripts (`<seconds> <green|yellow|blue> [hold <seconds>]`) and the recorder
that writes events.jsonl and a PNG at every mode change."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import ConfigError
from kiosk.hw.buttons import Edge

PRESS_S = 0.15  # how long a scripted press holds the button down
BAR_STEP = 0.05  # the recorder writes the LED bar's mean level when it moves by this much (0..1)


@dataclass(frozen=True)
class ScriptEvent:
    t: float
    button: str
    hold_s: float  # how long the button is held down


def _parse(p: Path, n: int, raw: str) -> ScriptEvent | None:
    line = raw.split("#", 1)[0].strip()
    if not line:
        return None
    parts = line.split()
    try:
        t, button, hold_s = float(parts[0]), parts[1].lower(), PRESS_S
        if len(parts) == 4 and parts[2] == "hold":
            hold_s = float(parts[3])
        elif len(parts) != 2:
            raise ValueError
        if button not in ("green", "yellow", "blue") or t < 0 or hold_s <= 0:
            raise ValueError
    except (ValueError, IndexError) as e:
        raise ConfigError(
            f"{p}:{n}: {raw.strip()!r} is not '<seconds> <green|yellow|blue> [hold <seconds>]'"
        ) from e
    return ScriptEvent(t, button, hold_s)


def load_script(path: str | Path) -> list[ScriptEvent]:
    """`<seconds> <green|yellow|blue> [hold <seconds>]` per line, `#` comments; sorted by time."""
    p = Path(path)
    try:
        lines = p.read_text().splitlines()
    except OSError as e:
        raise ConfigError(f"{p}: cannot read the script ({e.strerror}) - check the path") from e
    events = [e for n, raw in enumerate(lines, 1) if (e := _parse(p, n, raw)) is not None]
    return sorted(events, key=lambda e: e.t)


class ScriptedButtons:
    """A script's presses and releases as button edges, in loop time (s)."""

    def __init__(self, events: list[ScriptEvent]) -> None:
        self._pending = list(events)
        self._releases: list[tuple[float, str]] = []

    @staticmethod
    def end_s(events: list[ScriptEvent], tail_s: float) -> float | None:
        """When a run of this script is over: `tail_s` after the last event's release; None for none."""
        return events[-1].t + events[-1].hold_s + tail_s if events else None

    def drain(self, t: float) -> list[Edge]:
        edges: list[Edge] = []
        while self._pending and self._pending[0].t <= t:
            e = self._pending.pop(0)
            edges.append((e.button, True, e.t))
            self._releases.append((e.t + e.hold_s, e.button))
        edges += [(b, False, rt) for rt, b in sorted(self._releases) if rt <= t]
        self._releases = [(rt, b) for rt, b in self._releases if rt > t]
        return edges


class Recorder:
    """events.jsonl plus a PNG at every mode change, for scripted runs and demos."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._f = (self.dir / "events.jsonl").open("w")
        self._last_bar: float | None = None
        self._shots_due: list[tuple[float, str]] = []
        self.shots = 0

    def event(self, t: float, type_: str, **data) -> None:
        self._f.write(json.dumps({"t": round(t, 3), "type": type_, **data}) + "\n")

    def bar(self, t: float, level: float) -> None:
        if self._last_bar is None or abs(level - self._last_bar) >= BAR_STEP:
            self._last_bar = level
            self.event(t, "bar", level=round(level, 3))

    def mode(self, t: float, mode: str, *, demo: bool) -> None:
        """A mode began: the event now, its picture once the frame is drawn (`drawn`)."""
        self.event(t, "mode", mode=mode, demo=demo)
        self._shots_due.append((t, mode))

    def drawn(self, surface) -> None:
        """The frame is on `surface`: save it for every mode that began since the last one."""
        import pygame

        for t, mode in self._shots_due:
            self.shots += 1
            pygame.image.save(surface, str(self.dir / f"{self.shots:03d}-{mode}-{t:07.2f}s.png"))
        self._shots_due = []

    def close(self) -> None:
        self._f.close()
