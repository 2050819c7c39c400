import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))  # test helpers such as fake_picamera2

# Headless everywhere: set before anything imports pygame or gpiozero.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")
os.environ.setdefault("GPIOZERO_PIN_FACTORY", "mock")


import pytest


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
