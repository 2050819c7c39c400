"""Button inputs. Both only report raw edges into a queue; gestures are made in kiosk.core.buttons.

GPIO: gpiozero `Button`s (callbacks run on gpiozero's thread and only enqueue).
Keyboard (the simulator): G / Y / B, or 1 / 2 / 3, or Left / Down / Right arrows for GREEN / YELLOW /
BLUE; hold a key for a hold (GREEN 2 s: trainer demo, YELLOW 2 s: home, BLUE 5 s: staff overlay).
"""

from __future__ import annotations

import queue
import time
from collections.abc import Callable

from kiosk.errors import HardwareUnavailable
from kiosk.hw.closing import Closing

Edge = tuple[str, bool, float]  # (button, down, t)

KEYS = {
    "g": "green",
    "1": "green",
    "left": "green",
    "y": "yellow",
    "2": "yellow",
    "down": "yellow",
    "b": "blue",
    "3": "blue",
    "right": "blue",
}


class _EdgeQueue(Closing):
    """Edges from any thread, drained by the main loop once per frame."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._q: queue.SimpleQueue[Edge] = queue.SimpleQueue()

    def drain(self) -> list[Edge]:
        out = []
        while not self._q.empty():
            out.append(self._q.get_nowait())
        return out


class KeyboardButtons(_EdgeQueue):
    """Turns pygame key events into edges. Feed it every KEYDOWN/KEYUP event (main thread)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        super().__init__(clock)

    def handle_key(self, key_name: str, down: bool, t: float | None = None) -> bool:
        button = KEYS.get(key_name.lower())
        if button is None:
            return False
        self._q.put((button, down, self._clock() if t is None else t))
        return True


class GpioButtons(_EdgeQueue):
    """Three arcade buttons on GPIO pins, wired to ground with the internal pull-ups (default)."""

    def __init__(
        self,
        pins: dict[str, str],
        *,
        pull_up: bool = True,
        pin_factory=None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        from gpiozero import Button
        from gpiozero.exc import GPIOZeroError

        from kiosk.hw.gpio import fix_hint, pin_factory_said_once

        super().__init__(clock)
        self._buttons = {}
        try:
            with pin_factory_said_once():
                for name, pin in pins.items():
                    # bounce_time=None: debounce happens in core from timestamps
                    b = Button(pin, pull_up=pull_up, bounce_time=None, pin_factory=pin_factory)
                    b.when_pressed = self._edge(name, True)
                    b.when_released = self._edge(name, False)
                    self._buttons[name] = b
        except (GPIOZeroError, ValueError, OSError) as e:
            self.close()
            raise HardwareUnavailable(
                f"button {name.upper()} on {pin} could not be opened ({e})"
                f" - {fix_hint(e, 'check [buttons] pins in the config')}"
            ) from e

    def _edge(self, name: str, down: bool):
        def cb() -> None:
            self._q.put((name, down, self._clock()))

        return cb

    def close(self) -> None:
        for b in self._buttons.values():
            b.close()
        self._buttons = {}
