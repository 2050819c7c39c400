"""Faults a kiosk meets over months: a camera that stops or sends garbage, buttons held or mashed,
a hung loop (no watchdog ping), and the privacy promise (no camera image is ever written)."""

import logging
import os
import random
import socket

import numpy as np

from kiosk.app import App, load_script
from kiosk.core import modes
from kiosk.core.buttons import BUTTONS, ButtonTracker
from kiosk.hw.camera import SimCamera


class Schedule(SimCamera):
    """The synthetic person, except in the given windows (seconds of loop time)."""

    name = "schedule"

    def __init__(self, windows):
        super().__init__()
        self.inner, self.windows = SimCamera(), windows
        self.app = None
        self.seen = []

    def read(self, t):
        frame = self.inner.read(t)
        a = self.app
        self.seen.append((t, a.state.present, a.feed.last is None, a.state.reps, a.state.mode.value))
        for lo, hi, make in self.windows:
            if lo <= t < hi:
                return make(frame)
        return frame


def test_camera_stops_resumes_and_sends_garbage_without_a_crash(tmp_path, caplog):
    windows = [
        (14.0, 17.0, lambda f: None),  # frames stop
        (19.0, 20.5, lambda f: np.zeros_like(f)),  # all black
        (20.5, 22.0, lambda f: np.full_like(f, 255)),  # all white
        (22.0, 22.5, lambda f: np.stack([f] * 3, axis=-1)),  # colour instead of grey
        (22.5, 23.0, lambda f: f.astype(np.float32)),  # wrong pixel type
        (23.0, 23.5, lambda f: f[:0]),  # empty
        (23.5, 24.0, lambda f: "garbage"),  # not an array at all
    ]
    cam = Schedule(windows)
    app = App(headless=True, camera=cam, fps=15)
    cam.app = app
    script = tmp_path / "s.txt"
    script.write_text("".join(f"{t} green\n" for t in (1, 2, 3, 4, 5, 6)))
    with caplog.at_level(logging.WARNING):
        assert app.run(seconds=45.0, script=load_script(script)) == 0
    rows = cam.seen

    def during(lo, hi):
        return [r for r in rows if lo <= r[0] < hi]

    reps_at_14 = during(13.9, 14.0)[-1][3]
    assert reps_at_14 >= 1  # a set was going when the camera stopped
    # a second after frames stop: nobody seen, no frozen silhouette
    assert all(not present and stale for _t, present, stale, *_ in during(15.2, 17.0))
    # blank and garbled frames: nobody seen, nothing drawn from them
    assert all(not present and stale for _t, present, stale, *_ in during(19.2, 24.0))
    for words in (
        "all black",
        "all white",
        "shape (240, 320, 3)",
        "pixel type float32",
        "shape (0, 320)",
        "not an image (str)",
    ):
        assert sum(words in r.getMessage() for r in caplog.records) == 1, words  # said once each
    assert "usable again" in caplog.text
    # recovered: the set carries on and counts again; never the fault screen, never a crash
    assert app.state.mode == modes.Mode.TRAIN and not app.state.fault
    assert rows[-1][3] > reps_at_14 and all(r[3] >= reps_at_14 for r in during(14.0, 45.0))


def _valid(s: modes.State, t: float) -> None:
    """What must hold whatever was pressed: indexes in range, no set past its target while it runs,
    no trainer demo outside Train and its summary, no time from the future."""
    assert 0 <= s.step < s.n_steps and 0 <= s.card < s.n_cards
    assert s.reps >= 0 and (s.mode != modes.Mode.TRAIN or s.reps < s.target_reps)
    assert not (s.demo and s.mode in (modes.Mode.ATTRACT, modes.Mode.LEARN))
    assert s.since <= t and s.last_input <= t
    assert s.fault is False  # buttons and reps never fault the machine


