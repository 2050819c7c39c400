"""Named scenes: the fixed benchmark set, the benchmark categories, and presets for tests and the demo."""

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
    return _base_specs(1000)


def _base_specs(seed0: int) -> list[SceneSpec]:
    specs: list[SceneSpec] = []
    for k in range(27):
        rng = np.random.default_rng(seed0 + k)
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
            seed=seed0 + k,
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


# The trainer demo's demonstrations (kiosk.core.modes.DEMO_SHOWS): one rep of each, clear of the fault
# lines the generator's truth draws (kiosk.sim.scene: knees >= 45 deg, spine bow >= 15 deg, a
# hips-first ascent, a descent under 0.8 s) and inside the ranges the form benchmark draws, so the kiosk
# reads them as it reads those. `k` varies the depth a little from rep to rep.
_DEMO_REPS = {
    "clean": lambda k: Segment("rep", 4.2, 0.9 + 0.03 * (k % 3), 1.4, 0.4, 1.2),
    "knee_dominant": lambda k: Segment(
        "rep", 4.2, 0.9 + 0.03 * (k % 3), 1.4, 0.4, 1.2, "knee", knee_deg=62.0, lean_deg=50.0
    ),
    "rounded_back": lambda k: Segment("rep", 4.2, 0.9 + 0.03 * (k % 3), 1.4, 0.4, 1.2, bow_deg=38.0),
    "hips_first": lambda k: Segment(
        "rep", 4.2, 0.9 + 0.03 * (k % 3), 1.4, 0.4, 1.2, "hips_first", knee_deg=36.0, tip_deg=5.0
    ),
    "too_fast": lambda k: Segment("rep", 3.0, 0.9 + 0.03 * (k % 3), 0.6, 0.15, 0.55),
}
DEMO_SHOWS = tuple(_DEMO_REPS)


def demo_scene(show: str = "clean", *, reps: int = 5, **kw) -> SceneSpec:
    """The trainer's demo: someone walks in, does `reps` deep reps and walks out (loops). `show`: clean
    reps, or one fault on purpose (DEMO_SHOWS). Every show has the same person, room and lead-in, so
    the demo figure can go from one to another without a jump (kiosk.hw.camera.SimCamera.perform)."""
    if show not in _DEMO_REPS:
        raise ValueError(f"unknown demonstration {show!r}: one of {', '.join(_DEMO_REPS)}")
    seq = [Segment("empty", 2.0), Segment("walk_in", 3.0), Segment("stand", 2.0)]
    seq += [_DEMO_REPS[show](k) for k in range(reps)]
    seq += [Segment("stand", 1.5), Segment("walk_out", 3.0)]
    label = "demo" if show == "clean" else f"demo-{show.replace('_', '-')}"
    base = SceneSpec(seed=2024, kettlebell=True, timeline=tuple(seq), label=label)
    return replace(base, **kw)


# -- benchmark categories -------------------------------------------------------------------------
CATEGORIES = (
    "base",  # the fixed 27 (benchmark_specs), unchanged so before/after figures compare
    "knee_dominant",  # knees 50-70 deg at the bottom, trunk 40-60 deg: looks like a squat, still a hinge
    "hips_first",  # knees 35-60 deg at the bottom; on the way up they straighten first, the trunk stays
    "rounded",  # a flexed thoracic spine: the back bows away from the hip-shoulder line
    "yaw",  # camera 0-45 deg off side-on toward the front (foreshortened, far limbs showing)
    "clutter",  # gym wall (rack, plates, bench, mirror, posters) and a full-size person walking past
    "in_view",  # standing perfectly still in view from frame 0, first rep within 1-2 s
    "flicker",  # 50 Hz lighting: brightness beat and drifting rolling-shutter bands
    "squat_only",  # genuine squats: 0 reps
    "negative",  # walking through, standing, fidgeting, partial reps: 0 reps
    "leave_return",  # in view from frame 0 (0-2 reps), walks out, the room empty 3-8 s, back for a set
)
ZERO_REP_CATEGORIES = ("squat_only", "negative")


def _looks(rng: np.random.Generator, *, background: str | None = None) -> dict:
    """A person, a room and a camera, varied: height, build, clothing, facing, kettlebell, scale, noise."""
    wall = float(rng.uniform(110, 205))
    floor = float(rng.uniform(90, 170))
    return {
        "body": _body(rng, wall, floor, close=False),
        "facing": int(rng.choice([1, -1])),
        "kettlebell": bool(rng.random() < 0.5),
        "background": background or str(rng.choice(["plain", "textured", "textured"])),
        "person_scale": float(rng.uniform(0.5, 0.8)),
        "noise_sigma": float(rng.uniform(1.0, 4.5)),
        "shadow": float(rng.choice([0.0, 0.3, 0.6])),
        "mark_x": float(rng.uniform(0.4, 0.6)),
        "wall_shade": wall,
        "floor_shade": floor,
    }


