"""The kiosk app: content -> adapters -> the loop. Only this module wires pygame, the hardware and the core.

Each loop: drain button edges (callbacks only enqueue) -> gestures -> mode machine; take the newest
camera frame -> vision -> rep counter -> mode machine; LED bar levels; render. One thread.
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from kiosk.content import Content
from kiosk.content.live import LiveContent
from kiosk.core import modes
from kiosk.core.bar import bar_levels
from kiosk.core.buttons import ButtonTiming, ButtonTracker
from kiosk.core.pipeline import Pipeline, frame_problem
from kiosk.core.reps import RepSettings
from kiosk.errors import ConfigError
from kiosk.hw.camera import Camera, SimCamera

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScriptEvent:
    t: float
    button: str
    hold_s: float  # how long the button is held down (a short press is 0.15 s)


def load_script(path: str | Path) -> list[ScriptEvent]:
    """`<seconds> <green|yellow|blue> [hold <seconds>]` per line, `#` comments."""
    p = Path(path)
    try:
        lines = p.read_text().splitlines()
    except OSError as e:
        raise ConfigError(f"{p}: cannot read the script ({e.strerror}) - check the path") from e
    out = []
    for n, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        try:
            t = float(parts[0])
            button = parts[1].lower()
            hold = 0.15
            if len(parts) == 4 and parts[2] == "hold":
                hold = float(parts[3])
            elif len(parts) != 2:
                raise ValueError
            if button not in ("green", "yellow", "blue") or t < 0 or hold <= 0:
                raise ValueError
        except (ValueError, IndexError) as e:
            raise ConfigError(
                f"{p}:{n}: {raw.strip()!r} is not '<seconds> <green|yellow|blue> [hold <seconds>]'"
            ) from e
        out.append(ScriptEvent(t, button, hold))
    return sorted(out, key=lambda e: e.t)


class Recorder:
    """events.jsonl plus a PNG at every mode change, for scripted runs and demos."""

    def __init__(self, directory: str | Path) -> None:
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self._f = (self.dir / "events.jsonl").open("w")
        self._last_bar: float | None = None
        self.shots = 0

    def event(self, t: float, type_: str, **data) -> None:
        self._f.write(json.dumps({"t": round(t, 3), "type": type_, **data}) + "\n")

    def bar(self, t: float, level: float) -> None:
        if self._last_bar is None or abs(level - self._last_bar) >= 0.05:
            self._last_bar = level
            self.event(t, "bar", level=round(level, 3))

    def screenshot(self, surface, t: float, mode: str) -> None:
        import pygame

        self.shots += 1
        pygame.image.save(surface, str(self.dir / f"{self.shots:03d}-{mode}-{t:07.2f}s.png"))

    def close(self) -> None:
        self._f.close()


class App:
    def __init__(
        self,
        *,
        content: Content | None = None,
        camera: Camera | None = None,
        buttons=None,
        ledbar=None,
        size: tuple[int, int] = (1280, 720),
        fullscreen: bool = False,
        headless: bool = False,
        record: str | Path | None = None,
        fps: float = 30.0,
        content_path: str | Path | None = None,
        notifier=None,
        showing_path: str | Path | None = None,
        last_good_dir: str | Path | None = None,
        idle_s: float = modes.ModeTiming.idle_s,
        button_timing: ButtonTiming | None = None,
        settle_s: float = 2.0,
        replog=None,
        metrics=None,
        display_retry_s: tuple[float, float] = (1.0, 30.0),
    ) -> None:
        from kiosk.hw.buttons import KeyboardButtons
        from kiosk.hw.ledbar import SimLedBar
        from kiosk.ui.fit import ScreenFit

        self.content_path = content_path
        # the content on screen; a staff edit goes live between frames once checked (last good kept)
        self.live_content = LiveContent(
            content_path,
            content,
            showing_path=Path(showing_path) if showing_path else None,
            last_good_dir=Path(last_good_dir) if last_good_dir else None,
            settle_s=settle_s,
            screen=ScreenFit(),
        )
        self.idle_s = idle_s
        self.notifier = notifier
        self._stop = False
        self._reload = False
        self.camera = camera or SimCamera()
        self.keyboard = KeyboardButtons()
        self.buttons = buttons
        self.ledbar = ledbar or SimLedBar(10)
        self.show_bar = ledbar is None  # the simulator draws the bar on screen
        self.size = size
        self.fullscreen = fullscreen
        self.headless = headless
        self.fps = fps
        self.recorder = Recorder(record) if record else None
        reps = RepSettings(target_angle_deg=self.content.target_angle_deg)
        self._reps = reps
        self.live = Pipeline(reps=reps)
        self.demo_camera = SimCamera()
        self.demo = Pipeline(reps=reps)
        self.tracker = ButtonTracker(button_timing or ButtonTiming())
        self.state = modes.State(n_steps=len(self.content.steps), set_target=self.content.set_reps, n_cards=4)
        self.timing = self._timing()
        if not self.live_content.valid:
            self._content_changed(False)
        self.rep_t = self.set_t = -1e9
        self.learn_from_pose = 0.0
        self.last = None
        self.frames = 0
        self.fps_measured = 0.0
        self._t_prev: float | None = None
        self.replog = replog  # kiosk.replog.RepLog or None
        self.metrics = metrics  # kiosk.metrics.TextfileWriter or None
        self.started_mono = time.monotonic()
        self.last_frame_mono: float | None = None
        self.last_frame_t: float | None = None  # loop time of the last frame (for a camera gone quiet)
        self._malloc_trim = _libc_malloc_trim()
        self._trimmed_t = 0.0
        self._frame_trouble: str | None = None  # the kind of bad frame now arriving, said once
        self._bad_frames = 0
        self.reps_today = 0  # member reps since start (the rep log holds the history)
        self.hinges_week = 0
        self._week_refreshed = -1e9
        self._refresh_week(time.monotonic())
        self.exposure_locked = False
        self._empty_since: float | None = None
        self.display_retry_s = display_retry_s  # (first, longest) wait between tries for a display
        self.display_up = False
        self._display_missing_since: float | None = None
        self._display_retry_mono = 0.0
        self._display_backoff_s = display_retry_s[0]

    @property
    def content(self) -> Content:
        return self.live_content.current

    def _timing(self) -> modes.ModeTiming:
        c = self.content
        return modes.ModeTiming(card_s=c.card_s, idle_s=self.idle_s, summary_s=c.summary_s, call_s=c.call_s)

    # -- the loop -----------------------------------------------------------------------------
    def run(self, *, seconds: float | None = None, script: list[ScriptEvent] | None = None) -> int:
        import pygame

        if self.headless:
            os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
        pygame.font.init()
        from kiosk.ui.screens import Renderer

        # no display yet (TV off or unplugged at boot, no DRM device): draw off screen meanwhile, so
        # the LED bar, the buttons, the camera and the watchdog keep going, and retry the display
        screen = pygame.Surface(self.size)
        self.display_up = self.headless or self._open_display(time.monotonic())
        if self.display_up and not self.headless:
            screen = pygame.display.get_surface()
        renderer = Renderer()
        # Scripted and headless runs use a simulated clock: exactly one frame time per loop.
        simulated = self.headless
        clock: Callable[[], float] = (lambda: self.frames / self.fps) if simulated else time.monotonic
        pending = list(script or [])
        releases: list[tuple[float, str]] = []
        end_t = (
            seconds
            if seconds is not None
            else (pending[-1].t + pending[-1].hold_s + 5.0 if pending else None)
        )
        tick = pygame.time.Clock()
        t0 = clock()
        if simulated and self.replog is not None:  # rep times follow the simulated clock
            wall0 = time.time()
            self.replog.clock = lambda: wall0 + (clock() - t0)
        self._enter_mode(self.state.mode, t0, screen, renderer, first=True)
        self._install_signals()
        ready = False
        try:
            while not self._stop:
                t = clock() - t0
                if end_t is not None and t >= end_t:
                    break
                if self._reload:  # SIGHUP: as soon as the files have settled
                    self._reload = False
                    self.live_content.watcher.request()
                if self.live_content.source is not None:
                    went_live = self.live_content.poll(time.monotonic() if not simulated else t)
                    if went_live is not None:
                        self._content_changed(went_live)
                edges = []
                if not self.display_up and time.monotonic() >= self._display_retry_mono:
                    self.display_up = self._open_display(time.monotonic())
                    if self.display_up:
                        screen = pygame.display.get_surface()
                if not self.headless and self.display_up:
                    for ev in pygame.event.get():
                        if ev.type == pygame.QUIT:
                            return 0
                        if ev.type in (pygame.KEYDOWN, pygame.KEYUP):
                            if ev.key == pygame.K_ESCAPE:
                                return 0
                            self.keyboard.handle_key(pygame.key.name(ev.key), ev.type == pygame.KEYDOWN, t)
                while pending and pending[0].t <= t:
                    e = pending.pop(0)
                    edges.append((e.button, True, e.t))
                    releases.append((e.t + e.hold_s, e.button))
                for rt, b in sorted(releases):
                    if rt <= t:
                        edges.append((b, False, rt))
                releases = [(rt, b) for rt, b in releases if rt > t]
                edges += self.keyboard.drain()
                if self.buttons is not None:
                    edges += [(b, d, et - t0) for b, d, et in self.buttons.drain()]
                self.step(t, edges, screen, renderer)
                self.frames += 1
                if not self.headless:
                    if self.display_up:
                        pygame.display.flip()
                    tick.tick(self.fps)
                if self.notifier is not None:
                    if not ready:  # the first frame is on the screen
                        self.notifier.ready()
                        ready = True
                    self.notifier.watchdog(time.monotonic())  # fed only by a loop still drawing frames
        finally:
            if self.notifier is not None:
                self.notifier.stopping()
            self.ledbar.show((0.0,) * self.ledbar.n)
            if self.replog is not None:
                self.replog.close()
            if self.recorder:
                self.recorder.close()
            pygame.display.quit()
        return 0

    def _open_display(self, now_mono: float) -> bool:
        """Try the display once; False (and the next try scheduled, 1 s doubling to 30 s) if there is
        none. Said once when it goes missing and once when it comes; main thread."""
        import pygame

        try:
            pygame.display.init()
            flags = pygame.FULLSCREEN if self.fullscreen else 0
            screen = pygame.display.set_mode((0, 0) if self.fullscreen else self.size, flags)
        except pygame.error as e:
            pygame.display.quit()
            if self._display_missing_since is None:
                self._display_missing_since = now_mono
                log.error(
                    "no display (%s) - check the HDMI cable and that the screen is on; LED bar and buttons"
                    " keep working, retrying every %g..%g s",
                    e,
                    self.display_retry_s[0],
                    self.display_retry_s[1],
                )
                self._display_backoff_s = self.display_retry_s[0]
            self._display_retry_mono = now_mono + self._display_backoff_s
            self._display_backoff_s = min(2 * self._display_backoff_s, self.display_retry_s[1])
            return False
        pygame.display.set_caption(f"{self.content.gym_name} - hip hinge coach")
        log.info("video driver: %s, screen %sx%s", pygame.display.get_driver(), *screen.get_size())
        if self._display_missing_since is not None:
            log.info("display up after %.0f s without one", now_mono - self._display_missing_since)
            self._display_missing_since = None
        return True

    def _install_signals(self) -> None:
        """SIGTERM (systemctl stop): finish the frame, bar off, close devices. SIGHUP (systemctl
        reload): re-read the content. Handlers only set flags; the loop acts on them."""
        import signal
        import threading

        if threading.current_thread() is not threading.main_thread():
            return

        def stop(_sig, _frame) -> None:
            self._stop = True

        def reload(_sig, _frame) -> None:
            self._reload = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGHUP, reload)

    def reload_content(self) -> bool:
        """Check and apply the content now (the loop does this when an edit has settled, or on SIGHUP)."""
        if self.notifier is not None:
            self.notifier.reloading()
        ok = self.live_content.reload()
        self._content_changed(ok)
        if self.notifier is not None:
            self.notifier.ready()
        return ok

    def _content_changed(self, ok: bool) -> None:
        """Between frames: the new content is in; the set in progress keeps its count."""
        if not ok:
            n = len(self.live_content.problems)
            first = str(self.live_content.problems[0]) if n else ""
            self.state = replace(
                self.state,
                notice=f"content edit rejected ({n} problem{'s' if n != 1 else ''}), still showing the"
                f" last good version: {first}",
            )
            return
        new = self.content
        step = min(self.state.step, len(new.steps) - 1)
        self.state = replace(
            self.state,
            n_steps=len(new.steps),
            step=step,
            set_target=new.set_reps,
            notice=f"content version {new.version} live",
        )
        self.timing = self._timing()
        if new.target_angle_deg != self._reps.target_angle_deg:  # the counters keep their counts
            self._reps = replace(self._reps, target_angle_deg=new.target_angle_deg)
            self.live.counter.settings = self.demo.counter.settings = self._reps

    def step(self, t: float, edges, screen, renderer) -> None:
        """One frame: inputs, camera, state, outputs."""
        if self._t_prev is not None and t > self._t_prev:
            self.fps_measured += 0.05 * (1.0 / (t - self._t_prev) - self.fps_measured)
        self._t_prev = t
        gestures = []
        for b, down, et in edges:
            gestures += self.tracker.edge(b, down, et)
        gestures += self.tracker.poll(t)
        for g in gestures:
            if self.recorder:
                self.recorder.event(t, "button", button=g.button, kind=g.kind)
            self._apply(modes.Button(g.button, g.kind), t, screen, renderer)
        live = None
        # vision runs in every mode: presence drives the timeouts, and a set can start calibrated
        pipe, cam = (self.demo, self.demo_camera) if self.state.demo else (self.live, self.camera)
        if self.state.demo:
            self._watch_room(t)
        try:
            frame = cam.read(t)
            if frame is not None:
                self.last_frame_mono, self.last_frame_t = time.monotonic(), t
                bad = frame_problem(frame)
                if bad is not None:
                    self._bad_frame(bad, t, pipe, screen, renderer)
                    frame = None
                elif self._frame_trouble is not None:
                    log.warning("camera frames usable again after %d bad ones", self._bad_frames)
                    self._frame_trouble, self._bad_frames = None, 0
            live = pipe.step(frame, t) if frame is not None else None
            if self.state.fault:
                self._apply(modes.Recovered(), t, screen, renderer)
        except Exception as e:  # a per-frame error must never take the screen down
            log.exception("frame failed; showing 'back in a moment'")
            self._apply(modes.Fault(f"frame failed: {e.__class__.__name__}: {e}"), t, screen, renderer)
        if live is not None:
            if live.present != self.state.present:
                self._apply(modes.Presence(live.present), t, screen, renderer)
            for ev in live.events:
                if ev.kind == "rep" and self.state.mode == modes.Mode.TRAIN:  # only reps in a set count
                    if not self.state.demo:
                        self.reps_today += 1
                        self.hinges_week += 1
                    if self.replog is not None:
                        self.replog.rep(ev.angle_deg, ev.duration_s)
                    if self.recorder:
                        self.recorder.event(t, "rep", rep=ev.rep, angle_deg=round(ev.angle_deg, 1))
                    self._apply(modes.Rep(ev.rep, ev.angle_deg, ev.duration_s), t, screen, renderer)
        if (
            live is None
            and self.last is not None
            and (self.last_frame_t is None or t - self.last_frame_t > 1.0)
        ):
            # frames stopped: after a second, nobody is seen rather than a frozen silhouette
            self._nobody_seen(t, pipe, screen, renderer)
        self._lock_exposure_when_room_learnt(t, live)
        self._apply(modes.Tick(), t, screen, renderer)
        if (
            live is None
            and getattr(self.camera if not self.state.demo else self.demo_camera, "state", "live")
            != "resting"
        ):
            live = self.last  # no new camera frame this loop (the screen runs faster): keep showing the last
        depth = live.depth if (live is not None and live.present) else 0.0
        levels = bar_levels(
            self.state.mode, t, self.ledbar.n, depth=depth, rep_t=self.rep_t, set_t=self.set_t
        )
        self.ledbar.show(levels)
        if self.recorder:
            self.recorder.bar(t, sum(levels) / len(levels))
        self.last = live
        renderer.render(screen, self._frame(t, live, levels))
        self._refresh_week(time.monotonic())
        self._write_metrics()
        self._trim_heap(t)

    def _lock_exposure_when_room_learnt(self, t: float, live) -> None:
        """Once the room has been seen with nobody in view for 3 s, hold the camera's exposure so the
        background model does not chase auto-exposure when a member walks in."""
        lock = getattr(self.camera, "lock_exposure", None)
        if self.exposure_locked or lock is None or live is None or self.state.demo:
            return
        if live.present:
            self._empty_since = None
            return
        if self._empty_since is None:
            self._empty_since = t
        elif t - self._empty_since >= 3.0:
            lock()
            self.exposure_locked = True
            log.info("camera exposure locked after learning the empty room")

    def _frame(self, t: float, live, levels):
        from kiosk.ui.screens import ScreenFrame

        s = self.state
        kw = {}
        if live is not None and s.mode == modes.Mode.TRAIN:
            kw = dict(
                live_present=live.present,
                live_angle_deg=live.smoothed_deg if live.hip_angle_deg is not None else None,
                live_depth=live.depth,
                live_phase=live.phase.value,
                live_mask=live.observation.mask,
            )
        staff = ()
        if s.overlay:
            lc = self.live_content
            content_line = (
                f"content {self.content.version}: {self.content.source} ({_mtime(self.content.source)})"
                if lc.valid
                else f"! content edit REJECTED ({_n(len(lc.problems), 'problem')}),"
                f" showing {self.content.version}: run `kiosk content check`"
            )
            staff = (
                f"address: {_address()}",
                content_line,
                f"fps: {self.fps_measured:.1f}   camera: {'demo figure' if s.demo else self.camera.name}"
                f" {getattr(self.camera, 'state', '')} {getattr(self.camera, 'last_error', '')}".rstrip(),
                f"reps since start: {self.reps_today}   this week: {self.hinges_week}",
                self._replog_line(),
                s.notice or "no notices",
            )
        cam = self.demo_camera if s.demo else self.camera
        return ScreenFrame(
            state=s,
            content=self.content,
            t=t,
            camera_resting=getattr(cam, "state", "live") == "resting",
            bar_levels=levels if self.show_bar else (),
            learn_from_pose=self.learn_from_pose,
            staff_lines=staff,
            rep_flash=t - self.rep_t < 1.2,
            hinges_week=self.hinges_week,
            **kw,
        )

    def _apply(self, ev, t: float, screen, renderer) -> None:
        prev = self.state
        self.state, fx = modes.step(self.state, ev, t, self.timing)
        self._log_sets(prev, self.state)
        if (
            self.state.mode == modes.Mode.LEARN
            and prev.mode == modes.Mode.LEARN
            and prev.step != self.state.step
        ):
            self.learn_from_pose = self.content.steps[prev.step].pose
        for effect in fx:
            kind = effect[0]
            if kind == modes.MODE:
                self.learn_from_pose = 0.0
                self._enter_mode(effect[1], t, screen, renderer)
            elif kind == modes.CAMERA:
                if effect[1] == "demo":
                    self.demo_camera.restart()
                    self.demo = Pipeline(reps=self._reps)
            elif kind == modes.NEW_SET:
                (self.demo if self.state.demo else self.live).counter.reset_set()
            elif kind == modes.FLASH:
                if effect[1] == "rep":
                    self.rep_t = t
                else:
                    self.set_t = t
            elif kind == modes.LOG:
                log.warning("%s", effect[1])

    def _watch_room(self, t: float) -> None:
        """During the trainer demo the real camera keeps feeding its own pipeline (results unused):
        its picture of the room stays current, so someone who walks in during the demo and leaves
        again is not left behind as a ghost that keeps the kiosk in Train."""
        try:
            frame = self.camera.read(t)
            if frame is not None and frame_problem(frame) is None:
                self.live.step(frame, t)
        except Exception as e:  # the demo must go on; the live camera's trouble shows after it
            log.debug("live camera during the demo: %s", e)

    def _bad_frame(self, reason: str, t: float, pipe, screen, renderer) -> None:
        """A garbled or blank frame: said once per kind, nobody seen, nothing drawn from it."""
        self._bad_frames += 1
        if reason != self._frame_trouble:
            log.error("camera frame unusable: %s - check the camera and its view", reason)
            self._frame_trouble = reason
            self.state = replace(self.state, notice=f"camera: {reason}")
        self._nobody_seen(t, pipe, screen, renderer)

    def _nobody_seen(self, t: float, pipe, screen, renderer) -> None:
        """No usable picture: no silhouette on screen, no rep finished on guesswork, nobody present."""
        pipe.blind(t)
        self.last = None
        if self.state.present:
            self._apply(modes.Presence(False), t, screen, renderer)

    def _log_sets(self, prev, now) -> None:
        """A set is a session in the rep log: it starts when Train starts (or a new set / demo begins
        in Train) and ends when Train ends."""
        if self.replog is None:
            return
        train = modes.Mode.TRAIN
        was, is_ = prev.mode == train, now.mode == train
        new_set = is_ and (not was or prev.demo != now.demo or (now.reps == 0 and prev.reps > 0))
        if was and (not is_ or new_set):
            self.replog.end_session()
            self._refresh_week(time.monotonic(), force=True)
        if new_set:
            self.replog.start_session("demo" if now.demo else "member", now.set_target)

    def _refresh_week(self, now_mono: float, *, force: bool = False) -> None:
        """'N hinges this week' from the rep log, re-read every 10 minutes (the window slides)."""
        if self.replog is None or (not force and now_mono - self._week_refreshed < 600):
            return
        self._week_refreshed = now_mono
        self.hinges_week = self.replog.reps_since(time.time() - 7 * 86400, "member")

    def _trim_heap(self, t: float) -> None:
        """Every 10 minutes on the attract screen, hand memory the C allocator holds free back to the
        system (glibc's malloc_trim): text surfaces come and go all day, and over months that free but
        fragmented heap is what an RSS graph would show growing. The soak measures it (README)."""
        if self._malloc_trim is None or t - self._trimmed_t < 600 or self.state.mode != modes.Mode.ATTRACT:
            return
        self._trimmed_t = t
        self._malloc_trim(0)

    def _write_metrics(self) -> None:
        from kiosk.metrics import Snapshot

        now = time.monotonic()
        if self.metrics is None or not self.metrics.due(now):
            return
        totals = self.replog.totals() if self.replog is not None else {}
        cam = self.demo_camera if self.state.demo else self.camera
        age = now - self.last_frame_mono if self.last_frame_mono is not None else now - self.started_mono
        self.metrics.write(
            now,
            Snapshot(
                reps={k: v["reps"] for k, v in totals.items()},
                sessions={k: v["sessions"] for k, v in totals.items()},
                camera_up=getattr(cam, "state", "live") != "resting" and age < 5.0,
                fps=self.fps_measured,
                last_frame_age_s=age,
                content_version=self.content.version,
                content_valid=self.live_content.valid,
                uptime_s=now - self.started_mono,
                rep_log_up=self.replog is not None and self.replog.error is None,
                mode=self.state.mode.value,
            ),
        )

    def _enter_mode(self, mode, t: float, screen, renderer, *, first: bool = False) -> None:
        if self.recorder:
            self.recorder.event(t, "mode", mode=mode.value, demo=self.state.demo)
            # draw the new mode before the screenshot so the PNG shows it
            renderer.render(screen, self._frame(t, self.last if mode == modes.Mode.TRAIN else None, ()))
            self.recorder.screenshot(screen, t, mode.value)
        if not first:
            log.info("mode -> %s at %.2f s", mode.value, t)
        self.state = replace(self.state)

    def _replog_line(self) -> str:
        r = self.replog
        if r is None:
            return "rep log: off"
        if r.error is not None:
            return f"! rep log NOT WRITING ({r.error}) - {len(r._pending)} waiting in memory"
        return f"rep log: {r.path}"


def _libc_malloc_trim():
    """glibc's malloc_trim, or None (musl, macOS, no ctypes)."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError, ImportError):
        return None


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _address() -> str:
    """This kiosk's host name and addresses, for staff who want to SSH in (no network traffic)."""
    import socket

    host = socket.gethostname()
    try:
        addrs = sorted({ai[4][0] for ai in socket.getaddrinfo(host, None, socket.AF_INET)})
    except OSError:
        addrs = []
    return f"{host} {' '.join(a for a in addrs if not a.startswith('127.')) or '(no network)'}"


def _mtime(path: str) -> str:
    """The content file's modification time: what staff compare after an edit."""
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(path)))
    except OSError:
        return "missing"
