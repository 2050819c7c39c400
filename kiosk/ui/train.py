"""The Train screen: the camera's view of the member (their silhouette, never the picture) scaled to
the person, with the trunk and thigh lines and the hip angle the kiosk measures drawn on it; the rep
count and the rep strip (one bar per rep, its height the depth, faults coloured and lettered); the
hip-angle dial (a trunk tipping forward from a thigh) and the depth meter, the target depth one mark on
both; one coaching cue.

Drawn facing right: a member facing the camera's left is mirrored, so the silhouette, the dial and the
Learn figure all hinge the same way."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

import numpy as np
import pygame

from kiosk.core.modes import Mode
from kiosk.core.reps import Phase
from kiosk.ui.figure import draw_figure
from kiosk.ui.screens import SEEN, ScreenFrame, reps_key, show_name

AT_DEPTH = 0.98  # live depth (0..1) from which the "bottom" cue shows rather than "ascending"
NOT_SEEN = (90, 100, 115)  # a silhouette the kiosk does not count as someone on the mark
# each fault's mark on the rep strip: a letter (never colour alone) and a colour (kiosk.core.form.FAULTS)
FAULT_MARKS = {
    "knee_dominant": ("K", (255, 196, 40)),  # knees
    "rounded_back": ("B", (255, 84, 84)),  # back
    "hips_first": ("H", (196, 120, 255)),  # hips
    "too_fast": ("F", (120, 200, 255)),  # fast
}
FAULT_ORDER = ("rounded_back", "knee_dominant", "hips_first", "too_fast")  # the mark a rep shows first
STRIP_SLOTS = 10  # at most this many bars: the latest reps of a long set
FLEX_FULL_DEG = 100.0  # the rep strip's full height: a hip angle of 180 - this (80 deg)
HEIGHT_PER_CHAIN = 0.779  # ankle -> knee -> hip -> shoulder as a share of standing height (Drillis-Contini)
DIAL_MAX_DEG = 100.0  # the dial's sweep from upright: a trunk tipped past horizontal


def static_key(f: ScreenFrame) -> tuple:
    """What the Train screen's static layer reads of the frame (beside the content and the size)."""
    return (Mode.TRAIN, f.state.demo, f.state.show, _seen(f), f.camera_resting, _has_person(f))


def _seen(f: ScreenFrame) -> bool:
    return f.live_present and not f.camera_resting


def _has_person(f: ScreenFrame) -> bool:
    return f.live_mask is not None and bool(f.live_mask.any())


def draw_static(p, surf, f: ScreenFrame) -> dict:
    """The header, the camera panel (its status line; with nobody in view, how to stand), the dial's
    face, the meter's frame and labels; returns the layout the live parts are drawn in."""
    if f.state.demo:  # which demonstration the figure is doing: "Trainer demo: knees too bent"
        show = f.state.show
        key = "" if show == "clean" else f"faults.{show}"
        p.header(surf, f, f"Trainer demo: {show_name(f.content, show)}", key)
    else:
        p.header(surf, f, "Your hip hinge")
    body = pygame.Rect(p.px(60), p.px(170), p.w - p.px(180), p.h - p.px(300))
    left = pygame.Rect(body.left, body.top, int(body.width * 0.44), body.height)
    right = pygame.Rect(left.right + p.px(40), body.top, body.right - left.right - p.px(40), body.height)
    seen = _seen(f)
    view = camera_panel(p, surf, f, left, seen)
    layout = _readout_static(p, surf, f, right)
    layout.update(view=view, seen=seen, right=right)
    if view is not None and view.width >= 8 and view.height >= 8:
        layout["opaque"] = view  # draw_person covers it whole every frame
    cue_top = layout["cue_top"]
    layout["cue_room"] = pygame.Rect(right.left, cue_top, right.width, right.bottom - cue_top)
    return layout


def draw_live(p, surf, f: ScreenFrame, layout: dict) -> None:
    """What changes with the camera: the count and rep strip, the cue (both sprites: they change only
    with a rep or a phase), then the silhouette and its lines, the dial's trunk, the meter's fill and
    the angle. Sprites first: what lies under them is the static layer alone."""
    seen = layout["seen"]
    _count(p, surf, f, layout)
    _cue(p, surf, f, layout["cue_room"], seen)
    p.settle(surf)
    if layout["view"] is not None:
        draw_person(p, surf, f, layout["view"], seen)
    _readout_live(p, surf, f, layout, seen)


