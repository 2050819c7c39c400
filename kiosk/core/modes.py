"""The kiosk's one state machine: attract -> learn -> train -> summary -> call, and back.

`step(state, event, t) -> (state, effects)` is pure: no clock, no I/O. Every transition is driven by a
button gesture, the camera (presence, reps) or a timeout (`Tick`). Effects (dataclasses) tell the app
what to do on the outside (switch the camera to the demo figure, flash the LED bar, start a new set, ...).

Buttons (named on screen by colour, word and position, never colour alone):
  GREEN  press: start / next        hold 2 s: trainer demo (Train driven by the built-in figure)
  YELLOW press: back / the 5 steps  hold 2 s: home (Attract)
         (in the trainer demo's Train: the next demonstration - the figure shows a fault on purpose)
  BLUE   press: call us             hold 5 s: staff overlay on/off
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum

ATTRACT_CARDS = 4  # the attract screen's cards: title, benefits, how to start, call us
DEMO_SET_REPS = 5  # the trainer demo's set, and the reps each demonstration adds (the figure does as many)
# what the trainer demo's figure performs, in the order YELLOW steps through them in the demo's Train:
# clean reps, then each form fault on purpose (kiosk.core.form.FAULTS codes), then clean again
DEMO_SHOWS = ("clean", "knee_dominant", "rounded_back", "hips_first", "too_fast")


def next_show(show: str) -> str:
    """The demonstration after `show` in DEMO_SHOWS (after the last, clean again)."""
    k = DEMO_SHOWS.index(show) if show in DEMO_SHOWS else -1
    return DEMO_SHOWS[(k + 1) % len(DEMO_SHOWS)]


class Mode(Enum):
    ATTRACT = "attract"
    LEARN = "learn"
    TRAIN = "train"
    SUMMARY = "summary"
    CALL = "call"


@dataclass(frozen=True)
class ModeTiming:
    card_s: float = 7.0  # attract cards rotate this often
    idle_s: float = 45.0  # nobody in view and no button for this long: back to Attract
    arrive_s: float = 1.5  # someone on the mark this long in Attract starts Train
    summary_s: float = 8.0  # the summary shows this long, then the call-us prompt
    call_s: float = 30.0  # the call-us screen shows this long without input


@dataclass(frozen=True)
class State:
    mode: Mode = Mode.ATTRACT
    since: float = 0.0  # when this mode began
    last_input: float = 0.0  # last button or presence change
    card: int = 0  # attract card index
    step: int = 0  # learn page 0..n_steps-1
    n_steps: int = 5
    n_cards: int = ATTRACT_CARDS
    present: bool = False
    present_since: float = 0.0
    set_target: int = 8
    reps: int = 0
    best_deg: float | None = None
    rep_durations: tuple[float, ...] = ()
    demo: bool = False
    show: str = "clean"  # the trainer demo's demonstration (DEMO_SHOWS); clean outside the demo
    demo_reps: int = DEMO_SET_REPS  # the demo set's length: each demonstration picked adds its reps
    overlay: bool = False
    notice: str = ""  # a one-line message for the staff overlay and the log (stuck button, fault)
    fault: bool = False  # a per-frame error: show "back in a moment" until it recovers

    @property
    def target_reps(self) -> int:
        """Reps in the set now under way: the member's set, or the trainer demo's."""
        return self.demo_reps if self.demo else self.set_target


# -- events ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Button:
    button: str  # green | yellow | blue
    kind: str  # press | hold | long_hold | stuck


@dataclass(frozen=True)
class Presence:
    present: bool


@dataclass(frozen=True)
class Rep:
    """A rep the counter finished; the set's count is kept here (State.reps), nowhere else."""

    angle_deg: float
    duration_s: float


@dataclass(frozen=True)
class Tick:
    pass


@dataclass(frozen=True)
class Fault:
    message: str


@dataclass(frozen=True)
class Recovered:
    pass


Event = Button | Presence | Rep | Tick | Fault | Recovered

# -- effects: what the app does on the outside -----------------------------------------------------
@dataclass(frozen=True)
class EnterMode:
    mode: Mode


@dataclass(frozen=True)
class SwitchCamera:
    demo: bool  # True: the built-in figure feeds the pipeline (trainer demo); False: the camera


@dataclass(frozen=True)
class NewSet:
    demo: bool


@dataclass(frozen=True)
class Demonstrate:
    show: str  # the trainer demo's figure performs this (DEMO_SHOWS) from its next rep on


@dataclass(frozen=True)
class Flash:
    what: str  # "rep" | "set": the LED bar's flash


@dataclass(frozen=True)
class Log:
    message: str


Effect = EnterMode | SwitchCamera | NewSet | Demonstrate | Flash | Log


def _enter(s: State, mode: Mode, t: float, effects: list, **changes) -> State:
    if mode != s.mode:
        effects.append(EnterMode(mode))
    if s.demo and mode in (Mode.ATTRACT, Mode.LEARN) and not changes.get("demo", False):
        changes.update(demo=False, show="clean")  # (the figure starts clean at the next demo)
        effects.append(SwitchCamera(demo=False))
    return replace(s, mode=mode, since=t, **changes)


