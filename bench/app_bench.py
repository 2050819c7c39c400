"""Kiosk app benchmark: the whole frame loop with presentation, start-up time, memory over a long run.

    make bench-app                      # 1920x1080 and 800x480 output, start-up, a 10-minute memory run
    make bench-app ARGS=--quick         # the same, short (under a minute)
    make bench-app ARGS='--minutes 2'   # a shorter memory run
    make bench-app ARGS=--json          # ... and one JSON object as the last line

It needs no display: it starts its own X server (Xvfb, one screen at 1920x1080 and one at 800x480) and
stops it at the end. Each measurement runs the kiosk's real loop (kiosk.app.loop.Loop) in a process
of its own on SDL's x11 driver, as `kiosk run` would: buttons, the camera's newest frame from a capture
thread (the synthetic person hinging, rendered before the run so the capture thread only hands frames
over, as the Pi camera's does), vision, the mode machine, the LED bar, the Train screen drawn at the
logical size, and `display.flip()` - SDL's opengles2 renderer (Mesa llvmpipe through EGL: a CPU
standing in for the GPU) with one streaming texture at the logical size, scaled to the window.
Windows fill the screen (Xvfb has no window manager, and SDL's FULLSCREEN then shows a wrong picture).

Per iteration: loop = everything but `Clock.tick`'s wait; capture = taking the newest frame from the
handoff; vision = the pipeline step; draw = the screen; present = the flip (upload + scale + swap);
upload alone = one `SDL_UpdateTexture` of the logical surface, timed apart after the run (the part
of present a Pi's CPU pays; scaling and swapping are its GPU's). Vsync: a run with vsync on says
whether a flip that blocks makes the loop fall behind the camera (frames it never took, frame age).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SIZES = ((1920, 1080), (800, 480))
FPS = 30.0
PRESENT_PATH = (
    "x11 under Xvfb, SDL opengles2 renderer (Mesa llvmpipe via EGL) + one streaming texture at the"
    " logical size (960x540 scaled 2x to a 1920x1080 window; 800x480 shown as it is)"
)


# -- the X server ---------------------------------------------------------------------------------------
class Xvfb:
    """An X server of our own on a free display number, with a 1920x1080 and an 800x480 screen."""

    def __init__(self) -> None:
        exe = shutil.which("Xvfb")
        if exe is None:
            raise SystemExit("bench-app needs Xvfb - sudo apt install xvfb")
        for n in range(90, 140):
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
                break
        self.display = f":{n}"
        self.proc = subprocess.Popen(
            [exe, self.display, "-screen", "0", "1920x1080x24", "-screen", "1", "800x480x24",
             "-nolisten", "tcp", "-noreset"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        sock = Path(f"/tmp/.X11-unix/X{n}")
        deadline = time.monotonic() + 10
        while not sock.exists():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Xvfb {self.display} did not start - run it by hand to see why")
            time.sleep(0.02)

    def env(self, screen: int) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("SDL_", "NOTIFY_SOCKET"))}
        env.update(DISPLAY=f"{self.display}.{screen}", SDL_VIDEODRIVER="x11", SDL_RENDER_DRIVER="opengles2",
                   SDL_AUDIODRIVER="dummy", OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
        return env

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def child(xvfb: Xvfb, screen: int, *args: str) -> dict:
    """Run this file as a child in `screen`; its last stdout line is its JSON."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", *args], env=xvfb.env(screen), capture_output=True, text=True,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(f"bench child {args} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


# -- in the child: the kiosk's loop -------------------------------------------------------------------
class Frames:
    """The synthetic person's frames, rendered before the run (a Camera source for ThreadedCamera)."""

    name = "sim"
    state = "live"
    last_error = ""

    def __init__(self, seconds: float, fps: float) -> None:
        from kiosk.sim.library import demo_scene
        from kiosk.sim.scene import Scene

        scene = Scene(demo_scene())
        self.fps = fps
        self.frames = [scene.render_at(i / fps) for i in range(int(seconds * fps))]

    def read(self, t: float):
        return self.frames[int(t * self.fps) % len(self.frames)].copy()  # a fresh buffer, as picamera2's

    def lock_exposure(self) -> None:
        pass

    def close(self) -> None:
        pass


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def run_loop(size: tuple[int, int], seconds: float, *, vsync: bool, script=(), on_frame=None, logical="auto"):
    import pygame

    from kiosk.app import App
    from kiosk.app.loop import Loop
    from kiosk.core import modes
    from kiosk.hw.camera import ThreadedCamera

    camera = ThreadedCamera(Frames(min(seconds, 20.0), FPS), fps=FPS)
    app = App(size=size, fps=FPS, camera=camera, vsync=vsync, logical_size=logical)
    if not script:
        app.state = modes.State(mode=modes.Mode.TRAIN, set_target=999)
    ages, took = [], [0, 0]
    take = camera.handoff.take

    def timed_take():
        d = take()
        took[0] += 1
        if d is not None:
            took[1] += 1
            ages.append((time.monotonic() - d.captured_mono) * 1000)
        return d

    camera.handoff.take = timed_take
    loop = Loop(app, seconds=seconds, script=list(script), on_frame=on_frame)
    try:
        loop.run()
    finally:
        camera.close()
    pygame.quit()
    return app, loop, camera, ages, took


def child_loop(size: tuple[int, int], seconds: float, vsync: bool, logical: str = "auto") -> dict:
    import numpy as np

    times = []
    _app, loop, camera, ages, took = run_loop(
        size, seconds, vsync=vsync, on_frame=times.append, logical=logical
    )
    times = times[int(FPS) :]  # the first second warms caches
    col = lambda k: np.array([getattr(f, k) for f in times])  # noqa: E731
    vision = col("vision_ms")
    out = {
        "frames": len(times),
        "loop_ms": {
            "median": float(np.median(col("loop_ms"))), "p95": float(np.percentile(col("loop_ms"), 95)),
        },
        "split_ms": {
            "capture": float(np.median(col("capture_ms"))),
            "vision": float(np.median(vision[vision > 0])) if (vision > 0).any() else 0.0,
            "draw": float(np.median(col("draw_ms"))),
            "present": float(np.median(col("present_ms"))),
            "present_p95": float(np.percentile(col("present_ms"), 95)),
        },
        "upload_bytes": int(np.median(col("upload_bytes"))),
        "camera_frames": camera.handoff.seq,
        "frames_never_taken": camera.handoff.replaced,
        "loops_without_a_new_frame": took[0] - took[1],
        "frame_age_ms": {"median": float(np.median(ages)), "max": float(np.max(ages))} if ages else None,
        "loop_fps": len(times) / max(seconds - 1.0, 1e-6),
        "path": loop.display.path,
    }
    out["upload_alone_ms"] = upload_alone(size, logical)
    return out


def upload_alone(size: tuple[int, int], setting: str = "auto") -> float:
    """One SDL_UpdateTexture of the logical surface (the upload inside each flip), median of 200."""
    import warnings

    import numpy as np
    import pygame
    from pygame._sdl2 import video

    from kiosk.app.display import logical_size

    logical = logical_size(size, setting)
    pygame.display.init()
    surf = pygame.display.set_mode(logical, pygame.SCALED if logical != size else 0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        renderer = video.Renderer.from_window(video.Window.from_display_module())
    tex = video.Texture(renderer, logical, streaming=True)
    surf.fill((30, 40, 50))
    ms = []
    for i in range(200):
        surf.fill((i % 255, 40, 50), (0, 0, 50, 50))
        t0 = time.perf_counter()
        tex.update(surf)
        ms.append((time.perf_counter() - t0) * 1000)
    pygame.quit()
    return float(np.median(ms))


def child_rss(minutes: float) -> dict:
    """The whole loop at 800x480 for `minutes`, a GREEN press every 40 s from Attract (it walks Learn's
    steps; the run counts no reps - the screens change, the camera and vision run all along)."""
    from kiosk.app.script import ScriptEvent

    seconds = minutes * 60
    script = [ScriptEvent(t, "green", 0.0) for t in range(1, int(seconds), 40)]
    first_at_s = min(30.0, seconds / 4)
    samples = []
    t0 = time.monotonic()

    def on_frame(_f) -> None:
        el = time.monotonic() - t0
        if not samples or (el >= first_at_s and len(samples) == 1):
            samples.append(rss_mb())

    app, *_ = run_loop((800, 480), seconds, vsync=False, script=script, on_frame=on_frame)
    return {"first_mb": samples[-1], "at_s": first_at_s, "last_mb": rss_mb(), "minutes": minutes,
            "reps": app.sessions.member_reps_since_start}


# -- start-up ------------------------------------------------------------------------------------------
def startup_s(xvfb: Xvfb) -> float:
    """Process start to the first frame on the screen: `kiosk run` under Xvfb at 1920x1080 until its
    READY=1 (sent after the first flip) arrives on our NOTIFY_SOCKET."""
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "notify")
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        sock.bind(path)
        sock.settimeout(20)
        env = xvfb.env(0) | {"NOTIFY_SOCKET": path}
        t0 = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, "-m", "kiosk", "run", "--window", "1920x1080", "--seconds", "1.5",
             "--db", "off"],
            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            while True:
                msg = sock.recv(4096).decode()
                if "READY=1" in msg:
                    return time.perf_counter() - t0
        finally:
            proc.wait(30)
            sock.close()


