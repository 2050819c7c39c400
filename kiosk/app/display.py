"""The screen: a window or the whole display, or - while there is none (TV off or unplugged at boot,
no DRM device) - an off-screen surface, with the display tried again on a backoff. Main thread."""

from __future__ import annotations

import logging

import pygame

log = logging.getLogger(__name__)


class Display:
    def __init__(
        self, size: tuple[int, int], *, fullscreen: bool, headless: bool, retry_s: tuple[float, float],
        caption: str,
    ) -> None:
        self.size, self.fullscreen, self.headless = size, fullscreen, headless
        self.retry_s = retry_s  # (first, longest) wait between tries for a display
        self.caption = caption
        self.surface = pygame.Surface(size)  # drawn on while there is no display
        self.up = headless
        self._missing_since: float | None = None
        self._retry_mono = 0.0
        self._backoff_s = retry_s[0]

    def poll(self, now_mono: float) -> None:
        """Try the display when a try is due (at once the first time)."""
        if self.up or now_mono < self._retry_mono:
            return
        self.up = self._open(now_mono)
        if self.up:
            self.surface = pygame.display.get_surface()

    def events(self) -> list:
        return pygame.event.get() if self.up and not self.headless else []

    def flip(self) -> None:
        if self.up and not self.headless:
            pygame.display.flip()

    def _open(self, now_mono: float) -> bool:
        """Try the display once; False (and the next try scheduled, doubling up to the longest wait) if
        there is none. Said once when it goes missing and once when it comes."""
        try:
            pygame.display.init()
            flags = pygame.FULLSCREEN if self.fullscreen else 0
            screen = pygame.display.set_mode((0, 0) if self.fullscreen else self.size, flags)
        except pygame.error as e:
            pygame.display.quit()
            if self._missing_since is None:
                self._missing_since = now_mono
                log.error(
                    "no display (%s) - check the HDMI cable and that the screen is on; LED bar and buttons"
                    " keep working, retrying every %g..%g s",
                    e,
                    *self.retry_s,
                )
                self._backoff_s = self.retry_s[0]
            self._retry_mono = now_mono + self._backoff_s
            self._backoff_s = min(2 * self._backoff_s, self.retry_s[1])
            return False
        pygame.display.set_caption(self.caption)
        log.info("video driver: %s, screen %sx%s", pygame.display.get_driver(), *screen.get_size())
        if self._missing_since is not None:
            log.info("display up after %.0f s without one", now_mono - self._missing_since)
            self._missing_since = None
        return True

    def close(self) -> None:
        pygame.display.quit()
