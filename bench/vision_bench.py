"""Vision benchmark: accuracy, rep counting, speed and memory of the live pipeline.

    make bench                                # everything below, figures as Markdown tables
    make bench ARGS='--quick'                 # 8 base clips + 1 per category, no 10-minute run
    make bench ARGS='--seed-base 7000'        # held-out scenes of every category
    make bench ARGS='--category yaw --category clutter'

Scores the exact pipeline `kiosk replay` runs (kiosk.replay.replay) on seeded synthetic clips with
per-frame and per-rep ground truth (kiosk.sim.library.category_specs: the fixed 27 "base" clips plus
knee-dominant, hips-first, rounded-back, yawed camera, gym clutter, still-in-view, flicker, squat-only
and negative clips), every figure per category and in total, and on the real clips in ../shared/clips
when that folder exists (skipped cleanly when it does not). Writes one picture per clip to bench/out/
(true and estimated hip angle over time, counted reps marked) and bench/out/results.json, with the
commit measured. Runs on one thread: numpy's BLAS threads are pinned by `make bench`.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.pipeline import Pipeline  # noqa: E402
from kiosk.replay import replay  # noqa: E402
from kiosk.sim.library import CATEGORIES, benchmark_specs, category_specs  # noqa: E402
from kiosk.sim.scene import Scene, render_clip  # noqa: E402

OUT = ROOT / "bench" / "out"
CLIPS = ROOT.parent / "shared" / "clips"
EDGE_S = 0.5  # presence is not scored this close to a true enter/leave moment


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def current_rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def plot(path: Path, title: str, fps: float, est, truth, rep_frames, true_rep_frames, present=None) -> None:
    """Angle over time: truth green, estimate orange, counted reps red, true rep ends blue."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    import pygame

    pygame.font.init()
    n = len(est)
    w, h, pad = 1000, 320, 40
    surf = pygame.Surface((w, h))
    surf.fill((24, 24, 28))
    lo, hi = 40.0, 190.0

    def xy(i, a):
        return pad + (w - 2 * pad) * i / max(1, n - 1), h - pad - (h - 2 * pad) * (a - lo) / (hi - lo)

    font = pygame.font.Font(None, 20)
    for a in (60, 90, 120, 150, 180):
        y = xy(0, a)[1]
        pygame.draw.line(surf, (60, 60, 70) if a != 120 else (110, 80, 80), (pad, y), (w - pad, y))
        surf.blit(font.render(f"{a}", True, (150, 150, 160)), (4, y - 7))
    if present is not None:
        for i, p in enumerate(present):
            if p:
                x = xy(i, lo)[0]
                pygame.draw.line(surf, (40, 48, 60), (x, h - pad + 4), (x, h - pad + 10))
    for series, colour in ((truth, (90, 200, 110)), (est, (255, 160, 40))):
        prev = None
        for i, a in enumerate(series):
            if a is None:
                prev = None
                continue
            p = xy(i, a)
            if prev is not None:
                pygame.draw.line(surf, colour, prev, p, 2)
            prev = p
    for f in true_rep_frames:
        x = xy(f, lo)[0]
        pygame.draw.line(surf, (80, 140, 255), (x, pad - 14), (x, pad - 4), 3)
    for f in rep_frames:
        x = xy(f, lo)[0]
        pygame.draw.line(surf, (235, 60, 60), (x, pad - 4), (x, h - pad), 1)
    secs = n / fps
    surf.blit(
        font.render(
            f"{title}  ({secs:.0f} s)  green truth, orange estimate, red counted rep, blue true rep end",
            True,
            (230, 230, 230),
        ),
        (pad, 6),
    )
    pygame.image.save(surf, str(path))


