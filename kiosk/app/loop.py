"""The loop around `App.run_frame`: the clock (real, or simulated for headless runs), the display and its
events, the buttons and the script, signals, systemd's readiness and watchdog, and an orderly end.

Each real-time iteration takes the camera's newest frame from its capture thread's one-slot handoff,
runs vision on it, draws, flips, and then waits for the camera's next frame: the loop runs at the
camera's rate and in step with it (a frame is seen as soon as it comes). The wait is bounded by
`PACE_SLACK` frame periods from the iteration's start, so a camera that pauses never stalls the
screen; with no live capture thread (resting camera, the trainer demo's figure) `Clock.tick(fps)`
paces it. (Clock.tick alone sleeps whole milliseconds and oversleeps: 28.5-29.4 loops a second
against a 30 fps camera, one frame in about twelve never seen - measured by bench/app_bench.py.)
A flip that blocks on vsync is part of the period, not added to it; an iteration that overran is
followed at once, and the handoff gives it the newest frame: the loop never falls behind the camera.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from kiosk.app.display import Display
from kiosk.app.script import ScriptedButtons, ScriptEvent

PACE_SLACK = 1.5  # at most this many frame periods from an iteration's start to the next one


class Signals:
    """SIGTERM (systemctl stop): finish the frame, bar off, close devices. SIGHUP (systemctl reload):
    re-read the content. SIGUSR1 (`systemctl kill -s USR1`): learn the empty room afresh from the
    camera's next frames (a ghost of someone who stood in view when the kiosk started). Handlers only
    set flags; the loop acts on them (main thread only)."""

    def __init__(self) -> None:
        self.stop = self.reload = self.relearn = False

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stop", True))
        signal.signal(signal.SIGHUP, lambda *_: setattr(self, "reload", True))
        signal.signal(signal.SIGUSR1, lambda *_: setattr(self, "relearn", True))


@dataclass(frozen=True)
class FrameTimes:
    """Where one iteration's time went (ms, wall clock); `loop_ms` is all of it but the tick's wait."""

    loop_ms: float
    capture_ms: float  # the camera read: taking the newest frame from the handoff
    vision_ms: float  # the pipeline step on it (0: no new frame this iteration)
    draw_ms: float  # the screen drawn on the (logical-size) surface
    present_ms: float  # the flip: upload, scale, swap
    upload_bytes: int  # what the flip copied out of the process


class Loop:
    def __init__(
        self, app, *, seconds: float | None, script: list[ScriptEvent],
        on_frame: Callable[[FrameTimes], None] | None = None,
    ) -> None:
        import pygame

        self.app = app
        self.on_frame = on_frame  # the benchmark's ear: every iteration's FrameTimes
        self.simulated = app.headless  # one frame time per loop, as fast as it can go
        self.script = ScriptedButtons(script)
        tail_s = app.timing.script_tail_s
        self.end_t = seconds if seconds is not None else ScriptedButtons.end_s(script, tail_s)
        self.signals = Signals()
        pygame.font.init()
        self.display = Display(
            app.size,
            fullscreen=app.fullscreen,
            headless=app.headless,
            retry_s=app.timing.display_retry_s,
            caption=self._caption(),
            logical=app.logical_size,
            vsync=app.vsync,
        )
        self.tick = pygame.time.Clock()
        self.ready = False  # systemd told the first frame is on the screen
        self.started = False  # the start-up work the first frame did not wait for is done
        self.t0 = self.clock()

    def clock(self) -> float:
        return self.app.frames / self.app.fps if self.simulated else self.app.monotonic()

    def run(self) -> int:
        from kiosk.ui.screens import Renderer

        app = self.app
        self.display.poll(app.monotonic())
        renderer = Renderer()
        if self.simulated and app.replog is not None:  # rep times follow the simulated clock
            wall0 = time.time()
            app.replog.clock = lambda: wall0 + (self.clock() - self.t0)
        if app.recorder:
            app.recorder.mode(0.0, app.state.mode.value, demo=app.state.demo)
        self.signals.install()
        try:
            while not self.signals.stop:
                t = self.clock() - self.t0
                if self.end_t is not None and t >= self.end_t:
                    break
                t0 = time.perf_counter()
                edges = self._inputs(t)
                if edges is None:
                    return 0
                app.run_frame(t, edges, self.display.surface, renderer)
                app.frames += 1
                self._outputs(t0)
        finally:
            self._close()
        return 0

    def _inputs(self, t: float):
        """This loop's button edges (keyboard, script, GPIO); None when the window says quit."""
        import pygame

        app = self.app
        self._content(t)
        self.display.poll(app.monotonic())
        for ev in self.display.events():
            if ev.type == pygame.QUIT or (ev.type == pygame.KEYDOWN and ev.key == pygame.K_ESCAPE):
                return None
            if ev.type in (pygame.KEYDOWN, pygame.KEYUP):
                app.keyboard.handle_key(pygame.key.name(ev.key), ev.type == pygame.KEYDOWN, t)
        edges = self.script.drain(t) + app.keyboard.drain()
        if app.buttons is not None:
            edges += [(b, d, et - self.t0) for b, d, et in app.buttons.drain()]
        return edges

    def _content(self, t: float) -> None:
        """A staff edit that has settled (or SIGHUP) goes live between frames."""
        live = self.app.kiosk.live_content
        if self.signals.relearn:
            self.signals.relearn = False
            self.app.feed.relearn()
        if self.signals.reload:
            self.signals.reload = False
            live.watcher.request()
        if live.source is not None:
            went_live = live.poll(t if self.simulated else self.app.monotonic())
            if went_live is not None:
                self.app.content_changed(went_live)

    def _outputs(self, t0: float) -> None:
        app = self.app
        if not app.headless:
            self.display.flip()
            if self.on_frame is not None:
                d = self.display
                self.on_frame(
                    FrameTimes(
                        (time.perf_counter() - t0) * 1000, app.feed.capture_ms, app.feed.vision_ms,
                        app.draw_ms, d.present_ms, d.upload_bytes,
                    )
                )
        if app.notifier is not None:
            if not self.ready:  # the first frame is on the screen (said at once, not after the pacing)
                self.ready = app.notifier.ready() or True
            app.notifier.watchdog(app.monotonic())  # fed only by a loop still drawing frames
        if not self.started:
            self.started = True
            app.first_frame_shown()  # the camera's start, the content's fit check (when put off)
            self.display.set_caption(self._caption())
        if not app.headless:
            self._pace(t0)

    def _caption(self) -> str:
        return f"{self.app.content.gym_name} - hip hinge coach"

    def _pace(self, t0: float) -> None:
        """Wait for the camera's next frame (a live capture thread), else for the frame period; `t0`
        is when this iteration began (perf_counter)."""
        app = self.app
        cam = app.feed.active
        handoff = getattr(cam, "handoff", None)
        if handoff is None or cam.state != "live":
            self.tick.tick(app.fps)
            return
        left_s = t0 + PACE_SLACK / app.fps - time.perf_counter()
        if left_s > 0:
            handoff.wait(left_s)
        self.tick.tick()  # the Clock's own bookkeeping; no wait

    def _close(self) -> None:
        app = self.app
        if app.notifier is not None:
            app.notifier.stopping()
        app.ledbar.show((0.0,) * app.ledbar.n)
        if app.replog is not None:
            app.replog.close()
        if app.recorder:
            app.recorder.close()
        self.display.close()
