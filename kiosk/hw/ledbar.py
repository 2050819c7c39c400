"""LED bar outputs: gpiozero `LEDBarGraph` on a Pi (PWM where the pins allow), and the simulator's."""

from __future__ import annotations

import logging
from typing import Protocol

from kiosk.errors import HardwareUnavailable
from kiosk.hw.closing import Closing

log = logging.getLogger(__name__)


class LedBar(Protocol):
    n: int

    def show(self, levels: tuple[float, ...]) -> None: ...
    def close(self) -> None: ...


class SimLedBar(Closing):
    """Keeps the levels for the screen to draw (the desktop simulator and headless runs)."""

    def __init__(self, n: int = 10) -> None:
        self.n = n
        self.levels: tuple[float, ...] = (0.0,) * n

    def show(self, levels: tuple[float, ...]) -> None:
        self.levels = tuple(levels)

    def close(self) -> None:
        self.levels = (0.0,) * self.n


class GpioLedBar(Closing):
    """An LED bar graph on GPIO pins (bottom segment first). Main thread only."""

    def __init__(
        self, pins: list[str], *, pwm: bool = True, active_high: bool = True, pin_factory=None
    ) -> None:
        from gpiozero import LEDBarGraph
        from gpiozero.exc import GPIOZeroError, PinPWMUnsupported

        from kiosk.hw.gpio import fix_hint, pin_factory_said_once

        self.n = len(pins)
        self.pwm = pwm
        self._bar = None
        try:
            try:
                with pin_factory_said_once():
                    self._bar = LEDBarGraph(
                        *pins, pwm=pwm, active_high=active_high, pin_factory=pin_factory
                    )
            except PinPWMUnsupported:
                # "PWM where the pins allow": this pin factory has none, so segments are on or off
                log.warning("LED bar: no PWM on pins %s with this pin factory; segments will be on/off", pins)
                self.pwm = False
                self._bar = LEDBarGraph(*pins, pwm=False, active_high=active_high, pin_factory=pin_factory)
        except (GPIOZeroError, ValueError, OSError) as e:
            raise HardwareUnavailable(
                f"LED bar on pins {', '.join(pins)} could not be opened ({e})"
                f" - {fix_hint(e, 'check [ledbar] pins in the config')}"
            ) from e
        self._last: tuple[float, ...] | None = None

    def show(self, levels: tuple[float, ...]) -> None:
        if levels == self._last:
            return  # GPIO writes cost time on a Pi: only changes go out
        self._last = levels
        for led, v in zip(self._bar.leds, levels, strict=False):
            led.value = v if self.pwm else (1 if v >= 0.5 else 0)

    @property
    def closed(self) -> bool:
        return self._bar is None or self._bar.closed

    def close(self) -> None:
        if self._bar is not None and not self._bar.closed:
            self._bar.off()
            self._bar.close()
