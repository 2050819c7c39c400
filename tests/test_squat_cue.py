"""A squat is not counted, and the Train screen says so: from the pipeline's event to the cue."""

from kiosk.content import load_content
from kiosk.core.modes import Mode, State
from kiosk.ui.gallery import SOMEONE, screens
from kiosk.ui.screens import ScreenFrame
from kiosk.ui.train import cue_for


def frame(**kw):
    content = load_content()
    state = State(mode=Mode.TRAIN, set_target=8)
    return ScreenFrame(state=state, content=content, t=1.0, **{**SOMEONE, **kw})


def test_the_squat_cue_shows_after_a_squat_and_a_counted_rep_wins_over_it():
    assert cue_for(frame(squat_flash=True), seen=True) == "squat"
    assert cue_for(frame(squat_flash=True, rep_flash=True), seen=True) == "rep"
    assert cue_for(frame(), seen=True) == "standing"
    assert cue_for(frame(squat_flash=True), seen=False) == "arrive"


def test_the_squat_cue_is_content_the_staff_can_edit_and_is_on_a_screen_the_fit_check_measures():
    content = load_content()
    assert "squat" in content.cues["squat"].lower()
    names = [name for name, f in screens(content) if f.squat_flash]
    assert names == ["train-squat"]


def test_the_kiosk_shows_the_squat_cue_for_a_while_in_train_only():
    from kiosk.app.kiosk import Kiosk
    from kiosk.content.live import LiveContent
    from kiosk.core import modes

    k = Kiosk(LiveContent(None, load_content()))
    k.saw_squat(1.0)  # in Attract: nobody is training, nothing to say
    assert not k.squat_flash(1.5)
    k.state = State(mode=Mode.TRAIN, set_target=8)
    k.saw_squat(10.0)
    assert k.squat_flash(10.5)
    assert not k.squat_flash(10.0 + k.squat_cue_s + 0.1)
    assert k.state.reps == 0 and k.state.mode == modes.Mode.TRAIN  # never counted
