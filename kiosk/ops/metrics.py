"""Fleet metrics: a Prometheus textfile for node_exporter's textfile collector.

Off unless `[metrics] textfile` names a path (e.g. /var/lib/prometheus/node-exporter/crux_kiosk.prom,
the textfile directory of Debian's prometheus-node-exporter). Written at most once per `interval_s`,
atomically: a temporary file in the same directory, then rename, so the collector never reads half.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from kiosk.core.form import FAULTS
from kiosk.ops.atomic import write_atomic

log = logging.getLogger(__name__)


@dataclass
class Snapshot:
    reps: dict[str, int]  # by source, all time (from the rep log)
    sessions: dict[str, int]
    camera_up: bool
    fps: float
    last_frame_age_s: float
    content_version: str
    content_valid: bool
    uptime_s: float
    rep_log_up: bool
    mode: str
    extra: dict[str, float] = field(default_factory=dict)
    # {source: {fault code or "clean": reps}}, all time, reps logged with their form (kiosk.core.form)
    reps_by_fault: dict[str, dict[str, int]] = field(default_factory=dict)


def _esc(v: str) -> str:
    return v.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def render(s: Snapshot) -> str:
    """The exposition text (Prometheus text format 0.0.4)."""
    lines: list[str] = []

    def metric(name: str, kind: str, help_: str, samples: list[tuple[dict[str, str], float]]) -> None:
        lines.append(f"# HELP {name} {help_}")
        lines.append(f"# TYPE {name} {kind}")
        for labels, value in samples:
            lab = ",".join(f'{k}="{_esc(v)}"' for k, v in labels.items())
            lines.append(f"{name}{{{lab}}} {value:g}" if lab else f"{name} {value:g}")

    metric(
        "crux_kiosk_reps_total",
        "counter",
        "Reps counted since the rep log began, by source (member or demo).",
        [({"source": k}, v) for k, v in sorted(s.reps.items())],
    )
    metric(
        "crux_kiosk_reps_by_fault_total",
        "counter",
        "Reps counted with each form fault (a rep can have several; 'clean' for none), by source. Reps"
        " logged before the kiosk measured form are not in it.",
        [
            ({"source": src, "fault": f}, by.get(f, 0))
            for src, by in sorted(s.reps_by_fault.items())
            for f in (*FAULTS, "clean")
        ],
    )
    metric(
        "crux_kiosk_sessions_total",
        "counter",
        "Sets started since the rep log began, by source.",
        [({"source": k}, v) for k, v in sorted(s.sessions.items())],
    )
    metric(
        "crux_kiosk_camera_up",
        "gauge",
        "1 when the camera delivers frames, 0 when it is resting or gone.",
        [({}, float(s.camera_up))],
    )
    metric("crux_kiosk_fps", "gauge", "Screen frames per second, smoothed.", [({}, round(s.fps, 2))])
    metric(
        "crux_kiosk_last_frame_age_seconds",
        "gauge",
        "Seconds since the last camera frame arrived.",
        [({}, round(s.last_frame_age_s, 3))],
    )
    metric(
        "crux_kiosk_content_info",
        "gauge",
        "The content on screen, by version (always 1).",
        [({"version": s.content_version}, 1.0)],
    )
    metric(
        "crux_kiosk_content_valid",
        "gauge",
        "0 while the newest content edit is rejected (last good shown).",
        [({}, float(s.content_valid))],
    )
    metric(
        "crux_kiosk_rep_log_up",
        "gauge",
        "1 when the rep log database can be written.",
        [({}, float(s.rep_log_up))],
    )
    metric(
        "crux_kiosk_mode",
        "gauge",
        "The screen mode now (1 for the current mode).",
        [({"mode": m}, float(m == s.mode)) for m in ("attract", "learn", "train", "summary", "call")],
    )
    metric(
        "crux_kiosk_uptime_seconds", "gauge", "Seconds since the kiosk started.", [({}, round(s.uptime_s, 1))]
    )
    return "\n".join(lines) + "\n"


class TextfileWriter:
    def __init__(self, path: str | Path, *, interval_s: float = 60.0) -> None:
        self.path = Path(path)
        self.interval_s = interval_s
        self._next = 0.0
        self._failed = False
        self.writes = 0

    def due(self, now_s: float) -> bool:
        return now_s >= self._next

    def write(self, now_s: float, snap: Snapshot) -> bool:
        """Write if due (at most once per interval); never raises."""
        if not self.due(now_s):
            return False
        self._next = now_s + self.interval_s
        try:
            write_atomic(self.path, render(snap))  # node_exporter runs as its own user: 0644
        except OSError as e:
            if not self._failed:
                log.error(
                    "metrics textfile %s: cannot write (%s) - check the directory exists and is writable",
                    self.path,
                    e,
                )
            self._failed = True
            return False
        if self._failed:
            log.warning("metrics textfile %s: writing again", self.path)
        self._failed = False
        self.writes += 1
        return True
