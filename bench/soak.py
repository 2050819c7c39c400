"""Soak: an accelerated run of the whole kiosk over simulated hours, to show it can run for months.

    make soak                        # 1 simulated hour (about 3-4 minutes here)
    make soak ARGS='--hours 3'

The real App loop runs headless on a simulated clock at 15 frames per second with everything on: the
synthetic camera (members walking in, doing sets of 8, walking out, empty-room gaps), the rep log
(SQLite, in a temporary directory), the metrics textfile, the content directory (a good edit every
10 minutes, a broken one at 25 minutes, fixed at 27), random button use (steps, call-us, a trainer demo,
staff overlay). Measured: RSS growth (after the first 5 minutes warm the caches), frame time per
5-minute window, exceptions and error logs, reps and sets, reloads applied and rejected. Writes
bench/out/soak.json and prints a summary for the README.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402

from kiosk.app import App, ScriptEvent  # noqa: E402
from kiosk.content import DEFAULT_PATH  # noqa: E402
from kiosk.hw.camera import SimCamera  # noqa: E402
from kiosk.ops.metrics import TextfileWriter  # noqa: E402
from kiosk.ops.replog import RepLog  # noqa: E402
from kiosk.sim.library import demo_scene  # noqa: E402
from kiosk.sim.scene import Segment  # noqa: E402

FPS = 15.0


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def soak_scene():
    """Someone walks in, does a set of 8, walks out; the room stays empty for a while; repeat."""
    seq = [Segment("empty", 40.0), Segment("walk_in", 3.0), Segment("stand", 2.0)]
    for k in range(8):
        seq.append(Segment("rep", 4.2, 0.9 + 0.03 * (k % 3), 1.4, 0.4, 1.2))
    seq += [Segment("stand", 1.5), Segment("walk_out", 3.0), Segment("empty", 70.0)]
    return replace(demo_scene(), timeline=tuple(seq), label="soak")


class Watch(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.errors: list[str] = []
        self.exceptions = 0

    def emit(self, record):
        if record.levelno >= logging.ERROR:
            self.errors.append(record.getMessage()[:160])
        if record.exc_info:
            self.exceptions += 1


class SoakCamera(SimCamera):
    """The soak scene, plus the content edits and the measurements, on the loop's own clock."""

    def __init__(self, content_dir: Path, seconds: float):
        super().__init__(soak_scene())
        self.dir = content_dir
        self.edits = []
        text = DEFAULT_PATH.read_text()
        for k, at in enumerate(range(600, int(seconds), 600)):
            phone = f"604-555-01{k % 100:02d}"
            edit = text.replace("778-985-7700", phone).replace("+17789857700", "+1" + phone.replace("-", ""))
            self.edits.append((float(at), edit))
        self.edits.append((1500.0, text.replace('phone = "778-985-7700"', 'phone = ""')))  # a bad edit
        self.edits.append((1620.0, text))  # fixed
        self.edits.sort()
        self.rss: list[tuple[float, float]] = []
        self.next_sample = 0.0

    def read(self, t):
        while self.edits and self.edits[0][0] <= t:
            (self.dir / "content.toml").write_text(self.edits.pop(0)[1])
        if t >= self.next_sample:
            self.rss.append((t, rss_mb()))
            self.next_sample += 60.0
        return super().read(t)