def _styled_set(rng: np.random.Generator, n: int, style: str, *, fast_share: float = 0.2) -> list[Segment]:
    """`n` full reps of one style, a share of them fast (a descent under 0.8 s, the ascent as quick)."""
    out = []
    for _ in range(n):
        fast = rng.random() < fast_share
        descent = float(rng.uniform(0.55, 0.75) if fast else rng.uniform(0.9, 1.8))
        ascent = float(rng.uniform(0.5, 0.7) if fast else rng.uniform(0.8, 1.5))
        bottom = float(rng.uniform(0.1, 0.5))
        rest = float(rng.uniform(0.6, 2.0))
        kw: dict = {}
        if style == "knee":
            kw = {"knee_deg": float(rng.uniform(50, 70)), "lean_deg": float(rng.uniform(40, 60))}
        elif style == "hips_first":
            # a pull from the floor that goes hips-first often starts with the knees well bent (a
            # squat-like start), then the knees shoot straight: the bend at the bottom varies per rep
            kw = {"knee_deg": float(rng.uniform(35, 60)), "tip_deg": float(rng.uniform(0, 8))}
        elif style == "rounded":
            kw = {"bow_deg": float(rng.uniform(20, 45))}
        depth = float(rng.uniform(0.75, 1.05))
        seg_style = "hinge" if style == "rounded" else style
        out.append(
            Segment("rep", descent + bottom + ascent + rest, depth, descent, bottom, ascent, seg_style, **kw)
        )
    return out


def _frame(rng: np.random.Generator, body: list[Segment], *, walk: bool) -> tuple[Segment, ...]:
    """Around a set: walk in and out of an empty room (`walk`), or in view from the first frame."""
    seq: list[Segment] = []
    walk_s = float(rng.uniform(2.5, 4.0))
    if walk:
        seq += [Segment("empty", float(rng.uniform(1.5, 3.0))), Segment("walk_in", walk_s)]
    seq.append(Segment("stand", float(rng.uniform(1.5, 2.5))))
    seq += body
    seq.append(Segment("stand", float(rng.uniform(1.0, 2.0))))
    if walk:
        seq += [Segment("walk_out", walk_s), Segment("empty", float(rng.uniform(1.0, 2.0)))]
    return tuple(seq)


