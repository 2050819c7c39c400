"""The mode state machine: tables of (state, event) -> state and effects, explicit times."""

from dataclasses import replace

import pytest

from kiosk.core.modes import (
    DEMO_SET_REPS,
    DEMO_SHOWS,
    Button,
    Demonstrate,
    EnterMode,
    Fault,
    Flash,
    Log,
    Mode,
    ModeTiming,
    NewSet,
    Presence,
    Recovered,
    Rep,
    State,
    SwitchCamera,
    Tick,
    next_show,
    step,
    tempo_s,
)

T = ModeTiming()
P = "press"


def at(mode, **kw):
    return State(mode=mode, since=100.0, last_input=100.0, **kw)


@pytest.mark.parametrize(
    "mode, button, expected",
    [
        (Mode.ATTRACT, "green", Mode.LEARN),
        (Mode.ATTRACT, "yellow", Mode.LEARN),
        (Mode.ATTRACT, "blue", Mode.CALL),
        (Mode.LEARN, "blue", Mode.CALL),
        (Mode.TRAIN, "yellow", Mode.LEARN),
        (Mode.TRAIN, "blue", Mode.CALL),
        (Mode.SUMMARY, "green", Mode.TRAIN),
        (Mode.SUMMARY, "yellow", Mode.LEARN),
        (Mode.SUMMARY, "blue", Mode.CALL),
        (Mode.CALL, "green", Mode.TRAIN),
        (Mode.CALL, "yellow", Mode.LEARN),
        (Mode.CALL, "blue", Mode.ATTRACT),
    ],
)
def test_button_presses_move_between_modes(mode, button, expected):
    s, fx = step(at(mode), Button(button, P), 101.0)
    assert s.mode == expected
    assert EnterMode(expected) in fx
    assert s.since == 101.0 and s.last_input == 101.0


def test_learn_pages_forward_and_back_then_train():
    s = at(Mode.LEARN)
    for page in range(1, 5):
        s, fx = step(s, Button("green", P), 101.0 + page)
        assert s.mode == Mode.LEARN and s.step == page and fx == []
    s, fx = step(s, Button("green", P), 110.0)
    assert s.mode == Mode.TRAIN and NewSet(demo=False) in fx
    s = at(Mode.LEARN, step=2)
    s, _ = step(s, Button("yellow", P), 101.0)
    assert s.step == 1
    s, _ = step(s, Button("yellow", P), 102.0)
    s, _ = step(s, Button("yellow", P), 103.0)
    assert s.mode == Mode.ATTRACT


@pytest.mark.parametrize("mode", list(Mode))
def test_green_hold_starts_the_trainer_demo_from_anywhere(mode):
    s, fx = step(at(mode), Button("green", "hold"), 101.0)
    assert s.mode == Mode.TRAIN and s.demo
    assert SwitchCamera(demo=True) in fx and NewSet(demo=True) in fx


@pytest.mark.parametrize("mode", list(Mode))
def test_yellow_hold_goes_home_and_blue_long_hold_toggles_the_staff_overlay(mode):
    s, _ = step(at(mode), Button("yellow", "hold"), 101.0)
    assert s.mode == Mode.ATTRACT
    s, _ = step(at(mode), Button("blue", "long_hold"), 101.0)
    assert s.overlay and s.mode == mode
    s, _ = step(s, Button("blue", "long_hold"), 109.0)
    assert not s.overlay


def test_stuck_button_is_a_notice_not_an_action():
    s, fx = step(at(Mode.TRAIN), Button("green", "stuck"), 101.0)
    assert s.mode == Mode.TRAIN
    assert "GREEN" in s.notice and "jammed" in s.notice
    assert fx == [Log(s.notice)]


def test_a_set_counts_reps_flashes_and_ends_in_summary_then_call_then_attract():
    s = at(Mode.TRAIN, set_target=3, present=True)
    s, fx = step(s, Rep(110.0, 2.0), 102.0)
    assert s.reps == 1 and Flash("rep") in fx
    s, fx = step(s, Rep(100.0, 2.4), 105.0)
    s, fx = step(s, Rep(105.0, 2.2), 108.0)
    assert s.mode == Mode.SUMMARY and Flash("set") in fx
    assert s.best_deg == 100.0 and tempo_s(s) == pytest.approx(2.2)
    s, _ = step(s, Tick(), 108.0 + T.summary_s - 0.1)
    assert s.mode == Mode.SUMMARY
    s, _ = step(s, Tick(), 108.0 + T.summary_s)
    assert s.mode == Mode.CALL
    s, _ = step(s, Tick(), 108.0 + T.summary_s + T.call_s)
    assert s.mode == Mode.ATTRACT