def score_clip(spec, k: int, plots: bool) -> dict:
    """Run one synthetic clip through replay and keep the raw figures for aggregation."""
    frames, fps, truths = render_clip(spec)
    scene = Scene(spec)
    res = replay(frames, fps)
    trans = [i for i in range(1, len(truths)) if truths[i].present != truths[i - 1].present]
    edge = int(EDGE_S * fps)
    errs: list[float] = []
    errs_image: list[float] = []
    scored = measured = pres_ok = pres_n = 0
    for i, (tr, r) in enumerate(zip(truths, res.results, strict=True)):
        if not any(abs(i - j) <= edge for j in trans):
            pres_n += 1
            pres_ok += tr.present == r.present
        if tr.present and tr.phase in ("stand", "hinge") and tr.hip_angle_deg is not None:
            scored += 1
            if r.hip_angle_deg is not None:
                measured += 1
                errs.append(abs(r.hip_angle_deg - tr.hip_angle_deg))
                errs_image.append(abs(r.hip_angle_deg - tr.image_angle_deg))
    # latency: the first count after each true rep's bottom (and before the next one's), from standing up
    reps = scene.rep_truths
    latency: list[float] = []
    for n, rt in enumerate(reps):
        stop = reps[n + 1].bottom_frame if n + 1 < len(reps) else len(truths)
        hit = next((f for f in res.rep_frames if rt.bottom_frame <= f < stop), None)
        if hit is not None:
            latency.append((hit - rt.end_frame) / fps)
    true_reps = scene.true_reps
    label = spec.label or f"spec{k}"
    row = {
        "clip": label,
        "category": spec.category or "base",
        "true_reps": true_reps,
        "reps": res.reps,
        "mae_deg": round(float(np.mean(errs)), 2) if errs else None,
        "faults": sorted({f for rt in reps for f in rt.faults}),
    }
    flag = "" if res.reps == true_reps else "   <-- count off"
    mae = f"{np.mean(errs):5.1f}" if errs else "  -  "
    print(f"  {label:<46} reps {res.reps:2d}/{true_reps:<2d} MAE {mae} deg{flag}", flush=True)
    if plots:
        plot(
            OUT / f"synthetic-{k:03d}-{label}.png",
            label,
            fps,
            [r.hip_angle_deg for r in res.results],
            [t.hip_angle_deg for t in truths],
            res.rep_frames,
            scene.rep_end_frames,
            [r.present for r in res.results],
        )
    return {
        "row": row,
        "errs": errs,
        "errs_image": errs_image,
        "scored": scored,
        "measured": measured,
        "pres_ok": pres_ok,
        "pres_n": pres_n,
        "latency": latency,
        "ms": res.ms_per_frame,
    }


def aggregate(clips: list[dict]) -> dict:
    """Every figure over a group of scored clips (a category, or all)."""
    errs = np.array([e for c in clips for e in c["errs"]] or [np.nan])
    errs_image = np.array([e for c in clips for e in c["errs_image"]] or [np.nan])
    lat = np.array([x for c in clips for x in c["latency"]] or [np.nan])
    ms = np.array([x for c in clips for x in c["ms"]])
    rows = [c["row"] for c in clips]
    zero = [r for r in rows if r["true_reps"] == 0]
    n_lat = sum(len(c["latency"]) for c in clips)
    return {
        "clips": len(clips),
        "angle_mae_deg": float(np.mean(errs)),
        "angle_p90_deg": float(np.percentile(errs, 90)),
        "angle_mae_vs_image_plane_deg": float(np.mean(errs_image)),
        "angle_coverage": sum(c["measured"] for c in clips) / max(1, sum(c["scored"] for c in clips)),
        "presence_accuracy": sum(c["pres_ok"] for c in clips) / max(1, sum(c["pres_n"] for c in clips)),
        "exact_count_clips": sum(r["reps"] == r["true_reps"] for r in rows),
        "exact_count_rate": sum(r["reps"] == r["true_reps"] for r in rows) / max(1, len(rows)),
        "true_reps": sum(r["true_reps"] for r in rows),
        "over_counted_reps": sum(max(0, r["reps"] - r["true_reps"]) for r in rows),
        "missed_reps": sum(max(0, r["true_reps"] - r["reps"]) for r in rows),
        "zero_rep_clips": len(zero),
        "false_reps_on_zero_rep_clips": sum(r["reps"] for r in zero),
        "rep_latency_median_s": float(np.median(lat)),
        "rep_latency_max_s": float(np.max(lat)),
        "reps_counted_within_0_5_s": (float(np.sum(lat <= 0.5)) / n_lat) if n_lat else float("nan"),
        "ms_median": float(np.median(ms)) if ms.size else float("nan"),
        "ms_p95": float(np.percentile(ms, 95)) if ms.size else float("nan"),
    }


