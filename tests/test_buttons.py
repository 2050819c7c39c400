"""Button gestures from raw edges: debounce, press vs hold, long hold, a button stuck down."""

import pytest

from kiosk.core.buttons import ButtonTiming, ButtonTracker, Gesture


def run(edges, poll_until=None, step=0.05):
    """edges: (t, button, down). Polls every `step` s like the app's frame loop."""
    tr = ButtonTracker(ButtonTiming())
    out = []
    end = poll_until if poll_until is not None else max(t for t, _b, _d in edges) + 0.5
    queue = sorted(edges)
    t = 0.0
    while t <= end + 1e-9:
        while queue and queue[0][0] <= t:
            et, b, d = queue.pop(0)
            out += tr.edge(b, d, et)
        out += tr.poll(t)
        t = round(t + step, 6)
    return [(g.button, g.kind) for g in out], out


def test_a_short_press_is_one_press_on_release():
    kinds, gestures = run([(1.0, "green", True), (1.2, "green", False)])
    assert kinds == [("green", "press")]
    assert gestures[0].t == pytest.approx(1.2)


def test_contact_bounce_is_one_press():
    bouncy = [
        (1.0, "green", True),
        (1.005, "green", False),
        (1.01, "green", True),
        (1.3, "green", False),
        (1.305, "green", True),
        (1.31, "green", False),
    ]
    kinds, _ = run(bouncy)
    assert kinds == [("green", "press")]


def test_hold_fires_while_held_and_is_not_also_a_press():
    kinds, gestures = run([(1.0, "green", True), (4.0, "green", False)])
    assert kinds == [("green", "hold")]
    assert 3.0 <= gestures[0].t <= 3.06


def test_long_hold_fires_after_hold():
    kinds, _ = run([(0.0, "blue", True), (6.0, "blue", False)])
    assert kinds == [("blue", "hold"), ("blue", "long_hold")]


def test_a_button_stuck_down_is_reported_once_and_nothing_repeats():
    kinds, _ = run([(0.0, "yellow", True)], poll_until=120.0)
    assert kinds == [("yellow", "hold"), ("yellow", "long_hold"), ("yellow", "stuck")]


def test_buttons_are_independent():
    kinds, _ = run([(0.0, "green", True), (0.5, "blue", True), (0.6, "blue", False), (0.8, "green", False)])
    assert kinds == [("blue", "press"), ("green", "press")]


def test_unknown_button_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown button 'red'"):
        ButtonTracker().edge("red", True, 0.0)


def test_gesture_is_plain_data():
    assert Gesture("green", "press", 1.0) == Gesture("green", "press", 1.0)
