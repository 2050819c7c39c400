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
from kiosk.core.modes import Mode, State, tempo_s
from kiosk.core.reps import Phase
from kiosk.ui.figure import draw_figure
from kiosk.ui.paint import Painter

BUTTON_COLOURS = {"green": (40, 190, 80), "yellow": (250, 205, 30), "blue": (40, 130, 240)}
SEEN = (70, 190, 250)  # the member's silhouette while the kiosk sees them


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
    hinges_week: int = 0  # member reps on this kiosk in the last 7 days (from the rep log)
    camera_resting: bool = False


class Renderer(Painter):
    """Draws one ScreenFrame: the mode's screen, the button legend, the on-screen LED bar, the staff
    overlay."""

    def render(self, surf: pygame.Surface, f: ScreenFrame) -> None:
        from kiosk.ui.attract import draw_attract
        from kiosk.ui.staff import draw_overlay
        from kiosk.ui.train import draw_train

        self.begin(surf, f.content)
        surf.fill(self.bg)
        s = f.state
        if s.fault:
            self._fault(surf, f)
        else:
            {
                Mode.ATTRACT: draw_attract,
                Mode.LEARN: Renderer._learn,
                Mode.TRAIN: draw_train,
                Mode.SUMMARY: Renderer._summary,
                Mode.CALL: Renderer._call,
            }[s.mode](self, surf, f)
        self._legend(surf, f)
        if f.bar_levels:
            self._bar(surf, f.bar_levels)
        if s.overlay:
            draw_overlay(self, surf, f.staff_lines)

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
    def _learn(self, surf, f: ScreenFrame) -> None:
        c, s = f.content, f.state
        k = min(s.step, len(c.steps) - 1)
        self.header(surf, f, c.heading, "title.heading")
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
        s = f.state
        self.header(surf, f, "Set complete - nice work!")
        body = pygame.Rect(self.px(60), self.px(220), self.w - self.px(180), self.h - self.px(360))
        tempo = tempo_s(s)
        rows = [
            ("Reps", f"{s.reps}"),
            ("Best depth", "--" if s.best_deg is None else f"{s.best_deg:.0f}\u00b0 at the hip"),
            ("Tempo", "--" if tempo is None else f"{tempo:.1f} s per rep"),
        ]
        y = body.top
        for k, v in rows:
            surf.blit(self.text(k, self.tx(60), self.muted), (body.left, y))
            surf.blit(self.text(v, self.tx(96)), (body.left + self.px(420), y - self.px(14)))
            y += self.px(130)
        self.para(
            surf,
            f"Want a coach for the rest? Call us now {f.content.phone}",
            self.tx(56),
            pygame.Rect(body.left, y + self.px(20), body.width, 0),
            self.accent,
            key="gym.phone",
            bottom=self.h - self.px(116),
        )

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
