"""The screen: a window or the whole display, or - while there is none (TV off or unplugged at boot,
no DRM device) - an off-screen surface, with the display tried again on a backoff. Main thread.

What a frame costs to show is what it uploads: SDL's kmsdrm driver (the Pi) has no framebuffer of its
own, so every flip copies the whole window surface into a GLES2 texture. So the screens are drawn at a
*logical* size and the GPU scales that to the display (`pygame.SCALED`: an SDL renderer with one
streaming texture at the logical size; SDL_RENDER_DRIVER defaults to opengles2, what kmsdrm uses on a
Pi). `logical_size()` picks it: a 1080p TV is drawn at 960x540 (2.1 MB a flip, not 8.3) and scaled
exactly 2x; the 800x480 panel and a 1280x720 window are drawn as they are, with no scaler at all.
The same code runs on kmsdrm, x11 and SDL's dummy driver.
"""

from __future__ import annotations

import logging
import os
import re
import time
import warnings

import pygame

from kiosk.errors import ConfigError

log = logging.getLogger(__name__)

MAX_LOGICAL_W_PX = 1280  # "auto" divides the display by the smallest whole number that gets this wide
_WXH = re.compile(r"^(\d{3,4})x(\d{3,4})$")


def logical_size(output_px: tuple[int, int], setting: str = "auto") -> tuple[int, int]:
    """The size the screens are drawn at for an output of `output_px`: "auto" (the output divided by
    the smallest whole number that makes it at most 1280 wide: 1920x1080 -> 960x540, 3840x2160 ->
    1280x720, 800x480 and 1280x720 as they are), "native" (the output itself) or "WxH"."""
    w, h = output_px
    if setting == "native":
        return w, h
    if setting == "auto":
        k = max(1, -(-w // MAX_LOGICAL_W_PX))
        return w // k, h // k
    m = _WXH.match(setting)
    if not m:
        raise ConfigError(
            f'[display] logical_size = "{setting}" - use "auto", "native" or WxH such as "960x540"'
        )
    return int(m.group(1)), int(m.group(2))


class Display:
    def __init__(
        self, size: tuple[int, int], *, fullscreen: bool, headless: bool, retry_s: tuple[float, float],
        caption: str, logical: str = "auto", vsync: bool = True,
    ) -> None:
        logical_size((1920, 1080), logical)  # a bad setting is said now, not at the first try
        self.size, self.fullscreen, self.headless = size, fullscreen, headless
        self.retry_s = retry_s  # (first, longest) wait between tries for a display
        self.caption = caption
        self.logical, self.vsync = logical, vsync
        self.surface = pygame.Surface(size)  # drawn on while there is no display
        self.up = headless
        self.scaled = False  # drawn at a logical size, scaled by the renderer
        self.output_px = size  # what the display shows (the window, or the whole screen)
        self.present_ms = 0.0  # the last flip's wall time (upload, scale, swap; a vsync wait too)
        self.path = self.describe()  # the present path in words, as it was opened
        self._missing_since: float | None = None
        self._retry_mono = 0.0
        self._backoff_s = retry_s[0]

    @property
    def upload_bytes(self) -> int:
        """Bytes one flip copies out of the process: the whole surface the screens draw on (SDL
        uploads all of it, dirty rects or not); 0 with nothing to show it on."""
        if not self.up or self.headless or pygame.display.get_driver() == "dummy":
            return 0
        return self.surface.get_pitch() * self.surface.get_height()

    def describe(self) -> str:
        """The present path in words, for the log, the staff and the benchmark."""
        if self.headless:
            return "headless (no display)"
        if not self.up:
            return "the display is not up (yet)"
        lw, lh = self.surface.get_size()
        ow, oh = self.output_px
        driver = pygame.display.get_driver()
        if self.scaled:
            render = os.environ.get("SDL_RENDER_DRIVER") or "SDL's choice"
            return (
                f"{driver}: SDL renderer ({render}) + one streaming texture, drawn at {lw}x{lh},"
                f" scaled by the renderer to {ow}x{oh}"
            )
        return f"{driver}: the window surface at {lw}x{lh}, shown as it is"

    def poll(self, now_mono: float) -> None:
        """Try the display when a try is due (at once the first time)."""
        if self.up or now_mono < self._retry_mono:
            return
        self.up = self._open(now_mono)
        if self.up:
            self.surface = pygame.display.get_surface()
            self.path = self.describe()
            log.info("display: %s (%d bytes a frame)", self.path, self.upload_bytes)

    def set_caption(self, caption: str) -> None:
        """The window's title (the gym's name: the content may change after the first frame)."""
        if caption != self.caption:
            self.caption = caption
            if self.up and not self.headless:
                pygame.display.set_caption(caption)

    def events(self) -> list:
        return pygame.event.get() if self.up and not self.headless else []

    def flip(self) -> None:
        if self.up and not self.headless:
            t0 = time.perf_counter()
            pygame.display.flip()
            self.present_ms = (time.perf_counter() - t0) * 1000

    def _set_mode(self) -> pygame.Surface:
        if self.fullscreen:
            desktop = pygame.display.get_desktop_sizes()
            output = desktop[0] if desktop else self.size
        else:
            output = self.size
        logical = logical_size(output, self.logical)
        self.output_px = output
        self.scaled = logical != tuple(output)
        if not self.scaled:
            flags = pygame.FULLSCREEN if self.fullscreen else 0
            return pygame.display.set_mode((0, 0) if self.fullscreen else self.size, flags)
        os.environ.setdefault("SDL_RENDER_DRIVER", "opengles2")  # kmsdrm's; SDL falls back if absent
        flags = pygame.SCALED | (pygame.FULLSCREEN if self.fullscreen else 0)
        with warnings.catch_warnings():
            if pygame.display.get_driver() == "dummy":  # nothing to show: SDL's software renderer is right
                warnings.filterwarnings("ignore", "no fast renderer available")
            try:
                return pygame.display.set_mode(logical, flags, vsync=int(self.vsync))
            except pygame.error as e:
                if not self.vsync:
                    raise
                log.warning("no vsync on this display (%s) - frames may tear", e)
                return pygame.display.set_mode(logical, flags)

    def _open(self, now_mono: float) -> bool:
        """Try the display once; False (and the next try scheduled, doubling up to the longest wait) if
        there is none. Said once when it goes missing and once when it comes."""
        try:
            pygame.display.init()
            screen = self._set_mode()
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
        self.surface = screen
        self.output_px = pygame.display.get_window_size()  # SCALED in a window picks its own multiple
        if self._missing_since is not None:
            log.info("display up after %.0f s without one", now_mono - self._missing_since)
            self._missing_since = None
        return True

    def close(self) -> None:
        pygame.display.quit()
