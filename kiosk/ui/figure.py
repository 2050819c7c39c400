"""The coach figure, drawn by the program from the same body model (joints and proportions) as the
synthetic camera: tapered limbs, a chest, a head with a cap's visor and a nose showing which way it
faces, shoes, and - on the attract cards - a kettlebell in both hands."""

from __future__ import annotations

import math

import pygame

from kiosk.sim.body import HEAD_R, BodyShape, hinge_pose, joints

SHAPE = BodyShape(height_m=1.0)
SKIN = (226, 178, 142)
SHOE = (70, 78, 92)
IRON = (92, 98, 110)  # the kettlebell


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


def capsule(surf, colour, p0, r0: float, p1, r1: float) -> None:
    """A limb: two discs joined by their outer tangents (a tapered capsule), edges anti-aliased."""
    (x0, y0), (x1, y1) = p0, p1
    d = math.dist(p0, p1)
    pygame.draw.aacircle(surf, colour, p0, r0)
    pygame.draw.aacircle(surf, colour, p1, r1)
    if d <= abs(r0 - r1) + 0.5:
        return
    ux, uy = (x1 - x0) / d, (y1 - y0) / d
    # the tangent points: rotate the axis by the angle the radii's difference makes
    s = (r0 - r1) / d
    c = math.sqrt(max(0.0, 1 - s * s))
    pts = []
    for side in (1, -1):
        nx, ny = s * ux - side * c * uy, s * uy + side * c * ux
        pts.append(((x0 + r0 * nx, y0 + r0 * ny), (x1 + r1 * nx, y1 + r1 * ny)))
    (a0, a1), (b0, b1) = pts
    pygame.draw.polygon(surf, colour, (a0, a1, b1, b0))
    pygame.draw.aaline(surf, colour, a0, a1)
    pygame.draw.aaline(surf, colour, b0, b1)


def _mix(a, b, share: float) -> tuple[int, int, int]:
    return tuple(int(x + (y - x) * share) for x, y in zip(a, b, strict=True))


def draw_figure(
    surf: pygame.Surface,
    rect: pygame.Rect,
    depth: float,
    *,
    colour=(240, 240, 240),
    accent=(255, 140, 0),
    facing: int = 1,
    kettlebell: bool = False,
) -> pygame.Rect:
    """Draw the figure hinged to `depth` (0 standing .. 1 full hinge), feet on the bottom of `rect`.
    Returns a rect holding all it drew (its joints' box and a margin wider than any part's reach)."""
    h = rect.height * 0.93
    f = 1 if facing >= 0 else -1
    j = joints(
        SHAPE,
        hinge_pose(depth),
        foot_x_px=rect.centerx - f * 0.08 * h,
        floor_y_px=rect.bottom - 0.02 * h,
        px_per_m=h,
        facing=f,
    )
    far = _mix(colour, (20, 26, 36), 0.5)
    far_skin = _mix(SKIN, (20, 26, 36), 0.5)
    edge = _mix(colour, (20, 26, 36), 0.25)  # the near arm's outline, so it reads over the chest
    legs = _mix(colour, (90, 110, 140), 0.55)  # shorts/trousers a shade off the shirt

    def c(col, a, r0, b, r1):
        capsule(
            surf, col, j[a] if isinstance(a, str) else a, r0 * h, j[b] if isinstance(b, str) else b, r1 * h
        )

    # far side first: leg, arm (partly hidden behind the body)
    c(_mix(legs, (20, 26, 36), 0.5), "hip", 0.05, "far_knee", 0.036)
    c(far_skin, "far_knee", 0.032, "far_ankle", 0.021)
    c(_mix(SHOE, (20, 26, 36), 0.3), "far_heel", 0.022, "far_toe", 0.019)
    c(far, "shoulder", 0.026, "far_elbow", 0.022)
    c(far_skin, "far_elbow", 0.021, "far_wrist", 0.018)
    c(far_skin, "far_wrist", 0.02, "far_hand", 0.018)
    # near leg: seat, thigh, calf, shin, shoe
    hip, knee, ankle = j["hip"], j["knee"], j["ankle"]
    seat = (hip[0] - f * 0.014 * h, hip[1] + 0.008 * h)
    c(legs, seat, 0.06, seat, 0.06)
    calf = (knee[0] + 0.28 * (ankle[0] - knee[0]) - f * 0.003 * h, knee[1] + 0.28 * (ankle[1] - knee[1]))
    c(SKIN, "knee", 0.034, "ankle", 0.021)
    c(SKIN, calf, 0.03, calf, 0.03)
    c(legs, "hip", 0.058, "knee", 0.04)  # shorts to just above the knee
    c(SHOE, "heel", 0.024, "toe", 0.021)
    # trunk: hips to a deeper chest, neck, head
    sh = j["shoulder"]
    trunk = (sh[0] - hip[0], sh[1] - hip[1])
    chest = (hip[0] + 0.62 * trunk[0], hip[1] + 0.62 * trunk[1])
    n = math.hypot(*trunk) or 1.0
    fwd = (-trunk[1] / n, trunk[0] / n)
    if fwd[0] * f + fwd[1] < 0:  # the chest's front: toward the face, or down when hinged flat
        fwd = (-fwd[0], -fwd[1])
    chest_front = (chest[0] + 0.018 * h * fwd[0], chest[1] + 0.018 * h * fwd[1])
    waist = (hip[0] + 0.2 * trunk[0], hip[1] + 0.2 * trunk[1])  # the shirt ends above the shorts
    c(colour, waist, 0.064, chest_front, 0.078)
    c(colour, chest_front, 0.076, "shoulder", 0.062)
    c(SKIN, "shoulder", 0.03, "neck", 0.028)
    _head(surf, j["head"], HEAD_R * h, f, accent)
    # near arm, outlined so it reads over the chest
    c(edge, "shoulder", 0.033, "elbow", 0.029)
    c(edge, "elbow", 0.028, "wrist", 0.025)
    c(colour, "shoulder", 0.028, "elbow", 0.024)
    c(SKIN, "elbow", 0.022, "wrist", 0.019)
    c(SKIN, "wrist", 0.021, "hand", 0.019)
    if kettlebell:
        _kettlebell(surf, j["hand"], h, accent)
    # the hip, where the kiosk measures the angle
    pygame.draw.aacircle(surf, accent, hip, max(3, 0.022 * h))
    # every part lies within 0.16 h of a joint (the kettlebell's foot, below the hand; the visor)
    xs, ys = [x for x, _y in j.values()], [y for _x, y in j.values()]
    margin = 0.2 * h + 3
    x0, y0 = math.floor(min(xs) - margin), math.floor(min(ys) - margin)
    return pygame.Rect(x0, y0, math.ceil(max(xs) + margin) - x0, math.ceil(max(ys) + margin) - y0)


