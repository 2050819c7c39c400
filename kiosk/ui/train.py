"""The Train screen: the camera's view of the member (their silhouette, never the picture), whether
the kiosk sees them, the rep count, the hip-angle dial, the depth meter and one coaching cue."""

from __future__ import annotations

import math

import numpy as np
import pygame

from kiosk.core.reps import Phase
from kiosk.ui.screens import SEEN, ScreenFrame

AT_DEPTH = 0.98  # live depth (0..1) from which the "bottom" cue shows rather than "ascending"
NOT_SEEN = (90, 100, 115)  # a silhouette the kiosk does not count as someone on the mark


def draw_train(p, surf, f: ScreenFrame) -> None:
    p.header(surf, f, "Trainer demo" if f.state.demo else "Your hip hinge")
    body = pygame.Rect(p.px(60), p.px(190), p.w - p.px(180), p.h - p.px(330))
    left = pygame.Rect(body.left, body.top, int(body.width * 0.45), body.height)
    right = pygame.Rect(left.right + p.px(40), body.top, body.right - left.right - p.px(40), body.height)
    seen = f.live_present and not f.camera_resting
    _camera_panel(p, surf, f, left, seen)
    cue_top = _readout(p, surf, f, right, seen)
    _cue(p, surf, f, pygame.Rect(right.left, cue_top, right.width, right.bottom - cue_top), seen)


def _camera_panel(p, surf, f: ScreenFrame, left: pygame.Rect, seen: bool) -> None:
    c = f.content
    pygame.draw.rect(surf, p.panel, left, border_radius=p.px(20))
    if f.camera_resting:
        p.para(
            surf,
            "Camera resting - the steps and call-us still work",
            p.px(50),
            left.inflate(-p.px(60), -p.px(200)),
            p.muted,
            centre=True,
        )
    elif f.live_mask is not None and f.live_mask.any():
        m = f.live_mask
        rgb = np.zeros((m.shape[1], m.shape[0], 3), np.uint8)
        rgb[...] = p.panel
        rgb[m.T] = SEEN if seen else NOT_SEEN
        img = pygame.surfarray.make_surface(rgb)
        scale = min(left.width / m.shape[1], left.height / m.shape[0])
        img = pygame.transform.scale(img, (int(m.shape[1] * scale), int(m.shape[0] * scale)))
        surf.blit(img, (left.centerx - img.get_width() // 2, left.centery - img.get_height() // 2))
    # the one line that says at a glance whether the kiosk sees you
    status = ("I see you" if seen else c.cues["arrive"]) if not f.camera_resting else "Camera resting"
    room = left.width - p.px(40)
    px = p.px(48)
    while px > p.px(36) and p.font(px).size(status)[0] > room:
        px -= 2
    img = p.text(status, px, p.good if seen else p.accent)
    p.fits(p.text(c.cues["arrive"], p.px(36)), room, "cues.arrive")
    surf.blit(img, (left.left + p.px(20), left.top + p.px(16)))


def _readout(p, surf, f: ScreenFrame, right: pygame.Rect, seen: bool) -> int:
    """Reps, the dial and the depth meter; returns the y below them."""
    s = f.state
    reps = p.text(f"{s.reps} / {s.target_reps}", p.px(150), p.fg)
    surf.blit(reps, (right.left, right.top))
    surf.blit(
        p.text("reps", p.px(48), p.muted),
        (right.left + reps.get_width() + p.px(20), right.top + p.px(70)),
    )
    dial_r = min(right.width // 4, p.px(170))
    centre = (right.left + dial_r + p.px(10), right.top + reps.get_height() + p.px(40) + dial_r)
    _dial(p, surf, centre, dial_r, f.live_angle_deg if seen else None, f.content.target_angle_deg)
    meter = pygame.Rect(centre[0] + dial_r + p.px(60), centre[1] - dial_r, p.px(70), 2 * dial_r)
    pygame.draw.rect(surf, p.panel, meter, border_radius=p.px(12))
    fill = int(meter.height * (f.live_depth if seen else 0.0))
    pygame.draw.rect(
        surf,
        p.good if f.live_depth >= 1.0 else p.accent,
        (meter.left, meter.bottom - fill, meter.width, fill),
        border_radius=p.px(12),
    )
    surf.blit(p.text("depth", p.px(36), p.muted), (meter.left - p.px(6), meter.bottom + p.px(8)))
    return centre[1] + dial_r + p.px(50)


def _cue(p, surf, f: ScreenFrame, room: pygame.Rect, seen: bool) -> None:
    """One cue above the button legend, in smaller type before it would overlap."""
    rep_cue = seen and f.rep_flash
    key = cue_for(f, seen)
    cue = f.content.cues[key]
    size = p.px(62)
    while size > p.px(36) and len(p.wrap(cue, size, room.width)) * size * 1.1 > room.height:
        size -= 2
    p.para(
        surf,
        cue,
        size,
        pygame.Rect(room.left, room.top, room.width, 0),
        p.good if rep_cue else p.accent,
        key=f"cues.{key}",
        bottom=room.bottom + 1,
    )


def cue_for(f: ScreenFrame, seen: bool) -> str:
    """The cue shown: a counted rep, a squat that was not counted, or the phase's cue."""
    if not seen:
        return "arrive"
    if f.rep_flash:
        return "rep"
    if f.squat_flash:
        return "squat"
    return cue_key(f)


def cue_key(f: ScreenFrame) -> str:
    """The key of the one phase-aware cue to show (kiosk.content.CUE_KEYS)."""
    phase = f.live_phase
    if phase == Phase.CALIBRATING:
        return "calibrate"
    if phase == Phase.DESCENDING:
        return "descending"
    if phase == Phase.BOTTOM:  # reached depth: hold, then (depth falling again) coming up
        return "bottom" if f.live_depth >= AT_DEPTH else "ascending"
    return "standing"


def _dial(p, surf, centre, r: int, angle: float | None, target: float) -> None:
    """Hip angle dial: 180 (standing) at the top, sweeping clockwise as the hips hinge."""
    pygame.draw.circle(surf, p.panel, centre, r)
    pygame.draw.circle(surf, p.muted, centre, r, max(2, p.px(4)))

    def point(deg: float, rr: float):
        a = math.radians(90 - (180 - deg))  # 180 -> up, 90 -> right
        return (centre[0] + rr * math.cos(a), centre[1] - rr * math.sin(a))

    pygame.draw.line(surf, p.good, point(target, r * 0.75), point(target, r), max(3, p.px(8)))
    label = "--" if angle is None else f"{angle:.0f}\u00b0"
    img = p.text(label, p.px(80))
    surf.blit(img, (centre[0] - img.get_width() // 2, centre[1] + r * 0.2))
    if angle is not None:
        pygame.draw.line(surf, p.accent, centre, point(angle, r * 0.9), max(4, p.px(10)))
    pygame.draw.circle(surf, p.accent, centre, max(4, p.px(12)))