def test_reps_outside_train_are_ignored():
    for mode in (Mode.ATTRACT, Mode.LEARN, Mode.SUMMARY, Mode.CALL):
        s, fx = step(at(mode), Rep(100.0, 2.0), 101.0)
        assert s.mode == mode and s.reps == 0 and fx == []


def test_demo_set_is_its_own_length_and_returns_to_the_live_camera_at_attract():
    s, _ = step(at(Mode.ATTRACT), Button("green", "hold"), 101.0)
    for k in range(1, DEMO_SET_REPS + 1):
        s, fx = step(s, Rep(100.0, 2.0), 101.0 + 3 * k)
    assert s.mode == Mode.SUMMARY
    s, _ = step(s, Tick(), 200.0)  # -> call
    s, fx = step(s, Tick(), 300.0)  # -> attract
    assert s.mode == Mode.ATTRACT and not s.demo and SwitchCamera(demo=False) in fx


@pytest.mark.parametrize("mode", [Mode.LEARN, Mode.TRAIN])
def test_idle_timeout_returns_to_attract_only_when_nobody_is_there(mode):
    s = at(mode)
    s, _ = step(s, Tick(), 100.0 + T.idle_s - 0.5)
    assert s.mode == mode
    s, _ = step(s, Tick(), 100.0 + T.idle_s)
    assert s.mode == Mode.ATTRACT
    busy = at(mode, present=True)
    busy, _ = step(busy, Tick(), 100.0 + 10 * T.idle_s)
    assert busy.mode == mode


def test_someone_stepping_onto_the_mark_in_attract_starts_training():
    s = at(Mode.ATTRACT)
    s, _ = step(s, Presence(True), 101.0)
    s, _ = step(s, Tick(), 101.0 + T.arrive_s - 0.1)
    assert s.mode == Mode.ATTRACT
    s, fx = step(s, Tick(), 101.0 + T.arrive_s)
    assert s.mode == Mode.TRAIN and not s.demo and NewSet(demo=False) in fx


def test_attract_cards_rotate_with_time():
    s = replace(at(Mode.ATTRACT), n_cards=4)
    cards = []
    for k in range(9):
        s, _ = step(s, Tick(), 100.0 + k * T.card_s)
        cards.append(s.card)
    assert cards == [0, 1, 2, 3, 0, 1, 2, 3, 0]


def test_fault_shows_back_in_a_moment_and_recovers_without_losing_the_set():
    s = at(Mode.TRAIN, reps=4)
    s, fx = step(s, Fault("camera frame failed: ValueError"), 101.0)
    assert (
        s.fault
        and s.mode == Mode.TRAIN
        and s.reps == 4
        and fx == [Log("camera frame failed: ValueError")]
    )
    s, _ = step(s, Recovered(), 102.0)
    assert not s.fault and s.reps == 4


def valid(before: State, s: State, fx: list, t: float) -> None:
    """What holds after any event: a mode change is announced and timed, and only then; the demo never
    survives into Attract or Learn; every effect is one of the machine's."""
    changed = s.mode != before.mode
    assert (EnterMode(s.mode) in fx) == changed
    assert s.since == t or not changed  # (re-entering the same mode, e.g. a fresh set, restarts it too)
    assert not (s.demo and s.mode in (Mode.ATTRACT, Mode.LEARN))
    assert s.demo or s.show == "clean"  # a demonstration only in the trainer demo
    assert 0 <= s.step < s.n_steps and 0 <= s.card < s.n_cards
    assert all(isinstance(e, EnterMode | SwitchCamera | NewSet | Demonstrate | Flash | Log) for e in fx)


# (button, kind) -> where each mode goes; None: stays
WHERE = {
    ("green", "press"): dict(attract="learn", learn=None, train="summary", summary="train", call="train"),
    ("yellow", "press"): dict(attract="learn", learn=None, train="learn", summary="learn", call="learn"),
    ("blue", "press"): {m.value: ("attract" if m == Mode.CALL else "call") for m in Mode},
    ("green", "hold"): {m.value: "train" for m in Mode},
    ("yellow", "hold"): {m.value: "attract" for m in Mode},
}


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize("button", ["green", "yellow", "blue"])
@pytest.mark.parametrize("kind", ["press", "hold", "long_hold", "stuck"])
def test_every_button_gesture_in_every_mode_lands_where_the_table_says(mode, button, kind):
    before = at(mode, present=True, reps=2, step=1)
    s, fx = step(before, Button(button, kind), 101.0)
    valid(before, s, fx, 101.0)
    expected = WHERE.get((button, kind), {}).get(mode.value)
    assert s.mode.value == (expected or mode.value)
    assert s.last_input == 101.0
    if kind == "stuck":
        assert s.notice.startswith(button.upper()) and fx == [Log(s.notice)]
    if (button, kind) == ("blue", "long_hold"):
        assert s.overlay and fx == []