def buttons(seconds: float, seed: int = 7) -> list[ScriptEvent]:
    """Someone uses the buttons every few minutes: the steps, call-us, a trainer demo, the staff overlay."""
    rng = random.Random(seed)
    out, t = [], 30.0
    while t < seconds - 30:
        kind = rng.choice(["steps", "call", "demo", "overlay", "mash"])
        if kind == "steps":
            out += [
                ScriptEvent(t + k * 2.0, b, 0.15) for k, b in enumerate(["yellow", "green", "green", "green"])
            ]
        elif kind == "call":
            out += [ScriptEvent(t, "blue", 0.15), ScriptEvent(t + 5, "blue", 0.15)]
        elif kind == "demo":
            out += [ScriptEvent(t, "green", 2.5), ScriptEvent(t + 25, "yellow", 2.5)]
        elif kind == "overlay":
            out += [ScriptEvent(t, "blue", 5.5), ScriptEvent(t + 8, "blue", 5.5)]
        else:
            out += [
                ScriptEvent(t + rng.uniform(0, 3), rng.choice(["green", "yellow", "blue"]), 0.1)
                for _ in range(8)
            ]
        t += rng.uniform(120, 300)
    return sorted(out, key=lambda e: e.t)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--hours", type=float, default=1.0)
    ap.add_argument(
        "--bare", action="store_true", help="no rep log, metrics or content directory (to compare)"
    )
    ap.add_argument(
        "--without",
        choices=["replog", "metrics", "content"],
        action="append",
        default=[],
        help="leave one part out (to find what memory growth comes from)",
    )
    args = ap.parse_args()
    seconds = args.hours * 3600
    tmp = Path(tempfile.mkdtemp(prefix="crux-soak-"))
    content = tmp / "content"
    content.mkdir()
    (content / "content.toml").write_text(DEFAULT_PATH.read_text())
    watch = Watch()
    logging.getLogger().addHandler(watch)
    logging.getLogger().setLevel(logging.INFO)
    cam = SoakCamera(content, seconds)
    replog = RepLog(tmp / "reps.db")
    app = App(
        headless=True,
        size=(800, 480),
        fps=FPS,
        camera=cam,
        content_path=None if args.bare or "content" in args.without else content,
        replog=None if args.bare or "replog" in args.without else replog,
        metrics=None if args.bare or "metrics" in args.without else TextfileWriter(tmp / "crux_kiosk.prom"),
    )
    frame_ms = np.zeros(int(seconds * FPS) + 16)  # allocated up front: the soak's own memory stays flat
    n_frames = 0
    orig = app.run_frame

    def timed(t, *a, **kw):
        nonlocal n_frames
        t0 = time.perf_counter()
        orig(t, *a, **kw)
        frame_ms[min(n_frames, len(frame_ms) - 1)] = (time.perf_counter() - t0) * 1000
        n_frames += 1

    app.run_frame = timed
    applied = rejected = 0
    orig_changed = app.content_changed

    def counted(ok):
        nonlocal applied, rejected
        applied += ok
        rejected += not ok
        orig_changed(ok)

    app.content_changed = counted
    trims: list[tuple[float, float, float]] = []  # (loop time, RSS before, RSS after) of the app's own trims
    if app.heap.trim is not None:
        real_trim = app.heap.trim

        def counted_trim(pad):
            before = rss_mb()
            out = real_trim(pad)
            trims.append((app.heap.trimmed_t, before, rss_mb()))
            return out

        app.heap.trim = counted_trim
    wall0 = time.perf_counter()
    rc = app.run(seconds=seconds, script=buttons(seconds))
    wall = time.perf_counter() - wall0
    import sqlite3

    con = sqlite3.connect(tmp / "reps.db")
    reps = dict(
        con.execute("SELECT s.source, count(*) FROM reps r JOIN sessions s ON s.id = r.session_id GROUP BY 1")
    )
    sets = dict(con.execute("SELECT source, count(*) FROM sessions GROUP BY 1"))
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    ms = frame_ms[:n_frames]
    per_window = int(300 * FPS)
    windows = [
        {
            "from_min": k * 5,
            "median_ms": round(float(np.median(w)), 2),
            "p99_ms": round(float(np.percentile(w, 99)), 2),
        }
        for k, w in enumerate(ms[i : i + per_window] for i in range(0, len(ms), per_window))
        if len(w)
    ]
    rss = cam.rss
    # what a leak would keep, against heap the C allocator holds free: give the free part back and look again
    import ctypes

    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
        rss_trimmed = rss_mb()
    except (OSError, AttributeError):
        rss_trimmed = None
    warm = [r for t, r in rss if t >= 300] or [r for _t, r in rss]
    result = {
        "simulated_hours": args.hours,
        "wall_s": round(wall, 1),
        "frames": len(ms),
        "exit_code": rc,
        "exceptions": watch.exceptions,
        "error_logs": len(watch.errors),
        "error_samples": sorted(set(watch.errors))[:8],
        "rss_mb_start": round(rss[0][1], 1),
        "rss_mb_after_5_min": round(warm[0], 1),
        "rss_mb_end": round(rss[-1][1], 1),
        "rss_growth_after_warmup_mb": round(warm[-1] - warm[0], 1),
        "rss_max_mb": round(max(r for _t, r in rss), 1),
        "rss_mb_every_5_min": [round(r, 1) for t, r in rss if t % 300 < 1],
        "rss_mb_end_after_malloc_trim": None if rss_trimmed is None else round(rss_trimmed, 1),
        "rss_mb_before_after_each_app_trim": [(round(t), round(b, 1), round(a, 1)) for t, b, a in trims],
        "frame_ms_median": round(float(np.median(ms)), 2),
        "frame_ms_p99": round(float(np.percentile(ms, 99)), 2),
        "windows": windows,
        "reps": reps,
        "sets": sets,
        "content_applied": applied,
        "content_rejected": rejected,
        "db_integrity": integrity,
        "content_showing": app.content.phone,
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "soak.json").write_text(json.dumps(result, indent=1))
    w_med = [w["median_ms"] for w in windows]
    print(
        f"soak: {args.hours:g} simulated h ({len(ms)} frames) in {wall:.0f} s wall; exit {rc};"
        f" {watch.exceptions} exceptions, {len(watch.errors)} error logs\n"
        f"  RSS {result['rss_mb_start']} MB at start, {result['rss_mb_after_5_min']} MB after 5 min,"
        f" {result['rss_mb_end']} MB at the end"
        f" (growth after warm-up {result['rss_growth_after_warmup_mb']} MB)\n"
        f"  frame time median {result['frame_ms_median']} ms, p99 {result['frame_ms_p99']} ms;"
        f" 5-minute medians {min(w_med):.2f}..{max(w_med):.2f} ms\n"
        f"  reps {reps}, sets {sets}; content edits applied {applied}, rejected {rejected};"
        f" rep log integrity {integrity}"
    )
    if trims:
        print(
            "  RSS right after the app's own heap trims (every 10 min on Attract): "
            + ", ".join(f"{a:.1f}" for _t, _b, a in trims)
            + " MB"
        )
    for e in result["error_samples"]:
        print(f"  error: {e}")
    return 0 if rc == 0 and watch.exceptions == 0 and integrity == "ok" else 1


if __name__ == "__main__":
    raise SystemExit(main())
