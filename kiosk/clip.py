"""Recorded clips: `.npz` files with `frames` (N x H x W uint8) and `fps`."""

from __future__ import annotations

import zipfile
from pathlib import Path

import numpy as np

from kiosk.errors import ClipError

MIN_SIDE_PX = 32
MAX_SIDE_PX = 4096


def load_clip(path: str | Path) -> tuple[np.ndarray, float]:
    """Return (frames, fps) or raise ClipError whose message names the file and the problem."""
    p = Path(path)
    if not p.exists():
        raise ClipError(f"{p}: no such file - check the path")
    if p.is_dir():
        raise ClipError(f"{p}: is a directory, not a clip - give the .npz file")
    if not zipfile.is_zipfile(p):
        raise ClipError(
            f"{p}: not an .npz archive (or it is truncated)"
            " - save clips with numpy.savez(path, frames=..., fps=...)"
        )
    try:
        with np.load(p, allow_pickle=False) as data:
            keys = set(data.files)
            missing = {"frames", "fps"} - keys
            if missing:
                raise ClipError(
                    f"{p}: missing {', '.join(sorted(missing))} (has: {', '.join(sorted(keys)) or 'nothing'})"
                    " - a clip needs 'frames' (N x H x W uint8) and 'fps'"
                )
            frames = data["frames"]
            fps_arr = data["fps"]
    except ClipError:
        raise
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as e:
        raise ClipError(f"{p}: not a readable .npz clip ({e.__class__.__name__}: {e})") from e
    if frames.dtype != np.uint8:
        raise ClipError(f"{p}: frames are {frames.dtype}, expected uint8 grayscale")
    if frames.ndim != 3:
        raise ClipError(f"{p}: frames have shape {frames.shape}, expected N x H x W (grayscale)")
    if frames.shape[0] == 0:
        raise ClipError(f"{p}: the clip has zero frames")
    h, w = frames.shape[1:]
    if not (MIN_SIDE_PX <= h <= MAX_SIDE_PX and MIN_SIDE_PX <= w <= MAX_SIDE_PX):
        raise ClipError(f"{p}: frame size {w}x{h} is outside {MIN_SIDE_PX}..{MAX_SIDE_PX} px")
    try:
        fps = float(np.asarray(fps_arr).reshape(-1)[0]) if np.asarray(fps_arr).size == 1 else float("nan")
    except (TypeError, ValueError):
        fps = float("nan")
    if not (1.0 <= fps <= 240.0):
        raise ClipError(f"{p}: fps {np.asarray(fps_arr).tolist()!r} is not a frame rate between 1 and 240")
    return frames, fps
