"""gpiozero's pin factory, in the kiosk's words.

gpiozero picks its pin library on the first device: lgpio, then rpigpio, pigpio, native. Each one
it cannot use is a `PinFactoryFallback` warning - two lines apiece on stderr, eight off a Pi, at every
start. `pin_factory_said_once()` turns them into one log line, the first time only.
"""

from __future__ import annotations

import contextlib
import logging
import re
import warnings

log = logging.getLogger(__name__)
_said = False


@contextlib.contextmanager
def pin_factory_said_once():
    """Wrap the making of gpiozero devices (main thread)."""
    global _said
    from gpiozero.exc import NativePinFactoryFallback, PinFactoryFallback

    quiet = (PinFactoryFallback, NativePinFactoryFallback)
    ok = False
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", PinFactoryFallback)
        warnings.simplefilter("always", NativePinFactoryFallback)
        try:
            yield
            ok = True
        finally:
            tried = []
            for w in caught:
                if not issubclass(w.category, quiet):
                    warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
                    continue
                m = re.match(r"Falling back from (\w+): (.*)", str(w.message))
                tried.append(f"{m.group(1)} ({m.group(2)})" if m else str(w.message))
            if tried and not _said:
                _said = True
                if ok:
                    from gpiozero import Device

                    log.info(
                        "GPIO through %s; not usable here: %s",
                        type(Device.pin_factory).__name__,
                        ", ".join(tried),
                    )
                else:
                    log.warning("no GPIO pin library usable here: %s", ", ".join(tried))


def fix_hint(e: Exception, config_hint: str) -> str:
    """What to do when a device would not open: no pin library at all, or (else) the config."""
    from gpiozero.exc import BadPinFactory

    if isinstance(e, BadPinFactory):
        return "no GPIO pin library works here - on a Pi: sudo apt install python3-lgpio"
    return config_hint
