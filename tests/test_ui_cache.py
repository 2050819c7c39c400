"""The screens' caches (kiosk.ui: a static layer per content, size and screen state; sprites for the
count, the rep strip and the cue; only what changed put back between frames) draw the same pixels as
drawing everything afresh - exactly, no tolerance - through a run of changing frames on one surface,
and a content edit, a new size or a surface drawn on by someone else shows on the very next frame."""

from dataclasses import replace

import numpy as np
import pygame
import pytest
from test_train_screen import Rep, person

from kiosk.content import load_content
from kiosk.core.modes import Mode, State
from kiosk.core.reps import Phase
from kiosk.ui.paint import LAYER_CACHE_BYTES, SPRITE_CACHE_BYTES
from kiosk.ui.screens import Renderer, ScreenFrame

CONTENT = load_content()
SIZES = [(800, 480), (1920, 1080)]
size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
BAR = tuple(min(1.0, max(0.0, 3 - k / 2)) for k in range(10))  # the simulator's on-screen LED bar


def train(reps=0, content=CONTENT, **kw) -> ScreenFrame:
    details = tuple(Rep(100.0 + 3 * k, ("knee_dominant",) if k % 3 == 1 else ()) for k in range(reps))
    state = State(mode=Mode.TRAIN, reps=reps, set_target=content.set_reps, overlay=kw.pop("overlay", False))
    return ScreenFrame(state=state, content=content, t=1.0, rep_details=details, bar_levels=BAR, **kw)


def pixels(surf: pygame.Surface) -> np.ndarray:
    return pygame.surfarray.array3d(surf).copy()


def afresh(size, frame: ScreenFrame) -> np.ndarray:
    surf = pygame.Surface(size)
    Renderer(cache=False).render(surf, frame)
    return pixels(surf)


def frames() -> list[ScreenFrame]:
    """A member arriving, hinging, counting reps (cues changing), the staff overlay on and off, the
    member leaving, the attract and learn screens, and back."""
    live = person()
    out = [train(), train(**live), train(**{**live, "live_present": False})]
    for k, (angle, depth, phase) in enumerate(
        [(170.0, 0.05, Phase.STANDING), (140.0, 0.5, Phase.DESCENDING), (118.0, 1.0, Phase.BOTTOM)]
    ):
        out.append(train(k, **{**live, "live_angle_deg": angle, "live_depth": depth, "live_phase": phase}))
    out.append(train(3, **live, rep_flash=True))
    out.append(train(3, **live, rep_flash=True, overlay=True, staff_lines=("address: kiosk1", "no notices")))
    out.append(train(3, **live, rep_flash=True))  # the overlay gone from over the same count and cue
    out.append(train(4, **live, form_cue="knee_dominant", rep_flash=True))
    out.append(train(4, **{**live, "live_facing": -1, "live_angle_deg": 150.0}))
    out.append(train(4))
    out.append(ScreenFrame(state=State(mode=Mode.ATTRACT, card=0), content=CONTENT, t=2.3, bar_levels=BAR))
    out.append(ScreenFrame(state=State(mode=Mode.ATTRACT, card=0), content=CONTENT, t=2.4, bar_levels=BAR))
    learn = State(mode=Mode.LEARN, step=1, n_steps=len(CONTENT.steps), since=0.0)
    out += [ScreenFrame(state=learn, content=CONTENT, t=t, learn_from_pose=0.0) for t in (0.3, 1.0, 1.1)]
    out.append(train(4, **live))
    return out


@size_ids
def test_a_run_of_frames_drawn_with_the_caches_is_pixel_identical_to_drawing_each_afresh(size):
    pygame.font.init()
    renderer, surf = Renderer(), pygame.Surface(size)
    for n, frame in enumerate(frames()):
        renderer.render(surf, frame)
        assert np.array_equal(pixels(surf), afresh(size, frame)), f"frame {n}"
    assert len(renderer._layers) >= 1 and len(renderer._sprites) >= 2  # (the caches were used)


@size_ids
def test_a_content_edit_shows_on_the_next_frame(size):
    pygame.font.init()
    renderer, surf = Renderer(), pygame.Surface(size)
    frame = train(2, **person())
    renderer.render(surf, frame)
    renderer.render(surf, frame)
    before = pixels(surf)
    # new texts (the header, the cue) and a new theme colour, at the same version: a new content
    theme = replace(CONTENT.theme, panel=(60, 20, 20))
    edited = replace(CONTENT, gym_name="OTHER GYM", cues={**CONTENT.cues, "descending": "Push hips back"})
    edited = replace(edited, theme=theme)
    renderer.render(surf, replace(frame, content=edited))
    after = pixels(surf)
    assert np.array_equal(after, afresh(size, replace(frame, content=edited)))
    assert not np.array_equal(after[:, : size[1] // 5], before[:, : size[1] // 5])  # the header
    assert (np.abs(after - np.array((60, 20, 20))).max(axis=-1) == 0).sum() > 1000  # the panel colour


def test_a_new_size_and_a_surface_drawn_on_by_someone_else_show_right_on_the_next_frame():
    pygame.font.init()
    renderer = Renderer()
    frame = train(2, **person())
    for size in ((800, 480), (1920, 1080), (800, 480)):
        surf = pygame.Surface(size)
        renderer.render(surf, frame)
        assert np.array_equal(pixels(surf), afresh(size, frame)), size
    surf.fill((0, 0, 0))  # e.g. the display opened again: the same surface, its pixels gone
    renderer.render(surf, frame)
    assert np.array_equal(pixels(surf), afresh((800, 480), frame))


def test_the_caches_stay_bounded_over_a_long_set():
    pygame.font.init()
    renderer, surf = Renderer(), pygame.Surface((800, 480))
    live = person()
    for reps in range(40):
        for phase in (Phase.STANDING, Phase.DESCENDING, Phase.BOTTOM):
            renderer.render(surf, train(reps, **{**live, "live_phase": phase}))
        renderer.render(
            surf, ScreenFrame(state=State(mode=Mode.ATTRACT, card=reps % 4), content=CONTENT, t=1.0)
        )
    assert renderer._sprites.bytes <= SPRITE_CACHE_BYTES
    assert renderer._layers.bytes <= max(LAYER_CACHE_BYTES, 800 * 480 * 4)


def test_the_learn_figure_stays_on_the_screen_once_it_has_moved_into_its_pose():
    """The figure moves live for 0.8 s, then becomes part of the cached layer: it must be there."""
    from kiosk.ui.gallery import screens

    first = dict(screens(load_content()))["learn-1"]
    state = replace(first.state, since=0.0)
    surf = pygame.Surface((960, 540))
    r = Renderer()
    lit = []
    for i in range(45):
        r.render(surf, replace(first, state=state, t=i / 30))
        a = pygame.surfarray.array3d(surf)[100:350, 100:450]
        lit.append(int(((a[..., 0] > 200) & (a[..., 1] > 150)).sum()))  # the figure's skin and shirt
    assert min(lit) > 2000, lit
