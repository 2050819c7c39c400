"""Content going live on a running kiosk: settle, check, swap between frames, last good kept."""

import logging
from pathlib import Path

import pytest

from kiosk.app import App
from kiosk.app.settings import LoopTiming
from kiosk.content import DEFAULT_PATH
from kiosk.content.live import ContentWatcher, LiveContent
from kiosk.errors import ContentError
from kiosk.hw.camera import SimCamera

DEFAULT_TEXT = DEFAULT_PATH.read_text()


def good_edit(phone: str, uri: str, set_reps: int = 10) -> str:
    return (
        DEFAULT_TEXT.replace('phone = "778-985-7700"', f'phone = "{phone}"')
        .replace('phone_uri = "tel:+17789857700"', f'phone_uri = "{uri}"')
        .replace("set_reps = 8 ", f"set_reps = {set_reps} ")
    )


def test_watcher_waits_for_the_files_to_settle(tmp_path):
    f = tmp_path / "content.toml"
    f.write_text("a")
    w = ContentWatcher(tmp_path, settle_s=2.0, poll_s=0.5)
    assert w.poll(0.0) is False  # nothing changed
    f.write_text("ab")  # scp starts writing
    assert w.poll(1.0) is False
    f.write_text("abcd")  # still writing
    assert w.poll(2.5) is False and w.poll(4.0) is False  # 1.5 s since the last change
    assert w.poll(4.5) is True  # still for 2 s: now it is judged
    assert w.poll(10.0) is False  # once per change
    (tmp_path / "logo.png").write_bytes(b"x")  # a new image counts as a change too
    assert w.poll(11.0) is False and w.poll(13.0) is True
    w.request()  # SIGHUP with nothing changed: reload at the next poll
    assert w.poll(13.1) is True and w.poll(20.0) is False


class Editor(SimCamera):
    """A camera that edits the content directory at given times while the kiosk runs, and records
    what the kiosk shows at every frame."""

    name = "editor"

    def __init__(self, directory: Path, edits: list[tuple[float, bytes]]):
        super().__init__()
        self.inner, self.dir, self.edits = SimCamera(), directory, sorted(edits)
        self.app: App | None = None
        self.seen: list[tuple[float, str, int, bool, str]] = []

    def read(self, t):
        while self.edits and self.edits[0][0] <= t:
            (self.dir / "content.toml").write_bytes(self.edits.pop(0)[1])
        a = self.app
        self.seen.append((t, a.content.phone, a.state.reps, a.kiosk.live_content.valid, a.state.mode.value))
        return self.inner.read(t)


