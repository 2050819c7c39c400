"""The kiosk, composed: `App.run_frame` is one frame - button edges -> gestures -> the mode machine; the
newest camera frame -> vision -> the mode machine; the LED bar; the screen. `App.run` is the loop
(loop.py). App only joins the parts: kiosk.py decides, feed.py sees, observers.py watch, kiosk.ui
draws, wiring.py builds the devices. One thread."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kiosk.app.feed import Feed, Reading
from kiosk.app.kiosk import Kiosk
from kiosk.app.observers import HeapTrim, MetricsReport, RepLogSessions, WeekCount, libc_malloc_trim
from kiosk.app.script import Recorder, ScriptEvent
from kiosk.app.settings import LoopTiming
from kiosk.content import Content
from kiosk.content.live import LiveContent
from kiosk.core import modes
from kiosk.core.bar import bar_levels
from kiosk.core.buttons import ButtonTiming
from kiosk.core.reps import RepSettings
from kiosk.hw.camera import Camera


class App:
    def __init__(
        self,
        *,
        content: Content | None = None,
        content_path: str | Path | None = None,
        camera: Camera | None = None,
        buttons=None,
        ledbar=None,
        size: tuple[int, int] = (1280, 720),
        fullscreen: bool = False,
        logical_size: str = "auto",
        vsync: bool = True,
        headless: bool = False,
        record: str | Path | None = None,
        fps: float = 30.0,
        notifier=None,
        showing_path: str | Path | None = None,
        last_good_dir: str | Path | None = None,
        idle_s: float = modes.ModeTiming.idle_s,
        button_timing: ButtonTiming | None = None,
        replog=None,
        metrics=None,
        timing: LoopTiming | None = None,
        monotonic: Callable[[], float] = time.monotonic,
        first_frame_first: bool = False,
    ) -> None:
        """`first_frame_first`: the content's fit check (every screen laid out) waits until the first
        frame is on the screen (`first_frame_shown`), as do the jobs put in `after_first_frame`."""
        from kiosk.app import wiring
        from kiosk.ui.fit import ScreenFit

        timing = timing or LoopTiming()
        self.timing, self.monotonic = timing, monotonic
        self.size, self.fullscreen, self.headless, self.fps = size, fullscreen, headless, fps
        self.logical_size, self.vsync = logical_size, vsync  # the display's drawing size; no tearing
        # the content on screen; a staff edit goes live between frames once checked (last good kept)
        live_content = LiveContent(
            content_path,
            content,
            showing_path=Path(showing_path) if showing_path else None,
            last_good_dir=Path(last_good_dir) if last_good_dir else None,
            settle_s=timing.settle_s,
            screen=ScreenFit(),
            defer_fit=first_frame_first,
        )
        self.kiosk = Kiosk(
            live_content, idle_s=idle_s, button_timing=button_timing, rep_flash_s=timing.rep_flash_s
        )
        sim = wiring.stand_ins(ledbar_n=10)  # the simulator's keyboard, figure and on-screen bar
        self.keyboard, self.buttons = sim.keyboard, buttons
        self.ledbar = ledbar or sim.ledbar
        self.show_bar = ledbar is None  # the simulator draws the bar on screen
        reps = RepSettings(target_angle_deg=self.content.target_angle_deg)
        self.feed = Feed(camera or sim.camera, sim.figure, reps=reps, timing=timing, monotonic=monotonic)
        self.notifier, self.replog = notifier, replog
        self.recorder = Recorder(record) if record else None
        self.week = WeekCount(replog, refresh_s=timing.week_refresh_s, monotonic=monotonic)
        self.sessions = RepLogSessions(replog, self.week)
        self.kiosk.observers.append(self.sessions.changed)
        self.heap = HeapTrim(timing.heap_trim_s, libc_malloc_trim())
        self.metrics = MetricsReport(metrics, timing=timing, monotonic=monotonic)
        # start-up work the first frame need not wait for (wiring: the camera's start), in order
        self.after_first_frame: list[Callable[[], None]] = []
        self.frames = 0
        self.draw_ms = 0.0  # the last frame's drawing (the loop's split: feed has capture and vision)
        self.fps_measured = 0.0
        self._t_prev: float | None = None

    @property
    def content(self) -> Content:
        return self.kiosk.content

    @property
    def state(self) -> modes.State:
        return self.kiosk.state

    @state.setter
    def state(self, s: modes.State) -> None:
        self.kiosk.state = s

    def run(self, *, seconds: float | None = None, script: list[ScriptEvent] | None = None) -> int:
        """The loop until `seconds` (loop time), the script's end, Esc, a closed window or SIGTERM.
        Headless runs keep a simulated clock: exactly one frame time per loop, as fast as it can go."""
        from kiosk.app.loop import Loop

        return Loop(self, seconds=seconds, script=script or []).run()

    def first_frame_shown(self) -> None:
        """Once the first frame is on the screen (or drawn off-screen, with no display): the start-up
        work it did not wait for - `after_first_frame`, then the content's fit check if it was put off
        (a content that fails is reported as it would have been at start, and the notice says so)."""
        jobs, self.after_first_frame = self.after_first_frame, []
        for job in jobs:
            job()
        live = self.kiosk.live_content
        shown = live.current.version
        ok = live.finish_first_load()
        if ok is None:
            return
        if live.current.version != shown:  # the checked content, or the fallback, replaces the first
            self.kiosk.follow_content()
            self.feed.set_target_angle(self.content.target_angle_deg)
        if not ok:
            self.kiosk.content_changed(False)

    def reload_content(self) -> bool:
        """Check and apply the content now (the loop does this when an edit has settled, or on SIGHUP)."""
        if self.notifier is not None:
            self.notifier.reloading()
        ok = self.kiosk.live_content.reload()
        self.content_changed(ok)
        if self.notifier is not None:
            self.notifier.ready()
        return ok

    def content_changed(self, ok: bool) -> None:
        self.kiosk.content_changed(ok)
        if ok:
            self.feed.set_target_angle(self.content.target_angle_deg)

    def run_frame(self, t: float, edges, screen, renderer) -> None:
        """One frame at loop time t (s): inputs, camera, state, outputs, drawn onto `screen`."""
        if self._t_prev is not None and t > self._t_prev:
            self.fps_measured += self.timing.fps_weight * (1.0 / (t - self._t_prev) - self.fps_measured)
        self._t_prev = t
        for g in self.kiosk.gestures(edges, t):
            if self.recorder:
                self.recorder.event(t, "button", button=g.button, kind=g.kind)
            self.apply(modes.Button(g.button, g.kind), t)
        reading = self.feed.read(t)
        self._take(reading, t)
        self.apply(modes.Tick(), t)
        shown = reading.shown
        depth = shown.depth if (shown is not None and shown.present) else 0.0
        s = self.kiosk.state
        k = self.kiosk
        levels = bar_levels(s.mode, t, self.ledbar.n, depth=depth, rep_t=k.rep_t, set_t=k.set_t)
        self.ledbar.show(levels)
        t0 = time.perf_counter()
        renderer.render(screen, self.screen_frame(t, shown, levels))
        self.draw_ms = (time.perf_counter() - t0) * 1000
        if self.recorder:
            self.recorder.bar(t, sum(levels) / len(levels))
            self.recorder.drawn(screen)
        self.week.refresh()
        self.metrics.tick(self.kiosk, self.feed, self.replog, self.fps_measured)
        self.heap.tick(t, s.mode)

    def _take(self, r: Reading, t: float) -> None:
        """What the camera saw, into the mode machine (in the order it happened)."""
        if r.notice is not None:
            self.kiosk.say(r.notice)
        if r.nobody:
            self.apply(modes.Presence(False), t)
        if r.read_ok and self.state.fault:
            self.apply(modes.Recovered(), t)
        if r.fault is not None:
            self.apply(modes.Fault(r.fault), t)
        if r.result is None:
            return
        if r.result.present != self.state.present:
            self.apply(modes.Presence(r.result.present), t)
        for ev in r.result.events:
            if ev.kind == "squat":
                self.kiosk.saw_squat(t)
            if ev.kind == "rep" and self.state.mode == modes.Mode.TRAIN:  # only reps in a set count
                detail = r.result.rep_detail  # how it was done (kiosk.core.form): the set's list, a cue
                self.kiosk.rep_form(detail, t)
                self.sessions.rep(ev.angle_deg, ev.duration_s, demo=self.state.demo, detail=detail)
                if self.recorder:
                    faults = list(detail.faults) if detail is not None else []
                    self.recorder.event(
                        t, "rep", rep=self.state.reps + 1, angle_deg=round(ev.angle_deg, 1), faults=faults
                    )
                self.apply(modes.Rep(ev.angle_deg, ev.duration_s), t)

    def apply(self, ev: modes.Event, t: float) -> None:
        """One event through the machine, and its effects on the camera feed and the record."""
        for e in self.kiosk.apply(ev, t):
            if isinstance(e, modes.SwitchCamera):
                self.feed.switch(e.demo)
            elif isinstance(e, modes.Demonstrate):
                self.feed.demonstrate(e.show)
            elif isinstance(e, modes.EnterMode) and self.recorder:
                self.recorder.mode(t, e.mode.value, demo=self.state.demo)

    def screen_frame(self, t: float, shown, levels):
        from kiosk.app.view import screen_frame

        return screen_frame(self, t, shown, levels)
