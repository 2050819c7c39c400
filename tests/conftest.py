import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # test helpers such as fake_picamera2

# Headless everywhere: set before anything imports pygame or gpiozero.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")
# Nothing a test runs writes into the home directory or a systemd directory: the default rep log
# (~/.local/share/crux-kiosk/reps.db) goes to a fresh temporary directory instead.
os.environ["XDG_DATA_HOME"] = tempfile.mkdtemp(prefix="crux-kiosk-tests-")
for _var in ("STATE_DIRECTORY", "RUNTIME_DIRECTORY", "KIOSK_CONTENT_DIR"):
    os.environ.pop(_var, None)


import pytest  # noqa: E402 - after the environment above


@pytest.fixture
def factory():
    """gpiozero's MockFactory (plain pins), restored afterwards (as gpiozero's own tests do)."""
    from gpiozero import Device
    from gpiozero.pins.mock import MockFactory

    saved = Device.pin_factory
    f = MockFactory()
    yield f
    f.reset()
    Device.pin_factory = saved


@pytest.fixture
def pwm_factory():
    """MockFactory with MockPWMPin pins, for PWM LED bars."""
    from gpiozero import Device
    from gpiozero.pins.mock import MockFactory, MockPWMPin

    saved = Device.pin_factory
    f = MockFactory(pin_class=MockPWMPin)
    yield f
    f.reset()
    Device.pin_factory = saved


@pytest.fixture
def made_apps(monkeypatch):
    """The Apps that `kiosk run` builds in this test, in order (kiosk.app.wiring makes them)."""
    from kiosk.app import wiring

    made = []

    class Spy(wiring.App):
        def __init__(self, **kw):
            super().__init__(**kw)
            made.append(self)

    monkeypatch.setattr(wiring, "App", Spy)
    return made
