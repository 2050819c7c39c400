"""The frame loop: the one-slot camera handoff (newest frame only), the loop in real time under SDL's
dummy driver and under a driver that really uploads (x11 under Xvfb), and the logical-size display
(drawn at 960x540, scaled 2x to a 1080p screen) showing the screen's pixels.

Threads are driven with events and the handoff's own waits; nothing here asserts on elapsed time."""

import json
import os
import queue
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pygame
import pytest

from kiosk.app import App
from kiosk.app.display import Display, logical_size
from kiosk.app.loop import FrameTimes, Loop
from kiosk.core import modes
from kiosk.errors import ConfigError
from kiosk.hw.camera import SimCamera, ThreadedCamera
from kiosk.hw.handoff import CaptureThread, Handoff

ROOT = Path(__file__).resolve().parents[1]
WAIT_S = 10.0  # only a broken thread takes this long


def frame(n: int) -> np.ndarray:
    return np.full((4, 4), n % 256, np.uint8)


class Fed:
    """A grab() the test feeds: each frame put into `q` is grabbed once, in order."""

    def __init__(self) -> None:
        self.q: queue.Queue = queue.Queue()

    def __call__(self):
        f = self.q.get()
        if isinstance(f, BaseException):
            raise f
        return f


# -- the handoff ---------------------------------------------------------------------------------------
def test_a_slow_consumer_gets_the_newest_frame_and_never_a_stale_one():
    h = Handoff()
    fed = Fed()
    cap = CaptureThread(fed, h)
    try:
        for n in range(1, 6):  # five frames while the loop is busy
            fed.q.put(frame(n))
        assert h.wait(WAIT_S, seq=5)
        d = h.take()
        assert d.seq == 5 and d.frame[0, 0] == 5  # the newest
        assert h.replaced == 4  # the four before it were never handed over
        assert h.take() is None  # and nothing is handed over twice
        fed.q.put(frame(6))
        assert h.wait(WAIT_S)
        assert h.take().seq == 6
    finally:
        fed.q.put(None)
        cap.close()


def test_takes_only_ever_move_forward_while_the_camera_races_the_loop():
    h = Handoff()
    done = threading.Event()

    def produce():
        for n in range(1, 3001):
            h.put(frame(n))
        done.set()

    threading.Thread(target=produce).start()
    seen = []
    while not done.is_set():
        d = h.take()
        if d is not None:
            seen.append(d.seq)
    d = h.take()  # the last put, if the loop had not taken it yet
    if d is not None:
        seen.append(d.seq)
    assert seen and seen == sorted(set(seen))  # strictly newer each time: no stale or repeated frame
    assert seen[-1] == 3000


def test_a_capture_error_ends_the_thread_and_is_kept_for_the_owner():
    h = Handoff()
    fed = Fed()
    cap = CaptureThread(fed, h)
    fed.q.put(RuntimeError("sensor gone"))
    cap._thread.join(WAIT_S)
    assert not cap.alive and isinstance(cap.error, RuntimeError)
    cap.close()
    cap.close()  # idempotent


def test_threaded_camera_hands_over_the_sources_frames_and_closes_twice():
    cam = ThreadedCamera(SimCamera(), fps=200)
    try:
        assert cam.handoff.wait(WAIT_S)
        f = cam.read(0.0)
        assert f is not None and f.ndim == 2 and f.dtype == np.uint8
        assert cam.state == "live" and cam.last_error == ""
    finally:
        cam.close()
        cam.close()
    assert not cam._thread.alive


# -- the logical size --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "output, setting, want",
    [
        ((1920, 1080), "auto", (960, 540)),
        ((3840, 2160), "auto", (1280, 720)),
        ((2560, 1440), "auto", (1280, 720)),
        ((1280, 720), "auto", (1280, 720)),
        ((800, 480), "auto", (800, 480)),
        ((1920, 1080), "native", (1920, 1080)),
        ((1920, 1080), "1280x720", (1280, 720)),
    ],
)
def test_logical_size(output, setting, want):
    assert logical_size(output, setting) == want