@pytest.mark.parametrize("mode", list(Mode))
@pytest.mark.parametrize(
    "event", [Presence(True), Presence(False), Tick(), Rep(100.0, 2.0), Fault("x"), Recovered()]
)
def test_every_camera_and_time_event_in_every_mode_is_handled(mode, event):
    before = at(mode, reps=2, fault=isinstance(event, Recovered))
    s, fx = step(before, event, 101.0)  # 1 s into the mode: no timeout is due
    valid(before, s, fx, 101.0)
    if isinstance(event, Rep):
        assert s.reps == (3 if mode == Mode.TRAIN else 2)
        assert fx == ([Flash("rep")] if mode == Mode.TRAIN else [])
    else:
        assert s.mode == mode and s.reps == 2
    if isinstance(event, Presence):
        assert s.present == event.present
    assert s.fault == isinstance(event, Fault)


# -- the trainer demo's demonstrations: YELLOW in its Train has the figure show each fault in turn -----
def test_the_demonstrations_are_clean_then_each_form_fault_in_turn():
    from kiosk.core.form import FAULTS

    assert ("clean", *FAULTS) == DEMO_SHOWS
    assert [next_show(show) for show in DEMO_SHOWS] == [*FAULTS, "clean"]


DEMO = dict(demo=True, present=True)


@pytest.mark.parametrize(
    "before, event, after, effects",
    [
        # YELLOW in the demo's Train: the next demonstration, for DEMO_SET_REPS more reps; still Train
        (
            at(Mode.TRAIN, **DEMO, reps=2),
            Button("yellow", P),
            dict(mode=Mode.TRAIN, show="knee_dominant", reps=2, demo_reps=2 + DEMO_SET_REPS),
            [Demonstrate("knee_dominant")],
        ),
        (
            at(Mode.TRAIN, **DEMO, show="hips_first"),
            Button("yellow", P),
            dict(mode=Mode.TRAIN, show="too_fast", demo_reps=DEMO_SET_REPS),
            [Demonstrate("too_fast")],
        ),
        (
            at(Mode.TRAIN, **DEMO, show="too_fast", reps=4, demo_reps=9),
            Button("yellow", P),
            dict(mode=Mode.TRAIN, show="clean", demo_reps=4 + DEMO_SET_REPS),
            [Demonstrate("clean")],
        ),
        # outside the demo's Train YELLOW keeps its meaning: the steps (the demo ends, clean again)
        (at(Mode.TRAIN, present=True), Button("yellow", P), dict(mode=Mode.LEARN, show="clean"), None),
        (
            at(Mode.SUMMARY, **DEMO, show="rounded_back"),
            Button("yellow", P),
            dict(mode=Mode.LEARN, demo=False, show="clean"),
            [EnterMode(Mode.LEARN), SwitchCamera(demo=False)],
        ),
        # the demo set ends at its length, however it was stretched
        (
            at(Mode.TRAIN, **DEMO, show="knee_dominant", reps=6, demo_reps=7),
            Rep(95.0, 3.0),
            dict(mode=Mode.SUMMARY, show="knee_dominant", reps=7),
            [Flash("set"), EnterMode(Mode.SUMMARY)],
        ),
        # go again: the same demonstration, a set of DEMO_SET_REPS
        (
            at(Mode.SUMMARY, **DEMO, show="hips_first", reps=7, demo_reps=7),
            Button("green", P),
            dict(mode=Mode.TRAIN, show="hips_first", reps=0, demo_reps=DEMO_SET_REPS),
            [NewSet(demo=True), EnterMode(Mode.TRAIN)],
        ),
        # GREEN held starts the demo afresh: clean, as its figure does from the start
        (
            at(Mode.TRAIN, **DEMO, show="rounded_back", reps=3, demo_reps=8),
            Button("green", "hold"),
            dict(mode=Mode.TRAIN, show="clean", reps=0, demo_reps=DEMO_SET_REPS),
            [NewSet(demo=True), Demonstrate("clean")],
        ),
        (
            at(Mode.ATTRACT),
            Button("green", "hold"),
            dict(mode=Mode.TRAIN, demo=True, show="clean"),
            [NewSet(demo=True), SwitchCamera(demo=True), EnterMode(Mode.TRAIN)],
        ),
        # back home from a demonstration: the live camera, clean for the next demo
        (
            at(Mode.CALL, **DEMO, show="too_fast"),
            Button("yellow", "hold"),
            dict(mode=Mode.ATTRACT, demo=False, show="clean"),
            [EnterMode(Mode.ATTRACT), SwitchCamera(demo=False)],
        ),
    ],
)
def test_yellow_in_the_trainer_demo_picks_the_next_demonstration(before, event, after, effects):
    s, fx = step(before, event, 101.0)
    valid(before, s, fx, 101.0)
    assert {k: getattr(s, k) for k in after} == after
    if effects is not None:
        assert fx == effects
