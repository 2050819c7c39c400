"""Run the live pipeline over a recorded clip, frame by frame, causally, as fast as it can."""

from __future__ import annotations

import json
import sys
import time
from dataclasses import dataclass

import numpy as np

from kiosk.core.pipeline import FrameResult, Pipeline
from kiosk.core.reps import RepSettings
from kiosk.core.vision import VisionSettings


@dataclass
class ReplayResult:
    fps: float
    results: list[FrameResult]
    rep_frames: list[int]
    ms_per_frame: list[float]

    @property
    def reps(self) -> int:
        return len(self.rep_frames)

    def to_json(self) -> dict:
        return {
            "fps": self.fps,
            "frames": [
                {
                    "present": r.present,
                    "hip_angle": None if r.hip_angle_deg is None else round(r.hip_angle_deg, 2),
                }
                for r in self.results
            ],
            "reps": self.reps,
            "rep_frames": self.rep_frames,
            "rep_details": [r.rep_detail.to_json() for r in self.results if r.rep_detail is not None],
            "ms_per_frame": round(float(np.median(self.ms_per_frame)), 4) if self.ms_per_frame else 0.0,
        }


def replay(
    frames: np.ndarray,
    fps: float,
    *,
    vision: VisionSettings | None = None,
    reps: RepSettings | None = None,
    keep_masks: bool = False,
) -> ReplayResult:
    """Feed `frames` at their recorded times (i / fps) through a fresh Pipeline."""
    pipe = Pipeline(vision, reps)
    results: list[FrameResult] = []
    rep_frames: list[int] = []
    ms: list[float] = []
    clock = time.perf_counter
    for i in range(frames.shape[0]):
        frame = frames[i]
        t0 = clock()
        r = pipe.step(frame, i / fps)
        ms.append((clock() - t0) * 1000.0)
        if any(e.kind == "rep" for e in r.events):
            rep_frames.append(i)
        if not keep_masks:
            r = FrameResult(**{**r.__dict__, "observation": _drop_mask(r.observation)})
        results.append(r)
    return ReplayResult(fps, results, rep_frames, ms)


def _drop_mask(obs):
    from dataclasses import replace

    return replace(obs, mask=np.zeros((0, 0), bool))


def replay_command(args) -> int:
    """`kiosk replay CLIP.npz [--json] [--target-deg N]`."""
    from kiosk.clip import load_clip
    from kiosk.core.reps import RepSettings

    frames, fps = load_clip(args.clip)
    reps = RepSettings() if args.target_deg is None else RepSettings(target_angle_deg=args.target_deg)
    res = replay(frames, fps, reps=reps)
    out = res.to_json()
    if args.json:
        json.dump(out, sys.stdout, separators=(",", ":"))
        sys.stdout.write("\n")
        return 0
    n = len(res.results)
    present = sum(r.present for r in res.results)
    measured = [r.hip_angle_deg for r in res.results if r.hip_angle_deg is not None]
    print(f"{args.clip}: {n} frames at {fps:g} fps ({n / fps:.1f} s)")
    print(f"  person in view: {present} frames; hip angle measured on {len(measured)}")
    if measured:
        print(f"  hip angle: min {min(measured):.0f} deg, max {max(measured):.0f} deg")
    print(f"  reps counted: {res.reps} (at frames {', '.join(map(str, res.rep_frames)) or '-'})")
    for d in (r.rep_detail for r in res.results if r.rep_detail is not None):
        j = d.to_json()  # (None for what was not measured)
        knee, trunk, down, up = (
            "-" if j[k] is None else f"{j[k]:.{n}f}{unit}"
            for k, n, unit in (
                ("knee_deg", 0, " deg"),
                ("trunk_deg", 0, " deg"),
                ("down_s", 1, " s"),
                ("up_s", 1, " s"),
            )
        )
        print(
            f"    frame {d.frame}: depth {d.depth_deg:.0f} deg, knees {knee}, trunk {trunk}, down {down},"
            f" up {up}: {', '.join(d.faults) or 'clean'}"
        )
    print(f"  pipeline: {out['ms_per_frame']:.2f} ms per frame (median)")
    return 0