def test_10000_random_presses_and_holds_always_leave_a_valid_mode():
    rng = random.Random(24)
    tracker, state, t = ButtonTracker(), modes.State(), 0.0
    seen_modes = set()
    sets_done = 0
    for _ in range(10_000):
        b = rng.choice(BUTTONS)
        hold = rng.choice([0.05, 0.2, 0.5, 2.5, 6.0, 0.01])
        t += rng.uniform(0.0, 0.4)
        events = tracker.edge(b, True, t)
        tt = t
        while tt < t + hold:
            tt += 1 / 30
            events += tracker.poll(tt)
            if rng.random() < 0.01:  # someone walks in or out, a rep is counted
                events.append(rng.choice([modes.Presence(True), modes.Presence(False)]))
        events += tracker.edge(b, False, tt)
        t = tt
        for g in events:
            ev = modes.Button(g.button, g.kind) if hasattr(g, "kind") else g
            state, _fx = modes.step(state, ev, t)
            _valid(state, t)
        for _ in range(rng.choice([0, 0, 1, 3, 9])):  # the camera counts reps, sometimes a whole set
            state, _fx = modes.step(state, modes.Rep(rng.uniform(80, 119), 2.0), t)
            _valid(state, t)
            sets_done += state.mode == modes.Mode.SUMMARY and _fx != []
        state, _fx = modes.step(state, modes.Tick(), t)
        _valid(state, t)
        seen_modes.add(state.mode)
    assert seen_modes == set(modes.Mode)  # every mode was reached along the way
    assert sets_done > 10  # and sets ran to their end


def test_a_button_held_for_an_hour_is_reported_stuck_once_and_the_others_still_work():
    tracker, state = ButtonTracker(), modes.State()
    tracker.edge("yellow", True, 0.0)
    kinds, notices = [], []
    t = 0.0
    for k in range(1, 3600 * 30 + 1):  # one hour of frames at 30 fps
        t = k / 30
        for g in tracker.poll(t):
            kinds.append(g.kind)
            state, _ = modes.step(state, modes.Button(g.button, g.kind), t)
            notices.append(state.notice)
        state, _ = modes.step(state, modes.Tick(), t)
        _valid(state, t)
        if k == 1800 * 30:  # half an hour in, a member presses GREEN: it still works
            gestures = tracker.edge("green", True, t) + tracker.edge("green", False, t + 0.1)
            assert [g.kind for g in gestures] == ["press"]
            assert state.mode == modes.Mode.ATTRACT
            state, _ = modes.step(state, modes.Button("green", "press"), t)
            assert state.mode == modes.Mode.LEARN
    assert kinds == ["hold", "long_hold", "stuck"]
    assert notices[-1].startswith("YELLOW button held down") and "jammed" in notices[-1]
    assert tracker.edge("yellow", False, t + 1) == []  # the release after an hour is not a press


def test_a_hung_loop_stops_the_watchdog_pings(tmp_path):
    """On a clock of its own: the loop's monotonic time is frame time, plus 2.5 s when a camera call
    hangs; the pings systemd would see are the datagrams sent, read back from the socket."""
    from kiosk.ops.notify import Notifier

    path = tmp_path / "notify.sock"
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(path))
    hung_s = [0.0]
    pings: list[float] = []

    class Hangs(SimCamera):
        name = "hangs"

        def __init__(self):
            super().__init__()
            self.n = 0

        def read(self, t):
            self.n += 1
            if self.n == 40:
                hung_s[0] += 2.5  # the loop is stuck for 2.5 s (a hung driver call)
            return super().read(t)

    got: list[str] = []

    class Heard(Notifier):
        """The real notifier; what arrives on the socket is read at once (its queue is short)."""

        def send(self, message):
            sent = super().send(message)
            got.append(sock.recv(256).decode())
            if got[-1] == "WATCHDOG=1":
                pings.append(now())
            return sent

    made: list[App] = []

    def now():
        return (made[0].frames / 15 if made else 0.0) + hung_s[0]

    app = App(
        headless=True,
        camera=Hangs(),
        fps=15,
        notifier=Heard({"NOTIFY_SOCKET": str(path), "WATCHDOG_USEC": "1000000"}),
        monotonic=now,
    )
    made.append(app)
    sock.settimeout(1.0)
    assert app.run(seconds=4.0) == 0
    sock.close()
    assert got.count("WATCHDOG=1") == len(pings) and got[0] == "READY=1" and got[-1] == "STOPPING=1"
    gaps = np.diff(pings)
    assert len(pings) >= 5
    assert gaps.max() >= 2.4  # nothing was sent while the loop hung: systemd would restart the kiosk
    assert np.sort(gaps)[-2] < 1.2  # otherwise the loop pinged well within WatchdogSec
    assert gaps.min() >= 0.25 - 1e-9  # and never more often than the notifier allows (a quarter of it)


