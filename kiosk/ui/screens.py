"""Every screen of the kiosk, drawn with pygame at any size (800x480 .. 1920x1080 and beyond).

`Renderer.render(surface, frame)` draws one `ScreenFrame` (plain data: the mode state, the content,
the live measurement and the LED bar levels). Text surfaces and QR codes are cached; main thread only.
The colours are the content's theme (assets/content.toml). A renderer made with `overflow=` also says
which content field's text would not fit (`kiosk.ui.fit` builds the content check from that).
"""

from __future__ import annotations

import io
import math
import os
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pygame

from kiosk.content import Content
from kiosk.core.modes import ATTRACT_CARDS, Mode, State, tempo_s
from kiosk.ui.figure import draw_figure, rep_depth

BUTTON_COLOURS = {"green": (40, 190, 80), "yellow": (250, 205, 30), "blue": (40, 130, 240)}
SEEN = (70, 190, 250)
WARN = (255, 70, 70)  # the staff overlay's marker for something that needs a look
TEXT_CACHE_BYTES = 4 * 2**20  # rendered text kept for reuse
AT_DEPTH = 0.98  # live depth (0..1) from which the "bottom" cue shows rather than "ascending"


_FONT_BYTES: dict[str, bytes] = {}


def load_font(px: int, path: str | None = None) -> pygame.font.Font:
    """A Font at `px` pixels from the file's bytes, read once per process: pygame keeps the file of
    every Font open for as long as the Font lives (the kiosk has dozens of sizes), a BytesIO is not a
    file descriptor. `path` None is pygame's default font. Main thread."""
    if path is None:  # as pygame.font.Font(None, px) does: its default font drawn at 0.6875 of px
        path = os.path.join(os.path.dirname(pygame.__file__), pygame.font.get_default_font())
        px = max(1, int(px * 0.6875))
    data = _FONT_BYTES.get(path)
    if data is None:
        with open(path, "rb") as f:
            data = _FONT_BYTES[path] = f.read()
    return pygame.font.Font(io.BytesIO(data), px)


@dataclass
class ScreenFrame:
    """Everything one frame shows. `live_*` come from the camera pipeline (None when not training)."""

    state: State
    content: Content
    t: float
    live_present: bool = False
    live_angle_deg: float | None = None
    live_depth: float = 0.0
    live_phase: str = "away"
    live_mask: np.ndarray | None = None
    bar_levels: tuple[float, ...] = field(
        default_factory=tuple
    )  # the LED bar, drawn on screen in the simulator
    learn_from_pose: float = 0.0  # previous step's pose, for the animated transition
    staff_lines: tuple[str, ...] = ()
    rep_flash: bool = False  # a rep was just counted: the "rep" cue shows
    hinges_week: int = 0  # member reps on this kiosk in the last 7 days (from the rep log)
    camera_resting: bool = False


Overflow = Callable[[str, str], None]  # (content field key, what to shorten)