def score_synthetic(specs, plots: bool) -> dict:
    clips = [score_clip(spec, k, plots) for k, spec in enumerate(specs)]
    cats: dict[str, list[dict]] = {}
    for c in clips:
        cats.setdefault(c["row"]["category"], []).append(c)
    order = [c for c in CATEGORIES if c in cats] + [c for c in cats if c not in CATEGORIES]
    return {
        **aggregate(clips),
        "by_category": {c: aggregate(cats[c]) for c in order},
        "per_clip": [c["row"] for c in clips],
    }


def score_real(plots: bool) -> list[dict]:
    from kiosk.clip import load_clip

    out = []
    if not CLIPS.is_dir():
        print("  ../shared/clips not found: real-footage check skipped")
        return out
    for meta_path in sorted(CLIPS.glob("*.json")):
        meta = json.loads(meta_path.read_text())
        npz = CLIPS / meta.get("npz", meta_path.with_suffix(".npz").name)
        if not npz.exists():
            continue
        frames, fps = load_clip(npz)
        res = replay(frames, fps)
        ref = meta.get("reference", {}).get("hip_angle") or []
        pairs = [
            (r.hip_angle_deg, a)
            for r, a in zip(res.results, ref, strict=False)
            if a is not None and r.hip_angle_deg is not None
        ]
        d = np.array([abs(x - y) for x, y in pairs]) if pairs else np.array([np.nan])
        both = sum(a is not None for a in ref)
        row = {
            "clip": meta_path.stem,
            "hand_count": meta.get("manual_rep_count"),
            "reps": res.reps,
            "vs_mediapipe_mae_deg": float(np.mean(d)),
            "vs_mediapipe_median_deg": float(np.median(d)),
            "coverage_of_reference_frames": len(pairs) / max(1, both),
            "ms_median": float(np.median(res.ms_per_frame)),
            "ms_p95": float(np.percentile(res.ms_per_frame, 95)),
            "frames": int(frames.shape[0]),
            "size": f"{frames.shape[2]}x{frames.shape[1]}",
        }
        out.append(row)
        print(
            f"  {row['clip']:<20} reps {row['reps']}/{row['hand_count']}  vs MediaPipe: MAE "
            f"{row['vs_mediapipe_mae_deg']:.1f}, median {row['vs_mediapipe_median_deg']:.1f} deg on "
            f"{100 * row['coverage_of_reference_frames']:.0f}% of its frames",
            flush=True,
        )
        if plots:
            plot(
                OUT / f"real-{meta_path.stem}.png",
                f"{meta_path.stem} (green = MediaPipe reference)",
                fps,
                [r.hip_angle_deg for r in res.results],
                ref,
                res.rep_frames,
                [],
                [r.present for r in res.results],
            )
    return out


def long_run(minutes: float) -> dict:
    """Memory over a long live stream: the looping synthetic camera into one Pipeline."""
    spec = benchmark_specs()[0]
    scene = Scene(spec)
    pipe = Pipeline()
    n = int(minutes * 60 * scene.fps)
    samples = []
    ms = []
    for i in range(n):
        frame = scene.render_at(i / scene.fps)
        t0 = time.perf_counter()
        pipe.step(frame, i / scene.fps)
        ms.append((time.perf_counter() - t0) * 1000)
        if i % int(30 * scene.fps) == 0:
            samples.append(current_rss_mb())
    return {
        "minutes": minutes,
        "frames": n,
        "rss_first_mb": samples[1] if len(samples) > 1 else samples[0],
        "rss_last_mb": current_rss_mb(),
        "ms_median": float(np.median(ms)),
    }


