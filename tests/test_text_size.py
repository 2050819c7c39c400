"""No text on any screen is shorter than 3 % of the screen height (readable from 3 m): every screen the
gallery knows, at the smallest and the largest supported size and at the size a 1080p TV is drawn at,
with every text line's rendered height."""

import numpy as np
import pygame
import pytest

from kiosk.content import load_content
from kiosk.ui.gallery import cue_screens, screens
from kiosk.ui.paint import MIN_TEXT_SHARE
from kiosk.ui.screens import Renderer

SIZES = [(800, 480), (960, 540), (1920, 1080)]  # 960x540: what a 1080p TV is drawn at, scaled 2x


def _someone_hinged():
    """A camera view with a silhouette and joints, so the Train screens draw everything they can."""
    mask = np.zeros((120, 160), bool)
    mask[30:110, 70:85] = True
    return dict(
        live_present=True,
        live_angle_deg=140.0,
        live_depth=0.6,
        live_mask=mask,
        live_mask_scale=2,
        live_bbox_px=(140, 60, 170, 220),
        live_joints_px={"hip": (150.0, 130.0), "knee": (152.0, 175.0), "shoulder": (160.0, 80.0),
                        "ankle": (150.0, 215.0)},
    )  # fmt: skip


@pytest.fixture(scope="module")
def every_screen():
    content = load_content()
    return screens(content, live=_someone_hinged()) + cue_screens(content)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_text_on_every_screen_is_at_least_3_percent_of_the_screen_height(every_screen, size):
    pygame.font.init()
    renderer, surf = Renderer(), pygame.Surface(size)
    smallest = MIN_TEXT_SHARE * size[1]
    too_small, drawn = [], 0
    for name, frame in every_screen:
        renderer.text_log = []
        renderer.render(surf, frame)
        drawn += len(renderer.text_log)
        too_small += [(name, s, h) for s, h in renderer.text_log if h < smallest]
    assert drawn > 10 * len(every_screen) // 2  # the log saw the screens' texts
    assert not too_small, f"text under {smallest:.1f} px at {size}: {sorted(set(too_small))[:12]}"


def test_the_gallery_includes_the_fault_screen_and_the_staff_overlay(every_screen):
    names = {name for name, _frame in every_screen}
    assert {"fault", "staff", "summary", "train", "attract-2"} <= names