def draw_train(p, surf, f: ScreenFrame) -> None:
    """The whole Train screen, drawn at once (static parts, then the live ones)."""
    draw_live(p, surf, f, draw_static(p, surf, f))


# -- the camera panel --------------------------------------------------------------------------------


def camera_panel(p, surf, f: ScreenFrame, panel: pygame.Rect, seen: bool) -> pygame.Rect | None:
    """The panel and its status line; returns where the person is drawn (None: nobody in view, or the
    camera resting - the panel says so, and that is all of it)."""
    c = f.content
    pygame.draw.rect(surf, p.panel, panel, border_radius=p.px(20))
    status = ("I see you" if seen else c.cues["arrive"]) if not f.camera_resting else "Camera resting"
    # the one line that says at a glance whether the kiosk sees you (the arrive cue may wrap)
    line = pygame.Rect(panel.left + p.px(20), panel.top + p.px(14), panel.width - p.px(40), 0)
    head_bottom = p.para(
        surf,
        status,
        p.tx(52),
        line,
        p.good if seen else p.accent,
        key="" if seen or f.camera_resting else "cues.arrive",
        bottom=panel.centery,
    )
    if f.camera_resting:
        p.para(
            surf,
            "Camera resting - the steps and call-us still work",
            p.tx(50),
            panel.inflate(-p.px(60), -p.px(200)),
            p.muted,
            centre=True,
        )
        return None
    view = pygame.Rect(panel.left, head_bottom + p.px(10), panel.width, 0)
    view.height = panel.bottom - view.top - p.px(12)
    if _has_person(f):
        return view.inflate(-p.px(24), 0)
    # nobody yet: how to stand - side-on, on the mark
    stand = view.inflate(-view.width // 3, -view.height // 8)
    pygame.draw.line(
        surf, p.accent, (stand.left, stand.bottom), (stand.right, stand.bottom), max(3, p.px(12))
    )
    draw_figure(surf, stand, 0.0, accent=p.accent)
    return None


def person_crop(f: ScreenFrame, aspect: float) -> tuple[float, float, float, float]:
    """The part of the camera frame to show (x0, y0, width, height in frame px, `aspect` = width /
    height): the person with a margin, sized by their standing height so a hinge does not zoom."""
    s = max(1, f.live_mask_scale)
    box = f.live_bbox_px
    if box is not None and box[2] - box[0] >= 4 * s and box[3] - box[1] >= 4 * s:
        x0, y0, x1, y1 = box
    else:  # no box (or a speck of one): the mask's own extent
        rows, cols = np.flatnonzero(f.live_mask.any(axis=1)), np.flatnonzero(f.live_mask.any(axis=0))
        x0, y0, x1, y1 = cols[0] * s, rows[0] * s, (cols[-1] + 1) * s, (rows[-1] + 1) * s
    j = f.live_joints_px
    chain = [j.get(k) for k in ("ankle", "knee", "hip", "shoulder")]
    if all(chain):
        length = sum(math.dist(a, b) for a, b in itertools.pairwise(chain))
        tall = max(length / HEIGHT_PER_CHAIN, 0.5 * (y1 - y0))
    else:
        tall = max(y1 - y0, 0.8 * (x1 - x0))
    height = 1.16 * max(tall, 16.0 * s)  # never a zoom onto a speck
    width = height * aspect
    floor = max(y1, j["ankle"][1] + 0.04 * tall if j.get("ankle") else y1)
    top = floor + 0.04 * height - height
    face = f.live_facing or 1
    # feet stay put through a hinge: centre a little forward of them (where the trunk goes)
    mid = j["ankle"][0] + face * 0.12 * tall if j.get("ankle") else (x0 + x1) / 2
    left = mid - width / 2
    # keep the whole person in view when they fit
    if x1 - x0 <= width:
        left = min(max(left, x1 - width), x0)
    return left, top, width, height


def draw_person(p, surf, f: ScreenFrame, view: pygame.Rect, seen: bool) -> None:
    """The silhouette scaled to the person inside `view`, then the lines the angle is measured on."""
    m, s = f.live_mask, max(1, f.live_mask_scale)
    if view.width < 8 or view.height < 8:
        return
    cx, cy, cw, ch = person_crop(f, view.width / max(1, view.height))
    k = view.height / ch  # screen px per frame px
    # the crop in mask pixels, whole pixels, padded with nothing outside the camera's frame
    mx0, my0 = math.floor(cx / s), math.floor(cy / s)
    mx1, my1 = math.ceil((cx + cw) / s), math.ceil((cy + ch) / s)
    crop = np.zeros((my1 - my0, mx1 - mx0), bool)
    sy0, sx0 = max(0, my0), max(0, mx0)
    sy1, sx1 = min(m.shape[0], my1), min(m.shape[1], mx1)
    if sy1 > sy0 and sx1 > sx0:
        crop[sy0 - my0 : sy1 - my0, sx0 - mx0 : sx1 - mx0] = m[sy0:sy1, sx0:sx1]
    flip = f.live_facing < 0
    if flip:
        crop = crop[:, ::-1]
    # two colours through a palette into a kept 32-bit surface, smoothscaled into another kept one:
    # no big array or surface made per frame (allocating them cost more than the scaling)
    h, w = crop.shape
    buf = np.ascontiguousarray(crop, np.uint8)
    index = pygame.image.frombuffer(buf, (w, h), "P")
    index.set_palette([p.panel, SEEN if seen else NOT_SEEN])
    small = p.scratch("silhouette", (w, h))
    small.blit(index, (0, 0))
    size = (max(1, round(w * s * k)), max(1, round(h * s * k)))
    img = pygame.transform.smoothscale(small, size, p.scratch("silhouette-scaled", size))
    # where the crop's mask-pixel origin lands on screen (the crop was widened to whole mask pixels)
    ox = view.left - ((cx + cw) - mx1 * s) * k if flip else view.left - (cx - mx0 * s) * k
    oy = view.top - (cy - my0 * s) * k
    at = (round(ox), round(oy))
    if p.layer is not None and not img.get_rect(topleft=at).contains(view):
        surf.blit(p.layer, view, view)  # (a rounding short of the view: the panel there, as drawn)
    clip = surf.get_clip()
    surf.set_clip(view.clip(clip) if clip else view)
    surf.blit(img, at)
    p.note(view)  # the lines too are drawn inside it

    def to_screen(xy: tuple[float, float]) -> tuple[float, float]:
        x = (cx + cw - xy[0]) if flip else (xy[0] - cx)
        return (view.left + x * k, view.top + (xy[1] - cy) * k)

    j = {name: to_screen(xy) for name, xy in f.live_joints_px.items() if xy is not None}
    if seen and {"hip", "knee", "shoulder"} <= j.keys():
        draw_angle_lines(surf, j["hip"], j["knee"], j["shoulder"], p.accent, width=max(3, p.px(10)))
    surf.set_clip(clip)


def draw_angle_lines(surf, hip, knee, shoulder, colour, *, width: int) -> None:
    """The thigh (hip -> knee) and trunk (hip -> shoulder) lines, the joints, and the hip angle's arc
    between them at the hip: what the kiosk measures, drawn where it measures it."""
    for end in (knee, shoulder):
        pygame.draw.line(surf, colour, hip, end, width)
        pygame.draw.circle(surf, colour, end, width * 0.9)
    r = 0.42 * min(math.dist(hip, knee), math.dist(hip, shoulder))
    a0 = math.atan2(knee[1] - hip[1], knee[0] - hip[0])
    a1 = math.atan2(shoulder[1] - hip[1], shoulder[0] - hip[0])
    sweep = front_sweep(a0, a1)
    arc(surf, colour, hip, r, a0, sweep, width)
    pygame.draw.circle(surf, colour, hip, width * 1.3)
    pygame.draw.circle(surf, (20, 20, 20), hip, width * 0.5)


def front_sweep(a_thigh: float, a_trunk: float) -> float:
    """The hip angle's sweep (radians, screen angles, y down) from the thigh round the body's front -
    the right, as the screen draws everyone - to the trunk: the angle the kiosk measures."""
    return -((a_thigh - a_trunk) % (2 * math.pi))


def arc(surf, colour, centre, r: float, a0: float, sweep: float, width: int) -> pygame.Rect:
    """A thick arc (screen angles, radians, y down) as a polyline: pygame's own leaves gaps. Returns
    the rect it drew in."""
    n = max(2, int(abs(sweep) * r / 6))
    pts = [(centre[0] + r * math.cos(a0 + sweep * i / n), centre[1] + r * math.sin(a0 + sweep * i / n))
           for i in range(n + 1)]  # fmt: skip
    drawn = pygame.draw.lines(surf, colour, False, pts, width)
    return drawn.unionall([pygame.draw.circle(surf, colour, q, width / 2) for q in (pts[0], pts[-1])])


# -- count, strip, dial, meter ----------------------------------------------------------------------


def _count_rects(p, f: ScreenFrame, right: pygame.Rect):
    """The count's text, its label and the rep strip's rect (the strip starts where the count ends)."""
    s = f.state
    reps = p.text(f"{s.reps} / {s.target_reps}", p.tx(150), p.fg)
    label = p.text("reps", p.tx(48), p.muted)
    row_h = reps.get_height() + label.get_height()
    strip_x = right.left + max(reps.get_width(), label.get_width()) + p.px(40)
    return reps, label, pygame.Rect(strip_x, right.top, right.right - strip_x, row_h)


def _count(p, surf, f: ScreenFrame, layout: dict) -> None:
    """Reps and the rep strip: a sprite, redrawn when a rep counts."""
    right, s, target = layout["right"], f.state, f.content.target_angle_deg

    def draw() -> None:
        reps, label, strip = _count_rects(p, f, right)
        p.note(surf.blit(reps, (right.left, right.top - p.px(8))))
        p.note(surf.blit(label, (right.left + p.px(4), right.top + reps.get_height() - p.px(8))))
        draw_rep_strip(p, surf, strip, f.rep_details, s.target_reps, target)

    key = (p.layer_key, "count", s.reps, s.target_reps, target, reps_key(f.rep_details, STRIP_SLOTS))
    p.sprite(surf, key, draw)


def _readout_static(p, surf, f: ScreenFrame, right: pygame.Rect) -> dict:
    """The dial's face and the meter's frame; returns their layout and the y below them (cue_top)."""
    target = f.content.target_angle_deg
    strip = _count_rects(p, f, right)[2]
    top = strip.bottom + p.px(30)
    r = min(int((right.bottom - top) * 0.47), int(right.width * 0.5), p.px(300))
    pivot = (right.left + p.px(40), top + r)
    dial_face(p, surf, pivot, r, target)
    # from the dial's top (standing) to below its mark (the target), level with the trunk's tip
    bottom = max(pivot[1], mark_y(pivot[1], r, target, target) + p.px(30))
    meter = pygame.Rect(pivot[0] + r + p.px(50), pivot[1] - r, p.px(64), bottom - pivot[1] + r + p.px(10))
    meter_frame(p, surf, meter)
    below_meter = meter.bottom + p.px(8) + p.font(p.tx(36)).get_height()  # its "depth" label
    cue_top = max(pivot[1] + int(0.42 * r), below_meter) + p.px(24)
    return dict(pivot=pivot, r=r, meter=meter, cue_top=cue_top)


def _readout_live(p, surf, f: ScreenFrame, layout: dict, seen: bool) -> None:
    """The dial's trunk, the meter's fill, the angle in numbers."""
    right, pivot, r, meter = layout["right"], layout["pivot"], layout["r"], layout["meter"]
    target = f.content.target_angle_deg
    angle = f.live_angle_deg if seen else None
    dial(p, surf, pivot, r, angle, target)
    depth_meter(p, surf, meter, pivot, r, f.live_depth if seen else 0.0, target)
    # the angle in numbers, beside the meter (under the dial when there is no room there)
    label = p.text("--" if angle is None else f"{angle:.0f}\u00b0", p.tx(110))
    caption = p.text("at the hip", p.tx(44), p.muted)
    x = meter.right + p.px(40)
    if x + max(label.get_width(), caption.get_width()) <= right.right:
        y = pivot[1] - r + p.px(10)
    else:
        x, y = pivot[0] + int(0.25 * r), pivot[1] + int(0.42 * r) - label.get_height() - caption.get_height()
    p.note(surf.blit(label, (x, y)))
    p.note(surf.blit(caption, (x + p.px(4), y + label.get_height())))


def sweep_deg(target_deg: float) -> float:
    """How far the dial sweeps from upright: past horizontal, and past a very deep target."""
    return max(DIAL_MAX_DEG, 190.0 - target_deg)


def mark_y(pivot_y: float, r: float, angle_deg: float, target_deg: float) -> float:
    """Height on screen of the trunk's tip at hip angle `angle_deg` on the dial (its mark's level)."""
    tilt = min(max(180.0 - angle_deg, 0.0), sweep_deg(target_deg))
    return pivot_y - r * math.cos(math.radians(tilt))


def _at(pivot, tilt_deg: float, rr: float) -> tuple[float, float]:
    """A point `rr` from the pivot, tilted `tilt_deg` from upright (forward = right)."""
    a = math.radians(tilt_deg)
    return (pivot[0] + rr * math.sin(a), pivot[1] - rr * math.cos(a))


def _thigh(pivot, r: int) -> tuple[float, float]:
    return (pivot[0] + 0.06 * r, pivot[1] + 0.42 * r)


def dial_face(p, surf, pivot, r: int, target: float) -> None:
    """The dial without its trunk: the sweep, the deep-enough sector, the target's mark, the thigh."""
    most = sweep_deg(target)
    sweep = [_at(pivot, most * i / 40, r) for i in range(41)]
    pygame.draw.polygon(surf, p.panel, [pivot, *sweep])
    tilt_t = 180.0 - target
    deep = [_at(pivot, tilt_t + (most - tilt_t) * i / 20, r) for i in range(21)]
    pygame.draw.polygon(surf, _mix(p.panel, p.good, 0.25), [pivot, *deep])  # deep enough
    pygame.draw.lines(surf, p.muted, False, sweep, max(2, p.px(4)))
    thick = max(4, p.px(16))
    # the target: one mark, as on the depth meter beside it
    pygame.draw.line(
        surf, p.good, _at(pivot, tilt_t, r * 0.62), _at(pivot, tilt_t, r * 1.14), max(3, p.px(10))
    )
    thigh = _thigh(pivot, r)
    pygame.draw.line(surf, p.muted, pivot, thigh, thick)
    pygame.draw.circle(surf, p.muted, thigh, thick / 2)


def dial(p, surf, pivot, r: int, angle: float | None, target: float) -> None:
    """The hip angle as the hinge looks from the side (over `dial_face`): a trunk above the thigh
    tipping forward (right) as the hips hinge - upright at standing, on the mark at the target."""
    px, py = pivot
    most = sweep_deg(target)
    thick = max(4, p.px(16))
    thigh = _thigh(pivot, r)
    if angle is not None:
        tilt = min(max(180.0 - angle, 0.0), most)
        tip = _at(pivot, tilt, r * 0.78)
        p.note(pygame.draw.line(surf, p.accent, pivot, tip, thick))
        # a head reaching the rim: where the rim is, level with the depth meter's fill
        p.note(pygame.draw.circle(surf, p.accent, _at(pivot, tilt, r * 0.89), r * 0.11))
        a_thigh = math.atan2(thigh[1] - py, thigh[0] - px)
        a_trunk = math.atan2(tip[1] - py, tip[0] - px)
        p.note(arc(surf, p.accent, pivot, r * 0.26, a_thigh, front_sweep(a_thigh, a_trunk), max(3, p.px(8))))
    p.note(pygame.draw.circle(surf, p.accent, pivot, max(4, p.px(14))))


def meter_frame(p, surf, meter: pygame.Rect) -> None:
    """The depth meter's empty frame and its label."""
    pygame.draw.rect(surf, p.panel, meter, border_radius=p.px(12))
    label = p.text("depth", p.tx(36), p.muted)
    surf.blit(label, (meter.centerx - label.get_width() // 2, meter.bottom + p.px(8)))


def depth_meter(p, surf, meter: pygame.Rect, pivot, r: int, depth: float, target: float) -> None:
    """Fills down as the member hinges (over `meter_frame`), level with the dial's trunk tip: empty
    standing (the dial's top), at the mark - the dial's mark, the same height - at the target depth."""
    tilt_t = 180.0 - target
    level = pivot[1] - r * math.cos(math.radians(min(max(depth, 0.0), 1.0) * tilt_t))
    fill = int(level - meter.top)
    if depth > 0 and fill > 0:
        colour = p.good if depth >= 1.0 else p.accent
        rect = (meter.left, meter.top, meter.width, fill)
        p.note(pygame.draw.rect(surf, colour, rect, border_radius=p.px(12)))
    y_t = mark_y(pivot[1], r, target, target)
    w = max(3, p.px(10))
    p.note(pygame.draw.line(surf, p.good, (meter.left - p.px(14), y_t), (meter.right + p.px(14), y_t), w))
    # a guide along that level from the dial's mark to the meter's: one target
    x_dial = pivot[0] + r * math.sin(math.radians(tilt_t))
    p.note(pygame.draw.line(surf, p.good, (x_dial, y_t), (meter.left - p.px(14), y_t), max(2, w // 3)))


def draw_rep_strip(p, surf, rect: pygame.Rect, reps: Sequence, target_reps: int, target_deg: float) -> None:
    """One bar per counted rep, its height the depth (the target depth a line across); a clean rep in
    the theme's good colour, a faulty one in its fault's colour with the fault's letter on it. Empty
    slots for the reps still to do; the latest STRIP_SLOTS of a longer set."""
    reps = tuple(reps)[-STRIP_SLOTS:]
    n = min(max(target_reps, len(reps)), STRIP_SLOTS)
    if n == 0 or rect.width <= 0:
        return
    gap = max(2, min(p.px(12), rect.width // (4 * n)))
    bar_w = (rect.width - gap * (n - 1)) // n
    if bar_w < 4:
        return
    base = rect.bottom
    full = rect.height - p.px(4)

    def bar_h(depth_deg: float) -> int:
        if not math.isfinite(depth_deg):  # not measured: drawn at the target (it counted)
            depth_deg = target_deg
        return int(full * min(max((180.0 - depth_deg) / FLEX_FULL_DEG, 0.08), 1.0))

    # the target depth across the strip, behind the bars (every counted rep reached it)
    y_t = base - bar_h(target_deg)
    p.note(pygame.draw.line(surf, p.good, (rect.left, y_t), (rect.right, y_t), max(2, p.px(5))))
    letter_px = max(p.min_text_px, min(p.tx(56), int(bar_w * 1.1)))
    letters = []
    for i in range(n):
        x = rect.left + i * (bar_w + gap)
        if i >= len(reps):
            slot = pygame.Rect(x, base - max(3, p.px(10)), bar_w, max(3, p.px(10)))
            p.note(pygame.draw.rect(surf, p.panel, slot, border_radius=p.px(4)))
            continue
        rep = reps[i]
        faults = [code for code in FAULT_ORDER if code in tuple(rep.faults)]
        colour = FAULT_MARKS[faults[0]][1] if faults else p.good
        h = bar_h(rep.depth_deg)
        bar = pygame.Rect(x, base - h, bar_w, h)
        p.note(pygame.draw.rect(surf, colour, bar, border_radius=p.px(6)))
        if faults:
            img = p.text(FAULT_MARKS[faults[0]][0], letter_px, (14, 14, 14))
            if img.get_height() + p.px(8) <= h:  # on the bar, at its foot (clear of the target line)
                spot = (bar.centerx - img.get_width() // 2, bar.bottom - img.get_height() - p.px(4))
            else:  # a shallow bar: the letter above it, in the fault's colour
                img = p.text(FAULT_MARKS[faults[0]][0], letter_px, colour)
                spot = (bar.centerx - img.get_width() // 2, bar.top - img.get_height())
            letters.append((img, spot))
    for img, spot in letters:
        p.note(surf.blit(img, spot))


def _mix(a, b, share: float) -> tuple[int, int, int]:
    return tuple(int(x + (y - x) * share) for x, y in zip(a, b, strict=True))


# -- the cue ----------------------------------------------------------------------------------------


def _cue(p, surf, f: ScreenFrame, room: pygame.Rect, seen: bool) -> None:
    """One cue above the button legend, in smaller type before it would overlap."""
    key = cue_for(f, seen)
    colour = p.accent
    if key in FAULT_MARKS:  # a form cue: in its fault's colour, as on the rep strip
        colour = FAULT_MARKS[key][1]
    elif key == "rep":
        colour = p.good
    cue = f.content.cues[key]

    def draw() -> None:
        size = p.tx(62)
        while size > p.min_text_px and len(p.wrap(cue, size, room.width)) * size * 1.1 > room.height:
            size -= 1
        p.para(
            surf,
            cue,
            size,
            pygame.Rect(room.left, room.top, room.width, 0),
            colour,
            key=f"cues.{key}",
            bottom=room.bottom + 1,
        )

    p.sprite(surf, (p.layer_key, "cue", key, cue, colour, tuple(room)), draw)


def cue_for(f: ScreenFrame, seen: bool) -> str:
    """The cue shown: a repeating fault's, a counted rep, a squat that was not counted, a view too
    frontal to measure, or the phase's cue."""
    if not seen:
        return "arrive"
    if f.form_cue in FAULT_MARKS and f.form_cue in f.content.cues:  # rather than "good rep!"
        return f.form_cue
    if f.rep_flash:
        return "rep"
    if f.squat_flash:
        return "squat"
    if f.live_too_frontal:  # the count may break: say how to stand until the view is side-on
        return "side_on"
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
