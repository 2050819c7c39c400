"""The staff overlay's lines (BLUE long hold): where the kiosk is, what content it shows, how the
camera and the rep log are. Plain text; a line starting with "!" needs a look (drawn red)."""

from __future__ import annotations

import os
import socket
import time


def _n(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def address() -> str:
    """This kiosk's host name and addresses, for staff who want to SSH in (no network traffic)."""
    host = socket.gethostname()
    try:
        addrs = sorted({ai[4][0] for ai in socket.getaddrinfo(host, None, socket.AF_INET)})
    except OSError:
        addrs = []
    return f"{host} {' '.join(a for a in addrs if not a.startswith('127.')) or '(no network)'}"


def mtime(path: str) -> str:
    """The content file's modification time: what staff compare after an edit."""
    try:
        return time.strftime("%Y-%m-%d %H:%M", time.localtime(os.path.getmtime(path)))
    except OSError:
        return "missing"


def content_line(live_content) -> str:
    c = live_content.current
    if live_content.valid:
        return f"content {c.version}: {c.source} ({mtime(c.source)})"
    return (
        f"! content edit REJECTED ({_n(len(live_content.problems), 'problem')}),"
        f" showing {c.version}: run `kiosk content check`"
    )


def camera_line(camera, *, on_figure: bool, fps: float) -> str:
    name = "demo figure" if on_figure else camera.name
    return f"fps: {fps:.1f}   camera: {name} {camera.state} {camera.last_error}".rstrip()


def replog_line(replog) -> str:
    if replog is None:
        return "rep log: off"
    if replog.error is not None:
        return f"! rep log NOT WRITING ({replog.error}) - {replog.waiting} waiting in memory"
    return f"rep log: {replog.path}"


def staff_lines(
    *,
    live_content,
    camera,
    on_figure: bool,
    fps: float,
    reps_since_start: int,
    hinges_week: int,
    replog,
    notice: str,
) -> tuple[str, ...]:
    return (
        f"address: {address()}",
        content_line(live_content),
        camera_line(camera, on_figure=on_figure, fps=fps),
        f"reps since start: {reps_since_start}   this week: {hinges_week}",
        replog_line(replog),
        notice or "no notices",
    )


WARN = (255, 70, 70)  # the overlay's marker for something that needs a look


def draw_overlay(p, surf, staff_lines: tuple[str, ...]) -> None:
    """The staff status box; a line starting with "!" (a rejected content edit, a rep log that cannot
    write) is red, and a red dot in the corner says something needs a look."""
    import pygame

    lines = ("STAFF", *staff_lines) if staff_lines else ("STAFF", "no status yet")
    step = p.tx(44) * 11 // 10
    box = pygame.Rect(p.px(60), p.px(30), p.w - p.px(150), step * len(lines) + p.px(40))
    p.note(pygame.draw.rect(surf, (0, 0, 0), box, border_radius=p.px(16)))  # all of it is in the box
    pygame.draw.rect(surf, p.accent, box, max(2, p.px(4)), border_radius=p.px(16))
    room = box.width - p.px(48)
    for i, line in enumerate(lines):
        colour = p.accent if i == 0 else (WARN if line.startswith("!") else p.fg)
        px = p.tx(44)
        while px > p.min_text_px and p.font(px).size(line)[0] > room:
            px -= 2
        img = p.text(line, px, colour)
        surf.blit(img, (box.left + p.px(24), box.top + p.px(20) + i * step), pygame.Rect(0, 0, room, step))
    if any(line.startswith("!") for line in lines):
        pygame.draw.circle(surf, WARN, (box.right - p.px(40), box.top + p.px(40)), p.px(18))