def test_a_bad_logical_size_says_what_to_write(tmp_path):
    from kiosk.config import load_config

    with pytest.raises(ConfigError, match='use "auto", "native" or WxH'):
        logical_size((1920, 1080), "big")
    p = tmp_path / "kiosk.toml"
    p.write_text('[display]\nlogical_size = "huge"\n')
    with pytest.raises(ConfigError, match=r'kiosk.toml: \[display\] logical_size = "huge" - use "auto"'):
        load_config(p)
    p.write_text('[display]\nlogical_size = "960x540"\n')
    assert load_config(p)["display.logical_size"] == "960x540"


def test_scaled_display_draws_the_screen_at_the_logical_size_on_the_dummy_driver():
    from kiosk.ui.screens import BUTTON_COLOURS, Renderer

    pygame.display.quit()
    d = Display((1920, 1080), fullscreen=False, headless=False, retry_s=(1.0, 1.0), caption="t")
    try:
        d.poll(0.0)
        assert d.up and d.scaled and d.surface.get_size() == (960, 540)
        app = App(headless=True, size=(960, 540))
        app.state = modes.State(mode=modes.Mode.TRAIN, set_target=8)
        app.run_frame(0.0, [], d.surface, Renderer())
        d.flip()
        px = pygame.surfarray.pixels3d(d.surface)
        green = np.all(px == BUTTON_COLOURS["green"], axis=-1)
        ys = np.nonzero(green.any(axis=0))[0]
        assert green.sum() > 5000 and ys.min() > 540 * 0.7  # the GREEN button, along the bottom
        del px
        assert d.upload_bytes == 0  # the dummy driver shows nothing
        assert "drawn at 960x540" in d.path  # (the dummy desktop is too small to show it 2x)
    finally:
        d.close()


# -- the loop in real time -----------------------------------------------------------------------------
def run_loop(seconds: float, *, camera, flip=None, size=(800, 480)) -> tuple[App, list[FrameTimes]]:
    pygame.display.quit()
    app = App(size=size, camera=camera, fps=30)
    app.state = modes.State(mode=modes.Mode.TRAIN, set_target=999)
    times: list[FrameTimes] = []
    loop = Loop(app, seconds=seconds, script=[], on_frame=times.append)
    if flip is not None:
        loop.display.flip = lambda: flip(loop)
    try:
        loop.run()
    finally:
        camera.close()
    return app, times


def test_the_loop_runs_on_the_dummy_driver_with_the_camera_in_its_own_thread():
    cam = ThreadedCamera(SimCamera(), fps=30)
    app, times = run_loop(1.0, camera=cam)
    assert app.frames >= 5 and len(times) == app.frames
    assert any(t.vision_ms > 0 for t in times)  # vision ran on frames from the capture thread
    assert all(t.loop_ms >= t.draw_ms for t in times)
    assert all(t.upload_bytes == 0 for t in times)  # the dummy driver uploads nothing
    assert app.feed.last is not None  # the screen shows what the camera saw


class Handed:
    """A camera whose frames the test puts into its handoff (the Camera side of a capture thread)."""

    name, last_error, state = "handed", "", "live"

    def __init__(self, source: SimCamera) -> None:
        self.source, self.handoff = source, Handoff()
        self.n = 0
        self.taken: list[tuple[int, int]] = []  # (seq taken, newest seq put by then)

    def deliver(self, k: int) -> None:
        for _ in range(k):
            self.n += 1
            self.handoff.put(self.source.read(self.n / 30))

    def read(self, t):
        newest = self.handoff.seq
        d = self.handoff.take()
        if d is None:
            return None
        self.taken.append((d.seq, newest))
        return d.frame

    def lock_exposure(self):
        pass

    def close(self):
        pass