def _start_set(s: State, t: float, effects: list, *, demo: bool, show: str | None = None) -> State:
    """A new set: the member's, or the trainer demo's (its demonstration `show`, None: the same one;
    a demo begun afresh starts clean, as its figure does)."""
    effects.append(NewSet(demo))
    if demo != s.demo:
        effects.append(SwitchCamera(demo))
        show = "clean"  # the figure starts (again) from its beginning: clean reps
    elif show is not None and show != s.show:
        effects.append(Demonstrate(show))
    changes = dict(demo=demo, show=show or s.show, demo_reps=DEMO_SET_REPS)
    return _enter(s, Mode.TRAIN, t, effects, reps=0, best_deg=None, rep_durations=(), **changes)


def step(
    s: State, ev: Event, t: float, timing: ModeTiming = ModeTiming()
) -> tuple[State, list[Effect]]:
    """Advance the machine by one event at monotonic time t (seconds)."""
    fx: list[Effect] = []
    if isinstance(ev, Fault):
        return replace(s, fault=True, notice=ev.message), [Log(ev.message)]
    if isinstance(ev, Recovered):
        return replace(s, fault=False), []
    if isinstance(ev, Presence):
        if ev.present == s.present:
            return s, []
        s = replace(s, present=ev.present, present_since=t, last_input=t)
        return s, []
    if isinstance(ev, Button):
        return _button(replace(s, last_input=t), ev, t, timing, fx)
    if isinstance(ev, Rep):
        if s.mode != Mode.TRAIN:
            return s, []
        best = ev.angle_deg if s.best_deg is None else min(s.best_deg, ev.angle_deg)
        s = replace(s, reps=s.reps + 1, best_deg=best, rep_durations=(*s.rep_durations, ev.duration_s))
        if s.reps >= s.target_reps:
            fx.append(Flash("set"))
            return _enter(s, Mode.SUMMARY, t, fx), fx
        fx.append(Flash("rep"))
        return s, fx
    # Tick: rotations and timeouts
    return _tick(s, t, timing, fx)


def _button(s: State, ev: Button, t: float, timing: ModeTiming, fx: list) -> tuple[State, list]:
    b, kind = ev.button, ev.kind
    if kind == "stuck":
        msg = (
            f"{b.upper()} button held down for a long time - check it is not jammed;"
            " it is ignored until released"
        )
        return replace(s, notice=msg), [Log(msg)]
    if kind == "long_hold":
        if b == "blue":
            return replace(s, overlay=not s.overlay), fx
        return s, fx
    if kind == "hold":
        if b == "green":
            return _start_set(s, t, fx, demo=True, show="clean"), fx
        if b == "yellow":
            return _enter(s, Mode.ATTRACT, t, fx, card=0), fx
        return s, fx  # BLUE hold: wait for the long hold (staff overlay)
    # press
    m = s.mode
    if b == "blue":
        if m == Mode.CALL:
            return _enter(s, Mode.ATTRACT, t, fx, card=0), fx
        return _enter(s, Mode.CALL, t, fx), fx
    if m == Mode.ATTRACT:
        return _enter(s, Mode.LEARN, t, fx, step=0), fx
    if m == Mode.LEARN:
        if b == "green":
            if s.step + 1 >= s.n_steps:
                return _start_set(s, t, fx, demo=False), fx
            return replace(s, step=s.step + 1), fx
        if s.step == 0:
            return _enter(s, Mode.ATTRACT, t, fx, card=0), fx
        return replace(s, step=s.step - 1), fx
    if m == Mode.TRAIN:
        if b == "green":  # finish the set now (or restart an empty one)
            if s.reps > 0:
                return _enter(s, Mode.SUMMARY, t, fx), fx
            return _start_set(s, t, fx, demo=s.demo), fx
        if s.demo:  # YELLOW in the trainer demo: the next demonstration, for as many reps again
            show = next_show(s.show)
            fx.append(Demonstrate(show))
            return replace(s, show=show, demo_reps=s.reps + DEMO_SET_REPS), fx
        return _enter(s, Mode.LEARN, t, fx, step=0), fx
    if m == Mode.SUMMARY:
        if b == "green":
            return _start_set(s, t, fx, demo=s.demo), fx
        return _enter(s, Mode.LEARN, t, fx, step=0), fx
    # CALL
    if b == "green":
        return _start_set(s, t, fx, demo=False), fx
    return _enter(s, Mode.LEARN, t, fx, step=0), fx


def _tick(s: State, t: float, timing: ModeTiming, fx: list) -> tuple[State, list]:
    m = s.mode
    idle = (not s.present or s.demo) and t - s.last_input >= timing.idle_s
    if m == Mode.ATTRACT:
        if s.present and t - s.present_since >= timing.arrive_s:
            return _start_set(s, t, fx, demo=False), fx
        card = int((t - s.since) // timing.card_s) % s.n_cards
        return (replace(s, card=card), fx) if card != s.card else (s, fx)
    if m == Mode.SUMMARY and t - s.since >= timing.summary_s:
        return _enter(s, Mode.CALL, t, fx), fx
    if m == Mode.CALL and t - max(s.since, s.last_input) >= timing.call_s:
        return _enter(s, Mode.ATTRACT, t, fx, card=0), fx
    if m in (Mode.LEARN, Mode.TRAIN) and idle:
        if m == Mode.TRAIN and s.demo:
            return s, fx  # the demo runs until its set is done or a button is pressed
        return _enter(s, Mode.ATTRACT, t, fx, card=0), fx
    return s, fx


def tempo_s(s: State) -> float | None:
    """Mean rep duration of the set, seconds."""
    return sum(s.rep_durations) / len(s.rep_durations) if s.rep_durations else None
