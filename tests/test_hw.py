"""Buttons and LED bar adapters on gpiozero's mock pins; keyboard mapping; LED bar patterns."""

import pytest

from kiosk.core.bar import bar_levels
from kiosk.core.buttons import ButtonTracker
from kiosk.core.modes import Mode
from kiosk.errors import HardwareUnavailable
from kiosk.hw.buttons import GpioButtons, KeyboardButtons
from kiosk.hw.ledbar import GpioLedBar, SimLedBar

PINS = {"green": "GPIO17", "yellow": "GPIO27", "blue": "GPIO22"}
BAR = ["GPIO5", "GPIO6", "GPIO13", "GPIO19", "GPIO26", "GPIO12", "GPIO16", "GPIO20"]


def test_gpio_buttons_enqueue_edges_and_make_gestures(factory):
    now = [10.0]
    buttons = GpioButtons(PINS, pin_factory=factory, clock=lambda: now[0])
    green = factory.pin("GPIO17")
    green.drive_low()  # pressed (wired to ground, pull-up)
    now[0] = 10.2
    green.drive_high()
    blue = factory.pin("GPIO22")
    now[0] = 11.0
    blue.drive_low()
    edges = buttons.drain()
    assert edges == [("green", True, 10.0), ("green", False, 10.2), ("blue", True, 11.0)]
    tr = ButtonTracker()
    gestures = [g for b, d, t in edges for g in tr.edge(b, d, t)] + tr.poll(13.1)
    assert [(g.button, g.kind) for g in gestures] == [("green", "press"), ("blue", "hold")]
    buttons.close()
    assert buttons.drain() == []


def test_gpio_button_on_a_pin_that_does_not_exist_is_a_clear_error(factory):
    with pytest.raises(HardwareUnavailable, match=r"GREEN on GPIO99 .* check \[buttons\] pins"):
        GpioButtons({"green": "GPIO99"}, pin_factory=factory)


def test_keyboard_keys_map_to_the_three_buttons():
    kb = KeyboardButtons(clock=lambda: 5.0)
    for key in ("g", "1", "left", "y", "2", "down", "b", "3", "right"):
        assert kb.handle_key(key, True)
    assert not kb.handle_key("x", True)
    assert [b for b, _d, _t in kb.drain()] == ["green"] * 3 + ["yellow"] * 3 + ["blue"] * 3


@pytest.mark.parametrize("depth, lit", [(0.0, 0), (0.5, 4), (1.0, 8), (1.4, 8)])
def test_led_bar_shows_live_depth_on_pwm_pins(pwm_factory, depth, lit):
    bar = GpioLedBar(BAR, pwm=True, pin_factory=pwm_factory)
    bar.show(bar_levels(Mode.TRAIN, 10.0, 8, depth=depth))
    states = [pwm_factory.pin(p).state for p in BAR]
    assert states == [1.0] * lit + [0.0] * (8 - lit)
    bar.close()
    assert all(pwm_factory.pin(p).state == 0 for p in BAR)


def test_led_bar_partial_segment_is_dimmed_with_pwm_and_rounded_without(pwm_factory, factory):
    levels = bar_levels(Mode.TRAIN, 10.0, 8, depth=0.3)  # 2.4 segments
    pwm = GpioLedBar(BAR, pwm=True, pin_factory=pwm_factory)
    pwm.show(levels)
    assert [round(pwm_factory.pin(p).state, 2) for p in BAR[:4]] == [1.0, 1.0, 0.4, 0.0]
    onoff = GpioLedBar(BAR, pwm=False, pin_factory=factory)
    onoff.show(levels)
    assert [factory.pin(p).state for p in BAR[:4]] == [1, 1, 0, 0]


def test_rep_flash_and_set_chase_are_distinct():
    n = 8
    flash = bar_levels(Mode.TRAIN, 10.1, n, depth=0.0, rep_t=10.0)
    assert flash == (1.0,) * n
    assert bar_levels(Mode.TRAIN, 10.5, n, depth=0.0, rep_t=10.0) == (0.0,) * n  # flash over
    chase = [bar_levels(Mode.TRAIN, 20.0 + k * 0.1, n, set_t=20.0) for k in range(5)]
    assert all(0 < sum(c) < n for c in chase)  # a moving block, never all on
    assert len({c.index(1.0) for c in chase}) > 2  # it moves


def test_attract_breathes_and_call_pulses():
    breath = {bar_levels(Mode.ATTRACT, t / 10, 8)[0] for t in range(40)}
    assert min(breath) < 0.12 and max(breath) > 0.4
    assert {bar_levels(Mode.CALL, t / 10, 8)[0] for t in range(10)} == {1.0, 0.15}


def test_led_bar_on_a_bad_pin_is_a_clear_error(pwm_factory):
    with pytest.raises(HardwareUnavailable, match=r"LED bar on pins .*GPIO99"):
        GpioLedBar(["GPIO5", "GPIO99"], pin_factory=pwm_factory)


def test_sim_led_bar_keeps_levels_for_the_screen():
    bar = SimLedBar(4)
    bar.show((1.0, 0.5, 0.0, 0.0))
    assert bar.levels == (1.0, 0.5, 0.0, 0.0)
    bar.close()
    assert bar.levels == (0.0,) * 4


def test_led_bar_without_pwm_falls_back_to_on_off_and_says_so(factory, caplog):
    bar = GpioLedBar(BAR[:4], pwm=True, pin_factory=factory)  # plain MockPin: no PWM
    assert not bar.pwm
    assert any("no PWM" in r.message for r in caplog.records)
    bar.show((1.0, 0.6, 0.4, 0.0))
    assert [factory.pin(p).state for p in BAR[:4]] == [1, 1, 0, 0]


def test_rep_flash_and_set_chase_reach_the_pins(pwm_factory):
    bar = GpioLedBar(BAR, pwm=True, pin_factory=pwm_factory)
    bar.show(bar_levels(Mode.TRAIN, 10.1, 8, depth=0.2, rep_t=10.0))
    assert [pwm_factory.pin(p).state for p in BAR] == [1.0] * 8
    seen = set()
    for k in range(10):
        bar.show(bar_levels(Mode.TRAIN, 20.0 + 0.05 * k, 8, set_t=20.0))
        seen.add(tuple(int(pwm_factory.pin(p).state) for p in BAR))
    assert len(seen) >= 3 and (1,) * 8 not in seen  # a chase moving up the bar, not a flash
    bar.close()