# -- the report ------------------------------------------------------------------------------------------
def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=None, help="memory run (default 10; --quick 0.25)")
    ap.add_argument("--seconds", type=float, default=None, help="each loop run (default 20; --quick 6)")
    ap.add_argument("--quick", action="store_true", help="short runs: under a minute in all")
    ap.add_argument("--json", action="store_true", help="one JSON object as the last line")
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, *rest = args.child
        if kind == "loop":
            w, h = (int(v) for v in rest[0].split("x"))
            res = child_loop((w, h), float(rest[1]), rest[2] == "vsync", *rest[3:])
        else:
            res = child_rss(float(rest[0]))
        print(json.dumps(res))
        return 0
    seconds = args.seconds or (6.0 if args.quick else 20.0)
    minutes = args.minutes if args.minutes is not None else (0.25 if args.quick else 10.0)
    xvfb = Xvfb()
    try:
        loops = {}
        for screen, (w, h) in enumerate(SIZES):
            loops[f"{w}x{h}"] = child(xvfb, screen, "loop", f"{w}x{h}", str(seconds), "novsync")
            print(f"{w}x{h}: {json.dumps(loops[f'{w}x{h}'])}", flush=True)
        vs = child(xvfb, 0, "loop", "1920x1080", str(min(seconds, 8.0)), "vsync")
        print(f"1920x1080 with vsync: {json.dumps(vs)}", flush=True)
        native = None
        if not args.quick:  # the design before: the whole 1080p window surface uploaded every flip
            native = child(xvfb, 0, "loop", "1920x1080", str(min(seconds, 8.0)), "novsync", "native")
            print(f"1920x1080 drawn natively: {json.dumps(native)}", flush=True)
        starts = [startup_s(xvfb) for _ in range(3)]
        print(f"start-up (s): {starts}", flush=True)
        rss = child(xvfb, 1, "rss", str(minutes)) if minutes > 0 else None
        print(f"memory: {json.dumps(rss)}", flush=True)
    finally:
        xvfb.close()
    big, small = loops["1920x1080"], loops["800x480"]
    rows = [("present path", PRESENT_PATH)]
    for key, r in loops.items():
        s = r["split_ms"]
        rows += [
            (f"{key}: whole loop median / p95",
             f"{r['loop_ms']['median']:.2f} / {r['loop_ms']['p95']:.2f} ms"),
            (f"{key}: capture / vision / draw / present (median)",
             f"{s['capture']:.3f} / {s['vision']:.2f} / {s['draw']:.2f} / {s['present']:.2f} ms"),
            (f"{key}: upload alone (in present)", f"{r['upload_alone_ms']:.2f} ms"),
            (f"{key}: bytes uploaded per frame", f"{r['upload_bytes']:,} ({r['path']})"),
        ]
    age = vs["frame_age_ms"] or {"median": float("nan"), "max": float("nan")}
    rows += [
        ("1920x1080 with vsync: loop fps, present median",
         f"{vs['loop_fps']:.1f} fps, {vs['split_ms']['present']:.2f} ms"),
        ("1920x1080 with vsync: camera frames / never taken / frame age at take median, max",
         f"{vs['camera_frames']} / {vs['frames_never_taken']} / {age['median']:.1f}, {age['max']:.1f} ms"),
        ("process start to first frame on screen (x11, best of 3)", f"{min(starts):.2f} s"),
    ]
    if native is not None:
        ns = native["split_ms"]
        rows.append(("1920x1080 drawn natively (logical_size native): loop median / p95; draw / present",
                     f"{native['loop_ms']['median']:.2f} / {native['loop_ms']['p95']:.2f} ms;"
                     f" {ns['draw']:.2f} / {ns['present']:.2f} ms; {native['upload_bytes']:,} bytes"))
    growth = None
    if rss is not None:
        growth = rss["last_mb"] - rss["first_mb"]
        rows.append((f"RSS over {rss['minutes']:g} min of the whole loop (at {rss['at_s']:g} s -> end)",
                     f"{rss['first_mb']:.1f} -> {rss['last_mb']:.1f} MB ({growth:+.1f})"))
    print()
    print("| measure | value |")
    print("|---|---|")
    for k, v in rows:
        print(f"| {k} | {v} |")
    if args.json:
        print(json.dumps({
            "loop_ms": {k: {"median": round(r["loop_ms"]["median"], 3), "p95": round(r["loop_ms"]["p95"], 3)}
                        for k, r in loops.items()},
            "split_ms": {k: round(big["split_ms"][k], 3) for k in ("vision", "draw", "present")},
            "upload_bytes_per_frame": {"1920x1080": big["upload_bytes"], "800x480": small["upload_bytes"]},
            "startup_s": round(min(starts), 3),
            "rss_growth_mb": None if growth is None else round(growth, 2),
            "present_path": PRESENT_PATH,
        }))
    return 0


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        raise SystemExit(main())