def test_no_camera_derived_image_is_written_anywhere_during_a_run(tmp_path, monkeypatch):
    """A run with the camera, the rep log, the content record and the metrics: afterwards the only files
    are the database, the content record and the metrics text; no image, array or frame bytes anywhere."""
    import pygame

    from kiosk.ops.metrics import TextfileWriter
    from kiosk.ops.replog import RepLog

    home = tmp_path / "home"
    for d in ("home", "tmp", "work", "state", "run"):
        (tmp_path / d).mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.chdir(tmp_path / "work")
    saved = []
    monkeypatch.setattr(pygame.image, "save", lambda *a, **k: saved.append(a))
    monkeypatch.setattr(np, "save", lambda *a, **k: saved.append(a))
    monkeypatch.setattr(np, "savez", lambda *a, **k: saved.append(a))
    monkeypatch.setattr(np, "savez_compressed", lambda *a, **k: saved.append(a))
    frames = []

    class Keeps(SimCamera):
        def read(self, t):
            f = super().read(t)
            frames.append(f)
            return f

    script = tmp_path / "s.txt"
    script.write_text("".join(f"{t} green\n" for t in (1, 2, 3, 4, 5, 6)))
    app = App(
        headless=True,
        camera=Keeps(),
        fps=15,
        replog=RepLog(tmp_path / "state" / "reps.db"),
        metrics=TextfileWriter(tmp_path / "run" / "k.prom"),
        showing_path=tmp_path / "run" / "showing.json",
    )
    assert app.run(seconds=25.0, script=load_script(script)) == 0
    assert saved == []
    written = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    allowed = {
        "s.txt",
        "state/reps.db",
        "state/reps.db-wal",
        "state/reps.db-shm",
        "run/k.prom",
        "run/showing.json",
    }
    assert set(written) <= allowed, written
    assert app.state.reps >= 1  # the camera was used: a set was counted
    # no frame's bytes ended up in any file (a row of 32 pixels from the middle of several frames)
    blob = b"".join((tmp_path / w).read_bytes() for w in written)
    for f in frames[100::50]:
        row = f[f.shape[0] // 2, f.shape[1] // 2 : f.shape[1] // 2 + 32].tobytes()
        assert row not in blob
    assert os.listdir(tmp_path / "tmp") == [] and os.listdir(home) == []


def test_free_heap_is_handed_back_every_10_minutes_on_the_attract_screen_only():
    from kiosk.app.observers import HeapTrim

    calls = []
    heap = HeapTrim(600.0, calls.append)
    trimmed = [t for t in range(0, 3000, 30) if heap.tick(float(t), modes.Mode.ATTRACT)]
    assert trimmed == [600, 1200, 1800, 2400] and calls == [0, 0, 0, 0]  # every 10 minutes
    assert not heap.tick(3700.0, modes.Mode.TRAIN)  # never while someone trains
    assert heap.tick(3700.0, modes.Mode.ATTRACT) and len(calls) == 5
