"""Drawing helpers every screen shares: fonts, cached text and QR codes, wrapped paragraphs, content
images, the layout unit, the theme's colours - and, for a renderer made with `overflow=`, reports of
content text that does not fit. Main thread only."""

from __future__ import annotations

import io
import os
from collections.abc import Callable

import numpy as np
import pygame

TEXT_CACHE_BYTES = 4 * 2**20  # rendered text kept for reuse
# what does not change from frame to frame, drawn once into a surface and blitted: whole screens'
# static layers (one at least, whatever its size) and the live parts that repeat (the count and rep
# strip, the cue, the LED bar's segments). Small, so memory levels off within the first minute.
LAYER_CACHE_BYTES = 6 * 2**20
SPRITE_CACHE_BYTES = 4 * 2**20
MIN_TEXT_SHARE = 0.03  # no text line shorter than this share of the screen height (readable from 3 m)
Overflow = Callable[[str, str], None]  # (content field key, what to shorten)

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


class Painter:
    def __init__(self, *, overflow: Overflow | None = None) -> None:
        pygame.font.init()
        self._overflow = overflow
        self._images: dict[tuple, pygame.Surface] = {}
        self._fonts: dict[int, pygame.font.Font] = {}
        self._text: dict[tuple, pygame.Surface] = {}
        self._text_bytes = 0
        self._content_version: str | None = None
        self._qr: dict[tuple[str, int], pygame.Surface] = {}
        # when a list: (text, line height px) of every text drawn, cached or not (tests check sizes)
        self.text_log: list[tuple[str, int]] | None = None
        self.caching = False  # this frame reuses cached layers and sprites (Renderer.render sets it)
        self._sprites = SurfaceCache(SPRITE_CACHE_BYTES)
        self._rects: list[pygame.Rect] | None = None  # what this frame's live parts (or a sprite) drew
        # sprites (and the LED bar) by key -> where: this frame's, and the last frame's still on the
        # surface, not yet put back to the layer (a sprite drawn again in the same place stays)
        self._tagged: dict[tuple, pygame.Rect] | None = None
        self._pending: dict[tuple, tuple[pygame.Rect, bool]] = {}  # (where, untouched since)
        self.layer: pygame.Surface | None = None  # this frame's static layer (None: not caching)
        self._scratch: dict[str, pygame.Surface] = {}

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
        if self.text_log is not None:
            self.text_log.append((s, surf.get_height()))
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
            self.note(surf.blit(img, (x, y)))
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

    # -- what is drawn once and reused ---------------------------------------------------------------
    def note(self, rect: pygame.Rect) -> pygame.Rect:
        """`rect` was drawn (what pygame.draw and blit return): part of the sprite being drawn."""
        if self._rects is not None:
            self._rects.append(rect)
        return rect

    def sprite(self, surf: pygame.Surface, key: tuple, draw: Callable[[], object]) -> None:
        """`draw()` (which draws onto `surf` and `note`s what it drew) once for `key`, then the pixels it
        left, blitted - or, when the last frame put the same sprite in the same place, nothing. The key
        must hold everything the drawing reads, and what lies under it must be the same static layer
        each time (Renderer puts the layer's key in it): the sprite is opaque. Live parts that are not
        sprites come after `settle()`."""
        if not self.caching:
            draw()
            return
        hit = self._sprites.get(key)
        if hit is not None:
            img, at = hit
            box = img.get_rect(topleft=at)
            if self._pending.get(key) == (box, True):
                del self._pending[key]  # still there as the last frame drew it
            else:
                self.settle(surf, box)
                surf.blit(img, at)
            self.tag(key, box)
            return
        self.settle(surf)  # what is drawn is kept: nothing of the last frame may lie under it
        outer, self._rects = self._rects, []
        try:
            draw()
            drawn = self._rects
        finally:
            self._rects = outer
        drawn = [r for r in drawn if r.width and r.height]
        if drawn:
            box = drawn[0].unionall(drawn[1:]).clip(surf.get_rect())
            if box.width and box.height:
                self._sprites.put(key, (surf.subsurface(box).copy(), box.topleft), _bytes_of(box, surf))
                self.tag(key, box)

    def tag(self, key: tuple, rect: pygame.Rect) -> None:
        """`rect` was drawn as `key`: drawn again the same next frame, it need not be put back first."""
        if self._tagged is not None:
            self._tagged[key] = rect
        else:
            self.note(rect)

    def claim(self, key: tuple) -> None:
        """This frame redraws `key` over exactly the same pixels as the last one: leave them."""
        self._pending.pop(key, None)

    def settle(self, surf: pygame.Surface, box: pygame.Rect | None = None) -> None:
        """Put back from the layer what the last frame's sprites left and this one has not drawn again
        (those meeting `box`; all of them when None)."""
        for key, (r, _untouched) in list(self._pending.items()):
            if box is None or r.colliderect(box):
                surf.blit(self.layer, r, r)
                del self._pending[key]

    def scratch(self, name: str, size: tuple[int, int]) -> pygame.Surface:
        """A reusable `size` surface (a subsurface of one kept per `name`, grown as needed): per-frame
        work with no allocation, whose page faults cost more than the drawing."""
        big = self._scratch.get(name)
        if big is None or big.get_width() < size[0] or big.get_height() < size[1]:
            w = max(size[0], big.get_width() if big else 0)
            h = max(size[1], big.get_height() if big else 0)
            big = self._scratch[name] = pygame.Surface((w, h))
        return big.subsurface((0, 0, *size))

    # -- frame ---------------------------------------------------------------------------------------

    @property
    def cached(self) -> dict[str, set[str]]:
        """What is held for reuse: the texts and the QR codes' data (new content empties both)."""
        return {"text": {s for s, _px, _c in self._text}, "qr": {d for d, _px in self._qr}}

    def report(self, key: str, message: str) -> None:
        """Content field `key` does not fit (said only by a renderer made with `overflow=`)."""
        if self._overflow is not None:
            self._overflow(key, message)

    def begin(self, surf: pygame.Surface, content) -> None:
        """A new frame on `surf`: its size sets the layout unit; new content empties the caches."""
        w, h = surf.get_size()
        # layout unit: 1.0 on a 1080p TV; never below 0.5 so text stays readable from 3 m on 800x480
        self.u = max(min(w / 1920, h / 1080), 0.5)
        self.w, self.h = w, h
        if getattr(self, "_min_for", None) != h:
            self._min_for, self.min_text_px = h, self._smallest_px(MIN_TEXT_SHARE * h)
        if content.version != self._content_version:  # new content: the old texts and codes are dead
            self._content_version = content.version
            self._text.clear()
            self._text_bytes = 0
            self._qr.clear()
            self._images.clear()
        self.theme(content.theme)

    def px(self, v: float) -> int:
        return max(1, int(v * self.u))

    def tx(self, v: float) -> int:
        """A text size: `px(v)`, never below the smallest readable one (`min_text_px`)."""
        return max(self.px(v), self.min_text_px)

    def _smallest_px(self, line_px: float) -> int:
        """The smallest font size whose lines are at least `line_px` high."""
        px = max(10, int(line_px))
        while self.font(px).get_height() < line_px:
            px += 1
        return px


def _bytes(surf: pygame.Surface) -> int:
    return surf.get_width() * surf.get_height() * surf.get_bytesize()


def _bytes_of(rect: pygame.Rect, surf: pygame.Surface) -> int:
    return rect.width * rect.height * surf.get_bytesize()


class SurfaceCache:
    """Least recently used first out, bounded by bytes (one entry kept whatever its size)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: dict[tuple, tuple[object, int]] = {}
        self.bytes = 0

    def get(self, key: tuple):
        item = self._items.pop(key, None)
        if item is None:
            return None
        self._items[key] = item  # most recently used last
        return item[0]

    def put(self, key: tuple, value, size_bytes: int) -> None:
        old = self._items.pop(key, None)
        if old is not None:
            self.bytes -= old[1]
        self._items[key] = (value, size_bytes)
        self.bytes += size_bytes
        while self.bytes > self.max_bytes and len(self._items) > 1:
            self.bytes -= self._items.pop(next(iter(self._items)))[1]

    def clear(self) -> None:
        self._items.clear()
        self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)
