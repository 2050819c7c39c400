"""What watches the kiosk without steering it: rep-log sessions, the week's count, the metrics
textfile, handing free heap back. Each is told what happened; none changes the state. Main thread."""

from __future__ import annotations

import time
from collections.abc import Callable

from kiosk.app.settings import WEEK_S, LoopTiming
from kiosk.core import modes


class WeekCount:
    """'N hinges this week' (member reps in the last 7 days) from the rep log, re-read now and then
    (the window slides)."""

    def __init__(self, replog, *, refresh_s: float, monotonic=time.monotonic, wall=time.time) -> None:
        self.replog, self.refresh_s, self.monotonic, self.wall = replog, refresh_s, monotonic, wall
        self.hinges = 0
        self._refreshed_mono = -float("inf")
        self.refresh()

    def refresh(self, *, force: bool = False) -> None:
        now = self.monotonic()
        if self.replog is None or (not force and now - self._refreshed_mono < self.refresh_s):
            return
        self._refreshed_mono = now
        self.hinges = self.replog.reps_since(self.wall() - WEEK_S, "member")


def set_began(before: modes.State, now: modes.State) -> bool:
    """A new set starts with this event: Train begins, the demo starts or stops in it, or Train's count
    went back to zero (a new set after a finished one)."""
    train = modes.Mode.TRAIN
    was, is_ = before.mode == train, now.mode == train
    return is_ and (not was or before.demo != now.demo or (now.reps == 0 and before.reps > 0))


class RepLogSessions:
    """A set is a session in the rep log: it starts when Train starts (or a new set or the demo begins
    in Train) and ends when Train ends. Every counted rep goes in."""

    def __init__(self, replog, week: WeekCount) -> None:
        self.replog, self.week = replog, week
        self.member_reps_since_start = 0  # the rep log holds the history

    def changed(self, before: modes.State, now: modes.State) -> None:
        if self.replog is None:
            return
        was, is_ = before.mode == modes.Mode.TRAIN, now.mode == modes.Mode.TRAIN
        new_set = set_began(before, now)
        if was and (not is_ or new_set):
            self.replog.end_session()
            self.week.refresh(force=True)
        if new_set:
            self.replog.start_session("demo" if now.demo else "member", now.set_target)

    def rep(self, angle_deg: float, duration_s: float, *, demo: bool, detail=None) -> None:
        """A counted rep; `detail` (kiosk.core.form.RepDetail, when measured) goes in with its faults."""
        if not demo:
            self.member_reps_since_start += 1
            self.week.hinges += 1
        if self.replog is not None:
            self.replog.rep(angle_deg, duration_s, detail=detail)


def libc_malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None (musl, macOS, no ctypes)."""
    try:
        import ctypes

        return ctypes.CDLL("libc.so.6").malloc_trim
    except (OSError, AttributeError, ImportError):
        return None


class HeapTrim:
    """Every `every_s` on the attract screen, hand memory the C allocator holds free back to the
    system (glibc's malloc_trim): text surfaces come and go all day, and over months that free but
    fragmented heap is what an RSS graph would show growing. The soak measures it (README)."""

    def __init__(self, every_s: float, trim: Callable[[int], int] | None = None) -> None:
        self.every_s = every_s
        self.trim = trim
        self.trimmed_t = 0.0  # loop time of the last trim

    def tick(self, t: float, mode: modes.Mode) -> bool:
        """True when it trimmed now."""
        if self.trim is None or t - self.trimmed_t < self.every_s or mode != modes.Mode.ATTRACT:
            return False
        self.trimmed_t = t
        self.trim(0)
        return True


class MetricsReport:
    """The Prometheus textfile, written when its writer says it is due."""

    def __init__(self, writer, *, timing: LoopTiming, monotonic=time.monotonic) -> None:
        self.writer, self.timing, self.monotonic = writer, timing, monotonic
        self.started_mono = monotonic()

    def tick(self, kiosk, feed, replog, fps: float) -> None:
        now = self.monotonic()
        if self.writer is None or not self.writer.due(now):
            return
        from kiosk.ops.metrics import Snapshot

        totals = replog.totals() if replog is not None else {}
        by_fault = replog.fault_totals() if replog is not None else {}
        since = feed.last_frame_mono if feed.last_frame_mono is not None else self.started_mono
        age = now - since
        snap = Snapshot(
            reps={k: v["reps"] for k, v in totals.items()},
            sessions={k: v["sessions"] for k, v in totals.items()},
            camera_up=not feed.resting and age < self.timing.camera_up_age_s,
            fps=fps,
            last_frame_age_s=age,
            content_version=kiosk.content.version,
            content_valid=kiosk.live_content.valid,
            uptime_s=now - self.started_mono,
            rep_log_up=replog is not None and replog.error is None,
            mode=kiosk.state.mode.value,
            reps_by_fault=by_fault,
        )
        self.writer.write(now, snap)
