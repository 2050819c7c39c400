"""Every screen of the kiosk, drawn with pygame at any size (800x480 .. 1920x1080 and beyond).

`Renderer.render(surface, frame)` draws one `ScreenFrame` (plain data: the mode state, the content,
the live measurement and the LED bar levels). Text surfaces and QR codes are cached; main thread only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pygame

from kiosk.content import Content
from kiosk.core.modes import Mode, State, tempo_s
from kiosk.ui.figure import draw_figure, rep_depth

BG = (14, 20, 30)
PANEL = (28, 38, 54)
TEXT = (245, 245, 245)
MUTED = (170, 182, 198)
ACCENT = (255, 140, 0)  # Crux orange
GOOD = (60, 210, 110)
BUTTON_COLOURS = {"green": (40, 190, 80), "yellow": (250, 205, 30), "blue": (40, 130, 240)}
SEEN = (70, 190, 250)


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
    camera_resting: bool = False


class Renderer:
    def __init__(self) -> None:
        pygame.font.init()
        self._fonts: dict[int, pygame.font.Font] = {}
        self._text: dict[tuple, pygame.Surface] = {}
        self._qr: dict[tuple[str, int], pygame.Surface] = {}

    # -- helpers -----------------------------------------------------------------------------------
    def font(self, px: int) -> pygame.font.Font:
        px = max(10, int(px))
        if px not in self._fonts:
            self._fonts[px] = pygame.font.Font(None, px)
        return self._fonts[px]

    def text(self, s: str, px: int, colour=TEXT) -> pygame.Surface:
        key = (s, int(px), colour)
        surf = self._text.get(key)
        if surf is None:
            if len(self._text) > 400:
                self._text.clear()
            surf = self.font(px).render(s, True, colour)
            self._text[key] = surf
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

    def para(self, surf, s: str, px: int, rect: pygame.Rect, colour=TEXT, *, centre=False) -> int:
        y = rect.top
        for line in self.wrap(s, px, rect.width):
            img = self.text(line, px, colour)
            x = rect.centerx - img.get_width() // 2 if centre else rect.left
            surf.blit(img, (x, y))
            y += int(px * 1.1)
        return y

    def qr(self, data: str, size_px: int) -> pygame.Surface:
        key = (data, size_px)
        if key not in self._qr:
            import segno

            matrix = np.array([[bool(v) for v in row] for row in segno.make(data, error="m").matrix])
            n = matrix.shape[0] + 8  # 4-module quiet zone each side
            img = np.full((n, n), 255, np.uint8)
            img[4:-4, 4:-4] = np.where(matrix, 0, 255)
            small = pygame.surfarray.make_surface(np.stack([img.T] * 3, axis=-1))
            self._qr[key] = pygame.transform.scale(small, (size_px, size_px))
        return self._qr[key]

    # -- frame ---------------------------------------------------------------------------------------
    def render(self, surf: pygame.Surface, f: ScreenFrame) -> None:
        w, h = surf.get_size()
        # layout unit: 1.0 on a 1080p TV; never below 0.5 so text stays readable from 3 m on 800x480
        self.u = max(min(w / 1920, h / 1080), 0.5)
        self.w, self.h = w, h
        surf.fill(BG)
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

    def _header(self, surf, f: ScreenFrame, title: str) -> None:
        surf.blit(self.text(f.content.gym_name.upper(), self.px(44), ACCENT), (self.px(60), self.px(40)))
        img = self.text(title, self.px(64))
        surf.blit(img, (self.px(60), self.px(95)))

    def _legend(self, surf, f: ScreenFrame) -> None:
        """The three physical buttons, left to right, by colour, word and position."""
        m = f.state.mode
        words = {
            Mode.ATTRACT: ("Start", "The 5 steps", "Call us"),
            Mode.LEARN: ("Next", "Back", "Call us"),
            Mode.TRAIN: ("Finish set", "The 5 steps", "Call us"),
            Mode.SUMMARY: ("Go again", "The 5 steps", "Call us"),
            Mode.CALL: ("Train", "The 5 steps", "Back"),
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
        card = s.card % 4
        body = pygame.Rect(self.px(60), self.px(190), self.w - self.px(180), self.h - self.px(330))
        fig = pygame.Rect(body.right - int(body.width * 0.38), body.top, int(body.width * 0.38), body.height)
        text = pygame.Rect(body.left, body.top, int(body.width * 0.58), body.height)
        if card == 0:
            self._header(surf, f, c.heading)
            y = self.para(surf, c.intro, self.px(72), text)
            self.para(surf, c.tagline, self.px(44), text.move(0, y - text.top + self.px(30)), MUTED)
            draw_figure(surf, fig, rep_depth(f.t), accent=ACCENT, kettlebell=True)
        elif card == 1:
            self._header(surf, f, "Why hip hinge?")
            y = text.top
            for k, b in enumerate(c.benefits):
                y = self.para(
                    surf, f"{k + 1}. {b.title}", self.px(54), pygame.Rect(text.left, y, body.width, 0), ACCENT
                )
                y = self.para(
                    surf,
                    b.text,
                    self.px(40),
                    pygame.Rect(text.left + self.px(40), y, body.width - self.px(40), 0),
                )
                y += self.px(18)
        elif card == 2:
            self._header(surf, f, "Learn it here, in 5 steps")
            y = self.para(
                surf, "Press GREEN (left button) to start", self.px(84), text, BUTTON_COLOURS["green"]
            )
            self.para(
                surf,
                "or step onto the mark, side-on to the screen.",
                self.px(54),
                text.move(0, y - text.top + self.px(20)),
            )
            draw_figure(surf, fig, rep_depth(f.t), accent=ACCENT)
        else:
            self._header(surf, f, "Personal training")
            y = self.para(surf, f"Call us now {c.phone}", self.px(96), text, ACCENT)
            self.para(surf, c.tagline, self.px(48), text.move(0, y - text.top + self.px(20)), MUTED)
            q = min(fig.width, fig.height) - self.px(40)
            surf.blit(self.qr(c.phone_uri, q), (fig.left, fig.top))

    def _learn(self, surf, f: ScreenFrame) -> None:
        c, s = f.content, f.state
        k = min(s.step, len(c.steps) - 1)
        self._header(surf, f, c.heading)
        body = pygame.Rect(self.px(60), self.px(190), self.w - self.px(180), self.h - self.px(330))
        fig = pygame.Rect(body.left, body.top, int(body.width * 0.4), body.height)
        text = pygame.Rect(
            fig.right + self.px(40), body.top, body.right - fig.right - self.px(40), body.height
        )
        # animate from the previous step's pose to this one over 0.8 s
        a = min(1.0, max(0.0, (f.t - s.since) / 0.8))
        ease = 0.5 - 0.5 * math.cos(math.pi * a)
        pose = f.learn_from_pose + (c.steps[k].pose - f.learn_from_pose) * ease
        draw_figure(surf, fig, pose, accent=ACCENT)
        count = self.text(f"{k + 1} / {len(c.steps)}", self.px(110), ACCENT)
        surf.blit(count, (text.left, text.top))
        y = self.para(surf, c.steps[k].text, self.px(70), text.move(0, count.get_height() + self.px(20)))
        self.para(
            surf,
            c.author,
            self.px(36),
            pygame.Rect(text.left, body.bottom - self.px(40), text.width, 0),
            MUTED,
        )
        del y

    def _train(self, surf, f: ScreenFrame) -> None:
        c, s = f.content, f.state
        title = "Trainer demo" if s.demo else "Your hip hinge"
        self._header(surf, f, title)
        body = pygame.Rect(self.px(60), self.px(190), self.w - self.px(180), self.h - self.px(330))
        left = pygame.Rect(body.left, body.top, int(body.width * 0.45), body.height)
        right = pygame.Rect(
            left.right + self.px(40), body.top, body.right - left.right - self.px(40), body.height
        )
        pygame.draw.rect(surf, PANEL, left, border_radius=self.px(20))
        seen = f.live_present and not f.camera_resting
        if f.camera_resting:
            self.para(
                surf,
                "Camera resting - the steps and call-us still work",
                self.px(50),
                left.inflate(-self.px(60), -self.px(200)),
                MUTED,
                centre=True,
            )
        elif f.live_mask is not None and f.live_mask.any():
            colour = SEEN if seen else (90, 100, 115)
            m = f.live_mask
            rgb = np.zeros((m.shape[1], m.shape[0], 3), np.uint8)
            rgb[...] = PANEL
            rgb[m.T] = colour
            img = pygame.surfarray.make_surface(rgb)
            scale = min(left.width / m.shape[1], left.height / m.shape[0])
            img = pygame.transform.scale(img, (int(m.shape[1] * scale), int(m.shape[0] * scale)))
            surf.blit(img, (left.centerx - img.get_width() // 2, left.centery - img.get_height() // 2))
        # the one line that says at a glance whether the kiosk sees you
        status = ("I see you" if seen else c.cues["arrive"]) if not f.camera_resting else "Camera resting"
        img = self.text(status, self.px(48), GOOD if seen else ACCENT)
        surf.blit(img, (left.left + self.px(20), left.top + self.px(16)))
        # reps, dial, depth meter, cue
        target = 5 if s.demo else s.set_target
        reps = self.text(f"{s.reps} / {target}", self.px(150), TEXT)
        surf.blit(reps, (right.left, right.top))
        surf.blit(
            self.text("reps", self.px(48), MUTED),
            (right.left + reps.get_width() + self.px(20), right.top + self.px(70)),
        )
        dial_r = min(right.width // 4, self.px(170))
        centre = (right.left + dial_r + self.px(10), right.top + reps.get_height() + self.px(40) + dial_r)
        self._dial(surf, centre, dial_r, f.live_angle_deg if seen else None, c.target_angle_deg)
        meter = pygame.Rect(centre[0] + dial_r + self.px(60), centre[1] - dial_r, self.px(70), 2 * dial_r)
        pygame.draw.rect(surf, PANEL, meter, border_radius=self.px(12))
        fill = int(meter.height * (f.live_depth if seen else 0.0))
        pygame.draw.rect(
            surf,
            GOOD if f.live_depth >= 1.0 else ACCENT,
            (meter.left, meter.bottom - fill, meter.width, fill),
            border_radius=self.px(12),
        )
        surf.blit(
            self.text("depth", self.px(36), MUTED), (meter.left - self.px(6), meter.bottom + self.px(8))
        )
        cue = self._cue(f) if seen else c.cues["arrive"]
        top = centre[1] + dial_r + self.px(50)
        size = self.px(62)
        # one cue, at most two lines above the button legend: smaller type before it would overlap
        while size > self.px(36) and len(self.wrap(cue, size, right.width)) * size * 1.1 > right.bottom - top:
            size -= 2
        self.para(surf, cue, size, pygame.Rect(right.left, top, right.width, 0), ACCENT)

    def _cue(self, f: ScreenFrame) -> str:
        """One phase-aware cue at a time, taken from the steps."""
        cues, phase = f.content.cues, f.live_phase
        if phase == "calibrating":
            return cues["calibrate"]
        if phase == "descending":
            return cues["descending"]
        if phase == "bottom":  # reached depth: hold, then (depth falling again) coming up
            return cues["bottom"] if f.live_depth >= 0.98 else cues["ascending"]
        return cues["standing"]

    def _dial(self, surf, centre, r: int, angle: float | None, target: float) -> None:
        """Hip angle dial: 180 (standing) at the top, sweeping clockwise as the hips hinge."""
        pygame.draw.circle(surf, PANEL, centre, r)
        pygame.draw.circle(surf, MUTED, centre, r, max(2, self.px(4)))

        def point(deg: float, rr: float):
            a = math.radians(90 - (180 - deg))  # 180 -> up, 90 -> right
            return (centre[0] + rr * math.cos(a), centre[1] - rr * math.sin(a))

        pygame.draw.line(surf, GOOD, point(target, r * 0.75), point(target, r), max(3, self.px(8)))
        label = "--" if angle is None else f"{angle:.0f}\u00b0"
        img = self.text(label, self.px(80))
        surf.blit(img, (centre[0] - img.get_width() // 2, centre[1] + r * 0.2))
        if angle is not None:
            pygame.draw.line(surf, ACCENT, centre, point(angle, r * 0.9), max(4, self.px(10)))
        pygame.draw.circle(surf, ACCENT, centre, max(4, self.px(12)))

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
            surf.blit(self.text(k, self.px(60), MUTED), (body.left, y))
            surf.blit(self.text(v, self.px(96)), (body.left + self.px(420), y - self.px(14)))
            y += self.px(130)
        self.para(
            surf,
            f"Want a coach for the rest? Call us now {f.content.phone}",
            self.px(56),
            pygame.Rect(body.left, y + self.px(20), body.width, 0),
            ACCENT,
        )

    def _call(self, surf, f: ScreenFrame) -> None:
        c = f.content
        self._header(surf, f, c.tagline)
        body = pygame.Rect(self.px(60), self.px(200), self.w - self.px(180), self.h - self.px(340))
        surf.blit(self.text("Call us now", self.px(80), MUTED), (body.left, body.top))
        phone = self.text(c.phone, self.px(190), ACCENT)
        surf.blit(phone, (body.left, body.top + self.px(80)))
        q = min(int(body.height * 0.62), body.width // 4)
        qy = body.top + self.px(80) + phone.get_height() + self.px(20)
        surf.blit(self.qr(c.phone_uri, q), (body.left, qy))
        surf.blit(self.text("Scan to call", self.px(40), MUTED), (body.left, qy + q + self.px(6)))
        ox = body.left + q + self.px(80)
        surf.blit(self.qr(c.offer_url, q), (ox, qy))
        self.para(
            surf,
            c.offer,
            self.px(48),
            pygame.Rect(ox + q + self.px(30), qy, body.right - ox - q - self.px(30), 0),
        )
        del ox

    def _fault(self, surf, f: ScreenFrame) -> None:
        self._header(surf, f, "Back in a moment")
        self.para(
            surf,
            "The coach is catching its breath. Try the steps (YELLOW, middle button) or call us.",
            self.px(60),
            pygame.Rect(self.px(60), self.px(260), self.w - self.px(240), 0),
            MUTED,
        )

    def _overlay(self, surf, f: ScreenFrame) -> None:
        lines = ("STAFF", *f.staff_lines) if f.staff_lines else ("STAFF", "no status yet")
        r = pygame.Rect(self.w // 2, self.px(30), self.w // 2 - self.px(90), self.px(60) * (len(lines) + 1))
        pygame.draw.rect(surf, (0, 0, 0), r, border_radius=self.px(16))
        pygame.draw.rect(surf, ACCENT, r, max(2, self.px(4)), border_radius=self.px(16))
        for i, line in enumerate(lines):
            surf.blit(
                self.text(line, self.px(44), ACCENT if i == 0 else TEXT),
                (r.left + self.px(24), r.top + self.px(20) + i * self.px(56)),
            )
