"""Kiosk app benchmark: headless frame time with vision running, start-up time, memory over a long run.

    make bench-app                     # 1920x1080 and 800x480 frame times, start-up, 10-minute run
    make bench-app ARGS='--minutes 1'  # a shorter memory run

Frame time is one whole loop iteration of the app (buttons, camera, vision, mode machine, LED bar,
drawing the screen) on the Train screen with the synthetic person hinging, headless (SDL dummy video
driver: no display flip, which a real screen adds).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pygame  # noqa: E402

from kiosk.app import App  # noqa: E402
from kiosk.core import modes  # noqa: E402
from kiosk.ui.screens import Renderer  # noqa: E402


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def frame_times(size: tuple[int, int], seconds: float = 20.0, fps: float = 30.0) -> np.ndarray:
    pygame.display.init()
    app = App(headless=True, size=size, fps=fps)
    app.state = modes.State(mode=modes.Mode.TRAIN, set_target=999)
    screen = pygame.Surface(size)
    renderer = Renderer()
    ms = []
    for i in range(int(seconds * fps)):
        t = i / fps
        t0 = time.perf_counter()
        app.run_frame(t, [], screen, renderer)
        ms.append((time.perf_counter() - t0) * 1000)
    return np.array(ms[int(fps) :])  # the first second warms caches


def startup_s() -> float:
    """Process start to the first frame drawn, headless (`kiosk run --headless --seconds 0.01`)."""
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kiosk", "run", "--headless", "--seconds", "0.01"],
        check=True,
        capture_output=True,
        env={**os.environ, "SDL_VIDEODRIVER": "dummy"},
    )
    return time.perf_counter() - t0


def long_run(minutes: float, fps: float = 15.0) -> tuple[float, float, int]:
    app = App(headless=True, size=(800, 480), fps=fps)
    pygame.display.init()
    screen = pygame.Surface((800, 480))
    renderer = Renderer()
    # GREEN presses every 40 s keep it cycling through train, summary and call like a busy day
    first = last = 0.0
    n = int(minutes * 60 * fps)
    for i in range(n):
        t = i / fps
        edges = []
        if i % int(40 * fps) == 0:
            edges = [("green", True, t)]
        elif i % int(40 * fps) == 3:
            edges = [("green", False, t)]
        app.run_frame(t, edges, screen, renderer)
        if i == int(30 * fps):
            first = rss_mb()
    last = rss_mb()
    return first, last, app.sessions.member_reps_since_start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=10.0)
    args = ap.parse_args()
    rows = []
    for size in ((1920, 1080), (800, 480)):
        ms = frame_times(size)
        rows.append(
            (
                f"frame time at {size[0]}x{size[1]}, median / p95",
                f"{np.median(ms):.2f} / {np.percentile(ms, 95):.2f} ms",
            )
        )
        print(rows[-1], flush=True)
    s = min(startup_s() for _ in range(3))
    rows.append(("process start to first frame (headless, best of 3)", f"{s:.2f} s"))
    print(rows[-1], flush=True)
    first, last, reps = long_run(args.minutes)
    rows.append(
        (
            f"RSS over a {args.minutes:g}-minute run (at 30 s -> end), reps counted",
            f"{first:.1f} -> {last:.1f} MB, {reps} reps",
        )
    )
    print()
    print("| measure | value |")
    print("|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
