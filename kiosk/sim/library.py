"""Named scenes: the fixed benchmark set and presets for tests and the demo."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from kiosk.sim.body import BodyShape
from kiosk.sim.scene import SceneSpec, Segment


def _set(rng: np.random.Generator, full: int, partial: int, depth_range=(0.72, 1.05)) -> list[Segment]:
    """A set of `full` reps (bottom hip angle 85-115 deg) with `partial` shallow ones mixed in."""
    kinds = ["rep"] * full + ["partial"] * partial
    rng.shuffle(kinds)
    out = []
    for k in kinds:
        descent = float(rng.uniform(0.9, 1.8))
        bottom = float(rng.uniform(0.1, 0.6))
        ascent = float(rng.uniform(0.8, 1.5))
        rest = float(rng.uniform(0.6, 2.0))
        depth = float(rng.uniform(*depth_range)) if k == "rep" else float(rng.uniform(0.15, 0.4))
        dur = descent + bottom + ascent + rest
        out.append(Segment(k, dur, depth, descent, bottom, ascent))
    return out


def _timeline(rng, full, partial, *, in_view=False, fidget=False) -> tuple[Segment, ...]:
    walk_s = float(rng.uniform(2.5, 4.0))
    seq: list[Segment] = []
    if not in_view:
        seq += [Segment("empty", float(rng.uniform(2.0, 4.0))), Segment("walk_in", walk_s)]
    seq.append(Segment("stand", float(rng.uniform(1.5, 3.0))))
    if fidget:
        seq.append(Segment("fidget", 4.0))
    seq += _set(rng, full, partial)
    seq.append(Segment("stand", float(rng.uniform(1.0, 2.5))))
    if not in_view:
        seq += [Segment("walk_out", walk_s), Segment("empty", float(rng.uniform(1.5, 3.0)))]
    return tuple(seq)


def _body(rng: np.random.Generator, wall: float, floor: float, *, close: bool) -> BodyShape:
    """Clothing that stands out from wall and floor by >= 40 gray levels; with `close`, a top only
    12-22 gray levels off the wall, folds included (the mask gets holes there)."""
    if close:
        top = float(np.clip(wall + rng.choice([-1, 1]) * rng.uniform(12, 22), 0, 255))
    else:
        choices = [v for v in (25, 45, 70, 100, 200, 230) if abs(v - wall) >= 40]
        top = float(rng.choice(choices))
    legs = float(rng.choice([v for v in (20, 35, 60, 230) if abs(v - wall) >= 40 and abs(v - floor) >= 40]))
    return BodyShape(
        height_m=float(rng.uniform(1.55, 1.95)),
        build=float(rng.uniform(0.85, 1.25)),
        top_shade=int(top),
        legs_shade=int(legs),
        skin_shade=int(rng.uniform(110, 200)),
        loose=float(rng.choice([0.0, 0.0, 0.5, 1.0])),
        posture_deg=float(rng.uniform(0.5, 4.0)),
    )


def benchmark_specs() -> list[SceneSpec]:
    """A fixed, seeded list of 27 clips at 320x240, 15 fps; labels starting "hard-" are the hard third."""
    specs: list[SceneSpec] = []
    for k in range(27):
        rng = np.random.default_rng(1000 + k)
        hard = k % 3 == 2
        zero = k in (4, 13, 22)
        in_view = k in (7, 17)
        portrait = k == 10
        full = 0 if zero else int(rng.integers(3, 9))
        partial = int(rng.integers(1, 4)) if zero else int(rng.integers(0, 3))
        background = "plain" if (in_view or rng.random() < 0.3) else "textured"
        wall = float(rng.uniform(120, 200))
        floor = float(rng.uniform(90, 170))
        body = _body(rng, wall, floor, close=hard and k % 2 == 0)
        spec = SceneSpec(
            seed=1000 + k,
            width_px=180 if portrait else 320,
            height_px=320 if portrait else 240,
            facing=1 if k % 2 == 0 else -1,
            body=body,
            kettlebell=bool(rng.random() < 0.5),
            background=background,
            person_scale=float(rng.uniform(0.5, 0.8)) if not portrait else 0.5,
            noise_sigma=float(rng.uniform(4, 6)) if hard else float(rng.uniform(1, 3)),
            gain_drift=float(rng.uniform(0.05, 0.1)) if hard else 0.0,
            exposure_jump=float(rng.choice([0.8, 1.2])) if hard and not in_view else 1.0,
            shadow=float(rng.uniform(0.5, 1.0)) if hard else float(rng.choice([0.0, 0.3])),
            jitter_px=1 if hard else 0,
            passerby=hard and k % 2 == 1,
            timeline=_timeline(rng, full, partial, in_view=in_view, fidget=zero),
            mark_x=float(rng.uniform(0.4, 0.6)),
            wall_shade=wall,
            floor_shade=floor,
            label="",
        )
        bits = ["hard" if hard else "easy"]
        bits.append("zero-reps" if zero else f"{full}reps")
        if partial:
            bits.append(f"{partial}partial")
        bits.append("right" if spec.facing > 0 else "left")
        if in_view:
            bits.append("in-view")
        if portrait:
            bits.append("portrait")
        if spec.kettlebell:
            bits.append("kb")
        if spec.passerby:
            bits.append("passerby")
        bits.append(f"{k:02d}")
        specs.append(replace(spec, label="-".join(bits)))
    return specs


def basic_set(reps: int = 5, facing: int = 1, **kw) -> SceneSpec:
    """Empty room 3 s, walk in, stand 2 s, `reps` full reps, stand, walk out, empty 2 s."""
    rng = np.random.default_rng(kw.pop("seed", 7))
    seq = [Segment("empty", 3.0), Segment("walk_in", 3.0), Segment("stand", 2.0)]
    seq += _set(rng, reps, 0)
    seq += [Segment("stand", 1.5), Segment("walk_out", 3.0), Segment("empty", 2.0)]
    base = SceneSpec(seed=int(rng.integers(1 << 30)), facing=facing, timeline=tuple(seq), label="basic-set")
    return replace(base, **kw)


def standing_still(seconds: float = 60.0, **kw) -> SceneSpec:
    seq = (Segment("empty", 3.0), Segment("walk_in", 3.0), Segment("stand", seconds))
    return replace(SceneSpec(seed=kw.pop("seed", 11), timeline=seq, label="standing-still"), **kw)


def already_in_view(reps: int = 5, **kw) -> SceneSpec:
    rng = np.random.default_rng(kw.pop("seed", 23))
    seq = [Segment("stand", 2.0), *_set(rng, reps, 0), Segment("stand", 2.0)]
    base = SceneSpec(seed=23, background="plain", timeline=tuple(seq), label="already-in-view")
    return replace(base, **kw)


def partial_reps_only(**kw) -> SceneSpec:
    rng = np.random.default_rng(kw.pop("seed", 31))
    seq = [Segment("empty", 3.0), Segment("walk_in", 3.0), Segment("stand", 2.0)]
    seq += _set(rng, 0, 6)
    seq += [Segment("fidget", 4.0), Segment("stand", 1.0), Segment("walk_out", 3.0), Segment("empty", 2.0)]
    return replace(SceneSpec(seed=31, timeline=tuple(seq), label="partial-reps-only"), **kw)


def exposure_jump_set(**kw) -> SceneSpec:
    return basic_set(reps=4, seed=kw.pop("seed", 41), exposure_jump=0.75, **kw)


def demo_scene(**kw) -> SceneSpec:
    """The trainer's demo: someone walks in, does 5 clean, deep reps and walks out (loops)."""
    seq = [Segment("empty", 2.0), Segment("walk_in", 3.0), Segment("stand", 2.0)]
    for k in range(5):
        seq.append(Segment("rep", 4.2, 0.9 + 0.03 * (k % 3), 1.4, 0.4, 1.2))
    seq += [Segment("stand", 1.5), Segment("walk_out", 3.0)]
    base = SceneSpec(seed=2024, kettlebell=True, timeline=tuple(seq), label="demo")
    return replace(base, **kw)
