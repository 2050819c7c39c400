"""The coach figure, drawn by the program from the same body model as the synthetic camera."""

from __future__ import annotations

import math

import pygame

from kiosk.sim.body import BodyShape, hinge_pose, joints

SHAPE = BodyShape(height_m=1.0)


def rep_depth(t: float, period_s: float = 4.0) -> float:
    """Depth 0..1 of a smooth demonstration rep at time t (hold at top and bottom)."""
    x = (t % period_s) / period_s
    if x < 0.15:
        return 0.0
    if x < 0.5:
        return 0.5 - 0.5 * math.cos(math.pi * (x - 0.15) / 0.35)
    if x < 0.6:
        return 1.0
    if x < 0.95:
        return 0.5 + 0.5 * math.cos(math.pi * (x - 0.6) / 0.35)
    return 0.0


def draw_figure(
    surf: pygame.Surface,
    rect: pygame.Rect,
    depth: float,
    *,
    colour=(240, 240, 240),
    accent=(255, 140, 0),
    facing: int = 1,
    kettlebell: bool = False,
) -> None:
    """Draw the figure hinged to `depth` (0 standing .. 1 full hinge), feet on the bottom of `rect`."""
    h = rect.height * 0.95
    j = joints(
        SHAPE,
        hinge_pose(depth),
        foot_x_px=rect.centerx - facing * 0.05 * h,
        floor_y_px=rect.bottom - 0.02 * h,
        px_per_m=h,
        facing=facing,
    )
    w_leg = max(3, int(0.075 * h))
    w_arm = max(2, int(0.05 * h))
    w_torso = max(4, int(0.13 * h))

    def line(a, b, width, col):
        pa, pb = j[a] if isinstance(a, str) else a, j[b] if isinstance(b, str) else b
        pygame.draw.line(surf, col, pa, pb, width)
        pygame.draw.circle(surf, col, pa, width // 2)
        pygame.draw.circle(surf, col, pb, width // 2)

    dim = tuple(int(c * 0.55) for c in colour)
    line("hip", "far_knee", w_leg, dim)
    line("far_knee", "far_ankle", int(w_leg * 0.8), dim)
    line("shoulder", "far_elbow", w_arm, dim)
    line("far_elbow", "far_wrist", w_arm, dim)
    line("hip", "knee", w_leg, colour)
    line("knee", "ankle", int(w_leg * 0.8), colour)
    line("heel", "toe", int(w_leg * 0.6), colour)
    line("hip", "shoulder", w_torso, colour)
    line("shoulder", "neck", int(w_arm * 1.2), colour)
    pygame.draw.circle(surf, colour, j["head"], int(0.062 * h))
    line("shoulder", "elbow", w_arm, colour)
    line("elbow", "wrist", w_arm, colour)
    if kettlebell:
        hx, hy = j["wrist"]
        pygame.draw.circle(surf, accent, (hx, hy + 0.07 * h), int(0.05 * h))
    # the hip angle the kiosk measures, marked at the hip
    pygame.draw.circle(surf, accent, j["hip"], max(3, int(0.025 * h)))
