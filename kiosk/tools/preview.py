"""`kiosk preview`: every screen as a PNG, drawn exactly as the kiosk draws it, without the kiosk;
the synthetic person stands in on Train."""

from __future__ import annotations

from pathlib import Path

import pygame

from kiosk.app.view import live_fields
from kiosk.content import Content
from kiosk.core.pipeline import Pipeline
from kiosk.errors import ConfigError
from kiosk.sim.library import demo_scene
from kiosk.sim.scene import Scene
from kiosk.ui.gallery import screens
from kiosk.ui.screens import Renderer

WALK_IN_S = 12.0  # the demo scene: someone walks in and hinges; its frame at this time (going down) is shown


def _someone_in_view() -> dict:
    """The Train screen's camera view: the live pipeline run over the demo scene."""
    scene, pipe = Scene(demo_scene()), Pipeline()
    live = None
    for i in range(int(WALK_IN_S * scene.fps)):
        live = pipe.step(scene.render(i), i / scene.fps)
    return {**live_fields(live), "live_present": True}  # as the kiosk shows it (smoothed angle)


def write_previews(content: Content, out: Path, size_px: tuple[int, int]) -> int:
    """One PNG per screen into `out`; returns how many. Main thread (pygame)."""
    out.mkdir(parents=True, exist_ok=True)
    surf, renderer = pygame.Surface(size_px), Renderer()
    shots = screens(content, live=_someone_in_view())
    for name, frame in shots:
        renderer.render(surf, frame)
        pygame.image.save(surf, str(out / f"{name}.png"))
    return len(shots)


def preview_command(args) -> int:
    """`kiosk preview [DIR] --out OUTDIR [--size WxH]`."""
    from kiosk.content import check_content
    from kiosk.tools.content import content_source
    from kiosk.ui.fit import ScreenFit

    size = size_arg(args.size, "--size", "1920x1080")
    source = content_source(args.dir or args.content)
    content, problems = check_content(source, screen=ScreenFit())
    if content is None:
        for p in problems:
            print(p)
        print(f"{source}: {len(problems)} problem(s) - fix them, then preview again (nothing was drawn)")
        return 1
    n = write_previews(content, Path(args.out), size)
    print(f"{n} screens from {content.source} at {size[0]}x{size[1]} in {args.out}/")
    return 0


def size_arg(text: str, flag: str, example: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError as e:
        raise ConfigError(f"{flag} {text!r} is not WxH, e.g. {example}") from e
    return w, h
