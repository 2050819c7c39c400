"""The trainer demo shows each fault on purpose: YELLOW in its Train picks the figure's next
demonstration, the figure performs it and the kiosk's own pipeline and form tracker catch it."""

import json

import pygame
import pytest

from kiosk.app import App
from kiosk.app.script import ScriptEvent
from kiosk.content import load_content
from kiosk.core.modes import DEMO_SHOWS, Mode, State
from kiosk.hw.camera import SimCamera
from kiosk.sim.library import demo_scene
from kiosk.sim.scene import Scene
from kiosk.ui.screens import Renderer, ScreenFrame

CONTENT = load_content()


def test_every_demonstration_is_a_scene_whose_reps_do_just_that_fault():
    lead = demo_scene().timeline[:3]
    for show in DEMO_SHOWS:
        scene = Scene(demo_scene(show))
        assert scene.spec.timeline[:3] == lead  # the same arrival: the figure can go on from one to another
        want = () if show == "clean" else (show,)
        assert [r.faults for r in scene.rep_truths] == [want] * 5, show
    with pytest.raises(ValueError, match="unknown demonstration 'limp'"):
        demo_scene("limp")


def test_the_figure_goes_on_with_a_demonstration_only_where_it_stands_as_it_would_there():
    cam = SimCamera()
    cam.read(0.0)
    cam.perform(demo_scene("knee_dominant"))
    cam.read(4.0)  # walking in: the lead-in is the same, so at once and at the same moment
    assert cam.scene.spec.label == "demo-knee-dominant" and cam._t0 == 0.0
    cam.perform(demo_scene("rounded_back"))
    cam.read(8.5)  # at the bottom of the first rep (7.0 + 1.4 s down): not mid-rep
    assert cam.scene.spec.label == "demo-knee-dominant"
    cam.read(10.3)  # back up, standing before the next rep: a second before the new one's first rep
    assert cam.scene.spec.label == "demo-rounded-back" and 10.3 - cam._t0 == pytest.approx(6.0)
    cam.restart()  # a new demo: the figure's own clean scene from its start
    cam.read(50.0)
    assert cam.scene.spec.label == "demo" and cam._t0 == 50.0


def test_the_trainer_asks_for_knees_too_bent_and_the_kiosk_catches_it(tmp_path):
    """GREEN held: the demo; YELLOW: knees too bent. The figure's reps are knee-dominant, the live
    pipeline reads them so (each rep's RepDetail, the record's rep events), the cue follows the
    second, the screen names it."""
    app = App(headless=True, fps=15, size=(480, 270), record=tmp_path / "rec")  # (the scene's fps)
    script = [ScriptEvent(0.5, "green", 2.2), ScriptEvent(3.0, "yellow", 0.15)]
    app.run(script=script, seconds=17.6)
    s = app.state
    assert s.mode == Mode.TRAIN and s.demo and s.show == "knee_dominant"
    assert [r.faults for r in app.kiosk.set_reps] == [("knee_dominant",)] * 2
    events = [json.loads(line) for line in (tmp_path / "rec" / "events.jsonl").read_text().splitlines()]
    assert [e["faults"] for e in events if e["type"] == "rep"] == [["knee_dominant"]] * 2
    assert app.kiosk.form_cue(17.6) == "knee_dominant"
    renderer = Renderer()
    renderer.text_log = []
    renderer.render(pygame.Surface((960, 540)), app.screen_frame(17.6, app.feed.last, ()))
    drawn = [text for text, _h in renderer.text_log]
    assert "Trainer demo: knees too bent" in drawn and "YELLOW: Show back rounded" in drawn
    assert CONTENT.cues["knee_dominant"] in " ".join(drawn)


def _legend(state: State, size=(1920, 1080)) -> str:
    renderer = Renderer()
    renderer.text_log = []
    renderer.render(pygame.Surface(size), ScreenFrame(state=state, content=CONTENT, t=1.0))
    return next(text for text, _h in renderer.text_log if text.startswith("YELLOW: "))


@pytest.mark.parametrize(
    "state, words",
    [
        (State(mode=Mode.TRAIN, demo=True), "YELLOW: Show knees too bent"),
        (State(mode=Mode.TRAIN, demo=True, show="hips_first"), "YELLOW: Show too fast"),
        (State(mode=Mode.TRAIN, demo=True, show="too_fast"), "YELLOW: Show clean reps"),
        (State(mode=Mode.TRAIN), "YELLOW: The 5 steps"),  # a member's set: YELLOW keeps its meaning
        (State(mode=Mode.SUMMARY, demo=True, show="too_fast"), "YELLOW: The 5 steps"),
    ],
)
def test_the_legend_says_what_yellow_shows_next_in_the_trainer_demo(state, words):
    assert _legend(state) == words


def test_a_name_too_long_for_the_button_gives_way_to_show_a_fault():
    from dataclasses import replace

    name = "knees bent far too much, look"  # (30 characters, the most the field takes)
    long = replace(CONTENT, values={**CONTENT.values, "faults.knee_dominant": name})
    renderer = Renderer()
    renderer.text_log = []
    frame = ScreenFrame(state=State(mode=Mode.TRAIN, demo=True), content=long, t=1.0)
    renderer.render(pygame.Surface((800, 480)), frame)
    assert "YELLOW: Show a fault" in [text for text, _h in renderer.text_log]
