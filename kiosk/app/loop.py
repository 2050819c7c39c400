"""The loop around `App.run_frame`: the clock (real, or simulated for headless runs), the display and its
events, the buttons and the script, signals, systemd's readiness and watchdog, and an orderly end."""

from __future__ import annotations

import signal
import threading
import time

from kiosk.app.display import Display
from kiosk.app.script import ScriptedButtons, ScriptEvent


class Signals:
    """SIGTERM (systemctl stop): finish the frame, bar off, close devices. SIGHUP (systemctl reload):
    re-read the content. Handlers only set flags; the loop acts on them (main thread only)."""

    def __init__(self) -> None:
        self.stop = self.reload = False

    def install(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return
        signal.signal(signal.SIGTERM, lambda *_: setattr(self, "stop", True))
        signal.signal(signal.SIGHUP, lambda *_: setattr(self, "reload", True))


class Loop:
    def __init__(self, app, *, seconds: float | None, script: list[ScriptEvent]) -> None:
        import pygame

        self.app = app
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
            caption=f"{app.content.gym_name} - hip hinge coach",
        )
        self.tick = pygame.time.Clock()
        self.ready = False  # systemd told the first frame is on the screen
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
                edges = self._inputs(t)
                if edges is None:
                    return 0
                app.run_frame(t, edges, self.display.surface, renderer)
                app.frames += 1
                self._outputs()
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
        if self.signals.reload:
            self.signals.reload = False
            live.watcher.request()
        if live.source is not None:
            went_live = live.poll(t if self.simulated else self.app.monotonic())
            if went_live is not None:
                self.app.content_changed(went_live)

    def _outputs(self) -> None:
        app = self.app
        if not app.headless:
            self.display.flip()
            self.tick.tick(app.fps)
        if app.notifier is not None:
            if not self.ready:  # the first frame is on the screen
                self.ready = app.notifier.ready() or True
            app.notifier.watchdog(app.monotonic())  # fed only by a loop still drawing frames

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