def test_a_flip_that_blocks_for_several_camera_frames_never_leaves_the_loop_behind():
    cam = Handed(SimCamera())
    cam.deliver(1)

    def blocking_flip(loop):  # vsync held the flip while the camera delivered 1..3 frames
        cam.deliver(1 + loop.app.frames % 3)

    run_loop(0.6, camera=cam, flip=blocking_flip)
    assert len(cam.taken) >= 5
    assert all(seq == newest for seq, newest in cam.taken)  # always the newest frame there was
    seqs = [s for s, _ in cam.taken]
    assert seqs == sorted(set(seqs))  # never one twice, never an older one


# -- a driver that really uploads: x11 under Xvfb, the screen read back ---------------------------------
CHILD = textwrap.dedent(
    """
    import json, subprocess, sys
    import numpy as np, pygame
    from kiosk.app import App
    from kiosk.app.loop import Loop
    from kiosk.core import modes
    from kiosk.hw.camera import SimCamera, ThreadedCamera

    shot = sys.argv[1]
    cam = ThreadedCamera(SimCamera(), fps=30)
    app = App(size=(1920, 1080), camera=cam, fps=30)
    app.state = modes.State(mode=modes.Mode.TRAIN, set_target=999)
    out = {}
    def on_frame(f):
        if app.frames == 10:  # after a flip, before the next draw: the surface is what is on screen
            subprocess.run(["import", "-window", "root", shot], check=True)
            out["logical"] = pygame.surfarray.array3d(loop.display.surface).tolist()[::8]
            out["path"] = loop.display.path
            out["upload_bytes"] = f.upload_bytes
            out["present_ms"] = f.present_ms
            out["vision"] = f.vision_ms
    loop = Loop(app, seconds=2.0, script=[], on_frame=on_frame)
    loop.run()
    cam.close()
    out["frames"] = app.frames
    print(json.dumps(out))
    """
)


@pytest.fixture(scope="module")
def xvfb():
    exe = shutil.which("Xvfb")
    if exe is None or shutil.which("import") is None:
        pytest.skip("Xvfb and ImageMagick's import are not installed (apt install xvfb imagemagick)")
    for n in range(150, 200):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            break
    proc = subprocess.Popen(
        [exe, f":{n}", "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    sock = Path(f"/tmp/.X11-unix/X{n}")
    for _ in range(500):
        if sock.exists() or proc.poll() is not None:
            break
        time.sleep(0.02)  # waiting for the server to start, not a timing assertion
    if not sock.exists():
        proc.kill()
        pytest.fail(f"Xvfb :{n} did not start")
    yield f":{n}"
    proc.terminate()
    proc.wait(10)


def test_the_loop_uploads_960x540_and_the_screen_shows_it_scaled_2x(xvfb, tmp_path):
    shot = tmp_path / "screen.png"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SDL_")}
    env.update(DISPLAY=xvfb, SDL_VIDEODRIVER="x11", SDL_AUDIODRIVER="dummy", SDL_RENDER_DRIVER="opengles2")
    r = subprocess.run(
        [sys.executable, "-c", CHILD, str(shot)],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["frames"] >= 10 and out["upload_bytes"] == 960 * 540 * 4  # 2.07 MB a frame, not 8.3
    assert "x11" in out["path"] and "960x540" in out["path"]
    logical = np.array(out["logical"], np.uint8)  # every 8th column of the 960x540 surface
    screen = pygame.surfarray.array3d(pygame.image.load(str(shot)))
    assert screen.shape[:2] == (1920, 1080)
    # nearest-neighbour 2x: screen pixel (2x, 2y) is logical pixel (x, y)
    want = logical[:, ::8]
    got = screen[::16, ::16][: want.shape[0], : want.shape[1]]
    assert (np.abs(got.astype(int) - want.astype(int)).max(axis=-1) <= 2).mean() > 0.99
    assert len(np.unique(want.reshape(-1, 3), axis=0)) > 5  # a real screen, not a blank one
