"""The attract screen's cards, one after another while nobody trains: the title, why hinge, how to
start, call us (core.modes.ATTRACT_CARDS of them)."""

from __future__ import annotations

import pygame

from kiosk.core.modes import ATTRACT_CARDS, Mode
from kiosk.ui.figure import draw_figure, rep_depth
from kiosk.ui.screens import BUTTON_COLOURS, ScreenFrame

Fig = pygame.Rect | None  # where the card's moving figure goes (None: it has none)


def static_key(f: ScreenFrame) -> tuple:
    """What the card's static layer reads of the frame (beside the content and the size)."""
    card = f.state.card % ATTRACT_CARDS
    return (Mode.ATTRACT, card, f.hinges_week if CARDS[card] is _start else 0)


def draw_static(p, surf, f: ScreenFrame) -> pygame.Rect | None:
    """The card without its moving figure; returns where the figure goes (None: the card has none)."""
    body = pygame.Rect(p.px(60), p.px(190), p.w - p.px(180), p.h - p.px(330))
    fig = pygame.Rect(body.right - int(body.width * 0.38), body.top, int(body.width * 0.38), body.height)
    text = pygame.Rect(body.left, body.top, int(body.width * 0.58), body.height)
    return CARDS[f.state.card % ATTRACT_CARDS](p, surf, f, body, text, fig)


def draw_live(p, surf, f: ScreenFrame, fig: pygame.Rect | None) -> None:
    """The demonstration rep: the card's one moving part."""
    if fig is not None:
        p.note(draw_figure(surf, fig, rep_depth(f.t), accent=p.accent, kettlebell=True))


def draw_attract(p, surf, f: ScreenFrame) -> None:
    draw_live(p, surf, f, draw_static(p, surf, f))


def _title(p, surf, f: ScreenFrame, body: pygame.Rect, text: pygame.Rect, fig: pygame.Rect) -> Fig:
    c = f.content
    p.header(surf, f, c.heading, "title.heading")
    y = p.para(surf, c.intro, p.tx(72), text, key="title.intro", bottom=body.bottom)
    p.para(
        surf,
        c.tagline,
        p.tx(44),
        text.move(0, y - text.top + p.px(30)),
        p.muted,
        key="gym.tagline",
        bottom=body.bottom,
    )
    if c.photo is not None:
        img = p.image(c.photo, fig.size)
        surf.blit(img, (fig.centerx - img.get_width() // 2, fig.top))
        return None
    return fig


def _why(p, surf, f: ScreenFrame, body: pygame.Rect, text: pygame.Rect, fig: pygame.Rect) -> Fig:
    c = f.content
    p.header(surf, f, "Why hip hinge?")
    y = text.top
    longest = max(range(len(c.benefits)), key=lambda k: len(c.benefits[k].text))
    for k, b in enumerate(c.benefits):
        y = p.para(
            surf,
            f"{k + 1}. {b.title}",
            p.tx(54),
            pygame.Rect(text.left, y, body.width, 0),
            p.accent,
        )
        y = p.para(
            surf,
            b.text,
            p.tx(44),
            pygame.Rect(text.left + p.px(40), y, body.width - p.px(40), 0),
        )
        y += p.px(18)
    if y - p.px(18) > body.bottom:
        p.report(
            f"benefits[{longest + 1}].text",
            f"with the other benefits, needs {y - body.bottom} px more"
            f" than the {p.w}x{p.h} screen - shorten this or another benefit, or use fewer",
        )
    return None


def _start(p, surf, f: ScreenFrame, body: pygame.Rect, text: pygame.Rect, fig: pygame.Rect) -> Fig:
    c = f.content
    p.header(surf, f, f"Learn it here, in {len(c.steps)} steps")
    y = p.para(surf, "Press GREEN (left button) to start", p.tx(84), text, BUTTON_COLOURS["green"])
    y = p.para(
        surf,
        "or step onto the mark, side-on to the screen.",
        p.tx(54),
        text.move(0, y - text.top + p.px(20)),
    )
    if f.hinges_week > 0:
        p.para(
            surf,
            f"{f.hinges_week} hinge{'s' if f.hinges_week != 1 else ''} on this kiosk this week",
            p.tx(54),
            text.move(0, y - text.top + p.px(30)),
            p.accent,
        )
    return fig


def _call(p, surf, f: ScreenFrame, body: pygame.Rect, text: pygame.Rect, fig: pygame.Rect) -> Fig:
    c = f.content
    p.header(surf, f, "Personal training")
    y = p.para(
        surf,
        f"Call us now {c.phone}",
        p.tx(96),
        text,
        p.accent,
        key="gym.phone",
        bottom=body.bottom,
    )
    p.para(surf, c.tagline, p.tx(48), text.move(0, y - text.top + p.px(20)), p.muted)
    q = min(fig.width, fig.height) - p.px(40)
    surf.blit(p.qr(c.phone_uri, q), (fig.left, fig.top))
    return None


CARDS = (_title, _why, _start, _call)
assert len(CARDS) == ATTRACT_CARDS
