"""The content check's drawing half (kiosk.content.ScreenCheck): does an image decode, does every
text fit. Every screen of the gallery is drawn once, off screen, by a renderer that reports overflow."""

from __future__ import annotations

import io

import pygame

from kiosk.content import Content
from kiosk.ui.gallery import cue_screens, screens
from kiosk.ui.screens import Renderer


class ScreenFit:
    """Keeps one renderer and surface, so a reload reuses the fonts instead of loading them again.
    Main thread (it uses pygame)."""

    def __init__(self) -> None:
        self._found: list[tuple[str, str]] = []
        self._renderer = Renderer(overflow=lambda key, why: self._found.append((key, why)))
        self._surface: pygame.Surface | None = None

    def image_problem(self, data: bytes, name: str) -> str | None:
        try:
            pygame.image.load(io.BytesIO(data), name)
        except (pygame.error, ValueError, OSError) as e:
            return str(e)
        return None

    def fit_problems(self, content: Content, size_px: tuple[int, int]) -> list[tuple[str, str]]:
        if self._surface is None or self._surface.get_size() != size_px:
            self._surface = pygame.Surface(size_px)
        self._found = []
        for _name, frame in screens(content) + cue_screens(content):
            self._renderer.render(self._surface, frame)
        return list(dict.fromkeys(self._found))  # each once, in the order found