def _category_spec(cat: str, k: int, seed: int) -> SceneSpec:
    rng = np.random.default_rng(seed)
    look = _looks(rng)
    reps = int(rng.integers(3, 7))
    walk = bool(rng.random() < 0.6)
    bits: list[str] = []
    extra: dict = {}
    if cat == "knee_dominant":
        timeline = _frame(rng, _styled_set(rng, reps, "knee"), walk=walk)
    elif cat == "hips_first":
        timeline = _frame(rng, _styled_set(rng, reps, "hips_first"), walk=walk)
    elif cat == "rounded":
        timeline = _frame(rng, _styled_set(rng, reps, "rounded"), walk=walk)
    elif cat == "yaw":
        yaw = float(np.clip(45.0 * (k % 6) / 5 + rng.uniform(-3, 3), 0, 45))
        extra["yaw_deg"] = yaw
        style = str(rng.choice(["hinge", "hinge", "knee"]))
        timeline = _frame(rng, _styled_set(rng, reps, style, fast_share=0.0), walk=walk)
        bits.append(f"yaw{yaw:.0f}")
    elif cat == "clutter":
        look["background"] = "gym"
        front = k % 3 == 2
        extra.update(
            passerby=True,
            passerby_scale=1.05 if front else float(rng.uniform(0.9, 1.0)),
            passerby_at=float(rng.uniform(0.25, 0.6)),
            passerby_in_front=front,
            passerby_body=_body(rng, look["wall_shade"], look["floor_shade"], close=False),
        )
        style = str(rng.choice(["hinge", "hinge", "knee"]))
        timeline = _frame(rng, _styled_set(rng, reps, style, fast_share=0.0), walk=walk)
        bits.append("passer-in-front" if front else "passer-behind")
    elif cat == "in_view":
        look["background"] = ("plain", "gym", "textured")[k % 3]
        style = str(rng.choice(["hinge", "hinge", "knee"]))
        first = Segment("still", float(rng.uniform(0.8, 1.5)))
        body = _styled_set(rng, reps, style, fast_share=0.0)
        timeline = (first, *body, Segment("stand", float(rng.uniform(1.0, 2.0))))
        bits.append(look["background"])
    elif cat == "leave_return":
        # the kiosk started with them on the mark (their image is in the background): they do a rep or
        # two or none, walk out at the side, and come back (or the next member does) for a set
        look["background"] = ("gym", "textured", "plain")[k % 3]
        style = str(rng.choice(["hinge", "hinge", "knee"]))
        before = _styled_set(rng, int(rng.integers(0, 3)), style, fast_share=0.0)
        after = _styled_set(rng, reps, style, fast_share=0.0)
        walk_s = float(rng.uniform(2.5, 4.0))
        timeline = (
            Segment("still", float(rng.uniform(0.8, 1.5))),
            *before,
            Segment("stand", float(rng.uniform(1.0, 2.0))),
            Segment("walk_out", walk_s),
            Segment("empty", float(rng.uniform(3.0, 8.0))),
            Segment("walk_in", walk_s),
            Segment("stand", float(rng.uniform(1.5, 2.5))),
            *after,
            Segment("stand", float(rng.uniform(1.0, 2.0))),
        )
        reps += len(before)
        bits.append(look["background"])
    elif cat == "flicker":
        extra.update(flicker=float(rng.uniform(0.02, 0.06)), flicker_bands=float(rng.uniform(0.03, 0.08)))
        timeline = _frame(rng, _styled_set(rng, reps, "hinge"), walk=walk)
    elif cat == "squat_only":
        squats = []
        for _ in range(reps):
            d, b, a = float(rng.uniform(1.0, 1.8)), float(rng.uniform(0.1, 0.5)), float(rng.uniform(0.8, 1.5))
            kn, lean = float(rng.uniform(95, 125)), float(rng.uniform(8, 25))
            squats.append(
                Segment(
                    "squat",
                    d + b + a + float(rng.uniform(0.6, 2.0)),
                    1.0,
                    d,
                    b,
                    a,
                    knee_deg=kn,
                    lean_deg=lean,
                )
            )
        timeline = _frame(rng, squats, walk=walk)
        reps = 0
    elif cat == "negative":
        kind = ("walk_through", "standing", "partials", "fidget")[k % 4]
        if kind == "walk_through":  # walks across the view, turns at the edge, walks back
            walk_s = float(rng.uniform(2.5, 4.0))
            timeline = (
                Segment("empty", 2.0),
                Segment("walk_in", walk_s),
                Segment("walk_out", walk_s),
                Segment("empty", float(rng.uniform(1.0, 3.0))),
            )
            if rng.random() < 0.5:
                timeline = timeline * 2
        elif kind == "standing":
            timeline = _frame(rng, [Segment("stand", float(rng.uniform(15, 25)))], walk=walk)
        elif kind == "partials":
            timeline = _frame(rng, _set(rng, 0, int(rng.integers(3, 7))), walk=walk)
        else:
            timeline = _frame(
                rng, [Segment("fidget", 6.0), Segment("stand", 2.0), Segment("fidget", 4.0)], walk=walk
            )
        bits.append(kind.replace("_", "-"))
        reps = 0
    else:
        raise ValueError(f"unknown category {cat!r}: one of {', '.join(CATEGORIES)}")
    spec = SceneSpec(seed=seed, timeline=timeline, category=cat, **look, **extra)
    desc = [cat.replace("_", "-"), f"{reps}reps", "right" if spec.facing > 0 else "left", *bits]
    if spec.kettlebell:
        desc.append("kb")
    desc.append(f"{k:02d}")
    return replace(spec, label="-".join(desc))


def category_specs(
    seed_base: int = 1000, per_category: int = 6, categories: tuple[str, ...] | None = None
) -> list[SceneSpec]:
    """Benchmark clips labelled by `category` (see CATEGORIES), `per_category` of each new kind.

    The default `seed_base` is the development set; its "base" category is exactly `benchmark_specs()`.
    Any other `seed_base` gives held-out scenes of the same kinds (27 fresh base clips too).
    """
    cats = categories or CATEGORIES
    for c in cats:
        if c not in CATEGORIES:
            raise ValueError(f"unknown category {c!r}: one of {', '.join(CATEGORIES)}")
    out: list[SceneSpec] = []
    for ci, cat in enumerate(CATEGORIES):
        if cat not in cats:
            continue
        if cat == "base":
            out += [replace(s, category="base") for s in _base_specs(seed_base)]
            continue
        out += [_category_spec(cat, k, seed_base + 100 * ci + k) for k in range(per_category)]
    return out