def _head(surf, centre, r: float, f: int, accent) -> None:
    """A head facing `f` (+1 right): a cap with its visor to the front, a nose, an eye."""
    x, y = centre
    pygame.draw.aacircle(surf, SKIN, centre, r)
    # the cap: the top of the head above a chord, and a visor sticking out forward
    a = math.asin(0.15)
    crown = [(x + r * math.cos(t), y + r * math.sin(t))
             for t in (math.pi + a + (math.pi - 2 * a) * i / 16 for i in range(17))]  # fmt: skip
    pygame.draw.polygon(surf, accent, crown)
    pygame.draw.aalines(surf, accent, False, crown)
    capsule(
        surf, accent, (x + f * 0.35 * r, y - 0.12 * r), 0.14 * r, (x + f * 1.45 * r, y - 0.04 * r), 0.1 * r
    )
    # nose and eye on the front of the face
    capsule(surf, SKIN, (x + f * 0.8 * r, y + 0.18 * r), 0.2 * r, (x + f * 1.08 * r, y + 0.32 * r), 0.12 * r)
    pygame.draw.aacircle(surf, (30, 30, 36), (x + f * 0.55 * r, y + 0.1 * r), max(1.5, 0.1 * r))


def _kettlebell(surf, hand, h: float, accent) -> None:
    """A kettlebell hanging from the hand: a handle loop and the bell under it."""
    hx, hy = hand
    ring_r = 0.034 * h
    bell = (hx, hy + 0.02 * h + ring_r + 0.045 * h)
    pygame.draw.circle(surf, IRON, (hx, hy + ring_r * 0.9), ring_r, max(2, int(0.013 * h)))
    pygame.draw.aacircle(surf, IRON, bell, 0.058 * h)
    pygame.draw.aacircle(
        surf, _mix(IRON, (255, 255, 255), 0.25), (bell[0] - 0.018 * h, bell[1] - 0.02 * h), 0.016 * h
    )
    pygame.draw.line(
        surf,
        accent,
        (bell[0] - 0.05 * h, bell[1] + 0.026 * h),
        (bell[0] + 0.05 * h, bell[1] + 0.026 * h),
        max(2, int(0.01 * h)),
    )
