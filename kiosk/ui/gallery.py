"""Every screen the kiosk can show, one ScreenFrame each: what `kiosk preview` draws and the content
fit check (kiosk.ui.fit) measures. Plain data; draws nothing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kiosk.content import Content
from kiosk.core.form import FAULTS
from kiosk.core.modes import ATTRACT_CARDS, DEMO_SET_REPS, DEMO_SHOWS, Mode, State
from kiosk.core.reps import Phase
from kiosk.ui.screens import ScreenFrame

# a member mid-set, for screens drawn without a camera: standing, seen, hip angle 150 deg
SOMEONE = dict(live_present=True, live_angle_deg=150.0, live_depth=0.3, live_phase=Phase.STANDING)
# the live phase (and depth 0..1) that makes the Train screen show each cue (kiosk.content.CUE_KEYS)
CUE_PHASES: dict[str, dict[str, Any]] = {
    "calibrate": dict(live_phase=Phase.CALIBRATING),
    "standing": dict(live_phase=Phase.STANDING),
    "descending": dict(live_phase=Phase.DESCENDING, live_depth=0.5),
    "bottom": dict(live_phase=Phase.BOTTOM, live_depth=1.0),
    "ascending": dict(live_phase=Phase.BOTTOM, live_depth=0.5),
}


# what the staff overlay says on a kiosk (kiosk.ui.staff.staff_lines), for the preview
STAFF_LINES = (
    "address: kiosk1 192.168.1.40",
    "content 30ce1e366561: /etc/crux-kiosk/content/content.toml (2026-12-01 18:02)",
    "fps: 30.0   camera: pi running",
    "reps since start: 42   this week: 311",
    "rep log: /var/lib/crux-kiosk/reps.db",
    "no notices",
)


@dataclass(frozen=True)
class SampleRep:
    """A rep as the rep strip and the summary read it (kiosk.core.form.RepDetail has these fields)."""

    depth_deg: float
    faults: tuple[str, ...] = ()
    down_s: float = 1.2
    bottom_s: float = 0.3
    up_s: float = 1.0


def sample_reps(n: int) -> tuple[SampleRep, ...]:
    """`n` reps of a set for screens drawn without a camera: mostly clean, one with bent knees."""
    depths = (112.0, 104.0, 118.0, 99.0, 108.0, 101.0, 97.0, 110.0)
    return tuple(
        SampleRep(depths[k % len(depths)], ("knee_dominant",) if k % 4 == 1 else ()) for k in range(n)
    )


def demo_reps(show: str, n: int) -> tuple[SampleRep, ...]:
    """The trainer demo's set: 2 clean reps, then `n` - 2 of demonstration `show`."""
    depths = (104.0, 99.0, 108.0)
    faults = () if show == "clean" else (show,)
    return tuple(SampleRep(depths[k % 3], faults if k >= 2 else ()) for k in range(n))


def demo_frame(content: Content, show: str, live: dict[str, Any]) -> ScreenFrame:
    """The trainer demo's Train screen, the figure showing `show` (its header names it), its cue up."""
    state = State(mode=Mode.TRAIN, demo=True, show=show, reps=4, demo_reps=2 + DEMO_SET_REPS)
    return ScreenFrame(
        state=state,
        content=content,
        t=1.0,
        **live,
        rep_flash=True,
        form_cue=None if show == "clean" else show,
        rep_details=demo_reps(show, 4),
    )


def screens(content: Content, *, live: dict[str, Any] | None = None) -> list[tuple[str, ScreenFrame]]:
    """(name, frame) for every screen; `live` is the Train screen's camera view (`live_*` fields of
    ScreenFrame), SOMEONE without a mask when None."""
    live = live or SOMEONE
    n, reps = len(content.steps), content.set_reps

    def frame(state: State, **kw) -> ScreenFrame:
        return ScreenFrame(state=state, content=content, t=1.0, **kw)

    out = [(f"attract-{k + 1}", frame(State(mode=Mode.ATTRACT, card=k))) for k in range(ATTRACT_CARDS)]
    out += [
        (f"learn-{k + 1}", frame(State(mode=Mode.LEARN, step=k, n_steps=n, since=-5.0))) for k in range(n)
    ]
    out += [
        ("train", frame(State(mode=Mode.TRAIN, reps=3, set_target=reps), **live, rep_details=sample_reps(3))),
        (
            "train-rep",
            frame(State(mode=Mode.TRAIN, reps=4, set_target=reps), **{**SOMEONE, **live}, rep_flash=True),
        ),
        (
            "train-squat",
            frame(State(mode=Mode.TRAIN, reps=4, set_target=reps), **{**SOMEONE, **live}, squat_flash=True),
        ),
        (
            "train-side-on",
            frame(
                State(mode=Mode.TRAIN, reps=1, set_target=reps),
                **{**SOMEONE, **live, "live_too_frontal": True},
            ),
        ),
        (
            "train-form",  # a fault repeated: its cue after the rep, in its colour
            frame(
                State(mode=Mode.TRAIN, reps=5, set_target=reps),
                **{**SOMEONE, **live},
                rep_flash=True,
                form_cue="knee_dominant",
                rep_details=sample_reps(5),
            ),
        ),
        ("train-nobody", frame(State(mode=Mode.TRAIN, set_target=reps))),
        ("train-demo", demo_frame(content, "knee_dominant", {**SOMEONE, **live})),
        (
            "summary",
            frame(
                State(mode=Mode.SUMMARY, reps=reps, best_deg=97.0, rep_durations=(2.4,)),
                rep_details=sample_reps(reps),
            ),
        ),
        ("call", frame(State(mode=Mode.CALL))),
        ("fault", frame(State(mode=Mode.TRAIN, set_target=reps, fault=True))),
        ("staff", frame(State(mode=Mode.ATTRACT, overlay=True), staff_lines=STAFF_LINES)),
    ]
    return out


def cue_screens(content: Content) -> list[tuple[str, ScreenFrame]]:
    """The Train screen once per phase cue and once per form cue (the arrive, rep and squat cues are
    in `screens`), the trainer demo's once per demonstration (its name in the header, the next one's
    on YELLOW), and the summary of a set with every fault."""
    state = State(mode=Mode.TRAIN, reps=content.set_reps, set_target=content.set_reps)
    details = sample_reps(content.set_reps)
    return (
        [
            (f"train-{key}", ScreenFrame(state=state, content=content, t=1.0, **{**SOMEONE, **phase}))
            for key, phase in CUE_PHASES.items()
        ]
        + [  # after a rep, a repeating fault's cue
            (
                f"train-{code}",
                ScreenFrame(
                    state=state,
                    content=content,
                    t=1.0,
                    **SOMEONE,
                    rep_flash=True,
                    form_cue=code,
                    rep_details=details,
                ),
            )
            for code in FAULTS
            if code in content.cues
        ]
        + [  # the trainer demo showing each demonstration: its name in the header, the next on YELLOW
            (f"train-demo-{show.replace('_', '-')}", demo_frame(content, show, SOMEONE))
            for show in DEMO_SHOWS
        ]
        + [  # a set with every fault: every fault's name on the summary
            (
                "summary-every-fault",
                ScreenFrame(
                    state=State(mode=Mode.SUMMARY, reps=len(FAULTS) + 1, best_deg=97.0),
                    content=content,
                    t=1.0,
                    rep_details=(SampleRep(97.0), *(SampleRep(110.0, (code,)) for code in FAULTS)),
                ),
            )
        ]
    )