class Renderer:
    def __init__(self, *, overflow: Overflow | None = None) -> None:
        pygame.font.init()
        self._overflow = overflow
        self._images: dict[tuple, pygame.Surface] = {}
        self._fonts: dict[int, pygame.font.Font] = {}
        self._text: dict[tuple, pygame.Surface] = {}
        self._text_bytes = 0
        self._content_version: str | None = None
        self._qr: dict[tuple[str, int], pygame.Surface] = {}

    # -- helpers -----------------------------------------------------------------------------------
    def font(self, px: int) -> pygame.font.Font:
        px = max(10, int(px))
        if px not in self._fonts:
            self._fonts[px] = load_font(px)
        return self._fonts[px]

    def text(self, s: str, px: int, colour=None) -> pygame.Surface:
        colour = colour or self.fg
        key = (s, int(px), colour)
        surf = self._text.pop(key, None)
        if surf is not None:
            self._text[key] = surf  # most recently used last
        else:
            surf = self.font(px).render(s, True, colour)
            self._text[key] = surf
            self._text_bytes += _bytes(surf)
            # bounded by memory, not count (a 1080p heading weighs 100 times a small label): the least
            # recently used go first, one at a time, so memory levels off within minutes
            while self._text_bytes > TEXT_CACHE_BYTES and len(self._text) > 1:
                self._text_bytes -= _bytes(self._text.pop(next(iter(self._text))))
        return surf

    def wrap(self, s: str, px: int, width: int) -> list[str]:
        f = self.font(px)
        lines, cur = [], ""
        for word in s.split():
            trial = f"{cur} {word}".strip()
            if f.size(trial)[0] <= width or not cur:
                cur = trial
            else:
                lines.append(cur)
                cur = word
        if cur:
            lines.append(cur)
        return lines

    def para(
        self, surf, s: str, px: int, rect: pygame.Rect, colour=None, *, centre=False, key="", bottom=None
    ) -> int:
        """Wrapped text from rect.top; returns the y below it. With `key`, a renderer made with
        `overflow=` reports a word wider than the rect or text running past `bottom`."""
        y = rect.top
        lines = self.wrap(s, px, rect.width)
        if self._overflow is not None and key:
            end = rect.top + len(lines) * int(px * 1.1)
            if any(self.font(px).size(line)[0] > rect.width for line in lines):
                self._overflow(key, "has a word too long for one line on the smallest screen - shorten it")
            elif bottom is not None and end > bottom:
                room = max(1, (bottom - rect.top) // int(px * 1.1))
                over = 1 - (bottom - rect.top) / max(1, end - rect.top)
                self._overflow(
                    key,
                    f"needs {len(lines)} lines where {room} fit on the {self.w}x{self.h} screen"
                    f" - shorten it by about {max(1, round(len(s) * over))} characters",
                )
        for line in lines:
            img = self.text(line, px, colour)
            x = rect.centerx - img.get_width() // 2 if centre else rect.left
            surf.blit(img, (x, y))
            y += int(px * 1.1)
        return y

    def qr(self, data: str, size_px: int) -> pygame.Surface:
        key = (data, size_px)
        if key not in self._qr:
            if len(self._qr) > 8:  # content edits bring new links; keep only a few
                self._qr.clear()
            import segno

            matrix = np.array([[bool(v) for v in row] for row in segno.make(data, error="m").matrix])
            n = matrix.shape[0] + 8  # 4-module quiet zone each side
            img = np.full((n, n), 255, np.uint8)
            img[4:-4, 4:-4] = np.where(matrix, 0, 255)
            small = pygame.surfarray.make_surface(np.stack([img.T] * 3, axis=-1))
            self._qr[key] = pygame.transform.scale(small, (size_px, size_px))
        return self._qr[key]

    def theme(self, th) -> None:
        """The content's colours (kiosk.content.Theme)."""
        self.bg, self.panel, self.fg = th.background, th.panel, th.text
        self.muted, self.accent, self.good = th.muted, th.accent, th.good

    def image(self, img, box: tuple[int, int]) -> pygame.Surface:
        """A content image (bytes checked by kiosk.content), scaled to fit `box`, cached."""
        key = (img.name, hash(img.data), box)
        surf = self._images.get(key)
        if surf is None:
            if len(self._images) > 16:
                self._images.clear()
            import io

            raw = pygame.image.load(io.BytesIO(img.data), img.name)
            scale = min(box[0] / raw.get_width(), box[1] / raw.get_height())
            size = (max(1, int(raw.get_width() * scale)), max(1, int(raw.get_height() * scale)))
            surf = pygame.transform.smoothscale(
                raw.convert_alpha() if pygame.display.get_surface() else raw, size
            )
            self._images[key] = surf
        return surf

    def fits(self, img: pygame.Surface, width: int, key: str) -> pygame.Surface:
        """Report a one-line text wider than `width` (see `overflow=`); draw it as it is."""
        if self._overflow is not None and key and img.get_width() > width:
            self._overflow(
                key,
                f"is {img.get_width() - width} px too wide for one line on the {self.w}x{self.h}"
                " screen - shorten it",
            )
        return img

    # -- frame ---------------------------------------------------------------------------------------
    def render(self, surf: pygame.Surface, f: ScreenFrame) -> None:
        w, h = surf.get_size()
        # layout unit: 1.0 on a 1080p TV; never below 0.5 so text stays readable from 3 m on 800x480
        self.u = max(min(w / 1920, h / 1080), 0.5)
        self.w, self.h = w, h
        if f.content.version != self._content_version:  # new content: the old texts and codes are dead
            self._content_version = f.content.version
            self._text.clear()
            self._text_bytes = 0
            self._qr.clear()
            self._images.clear()
        self.theme(f.content.theme)
        surf.fill(self.bg)
        s = f.state
        if s.fault:
            self._fault(surf, f)
        else:
            {
                Mode.ATTRACT: self._attract,
                Mode.LEARN: self._learn,
                Mode.TRAIN: self._train,
                Mode.SUMMARY: self._summary,
                Mode.CALL: self._call,
            }[s.mode](surf, f)
        self._legend(surf, f)
        if f.bar_levels:
            self._bar(surf, f.bar_levels)
        if s.overlay:
            self._overlay(surf, f)

    def px(self, v: float) -> int:
        return max(1, int(v * self.u))

    def _header(self, surf, f: ScreenFrame, title: str, key: str = "") -> None:
        room = self.w - self.px(120)
        if f.content.logo is not None:
            logo = self.image(f.content.logo, (self.px(300), self.px(110)))
            surf.blit(logo, (self.w - self.px(60) - logo.get_width(), self.px(35)))
            room -= logo.get_width() + self.px(30)
        name = self.fits(self.text(f.content.gym_name.upper(), self.px(44), self.accent), room, "gym.name")
        surf.blit(name, (self.px(60), self.px(40)))
        img = self.fits(self.text(title, self.px(64)), room, key)
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
        bh = self.px(96)
        y = self.h - bh - self.px(20)
        gap = self.px(24)
        bw = (self.w - 2 * self.px(60) - 2 * gap) // 3
        for i, (name, word) in enumerate(zip(("green", "yellow", "blue"), words, strict=True)):
            x = self.px(60) + i * (bw + gap)
            r = pygame.Rect(x, y, bw, bh)
            pygame.draw.rect(surf, BUTTON_COLOURS[name], r, border_radius=self.px(24))
            label = f"{name.upper()}: {word}"
            img = self.text(label, self.px(50), (10, 10, 10))
            if img.get_width() > bw - self.px(20):
                img = self.text(label, self.px(36), (10, 10, 10))
            surf.blit(img, (r.centerx - img.get_width() // 2, r.centery - img.get_height() // 2))

    def _bar(self, surf, levels: tuple[float, ...]) -> None:
        """The LED bar as the simulator shows it: segments along the right edge, bottom first."""
        n = len(levels)
        seg_h = (self.h - self.px(260)) // n
        x = self.w - self.px(44)
        for i, lv in enumerate(levels):
            y = self.h - self.px(150) - (i + 1) * seg_h
            r = pygame.Rect(x, y + 3, self.px(28), seg_h - 6)
            c = tuple(int(30 + (cc - 30) * lv) for cc in (255, 120, 0))
            pygame.draw.rect(surf, c, r, border_radius=self.px(6))

    # -- screens -------------------------------------------------------------------------------------
    def _attract(self, surf, f: ScreenFrame) -> None:
        c, s = f.content, f.state
        card = s.card % ATTRACT_CARDS
        body = pygame.Rect(self.px(60), self.px(190), self.w - self.px(180), self.h - self.px(330))
        fig = pygame.Rect(body.right - int(body.width * 0.38), body.top, int(body.width * 0.38), body.height)
        text = pygame.Rect(body.left, body.top, int(body.width * 0.58), body.height)
        if card == 0:
            self._header(surf, f, c.heading, "title.heading")
            y = self.para(surf, c.intro, self.px(72), text, key="title.intro", bottom=body.bottom)
            self.para(
                surf,
                c.tagline,
                self.px(44),
                text.move(0, y - text.top + self.px(30)),
                self.muted,
                key="gym.tagline",
                bottom=body.bottom,
            )
            if c.photo is not None:
                img = self.image(c.photo, fig.size)
                surf.blit(img, (fig.centerx - img.get_width() // 2, fig.top))
            else:
                draw_figure(surf, fig, rep_depth(f.t), accent=self.accent, kettlebell=True)
        elif card == 1:
            self._header(surf, f, "Why hip hinge?")
            y = text.top
            longest = max(range(len(c.benefits)), key=lambda k: len(c.benefits[k].text))
            for k, b in enumerate(c.benefits):
                y = self.para(
                    surf,
                    f"{k + 1}. {b.title}",
                    self.px(54),
                    pygame.Rect(text.left, y, body.width, 0),
                    self.accent,
                )
                y = self.para(
                    surf,
                    b.text,
                    self.px(40),
                    pygame.Rect(text.left + self.px(40), y, body.width - self.px(40), 0),
                )
                y += self.px(18)
            if self._overflow is not None and y - self.px(18) > body.bottom:
                self._overflow(
                    f"benefits[{longest + 1}].text",
                    f"with the other benefits, needs {y - body.bottom} px more"
                    f" than the {self.w}x{self.h} screen - shorten this or another benefit, or use fewer",
                )
        elif card == 2:
            self._header(surf, f, f"Learn it here, in {len(c.steps)} steps")
            y = self.para(
                surf, "Press GREEN (left button) to start", self.px(84), text, BUTTON_COLOURS["green"]
            )
            y = self.para(
                surf,
                "or step onto the mark, side-on to the screen.",
                self.px(54),
                text.move(0, y - text.top + self.px(20)),
            )
            if f.hinges_week > 0:
                self.para(
                    surf,
                    f"{f.hinges_week} hinge{'s' if f.hinges_week != 1 else ''} on this kiosk this week",
                    self.px(54),
                    text.move(0, y - text.top + self.px(30)),
                    self.accent,
                )
            draw_figure(surf, fig, rep_depth(f.t), accent=self.accent)
        else:
            self._header(surf, f, "Personal training")
            y = self.para(
                surf,
                f"Call us now {c.phone}",
                self.px(96),
                text,
                self.accent,
                key="gym.phone",
                bottom=body.bottom,
            )
            self.para(surf, c.tagline, self.px(48), text.move(0, y - text.top + self.px(20)), self.muted)
            q = min(fig.width, fig.height) - self.px(40)
            surf.blit(self.qr(c.phone_uri, q), (fig.left, fig.top))

    def _learn(self, surf, f: ScreenFrame) -> None:
        c, s = f.content, f.state
        k = min(s.step, len(c.steps) - 1)
        self._header(surf, f, c.heading, "title.heading")
        body = pygame.Rect(self.px(60), self.px(190), self.w - self.px(180), self.h - self.px(330))
        fig = pygame.Rect(body.left, body.top, int(body.width * 0.4), body.height)
        text = pygame.Rect(
            fig.right + self.px(40), body.top, body.right - fig.right - self.px(40), body.height
        )
        # animate from the previous step's pose to this one over 0.8 s
        a = min(1.0, max(0.0, (f.t - s.since) / 0.8))
        ease = 0.5 - 0.5 * math.cos(math.pi * a)
        pose = f.learn_from_pose + (c.steps[k].pose - f.learn_from_pose) * ease
        draw_figure(surf, fig, pose, accent=self.accent)
        count = self.text(f"{k + 1} / {len(c.steps)}", self.px(110), self.accent)
        surf.blit(count, (text.left, text.top))
        self.para(
            surf,
            c.steps[k].text,
            self.px(70),
            text.move(0, count.get_height() + self.px(20)),
            key=f"steps[{k + 1}].text",
            bottom=body.bottom - self.px(40),
        )
        self.para(
            surf,
            c.author,
            self.px(36),
            pygame.Rect(text.left, body.bottom - self.px(40), text.width, 0),
            self.muted,
            key="title.author",
            bottom=body.bottom,
        )

    def _train(self, surf, f: ScreenFrame) -> None:
        c, s = f.content, f.state
        title = "Trainer demo" if s.demo else "Your hip hinge"
        self._header(surf, f, title)
        body = pygame.Rect(self.px(60), self.px(190), self.w - self.px(180), self.h - self.px(330))
        left = pygame.Rect(body.left, body.top, int(body.width * 0.45), body.height)
        right = pygame.Rect(
            left.right + self.px(40), body.top, body.right - left.right - self.px(40), body.height
        )
        pygame.draw.rect(surf, self.panel, left, border_radius=self.px(20))
        seen = f.live_present and not f.camera_resting
        if f.camera_resting:
            self.para(
                surf,
                "Camera resting - the steps and call-us still work",
                self.px(50),
                left.inflate(-self.px(60), -self.px(200)),
                self.muted,
                centre=True,
            )
        elif f.live_mask is not None and f.live_mask.any():
            colour = SEEN if seen else (90, 100, 115)
            m = f.live_mask
            rgb = np.zeros((m.shape[1], m.shape[0], 3), np.uint8)
            rgb[...] = self.panel
            rgb[m.T] = colour
            img = pygame.surfarray.make_surface(rgb)
            scale = min(left.width / m.shape[1], left.height / m.shape[0])
            img = pygame.transform.scale(img, (int(m.shape[1] * scale), int(m.shape[0] * scale)))
            surf.blit(img, (left.centerx - img.get_width() // 2, left.centery - img.get_height() // 2))
        # the one line that says at a glance whether the kiosk sees you
        status = ("I see you" if seen else c.cues["arrive"]) if not f.camera_resting else "Camera resting"
        room = left.width - self.px(40)
        px = self.px(48)
        while px > self.px(36) and self.font(px).size(status)[0] > room:
            px -= 2
        img = self.text(status, px, self.good if seen else self.accent)
        self.fits(self.text(c.cues["arrive"], self.px(36)), room, "cues.arrive")
        surf.blit(img, (left.left + self.px(20), left.top + self.px(16)))
        # reps, dial, depth meter, cue
        reps = self.text(f"{s.reps} / {s.target_reps}", self.px(150), self.fg)
        surf.blit(reps, (right.left, right.top))
        surf.blit(
            self.text("reps", self.px(48), self.muted),
            (right.left + reps.get_width() + self.px(20), right.top + self.px(70)),
        )
        dial_r = min(right.width // 4, self.px(170))
        centre = (right.left + dial_r + self.px(10), right.top + reps.get_height() + self.px(40) + dial_r)
        self._dial(surf, centre, dial_r, f.live_angle_deg if seen else None, c.target_angle_deg)
        meter = pygame.Rect(centre[0] + dial_r + self.px(60), centre[1] - dial_r, self.px(70), 2 * dial_r)
        pygame.draw.rect(surf, self.panel, meter, border_radius=self.px(12))
        fill = int(meter.height * (f.live_depth if seen else 0.0))
        pygame.draw.rect(
            surf,
            self.good if f.live_depth >= 1.0 else self.accent,
            (meter.left, meter.bottom - fill, meter.width, fill),
            border_radius=self.px(12),
        )
        surf.blit(
            self.text("depth", self.px(36), self.muted), (meter.left - self.px(6), meter.bottom + self.px(8))
        )
        rep_cue = seen and f.rep_flash
        cue_key = "rep" if rep_cue else (self._cue(f) if seen else "arrive")
        top = centre[1] + dial_r + self.px(50)

        def size_for(text: str) -> int:
            # one cue above the button legend: smaller type before it would overlap
            size = self.px(62)
            while (
                size > self.px(36)
                and len(self.wrap(text, size, right.width)) * size * 1.1 > right.bottom - top
            ):
                size -= 2
            return size

        cue = c.cues[cue_key]
        self.para(
            surf,
            cue,
            size_for(cue),
            pygame.Rect(right.left, top, right.width, 0),
            self.good if rep_cue else self.accent,
            key=f"cues.{cue_key}",
            bottom=right.bottom + 1,
        )

    def _cue(self, f: ScreenFrame) -> str:
        """The key of the one phase-aware cue to show (kiosk.content.CUE_KEYS)."""
        phase = f.live_phase
        if phase == "calibrating":
            return "calibrate"
        if phase == "descending":
            return "descending"
        if phase == "bottom":  # reached depth: hold, then (depth falling again) coming up
            return "bottom" if f.live_depth >= AT_DEPTH else "ascending"
        return "standing"

    def _dial(self, surf, centre, r: int, angle: float | None, target: float) -> None:
        """Hip angle dial: 180 (standing) at the top, sweeping clockwise as the hips hinge."""
        pygame.draw.circle(surf, self.panel, centre, r)
        pygame.draw.circle(surf, self.muted, centre, r, max(2, self.px(4)))

        def point(deg: float, rr: float):
            a = math.radians(90 - (180 - deg))  # 180 -> up, 90 -> right
            return (centre[0] + rr * math.cos(a), centre[1] - rr * math.sin(a))

        pygame.draw.line(surf, self.good, point(target, r * 0.75), point(target, r), max(3, self.px(8)))
        label = "--" if angle is None else f"{angle:.0f}\u00b0"
        img = self.text(label, self.px(80))
        surf.blit(img, (centre[0] - img.get_width() // 2, centre[1] + r * 0.2))
        if angle is not None:
            pygame.draw.line(surf, self.accent, centre, point(angle, r * 0.9), max(4, self.px(10)))
        pygame.draw.circle(surf, self.accent, centre, max(4, self.px(12)))

    def _summary(self, surf, f: ScreenFrame) -> None:
        s = f.state
        self._header(surf, f, "Set complete - nice work!")
        body = pygame.Rect(self.px(60), self.px(220), self.w - self.px(180), self.h - self.px(360))
        tempo = tempo_s(s)
        rows = [
            ("Reps", f"{s.reps}"),
            ("Best depth", "--" if s.best_deg is None else f"{s.best_deg:.0f}\u00b0 at the hip"),
            ("Tempo", "--" if tempo is None else f"{tempo:.1f} s per rep"),
        ]
        y = body.top
        for k, v in rows:
            surf.blit(self.text(k, self.px(60), self.muted), (body.left, y))
            surf.blit(self.text(v, self.px(96)), (body.left + self.px(420), y - self.px(14)))
            y += self.px(130)
        self.para(
            surf,
            f"Want a coach for the rest? Call us now {f.content.phone}",
            self.px(56),
            pygame.Rect(body.left, y + self.px(20), body.width, 0),
            self.accent,
            key="gym.phone",
            bottom=self.h - self.px(116),
        )

    def _call(self, surf, f: ScreenFrame) -> None:
        c = f.content
        self._header(surf, f, c.tagline, "gym.tagline")
        body = pygame.Rect(self.px(60), self.px(200), self.w - self.px(180), self.h - self.px(340))
        surf.blit(self.text("Call us now", self.px(80), self.muted), (body.left, body.top))
        phone = self.fits(self.text(c.phone, self.px(190), self.accent), body.width, "gym.phone")
        surf.blit(phone, (body.left, body.top + self.px(80)))
        q = min(int(body.height * 0.62), body.width // 4)
        qy = body.top + self.px(80) + phone.get_height() + self.px(20)
        surf.blit(self.qr(c.phone_uri, q), (body.left, qy))
        surf.blit(self.text("Scan to call", self.px(40), self.muted), (body.left, qy + q + self.px(6)))
        ox = body.left + q + self.px(80)
        surf.blit(self.qr(c.offer_url, q), (ox, qy))
        self.para(
            surf,
            c.offer,
            self.px(48),
            pygame.Rect(ox + q + self.px(30), qy, body.right - ox - q - self.px(30), 0),
            key="gym.offer",
            bottom=self.h - self.px(116),
        )

    def _fault(self, surf, f: ScreenFrame) -> None:
        self._header(surf, f, "Back in a moment")
        self.para(
            surf,
            "The coach is catching its breath. Try the steps (YELLOW, middle button) or call us.",
            self.px(60),
            pygame.Rect(self.px(60), self.px(260), self.w - self.px(240), 0),
            self.muted,
        )

    def _overlay(self, surf, f: ScreenFrame) -> None:
        """Staff status; a line starting with "!" (a rejected content edit, a rep log that cannot
        write) is red, and a red dot in the corner says something needs a look."""
        lines = ("STAFF", *f.staff_lines) if f.staff_lines else ("STAFF", "no status yet")
        step = self.px(48)
        r = pygame.Rect(self.px(60), self.px(30), self.w - self.px(150), step * len(lines) + self.px(40))
        pygame.draw.rect(surf, (0, 0, 0), r, border_radius=self.px(16))
        pygame.draw.rect(surf, self.accent, r, max(2, self.px(4)), border_radius=self.px(16))
        room = r.width - self.px(48)
        for i, line in enumerate(lines):
            colour = self.accent if i == 0 else (WARN if line.startswith("!") else self.fg)
            px = self.px(40)
            while px > self.px(26) and self.font(px).size(line)[0] > room:
                px -= 2
            img = self.text(line, px, colour)
            surf.blit(
                img, (r.left + self.px(24), r.top + self.px(20) + i * step), pygame.Rect(0, 0, room, step)
            )
        if any(line.startswith("!") for line in lines):
            pygame.draw.circle(surf, WARN, (r.right - self.px(40), r.top + self.px(40)), self.px(18))


def _bytes(surf: pygame.Surface) -> int:
    return surf.get_width() * surf.get_height() * surf.get_bytesize()
