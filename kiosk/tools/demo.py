"""Vision demo: a synthetic person walks in and does a set; the live pipeline measures and counts.

Shows, side by side, the camera frame and what the kiosk makes of it (silhouette, seat, thigh and
back lines, hip angle, depth bar, rep count). With --headless (or no display) it prints a readout
line per second instead. Esc or Q quits; R re-learns the background.
"""

from __future__ import annotations

import os
import time

import numpy as np

from kiosk.core.pipeline import FrameResult, Pipeline


def _readout(r: FrameResult) -> str:
    angle = "  - " if r.hip_angle_deg is None else f"{r.hip_angle_deg:4.0f}"
    who = "person" if r.present else "nobody"
    return f"t={r.t:5.1f}s {who:6s} hip {angle} deg  depth {r.depth:4.2f}  reps {r.count}  {r.phase.value}"


def run_demo(*, scene_index: int = -1, headless: bool = False, seconds: float | None = None) -> int:
    from kiosk.sim.library import benchmark_specs, demo_scene
    from kiosk.sim.scene import Scene

    specs = benchmark_specs()
    scene = Scene(demo_scene() if scene_index < 0 else specs[scene_index % len(specs)])
    pipe = Pipeline()
    duration_s = seconds if seconds is not None else scene.n_frames / scene.fps
    if headless or not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")):
        if not headless:
            print("no display found: running headless (set DISPLAY or pass --headless to silence this)")
        next_print = 0.0
        for i in range(int(duration_s * scene.fps)):
            t = i / scene.fps
            r = pipe.step(scene.render_at(t), t)
            for e in r.events:
                if e.kind == "rep":
                    print(f"  rep {e.rep}: deepest {e.angle_deg:.0f} deg in {e.duration_s:.1f} s")
            if t >= next_print:
                print(_readout(r))
                next_print += 1.0
        if duration_s >= scene.n_frames / scene.fps:
            print(f"done: {pipe.counter.count} reps counted, {scene.true_reps} performed in the scene")
        else:
            print(f"stopped after {duration_s:g} s: {pipe.counter.count} reps counted so far")
        return 0
    return _window(scene, pipe, duration_s)


def _window(scene, pipe: Pipeline, duration_s: float) -> int:
    import pygame

    pygame.display.init()  # (not the mixer: no sound here, and no ALSA noise on headless boxes)
    pygame.font.init()
    w, h = scene.width_px, scene.height_px
    zoom = max(1, min(3, 1400 // (2 * w)))
    screen = pygame.display.set_mode((2 * w * zoom, h * zoom + 90))
    pygame.display.set_caption("Crux kiosk - vision demo (Esc quits, R re-learns the background)")
    font = pygame.font.Font(None, 34)
    clock = pygame.time.Clock()
    t0 = time.monotonic()
    while True:
        for ev in pygame.event.get():
            if ev.type == pygame.QUIT or (
                ev.type == pygame.KEYDOWN and ev.key in (pygame.K_ESCAPE, pygame.K_q)
            ):
                pygame.quit()
                return 0
            if ev.type == pygame.KEYDOWN and ev.key == pygame.K_r:
                pipe.relearn_background()
        t = time.monotonic() - t0
        if t > duration_s:
            pygame.quit()
            return 0
        frame = scene.render_at(t)
        r = pipe.step(frame, t)
        rgb = np.repeat(frame.T[:, :, None], 3, axis=2)
        left = pygame.transform.scale(pygame.surfarray.make_surface(rgb), (w * zoom, h * zoom))
        o = r.observation
        view = np.zeros((w, h, 3), np.uint8)
        view[...] = (20, 24, 32)
        if o.mask.size:
            m = np.kron(o.mask, np.ones((o.scale, o.scale), bool))[:h, :w].T
            view[: m.shape[0], : m.shape[1]][m] = (60, 170, 230) if r.present else (90, 90, 90)
        right = pygame.transform.scale(pygame.surfarray.make_surface(view), (w * zoom, h * zoom))
        if o.seat_xy and o.knee_xy and o.shoulder_xy:
            sx, sy = o.seat_xy[0] * zoom, o.seat_xy[1] * zoom
            for p, col in ((o.knee_xy, (120, 230, 120)), (o.shoulder_xy, (255, 200, 60))):
                pygame.draw.line(right, col, (sx, sy), (p[0] * zoom, p[1] * zoom), 4)
            pygame.draw.circle(right, (255, 80, 80), (sx, sy), 6)
        screen.fill((0, 0, 0))
        screen.blit(left, (0, 0))
        screen.blit(right, (w * zoom, 0))
        y = h * zoom + 10
        bar_w = 2 * w * zoom - 20
        pygame.draw.rect(screen, (50, 50, 60), (10, y, bar_w, 22))
        pygame.draw.rect(screen, (60, 200, 90), (10, y, int(bar_w * r.depth), 22))
        screen.blit(font.render(_readout(r), True, (235, 235, 235)), (10, y + 32))
        pygame.display.flip()
        clock.tick(scene.fps)


def demo_command(args) -> int:
    """`kiosk demo [--scene N] [--headless] [--seconds S]`."""
    return run_demo(scene_index=args.scene, headless=args.headless, seconds=args.seconds)
