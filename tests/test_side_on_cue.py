"""A camera that sees the member from the front cannot measure a hinge: the Train screen says how to
stand, from the vision's judgement (Observation.too_frontal) to the words drawn on the screen."""

import numpy as np
import pygame

from kiosk.app.view import live_fields
from kiosk.content import load_content
from kiosk.core.modes import Mode, State
from kiosk.core.pipeline import FrameResult
from kiosk.core.reps import Phase
from kiosk.core.vision import Observation
from kiosk.ui.gallery import SOMEONE, screens
from kiosk.ui.screens import Renderer, ScreenFrame
from kiosk.ui.train import cue_for


def frame(**kw):
    return ScreenFrame(
        state=State(mode=Mode.TRAIN, set_target=8), content=load_content(), t=1.0, **{**SOMEONE, **kw}
    )


def test_the_side_on_cue_shows_while_the_view_is_too_frontal_and_a_counted_rep_still_wins():
    assert cue_for(frame(live_too_frontal=True), seen=True) == "side_on"
    assert cue_for(frame(live_too_frontal=True, rep_flash=True), seen=True) == "rep"
    assert cue_for(frame(live_too_frontal=True), seen=False) == "arrive"
    assert cue_for(frame(), seen=True) == "standing"


def test_the_vision_judgement_reaches_the_screen_frame():
    obs = Observation(True, 120.0, 0.8, "", np.zeros((24, 32), bool), 1, too_frontal=True)
    shown = FrameResult(1.0, obs, True, 120.0, 121.0, 0.5, 0, Phase.DESCENDING)
    assert live_fields(shown)["live_too_frontal"] is True
    assert (
        live_fields(
            FrameResult(
                1.0,
                Observation(True, 120.0, 0.8, "", obs.mask, 1),
                True,
                120.0,
                121.0,
                0.5,
                0,
                Phase.DESCENDING,
            )
        )["live_too_frontal"]
        is False
    )


def test_the_side_on_words_are_drawn_and_are_content_on_a_screen_the_fit_check_measures():
    content = load_content()
    names = [name for name, f in screens(content) if f.live_too_frontal]
    assert names == ["train-side-on"]
    r = Renderer()
    r.text_log = []
    surf = pygame.Surface((800, 480))
    r.render(surf, dict(screens(content))["train-side-on"])
    drawn = " ".join(s for s, _h in r.text_log)
    assert "side-on" in content.cues["side_on"]
    assert all(word in drawn for word in content.cues["side_on"].split()[:4])