def provenance() -> dict:
    """Which code was measured: the commit, and whether vision/reps/pipeline differ from it."""
    import subprocess

    def git(*a: str) -> str:
        try:
            return subprocess.run(
                ["git", *a], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout.strip()
        except (OSError, subprocess.CalledProcessError):
            return ""

    core = ["kiosk/core/vision.py", "kiosk/core/reps.py", "kiosk/core/pipeline.py", "kiosk/replay.py"]
    return {
        "commit": git("rev-parse", "--short", "HEAD"),
        "uncommitted_estimator_changes": git("status", "--porcelain", "--", *core).splitlines(),
        "vision_py_blob": git("hash-object", "kiosk/core/vision.py"),
    }


def pct(x: float) -> str:
    return "-" if x != x else f"{100 * x:.1f}"


def print_tables(syn: dict, real: list[dict], result: dict, longr: dict | None) -> None:
    print()
    print(
        "| category | clips | MAE / p90 deg | angle on % | presence % | exact count | over / missed "
        "| 0-rep clips: false reps | rep latency median / max s | ms median / p95 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, s in [*syn["by_category"].items(), ("**all**", syn)]:
        zero = f"{s['false_reps_on_zero_rep_clips']} on {s['zero_rep_clips']}" if s["zero_rep_clips"] else "-"
        lat = (
            "-"
            if s["rep_latency_median_s"] != s["rep_latency_median_s"]
            else f"{s['rep_latency_median_s']:.2f} / {s['rep_latency_max_s']:.2f}"
        )
        print(
            f"| {name} | {s['clips']} | {s['angle_mae_deg']:.1f} / {s['angle_p90_deg']:.1f} "
            f"| {pct(s['angle_coverage'])} | {pct(s['presence_accuracy'])} "
            f"| {s['exact_count_clips']}/{s['clips']} | {s['over_counted_reps']} / {s['missed_reps']} "
            f"| {zero} | {lat} | {s['ms_median']:.2f} / {s['ms_p95']:.2f} |"
        )
    if real:
        print()
        print(
            "| real clip | frames | reps / hand count | vs MediaPipe MAE / median deg "
            "| angle on % of its frames | ms median / p95 |"
        )
        print("|---|---|---|---|---|---|")
        for r in real:
            print(
                f"| `{r['clip']}` ({r['size']}) | {r['frames']} | {r['reps']} / {r['hand_count']} "
                f"| {r['vs_mediapipe_mae_deg']:.1f} / {r['vs_mediapipe_median_deg']:.1f} "
                f"| {pct(r['coverage_of_reference_frames'])} | {r['ms_median']:.2f} / {r['ms_p95']:.2f} |"
            )
    print()
    print("| measure | value |")
    print("|---|---|")
    print(f"| peak RSS of the benchmark process | {result['peak_rss_mb']:.0f} MB |")
    if longr:
        print(
            f"| RSS over a {longr['minutes']:.0f}-minute live stream, first -> last | "
            f"{longr['rss_first_mb']:.1f} -> {longr['rss_last_mb']:.1f} MB |"
        )
    m = result["measured"]
    dirty = " (+ uncommitted estimator changes)" if m["uncommitted_estimator_changes"] else ""
    where = m["commit"] or "a copy outside git (see the tree it came from)"
    print(f"| measured at | {where}{dirty}, vision.py blob {m['vision_py_blob'][:10] or '-'} |")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="8 base clips + 1 per other category, no long run")
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--long-minutes", type=float, default=10.0)
    ap.add_argument(
        "--seed-base", type=int, default=1000, help="1000: the development set; any other: held-out scenes"
    )
    ap.add_argument("--per-category", type=int, default=6, help="clips per category besides base (27)")
    ap.add_argument(
        "--category",
        action="append",
        choices=CATEGORIES,
        metavar="NAME",
        help=f"only this category (repeatable): {', '.join(CATEGORIES)}",
    )
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("synthetic-*.png"), *OUT.glob("real-*.png")]:
        old.unlink()
    measured = provenance()
    cats = tuple(args.category) if args.category else None
    specs = category_specs(
        seed_base=args.seed_base, per_category=1 if args.quick else args.per_category, categories=cats
    )
    if args.quick:
        base = [s for s in specs if s.category == "base"][:8]
        specs = base + [s for s in specs if s.category != "base"]
    print(f"synthetic: {len(specs)} clips, seed base {args.seed_base}", flush=True)
    t0 = time.perf_counter()
    syn = score_synthetic(specs, not args.no_plots)
    print("real footage:", flush=True)
    real = score_real(not args.no_plots)
    longr = None if args.quick or cats or args.long_minutes <= 0 else long_run(args.long_minutes)
    result = {
        "measured": measured,
        "args": {"seed_base": args.seed_base, "per_category": args.per_category, "quick": args.quick},
        "synthetic": syn,
        "real": real,
        "long_run": longr,
        "peak_rss_mb": peak_rss_mb(),
        "wall_s": time.perf_counter() - t0,
    }
    after = provenance()
    if after != measured:
        result["measured_after"] = after
        print(f"note: the estimator changed during the run: {measured} -> {after}")
    (OUT / "results.json").write_text(json.dumps(result, indent=2))
    print_tables(syn, real, result, longr)
    print(f"\nplots and results.json in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
