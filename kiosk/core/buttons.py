"""Raw button edges with timestamps -> press, hold and long-hold gestures. Pure Python.

GPIO callbacks and keyboard handlers only report edges ("down"/"up" with a monotonic time); debounce
and hold timing live here so they are testable without hardware (gpiozero's mock pins do not bounce).
Call `edge()` for each raw edge and `poll(t)` once per frame (holds fire while the button is still down).
"""

from __future__ import annotations

from dataclasses import dataclass, field

BUTTONS = ("green", "yellow", "blue")


@dataclass(frozen=True)
class ButtonTiming:
    debounce_s: float = 0.03  # edges closer than this to the previous accepted edge are contact bounce
    hold_s: float = 2.0  # held this long: the second function (GREEN: trainer demo, YELLOW: home)
    long_hold_s: float = 5.0  # held this long: staff functions (BLUE: staff overlay)
    stuck_s: float = 30.0  # held longer than this: reported once as stuck, then ignored until released


@dataclass(frozen=True)
class Gesture:
    button: str  # "green" | "yellow" | "blue"
    kind: str  # "press" | "hold" | "long_hold" | "stuck"
    t: float


@dataclass
class _State:
    down: bool = False
    t_edge: float = -1e9
    t_down: float = 0.0
    fired: set[str] = field(default_factory=set)


class ButtonTracker:
    """Turns edges into gestures. A press is reported on release if no hold fired (so a hold never
    also counts as a press); "hold" and "long_hold" fire while still held, once each."""

    def __init__(self, timing: ButtonTiming | None = None) -> None:
        self.timing = timing or ButtonTiming()
        self._s = {b: _State() for b in BUTTONS}

    def edge(self, button: str, down: bool, t: float) -> list[Gesture]:
        if button not in self._s:
            raise ValueError(f"unknown button {button!r}; expected one of {', '.join(BUTTONS)}")
        st = self._s[button]
        if down == st.down or t - st.t_edge < self.timing.debounce_s:
            return []  # repeated edge, or contact bounce
        st.t_edge = t
        st.down = down
        if down:
            st.t_down = t
            st.fired = set()
            return []
        if not st.fired:
            return [Gesture(button, "press", t)]
        return []

    def poll(self, t: float) -> list[Gesture]:
        out: list[Gesture] = []
        tm = self.timing
        for b, st in self._s.items():
            if not st.down:
                continue
            held = t - st.t_down
            for kind, limit in (("hold", tm.hold_s), ("long_hold", tm.long_hold_s), ("stuck", tm.stuck_s)):
                if held >= limit and kind not in st.fired:
                    st.fired.add(kind)
                    if "stuck" not in st.fired or kind == "stuck":
                        out.append(Gesture(b, kind, t))
        return out

    def is_down(self, button: str) -> bool:
        return self._s[button].down
