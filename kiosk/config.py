"""Kiosk settings: one table of defaults and help text; staff edit a TOML file (/etc/crux-kiosk/kiosk.toml).

Every value is validated with a message that names the file, the key and the fix. Pins are strings
("GPIO17"), GPIO4..GPIO27: GPIO0/1 are the HAT ID EEPROM's, GPIO2/3 have fixed 1.8k pull-ups (I2C);
a pin used twice is refused too.
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kiosk.core.buttons import ButtonTiming
from kiosk.core.modes import ModeTiming
from kiosk.errors import ConfigError

# key: (default, help). The one place defaults and help live.
SETTINGS: dict[str, tuple[Any, str]] = {
    "buttons.green": ("GPIO17", "GREEN button (start / next): GPIO pin, button wired to GND"),
    "buttons.yellow": ("GPIO27", "YELLOW button (back / steps): GPIO pin, button wired to GND"),
    "buttons.blue": ("GPIO22", "BLUE button (call us): GPIO pin, button wired to GND"),
    "buttons.pull_up": (True, "true: internal pull-ups, buttons switch to GND (active low)"),
    "buttons.hold_s": (ButtonTiming.hold_s, "seconds for a hold (GREEN: trainer demo, YELLOW: home)"),
    "buttons.long_hold_s": (ButtonTiming.long_hold_s, "seconds for a long hold (BLUE: staff overlay)"),
    "ledbar.pins": (
        ["GPIO5", "GPIO6", "GPIO13", "GPIO19", "GPIO26", "GPIO12", "GPIO16", "GPIO20", "GPIO21", "GPIO24"],
        "LED bar segments, bottom first (8 to 10 pins)",
    ),
    "ledbar.pwm": (True, "dim segments with PWM where the pins allow"),
    "ledbar.active_high": (True, "true: a pin drives the LED's anode through its resistor"),
    "camera.fps": (30, "Pi camera frames per second (15..30; `kiosk run --camera pi`)"),
    "display.logical_size": (
        "auto",
        'size the screens are drawn at, scaled by the GPU to the display: "auto" (the display divided by'
        ' the smallest whole number that makes it at most 1280 wide: a 1080p TV is drawn at 960x540 and'
        ' shown 2x, 2.1 MB a frame instead of 8.3; the 800x480 panel as it is), "native" (no scaling) or'
        ' "WxH"',
    ),
    "timing.idle_s": (
        ModeTiming.idle_s,
        "nobody in view and no button for this long: back to the attract screen",
    ),
    "metrics.textfile": (
        "",
        'Prometheus textfile for node_exporter, e.g. "/var/lib/prometheus/node-exporter/crux_kiosk.prom";'
        ' "" = off',
    ),
    "metrics.interval_s": (60.0, "write the metrics textfile at most this often (seconds, 15..3600)"),
}

_PIN = re.compile(r"^GPIO(\d{1,2})$")
_WXH = re.compile(r"^(\d{3,4})x(\d{3,4})$")


@dataclass(frozen=True)
class Config:
    values: dict[str, Any]
    source: str

    def __getitem__(self, key: str) -> Any:
        return self.values[key]

    @property
    def button_pins(self) -> dict[str, str]:
        return {b: self.values[f"buttons.{b}"] for b in ("green", "yellow", "blue")}


def _check_pin(value: Any, where: str) -> str:
    m = _PIN.match(value) if isinstance(value, str) else None
    if not m or not 0 <= int(m.group(1)) <= 27:
        raise ConfigError(
            f'{where} is {value!r} - use a GPIO name on the 40-pin header, GPIO4..GPIO27, e.g. "GPIO17"'
        )
    if int(m.group(1)) in (0, 1):
        raise ConfigError(
            f"{where} is {value} - GPIO0/1 are reserved for the HAT ID EEPROM; use another pin, e.g. GPIO17"
        )
    if int(m.group(1)) in (2, 3):
        raise ConfigError(
            f"{where} is {value} - GPIO2/3 have fixed pull-ups (I2C); use another pin, e.g. GPIO17"
        )
    return value


def load_config(path: str | Path | None = None) -> Config:
    """Defaults, overridden by the TOML file when given (a missing file is an error, not a default)."""
    values = {k: v for k, (v, _help) in SETTINGS.items()}
    src = "defaults"
    if path is not None:
        p = Path(path)
        try:
            with p.open("rb") as f:
                data = tomllib.load(f)
        except FileNotFoundError as e:
            raise ConfigError(f"{p}: no such file - create it or leave --config out for the defaults") from e
        except tomllib.TOMLDecodeError as e:
            raise ConfigError(f"{p}: not valid TOML ({e}) - fix the line it names") from e
        src = str(p)
        for table, entries in data.items():
            if not isinstance(entries, dict):
                raise ConfigError(f"{p}: {table} must be a [table] - see `kiosk config --help`")
            for key, value in entries.items():
                full = f"{table}.{key}"
                if full not in SETTINGS:
                    known = ", ".join(k for k in SETTINGS if k.startswith(table + ".")) or ", ".join(SETTINGS)
                    raise ConfigError(f"{p}: [{table}] {key} is not a setting - known: {known}")
                default = SETTINGS[full][0]
                ok = isinstance(value, type(default)) or (
                    isinstance(default, float) and isinstance(value, int)
                )
                if not ok or isinstance(value, bool) != isinstance(default, bool):
                    raise ConfigError(
                        f"{p}: [{table}] {key} = {value!r} should be {type(default).__name__}"
                        f" like the default {default!r}"
                    )
                values[full] = value
    where = f"{src}: " if src != "defaults" else ""
    pins: dict[str, str] = {}
    for b in ("green", "yellow", "blue"):
        pins[f"[buttons] {b}"] = _check_pin(values[f"buttons.{b}"], f"{where}[buttons] {b}")
    bar = values["ledbar.pins"]
    if not 4 <= len(bar) <= 12:
        raise ConfigError(
            f"{where}[ledbar] pins has {len(bar)} pins - the bar needs 4 to 12 (8 or 10 typical)"
        )
    for i, pin in enumerate(bar):
        pins[f"[ledbar] pins[{i}]"] = _check_pin(pin, f"{where}[ledbar] pins[{i}]")
    seen: dict[str, str] = {}
    for name, pin in pins.items():
        if pin in seen:
            raise ConfigError(f"{where}{name} = {pin} is already used by {seen[pin]} - give each its own pin")
        seen[pin] = name
    if not 15 <= values["metrics.interval_s"] <= 3600:
        raise ConfigError(f"{where}[metrics] interval_s = {values['metrics.interval_s']} - use 15 to 3600")
    tf = values["metrics.textfile"]
    if tf and (not tf.startswith("/") or not tf.endswith(".prom")):
        raise ConfigError(
            f"{where}[metrics] textfile = {tf!r} - use an absolute path ending in .prom, in node_exporter's"
            " --collector.textfile.directory"
        )
    ls = values["display.logical_size"]
    m = _WXH.match(ls)
    in_range = m is not None and 320 <= int(m.group(1)) <= 3840 and 240 <= int(m.group(2)) <= 2160
    if ls not in ("auto", "native") and not in_range:
        raise ConfigError(
            f'{where}[display] logical_size = "{ls}" - use "auto", "native" or WxH from 320x240 to 3840x2160,'
            ' e.g. "960x540"'
        )
    if not 15 <= values["camera.fps"] <= 30:
        raise ConfigError(f"{where}[camera] fps = {values['camera.fps']} - use 15 to 30")
    return Config(values, src)


def describe() -> str:
    """The settings with defaults and help, as a commented TOML file staff can start from."""
    out = ["# Crux kiosk settings - copy to /etc/crux-kiosk/kiosk.toml and change what you need."]
    table = None
    for key, (default, help_) in SETTINGS.items():
        t, k = key.split(".", 1)
        if t != table:
            out += ["", f"[{t}]"]
            table = t
        val = str(default).lower() if isinstance(default, bool) else repr(default).replace("'", '"')
        out.append(f"# {help_}")
        out.append(f"{k} = {val}")
    return "\n".join(out) + "\n"


def config_command(args) -> int:
    """`kiosk config [check FILE]`."""
    if args.check is None:
        sys.stdout.write(describe())
        return 0
    if args.check != "check" or not args.file:
        raise ConfigError("usage: kiosk config [check FILE]")
    c = load_config(args.file)
    print(f"{c.source}: OK")
    return 0