def test_edits_go_live_on_a_running_loop_and_a_set_keeps_its_count(tmp_path, caplog):
    d = tmp_path / "content"
    d.mkdir()
    (d / "content.toml").write_text(DEFAULT_TEXT)
    edit1 = good_edit("604-555-0100", "tel:+16045550100", set_reps=12).encode()
    edit2 = good_edit("604-555-0199", "tel:+16045550199", set_reps=12).encode()
    bad = edit2.replace(b'phone = "604-555-0199"', b'phone = ""')
    cam = Editor(
        d,
        [
            (12.0, edit1),  # a good edit, mid-set
            (20.0, edit2[: len(edit2) // 2]),  # scp writes half of the next edit...
            (20.8, edit2),  # ...and the rest 0.8 s later
            (28.0, bad),  # a bad edit
        ],
    )
    script = tmp_path / "go.txt"
    script.write_text("".join(f"{t} green\n" for t in (1, 2, 3, 4, 5, 6)))  # attract -> 5 steps -> train
    app = App(headless=True, camera=cam, content_path=d, fps=15, timing=LoopTiming(settle_s=1.0))
    cam.app = app
    from kiosk.app import load_script

    with caplog.at_level(logging.INFO):
        assert app.run(seconds=34.0, script=load_script(script)) == 0
    by_t = {round(t, 2): (phone, reps, valid, mode) for t, phone, reps, valid, mode in cam.seen}
    phones = [p for _t, p, *_ in cam.seen]
    # the good edit is live within poll (1 s) + settle (1 s) + a poll of the write
    t_live = next(t for t, p, *_ in cam.seen if p == "604-555-0100")
    assert 12.0 < t_live <= 15.1
    # the half-written file was never judged: no rejection before the bad edit, and edit2 went live
    assert all(valid for t, _p, _r, valid, _m in cam.seen if t < 28.0)
    t_live2 = next(t for t, p, *_ in cam.seen if p == "604-555-0199")
    assert 20.8 < t_live2 <= 23.9
    # the bad edit: rejected, the last good content stays on screen
    assert phones[-1] == "604-555-0199" and cam.seen[-1][3] is False
    assert "[gym] phone is empty" in caplog.text and "rejected (1 problem)" in caplog.text
    assert '~ [gym] phone: "778-985-7700" -> "604-555-0100"' in caplog.text
    # reps kept counting through every reload: never reset, and some counted after each swap
    reps = [r for _t, _p, r, _v, m in cam.seen if m == "train"]
    assert reps == sorted(reps) and reps[-1] >= 5
    before = by_t[max(t for t in by_t if t < t_live)][1]
    after = by_t[min(t for t in by_t if t > t_live)][1]
    assert after >= before >= 1  # the swap did not reset the set
    assert app.state.set_target == 12 and app.state.mode.value == "train"
    assert app.state.notice.startswith(
        "content edit rejected (1 problem), still showing the last good version"
    )


def test_staff_overlay_marks_a_rejected_edit(tmp_path):
    d = tmp_path / "content"
    d.mkdir()
    (d / "content.toml").write_text(DEFAULT_TEXT)
    app = App(headless=True, content_path=d)
    (d / "content.toml").write_text('[gym]\nphone = ""\n[cues]\nrep = 3\n')
    assert app.reload_content() is False
    from dataclasses import replace

    app.state = replace(app.state, overlay=True)
    lines = app.screen_frame(0.0, None, ()).staff_lines
    assert any(line.startswith("! content edit REJECTED (2 problems)") for line in lines)
    assert app.content.phone == "778-985-7700"
    import pygame

    from kiosk.ui.screens import Renderer
    from kiosk.ui.staff import WARN

    surf = pygame.Surface((1280, 720))
    Renderer().render(surf, app.screen_frame(0.0, None, ()))
    px = pygame.surfarray.array3d(surf)
    red = (px[..., 0] == WARN[0]) & (px[..., 1] == WARN[1]) & (px[..., 2] == WARN[2])
    assert red[1000:1200, 20:80].sum() > 300  # the marker dot, top right of the overlay
    assert red[40:1000, 60:400].sum() > 200  # the rejected-edit line, in red


def test_a_restart_with_a_broken_edit_shows_the_last_good_copy(tmp_path, caplog):
    d, keep = tmp_path / "content", tmp_path / "state" / "last-good-content"
    d.mkdir()
    (d / "content.toml").write_text(good_edit("604-555-0100", "tel:+16045550100"))
    first = LiveContent(d, last_good_dir=keep)
    assert first.valid and (keep / "content.toml").read_text() == (d / "content.toml").read_text()
    (d / "content.toml").write_bytes(b'[gym]\nphone = "604')  # power cut mid-scp, then a reboot
    with caplog.at_level(logging.ERROR):
        again = LiveContent(d, last_good_dir=keep)
    assert again.current.phone == "604-555-0100" and not again.valid
    assert "showing the last good copy in" in caplog.text
    # no last good copy (first boot): the built-in content, loudly, never a black screen
    fresh = LiveContent(d, last_good_dir=tmp_path / "none" / "last-good")
    assert fresh.current.phone == "778-985-7700" and not fresh.valid
    with pytest.raises(ContentError, match="no such content directory"):
        LiveContent(tmp_path / "typo")


def test_sighup_reloads_once_the_files_settle(tmp_path):
    d = tmp_path / "content"
    d.mkdir()
    (d / "content.toml").write_text(DEFAULT_TEXT)
    lc = LiveContent(d, settle_s=1.0)
    (d / "content.toml").write_text(good_edit("604-555-0100", "tel:+16045550100"))
    assert lc.poll(0.0) is None  # just changed: wait
    lc.watcher.request()  # systemctl reload arrives while the copy is still fresh
    assert lc.poll(0.5) is None
    assert lc.poll(1.6) is True and lc.current.phone == "604-555-0100"


def test_a_new_content_version_drops_the_old_texts_and_codes(tmp_path):
    """Caches hold only what the content on screen uses, so months of edits do not pile up in memory."""
    import pygame

    from kiosk.content import load_content
    from kiosk.core.modes import Mode, State
    from kiosk.ui.screens import Renderer, ScreenFrame

    d = tmp_path / "content"
    d.mkdir()
    (d / "content.toml").write_text(good_edit("604-555-0100", "tel:+16045550100"))
    old, new = load_content(), load_content(d)
    r, surf = Renderer(), pygame.Surface((800, 480))
    r.render(surf, ScreenFrame(state=State(mode=Mode.CALL), content=old, t=0.0))
    assert r.cached["qr"] == {old.phone_uri, old.offer_url}
    assert "778-985-7700" in r.cached["text"]
    r.render(surf, ScreenFrame(state=State(mode=Mode.CALL), content=new, t=0.0))
    assert r.cached["qr"] == {new.phone_uri, new.offer_url}
    assert "778-985-7700" not in r.cached["text"]


@pytest.mark.parametrize("raw", [b"", b"\n  \n"], ids=["zero bytes", "blank lines"])
def test_an_empty_content_file_is_refused_and_the_last_good_kept(tmp_path, raw, capsys):
    d, keep = tmp_path / "content", tmp_path / "state" / "last-good-content"
    d.mkdir()
    (d / "content.toml").write_text(good_edit("604-555-0100", "tel:+16045550100"))
    lc = LiveContent(d, last_good_dir=keep)
    (d / "content.toml").write_bytes(raw)  # a failed scp
    assert lc.reload() is False
    assert lc.current.phone == "604-555-0100"
    assert [str(p) for p in lc.problems] == [
        f"{d / 'content.toml'}: is empty ({len(raw)} bytes) - a failed copy? copy it again; for the built-in"
        ' content write just a comment in it, e.g. "# built-in content"'
    ]
    assert LiveContent(d, last_good_dir=keep).current.phone == "604-555-0100"  # and after a reboot
    from kiosk.cli import main

    assert main(["content", "check", str(d)]) == 1
    assert "is empty" in capsys.readouterr().out
    (d / "content.toml").write_text("# built-in content\n")  # what the message offers is accepted
    assert main(["content", "check", str(d)]) == 0


# 200 characters: within the field's cap, but 7 lines where 6 fit at 800x480 - only the fit check sees it
LONG_STEP = (
    "Once you feel the stretch in your hamstrings, slightly bend the knees while keeping the torso down,"
    " then hold that position, breathe out slowly, and squeeze your glutes hard before you stand up again."
)


def too_long(phone: str, uri: str) -> str:
    return good_edit(phone, uri).replace(
        "Continue the bow until you feel a stretch in your hamstrings.", LONG_STEP
    )


def test_a_real_time_start_draws_the_last_good_content_first_then_reports_the_fit_check(
    tmp_path, monkeypatch, made_apps
):
    """`kiosk run` puts the fit check (every screen laid out) after the first frame: that frame shows the
    last good copy, and an edit whose text does not fit is reported as a start with the check first
    reports it, a moment later. The camera starts after the first frame too."""
    import pygame

    from kiosk.cli import main
    from kiosk.ui.fit import ScreenFit

    state, d = tmp_path / "state", tmp_path / "content"
    d.mkdir()
    keep = state / "last-good-content"
    (d / "content.toml").write_text(good_edit("604-555-0100", "tel:+16045550100"))
    assert LiveContent(d, last_good_dir=keep).valid  # an earlier run kept it
    (d / "content.toml").write_text(too_long("604-555-0199", "tel:+16045550199"))
    # what a start that checks everything first reports (the reference)
    with _errors() as said_at_once:
        assert not LiveContent(d, last_good_dir=keep, screen=ScreenFit()).valid
    assert len(said_at_once) == 2 and "needs 7 lines where 6 fit" in said_at_once[0]

    events = []
    real_flip = pygame.display.flip

    def flip():
        real_flip()
        app = made_apps[0]
        events.append(("frame", app.content.phone, app.feed.camera.state, app.state.notice))

    monkeypatch.setattr(pygame.display, "flip", flip)
    monkeypatch.setenv("STATE_DIRECTORY", str(state))
    with _errors(events):
        # (1 s: under a loaded test run the check alone can take most of 0.4 s, leaving no frame after)
        args = ["run", "--window", "800x480", "--seconds", "1.0", "--content", str(d), "--db", "off"]
        assert main(args) == 0
    # the first frame: the last good copy (the edit is not yet known to fit), the camera still starting
    assert events[0] == ("frame", "604-555-0100", "starting", "")
    # then the check's report, exactly as a start that checked first says it
    said = [e[1] for e in events if e[0] == "error"]
    assert said == said_at_once
    first_error = next(i for i, e in enumerate(events) if e[0] == "error")
    assert first_error > 0
    # and every frame after it: still the last good copy, the rejection in the notice, the camera live
    after = [e for e in events[first_error:] if e[0] == "frame"]
    assert after and all(e[1] == "604-555-0100" and e[2] == "live" for e in after)
    assert after[-1][3].startswith("content edit rejected (1 problem), still showing the last good version")
    assert (keep / "content.toml").read_text() == good_edit("604-555-0100", "tel:+16045550100")


def test_an_edit_that_fits_goes_live_after_the_first_frame_and_becomes_the_last_good_copy(tmp_path):
    from kiosk.ui.fit import ScreenFit

    d, keep = tmp_path / "content", tmp_path / "state" / "last-good-content"
    d.mkdir()
    (d / "content.toml").write_text(good_edit("604-555-0100", "tel:+16045550100"))
    LiveContent(d, last_good_dir=keep)
    (d / "content.toml").write_text(good_edit("604-555-0199", "tel:+16045550199"))  # edited while off
    lc = LiveContent(d, last_good_dir=keep, screen=ScreenFit(), defer_fit=True)
    assert lc.fit_pending and lc.current.phone == "604-555-0100"  # the last good copy, until checked
    assert lc.finish_first_load() is True and lc.current.phone == "604-555-0199" and lc.valid
    assert "604-555-0199" in (keep / "content.toml").read_text()
    assert lc.finish_first_load() is None  # once
    # the same version as the last good copy is shown at once; so is the built-in content
    again = LiveContent(d, last_good_dir=keep, screen=ScreenFit(), defer_fit=True)
    assert again.fit_pending and again.current.phone == "604-555-0199"
    builtin = LiveContent(None, screen=ScreenFit(), defer_fit=True)
    assert builtin.fit_pending and builtin.current.phone == "778-985-7700"
    # no last good copy: the built-in content until the edit is checked
    fresh = LiveContent(d, last_good_dir=tmp_path / "none", screen=ScreenFit(), defer_fit=True)
    assert fresh.current.phone == "778-985-7700" and fresh.finish_first_load() is True
    assert fresh.current.phone == "604-555-0199"
    # a reload (SIGHUP) before the first frame checks everything: nothing is left to finish
    early = LiveContent(d, last_good_dir=tmp_path / "none", screen=ScreenFit(), defer_fit=True)
    assert early.reload() is True and early.current.phone == "604-555-0199"
    assert early.finish_first_load() is None


class _errors:
    """ERROR log lines, into a list (or `events` as ("error", line)), while in the `with`."""

    def __init__(self, events: list | None = None):
        self.events = events

    def __enter__(self):
        out = self.events if self.events is not None else []
        wrap = self.events is not None

        class H(logging.Handler):
            def emit(self, record):
                if record.levelno >= logging.ERROR:
                    out.append(("error", record.getMessage()) if wrap else record.getMessage())

        self.h = H()
        logging.getLogger().addHandler(self.h)
        return out

    def __exit__(self, *exc):
        logging.getLogger().removeHandler(self.h)
