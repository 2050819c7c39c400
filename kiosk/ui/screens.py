"""Every screen of the kiosk, drawn with pygame at any size (800x480 .. 1920x1080 and beyond).

`Renderer.render(surface, frame)` draws one `ScreenFrame` (plain data: the mode state, the content,
the live measurement and the LED bar levels). Text surfaces and QR codes are cached; main thread only.
The colours are the content's theme (assets/content.toml). A renderer made with `overflow=` also says
which content field's text would not fit (`kiosk.ui.fit` builds the content check from that).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pygame

from kiosk.content import Content
from kiosk.core.modes import Mode, State, next_show, tempo_s
from kiosk.core.reps import Phase
from kiosk.ui.figure import draw_figure
from kiosk.ui.paint import LAYER_CACHE_BYTES, Painter, SurfaceCache, _bytes

DEMO_NEXT = "Show a fault"  # the trainer demo's YELLOW, when the next demonstration's name does not fit
BUTTON_COLOURS = {"green": (40, 190, 80), "yellow": (250, 205, 30), "blue": (40, 130, 240)}
SEEN = (70, 190, 250)  # the member's silhouette while the kiosk sees them


def show_name(content: Content, show: str) -> str:
    """What the trainer demo calls a demonstration (kiosk.core.modes.DEMO_SHOWS): "clean reps", or the
    fault's name from the content (`[faults]`, the summary's words: "knees too bent")."""
    if show == "clean":
        return "clean reps"
    return str(content.values.get(f"faults.{show}", show.replace("_", " ")))


@dataclass
class ScreenFrame:
    """Everything one frame shows. `live_*` come from the camera pipeline (None when not training)."""

    state: State
    content: Content
    t: float
    live_present: bool = False
    live_angle_deg: float | None = None
    live_depth: float = 0.0
    live_phase: Phase = Phase.AWAY
    live_mask: np.ndarray | None = None  # the silhouette, bool, at analysis resolution
    live_mask_scale: int = 1  # one mask pixel = this many frame pixels a side
    live_bbox_px: tuple[int, int, int, int] | None = None  # the person: x0, y0, x1, y1 (frame px)
    # the fitted body's joints in frame px: "hip", "knee", "shoulder", "ankle" (those measured)
    live_joints_px: dict[str, tuple[float, float]] = field(default_factory=dict)
    live_facing: int = 0  # +1 the person faces the frame's right, -1 left, 0 not known
    # this set's counted reps, oldest first: objects with .depth_deg (bottom hip angle) and .faults
    # (kiosk.core.form.FAULTS codes), and for the summary .down_s/.bottom_s/.up_s
    rep_details: tuple = ()
    bar_levels: tuple[float, ...] = field(
        default_factory=tuple
    )  # the LED bar, drawn on screen in the simulator
    learn_from_pose: float = 0.0  # previous step's pose, for the animated transition
    staff_lines: tuple[str, ...] = ()
    rep_flash: bool = False  # a rep was just counted: the "rep" cue shows
    squat_flash: bool = False  # a squat was just seen (not counted): the "squat" cue shows
    live_too_frontal: bool = False  # the camera sees the member from the front: the "side_on" cue shows
    form_cue: str | None = None  # a fault repeated: its cue's key (content [cues]) shows instead
    hinges_week: int = 0  # member reps on this kiosk in the last 7 days (from the rep log)
    camera_resting: bool = False


class Renderer(Painter):
    """Draws one ScreenFrame: the mode's screen, the button legend, the on-screen LED bar, the staff
    overlay.

    What does not change from frame to frame - the header, the panels, the legend, the dial's face,
    the meter's frame, the labels: the screen's static layer - is drawn once per content, size and
    screen state into a cached surface and blitted; only the live parts (the silhouette, the lines,
    the needle, the meter's fill, the angle) are drawn every frame, and the parts that repeat (the
    count and rep strip, the cue, the bar's segments) are blitted from sprites. `cache=False` (and a
    renderer made with `overflow=`, or one keeping a `text_log`) draws everything every frame, in
    the same order, to the same pixels."""

    def __init__(self, *, overflow=None, cache: bool = True) -> None:
        super().__init__(overflow=overflow)
        self.cache = cache
        self._layers = SurfaceCache(LAYER_CACHE_BYTES)
        self._layer_content: Content | None = None
        self.layer_key: tuple = ()  # this frame's static layer (sprites drawn over it say so)
        self.layer: pygame.Surface | None = None
        # the last frame drawn whole: (surface, layer, the live parts' rects, sample pixels)
        self._last: tuple | None = None

    def render(self, surf: pygame.Surface, f: ScreenFrame) -> None:
        from kiosk.ui.staff import draw_overlay
        from kiosk.ui.train import draw_live as train_live

        self.begin(surf, f.content)
        static, live, key = self._screen(f)
        self.caching = self.cache and self._overflow is None and self.text_log is None
        last, self._last = self._last, None  # kept only when this frame is drawn to its end
        if self.caching:
            if f.content is not self._layer_content:  # a content edit (or other content): all redrawn
                self._layer_content = f.content
                self._layers.clear()
                self._sprites.clear()
            self.layer_key = (surf.get_size(), surf.get_bitsize(), *key)
            hit = self._layers.get(self.layer_key)
            if hit is None:
                layer = pygame.Surface(surf.get_size(), 0, surf)
                layout = self._static(layer, f, static)
                samples = _samples(layer)
                self._layers.put(self.layer_key, (layer, layout, samples), _bytes(layer))
            else:
                layer, layout, samples = hit
            self.layer = layer
            self._restore(surf, layer, layout, last)
        else:
            self.layer_key, self.layer = (), None
            layout = self._static(surf, f, static)
        self._rects, self._tagged = [], {}  # what the live parts draw: put back from the layer next frame
        try:
            bar = self._bar_rects(f.bar_levels) if f.bar_levels else None
            if bar is not None:
                self.claim(bar[0])  # the same segments, the same pixels: only their colours change
            if live is not None and live is not train_live:  # (the Train screen's sprites come first)
                self.settle(surf)
            if live is not None:
                live(self, surf, f, layout)
            self.settle(surf)
            if bar is not None:
                self._bar(surf, f.bar_levels, bar)
            if f.state.overlay:
                draw_overlay(self, surf, f.staff_lines)
            drawn, tagged = self._rects, self._tagged
        finally:
            self._rects, self._tagged, self._pending = None, None, {}
        if self.caching:
            live_rects = [*drawn, *tagged.values()]  # the samples they leave alone
            kept = [(xy, c) for xy, c in samples if pygame.Rect(xy, (1, 1)).collidelist(live_rects) < 0]
            self._last = (surf, layer, drawn, tagged, kept)

    def _restore(self, surf, layer, layout, last) -> None:
        """The layer onto `surf`: where the last frame's live parts were, when `surf` holds that frame
        (the same surface and layer, its sample pixels as drawn), else all of it. A part the live
        drawing covers whole (layout "opaque": the silhouette's view) is left to it, and so are the
        sprites, until this frame says whether it draws them again (`sprite`, `settle`)."""
        if (
            last is None
            or last[0] is not surf
            or last[1] is not layer
            or any(surf.get_at(xy) != colour for xy, colour in last[4])
        ):
            surf.blit(layer, (0, 0))
            return
        opaque = layout.get("opaque") if isinstance(layout, dict) else None
        put_back = [r for r in last[2] if opaque is None or not opaque.contains(r)]
        for r in put_back:
            surf.blit(layer, r, r)
        # a sprite something was drawn over (the staff overlay) is not there as it was: drawn again
        self._pending = {k: (r, r.collidelist(put_back) < 0) for k, r in last[3].items()}

    def _static(self, surf, f: ScreenFrame, static):
        surf.fill(self.bg)
        layout = static(self, surf, f)
        self._legend(surf, f)
        return layout

    def _screen(self, f: ScreenFrame):
        """(draw the static layer -> layout, draw the live parts or None, the layer's key): the key
        holds everything of the frame the static layer reads (the content and size are added)."""
        from kiosk.ui import attract, train

        s = f.state
        if s.fault:
            return Renderer._fault, None, ("fault", s.mode)
        if s.mode == Mode.TRAIN:
            return train.draw_static, train.draw_live, train.static_key(f)
        if s.mode == Mode.ATTRACT:
            return attract.draw_static, attract.draw_live, attract.static_key(f)
        if s.mode == Mode.LEARN:
            settled = self._learn_pose(f)[1]
            # the figure's move to this step's pose is live; once there it is part of the layer
            # (settled apart from the pose: False == 0.0 would make the moving layer, which lacks
            # the figure, the settled one's too)
            key = (Mode.LEARN, s.step, settled, self._learn_pose(f)[0] if settled else None)
            return Renderer._learn, None if settled else Renderer._learn_live, key
        if s.mode == Mode.SUMMARY:
            return Renderer._summary, None, (Mode.SUMMARY, s, reps_key(f.rep_details, len(f.rep_details)))
        return Renderer._call, None, (Mode.CALL,)

    def header(self, surf, f: ScreenFrame, title: str, key: str = "") -> None:
        room = self.w - self.px(120)
        if f.content.logo is not None:
            logo = self.image(f.content.logo, (self.px(300), self.px(110)))
            surf.blit(logo, (self.w - self.px(60) - logo.get_width(), self.px(35)))
            room -= logo.get_width() + self.px(30)
        name = self.fits(self.text(f.content.gym_name.upper(), self.tx(44), self.accent), room, "gym.name")
        surf.blit(name, (self.px(60), self.px(40)))
        img = self.fits(self.text(title, self.tx(64)), room, key)
        surf.blit(img, (self.px(60), self.px(95)))

    def _legend(self, surf, f: ScreenFrame) -> None:
        """The three physical buttons, left to right, by colour, word and position."""
        m = f.state.mode
        steps = f"The {len(f.content.steps)} steps"
        words = {
            Mode.ATTRACT: ("Start", steps, "Call us"),
            Mode.LEARN: ("Next", "Back", "Call us"),
            Mode.TRAIN: ("Finish set", steps, "Call us"),
            Mode.SUMMARY: ("Go again", steps, "Call us"),
            Mode.CALL: ("Train", steps, "Back"),
        }[m]
        # the trainer demo's Train: YELLOW has the figure show the next demonstration (a fault, on
        # purpose), named when the name fits the button
        demo = m == Mode.TRAIN and f.state.demo
        if demo:
            words = (words[0], f"Show {show_name(f.content, next_show(f.state.show))}", words[2])
        bh = self.px(96)
        y = self.h - bh - self.px(20)
        gap = self.px(24)
        bw = (self.w - 2 * self.px(60) - 2 * gap) // 3
        for i, (name, word) in enumerate(zip(("green", "yellow", "blue"), words, strict=True)):
            x = self.px(60) + i * (bw + gap)
            r = pygame.Rect(x, y, bw, bh)
            pygame.draw.rect(surf, BUTTON_COLOURS[name], r, border_radius=self.px(24))
            label = f"{name.upper()}: {word}"
            img = self.text(label, self.tx(50), (10, 10, 10))
            if img.get_width() > bw - self.px(20):
                img = self.text(label, self.tx(36), (10, 10, 10))
            if demo and name == "yellow" and img.get_width() > bw - self.px(20):
                img = self.text(f"{name.upper()}: {DEMO_NEXT}", self.tx(36), (10, 10, 10))
            surf.blit(img, (r.centerx - img.get_width() // 2, r.centery - img.get_height() // 2))

    def _bar_rects(self, levels: tuple[float, ...]) -> tuple[tuple, list[pygame.Rect]]:
        """The LED bar's segments, bottom first, and the key of the column they fill."""
        n = len(levels)
        seg_h = (self.h - self.px(260)) // n
        x = self.w - self.px(44)
        rects = [
            pygame.Rect(x, self.h - self.px(150) - (i + 1) * seg_h + 3, self.px(28), seg_h - 6)
            for i in range(n)
        ]
        return ("bar", tuple(rects[0].unionall(rects[1:]))), rects

    def _bar(self, surf, levels: tuple[float, ...], bar) -> None:
        """The LED bar as the simulator shows it: segments along the right edge, bottom first."""
        key, rects = bar
        for r, lv in zip(rects, levels, strict=True):
            c = tuple(int(30 + (cc - 30) * lv) for cc in (255, 120, 0))
            pygame.draw.rect(surf, c, r, border_radius=self.px(6))
        self.tag(key, pygame.Rect(key[1]))

    # -- screens -------------------------------------------------------------------------------------
    def _learn_pose(self, f: ScreenFrame) -> tuple[float, bool]:
        """The figure's pose (0..1): from the previous step's to this one over 0.8 s; True once there."""
        c, s = f.content, f.state
        k = min(s.step, len(c.steps) - 1)
        a = min(1.0, max(0.0, (f.t - s.since) / 0.8))
        ease = 0.5 - 0.5 * math.cos(math.pi * a)
        return f.learn_from_pose + (c.steps[k].pose - f.learn_from_pose) * ease, a >= 1.0

    def _learn_rects(self) -> tuple[pygame.Rect, pygame.Rect, pygame.Rect]:
        body = pygame.Rect(self.px(60), self.px(190), self.w - self.px(180), self.h - self.px(330))
        fig = pygame.Rect(body.left, body.top, int(body.width * 0.4), body.height)
        text = pygame.Rect(
            fig.right + self.px(40), body.top, body.right - fig.right - self.px(40), body.height
        )
        return body, fig, text

    def _learn_live(self, surf, f: ScreenFrame, _layout) -> None:
        self.note(draw_figure(surf, self._learn_rects()[1], self._learn_pose(f)[0], accent=self.accent))

    def _learn(self, surf, f: ScreenFrame) -> None:
        c, s = f.content, f.state
        k = min(s.step, len(c.steps) - 1)
        self.header(surf, f, c.heading, "title.heading")
        body, fig, text = self._learn_rects()
        pose, settled = self._learn_pose(f)
        if settled:  # (moving, it is one of the live parts)
            draw_figure(surf, fig, pose, accent=self.accent)
        count = self.text(f"{k + 1} / {len(c.steps)}", self.tx(110), self.accent)
        surf.blit(count, (text.left, text.top))
        credit_px = self.tx(36)
        credit_top = body.bottom - int(credit_px * 1.1)
        self.para(
            surf,
            c.steps[k].text,
            self.tx(70),
            text.move(0, count.get_height() + self.px(20)),
            key=f"steps[{k + 1}].text",
            bottom=credit_top - self.px(10),
        )
        self.para(
            surf,
            c.author,
            credit_px,
            pygame.Rect(text.left, credit_top, text.width, 0),
            self.muted,
            key="title.author",
            bottom=body.bottom,
        )

    def _summary(self, surf, f: ScreenFrame) -> None:
        from kiosk.ui.train import draw_rep_strip

        s, details = f.state, tuple(f.rep_details)
        self.header(surf, f, "Set complete - nice work!")
        body = pygame.Rect(self.px(60), self.px(200), self.w - self.px(180), self.h - self.px(340))
        best = min((r.depth_deg for r in details if math.isfinite(r.depth_deg)), default=s.best_deg)
        tempo = tempo_s(s)
        # tempo: the median seconds down and up of the reps timed (nan: a descent the camera missed)
        downs = [r.down_s for r in details if math.isfinite(r.down_s)]
        ups = [r.up_s for r in details if math.isfinite(r.up_s)]
        if downs and ups:
            pace = f"{float(np.median(downs)):.1f} s down, {float(np.median(ups)):.1f} s up"
        else:
            pace = "--" if tempo is None else f"{tempo:.1f} s per rep"
        rows = [
            ("Reps", f"{s.reps}"),
            ("Best depth", "--" if best is None else f"{best:.0f}\u00b0 at the hip"),
            ("Tempo", pace),
        ]
        step = self.px(118)
        y, right = body.top, body.left
        for k, v in rows:
            surf.blit(self.text(k, self.tx(56), self.muted), (body.left, y + self.px(14)))
            img = self.text(v, self.tx(88))
            surf.blit(img, (body.left + self.px(380), y))
            right = max(right, body.left + self.px(380) + img.get_width())
            y += step
        if details:  # "6 clean, 2 knees too bent (K)": each part in its rep strip colour and letter
            y = self._form_line(surf, f, details, pygame.Rect(body.left, y, body.width, 0)) + self.px(16)
            strip = pygame.Rect(right + self.px(80), body.top + self.px(10), 0, 2 * step)
            strip.width = body.right - strip.left
            if strip.width >= min(len(details), 10) * self.px(40):
                draw_rep_strip(self, surf, strip, details, s.target_reps, f.content.target_angle_deg)
        self.para(
            surf,
            f"Want a coach for the rest? Call us now {f.content.phone}",
            self.tx(56),
            pygame.Rect(body.left, y + self.px(10), body.width, 0),
            self.accent,
            key="gym.phone",
            bottom=self.h - self.px(116),
        )

    def _form_line(self, surf, f: ScreenFrame, details: tuple, room: pygame.Rect) -> int:
        """How the set went, from its reps: clean ones and each fault's count; returns the y below."""
        from kiosk.core.form import FAULTS
        from kiosk.ui.train import FAULT_MARKS

        clean = sum(1 for r in details if not tuple(r.faults))
        parts = [(f"{clean} clean" if clean < len(details) else f"all {clean} clean", self.good, "")]
        for code in FAULTS:
            n = sum(1 for r in details if code in tuple(r.faults))
            if n:
                name = f.content.values.get(f"faults.{code}", code.replace("_", " "))
                letter, colour = FAULT_MARKS[code]
                parts.append((f"{n} {name} ({letter})", colour, f"faults.{code}"))
        px = self.tx(64)
        sep = self.text(", ", px, self.fg)
        imgs = [(self.text(t, px, c), key) for t, c, key in parts]
        width = sum(i.get_width() for i, _k in imgs) + sep.get_width() * (len(imgs) - 1)
        if width > room.width:  # too long for one line: plain wrapped text
            text = ", ".join(t for t, _c, _k in parts)
            return self.para(surf, text, self.tx(52), room, self.fg, key=parts[-1][2], bottom=self.h)
        x = room.left
        for n, (img, _key) in enumerate(imgs):
            if n:
                surf.blit(sep, (x, room.top))
                x += sep.get_width()
            surf.blit(img, (x, room.top))
            x += img.get_width()
        return room.top + imgs[0][0].get_height()

    def _call(self, surf, f: ScreenFrame) -> None:
        c = f.content
        self.header(surf, f, c.tagline, "gym.tagline")
        body = pygame.Rect(self.px(60), self.px(200), self.w - self.px(180), self.h - self.px(340))
        surf.blit(self.text("Call us now", self.tx(80), self.muted), (body.left, body.top))
        phone = self.fits(self.text(c.phone, self.tx(190), self.accent), body.width, "gym.phone")
        surf.blit(phone, (body.left, body.top + self.px(80)))
        q = min(int(body.height * 0.62), body.width // 4)
        qy = body.top + self.px(80) + phone.get_height() + self.px(20)
        surf.blit(self.qr(c.phone_uri, q), (body.left, qy))
        surf.blit(self.text("Scan to call", self.tx(40), self.muted), (body.left, qy + q + self.px(6)))
        ox = body.left + q + self.px(80)
        surf.blit(self.qr(c.offer_url, q), (ox, qy))
        self.para(
            surf,
            c.offer,
            self.tx(48),
            pygame.Rect(ox + q + self.px(30), qy, body.right - ox - q - self.px(30), 0),
            key="gym.offer",
            bottom=self.h - self.px(116),
        )

    def _fault(self, surf, f: ScreenFrame) -> None:
        self.header(surf, f, "Back in a moment")
        self.para(
            surf,
            "The coach is catching its breath. Try the steps (YELLOW, middle button) or call us.",
            self.tx(60),
            pygame.Rect(self.px(60), self.px(260), self.w - self.px(240), 0),
            self.muted,
        )


def _samples(layer: pygame.Surface) -> list:
    """A few of the layer's pixels and their colours: a surface someone else drew on (or a display
    opened again) fails those the live parts left alone, and is then given the whole layer."""
    w, h = layer.get_size()
    xys = [
        (int(fx * (w - 1)), int(fy * (h - 1)))
        for fx in (0.02, 0.3, 0.55, 0.8, 0.98)
        for fy in (0.03, 0.5, 0.93)
    ]
    return [(xy, layer.get_at(xy)) for xy in xys]


def reps_key(reps, n: int) -> tuple:
    """What the rep strip and the summary read of a set's latest `n` reps, as a cache key (nan as None:
    nan is not equal to itself)."""
    return tuple(
        (
            *(v if math.isfinite(v) else None for v in (r.depth_deg, getattr(r, "down_s", 0.0),
                                                         getattr(r, "up_s", 0.0))),
            tuple(r.faults),
        )
        for r in tuple(reps)[-n:]
    ) if n else ()  # fmt: skip
