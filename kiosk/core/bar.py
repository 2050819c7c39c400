"""What the LED bar shows, as brightness levels 0..1 per segment (bottom first). Pure."""

from __future__ import annotations

import math

from kiosk.core.modes import Mode

REP_FLASH_S = 0.35  # all segments on, once, when a rep counts
SET_FLASH_S = 1.5  # three fast chases up the bar when the set is complete


def bar_levels(
    mode: Mode, t: float, n: int, *, depth: float = 0.0, rep_t: float = -1e9, set_t: float = -1e9
) -> tuple[float, ...]:
    """Levels for `n` segments at time t. Train: live depth (none lit standing, all lit at target
    depth, the top lit segment dimmed by the fraction); a flash on each counted rep and a distinct
    chase at set complete. Attract: slow breathing. Call: a pulse. Others: off."""
    if t - set_t < SET_FLASH_S:
        pos = ((t - set_t) / (SET_FLASH_S / 3)) % 1.0 * n
        return tuple(1.0 if abs(i - pos) < 1.5 else 0.0 for i in range(n))
    if t - rep_t < REP_FLASH_S:
        return (1.0,) * n
    if mode == Mode.TRAIN:
        lit = max(0.0, min(1.0, depth)) * n
        return tuple(max(0.0, min(1.0, lit - i)) for i in range(n))
    if mode == Mode.ATTRACT:
        v = 0.08 + 0.35 * (0.5 - 0.5 * math.cos(2 * math.pi * t / 4.0))  # 4 s breath
        return (round(v, 3),) * n
    if mode == Mode.CALL:
        v = 1.0 if (t % 1.0) < 0.5 else 0.15
        return (v,) * n
    if mode == Mode.SUMMARY:
        return (1.0,) * n
    return (0.0,) * n
