"""Vision benchmark: accuracy, rep counting, speed and memory of the live pipeline.

    make bench                      # everything below, figures printed as a Markdown table
    make bench ARGS='--quick'       # 8 synthetic clips, no 10-minute run (a smoke check)

Scores the exact pipeline `kiosk replay` runs (kiosk.replay.replay) on a fixed, seeded set of
synthetic side-view clips (kiosk.sim.library.benchmark_specs) with per-frame ground truth, and on the
real clips in ../shared/clips when that folder exists (skipped cleanly when it does not). Writes one
picture per clip to bench/out/ (true and estimated hip angle over time, counted reps marked) and
bench/out/results.json. Runs on one thread: numpy's BLAS threads are pinned by `make bench`.
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
from kiosk.sim.library import benchmark_specs  # noqa: E402
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


def score_synthetic(specs, plots: bool) -> dict:
    errs: list[float] = []
    scored = measured = 0
    pres_ok = pres_n = 0
    exact = 0
    over = under = 0
    false_on_zero = 0
    ms_all: list[float] = []
    rows = []
    for k, spec in enumerate(specs):
        frames, fps, truths = render_clip(spec)
        scene = Scene(spec)
        res = replay(frames, fps)
        ms_all += res.ms_per_frame
        trans = [i for i in range(1, len(truths)) if truths[i].present != truths[i - 1].present]
        edge = int(EDGE_S * fps)
        clip_errs = []
        for i, (tr, r) in enumerate(zip(truths, res.results, strict=True)):
            if not any(abs(i - j) <= edge for j in trans):
                pres_n += 1
                pres_ok += tr.present == r.present
            if tr.present and tr.phase in ("stand", "hinge") and tr.hip_angle_deg is not None:
                scored += 1
                if r.hip_angle_deg is not None:
                    measured += 1
                    e = abs(r.hip_angle_deg - tr.hip_angle_deg)
                    errs.append(e)
                    clip_errs.append(e)
        true_reps = scene.true_reps
        exact += res.reps == true_reps
        over += max(0, res.reps - true_reps)
        under += max(0, true_reps - res.reps)
        if true_reps == 0:
            false_on_zero += res.reps
        rows.append(
            {
                "clip": spec.label or f"spec{k}",
                "true_reps": true_reps,
                "reps": res.reps,
                "mae_deg": round(float(np.mean(clip_errs)), 2) if clip_errs else None,
            }
        )
        flag = "" if res.reps == true_reps else "   <-- count off"
        mae = f"{np.mean(clip_errs):5.1f}" if clip_errs else "  -  "
        print(f"  {rows[-1]['clip']:<40} reps {res.reps:2d}/{true_reps:<2d} MAE {mae} deg{flag}", flush=True)
        if plots:
            plot(
                OUT / f"synthetic-{k:02d}-{rows[-1]['clip']}.png",
                rows[-1]["clip"],
                fps,
                [r.hip_angle_deg for r in res.results],
                [t.hip_angle_deg for t in truths],
                res.rep_frames,
                scene.rep_end_frames,
                [r.present for r in res.results],
            )
    e = np.array(errs) if errs else np.array([np.nan])
    return {
        "clips": len(specs),
        "angle_mae_deg": float(np.mean(e)),
        "angle_p90_deg": float(np.percentile(e, 90)),
        "angle_coverage": measured / max(1, scored),
        "presence_accuracy": pres_ok / max(1, pres_n),
        "exact_count_rate": exact / len(specs),
        "over_counted_reps": over,
        "missed_reps": under,
        "false_reps_on_zero_rep_clips": false_on_zero,
        "ms_median": float(np.median(ms_all)),
        "ms_p95": float(np.percentile(ms_all, 95)),
        "per_clip": rows,
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


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="8 clips, no long run")
    ap.add_argument("--no-plots", action="store_true")
    ap.add_argument("--long-minutes", type=float, default=10.0)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for old in [*OUT.glob("synthetic-*.png"), *OUT.glob("real-*.png")]:
        old.unlink()
    specs = benchmark_specs()
    if args.quick:
        specs = specs[:8]
    print(f"synthetic: {len(specs)} clips", flush=True)
    syn = score_synthetic(specs, not args.no_plots)
    print("real footage:", flush=True)
    real = score_real(not args.no_plots)
    longr = None if args.quick else long_run(args.long_minutes)
    result = {"synthetic": syn, "real": real, "long_run": longr, "peak_rss_mb": peak_rss_mb()}
    (OUT / "results.json").write_text(json.dumps(result, indent=2))
    s = syn
    print()
    print(f"| measure (synthetic, {s['clips']} clips, 320x240) | value |")
    print("|---|---|")
    mae, p90 = s["angle_mae_deg"], s["angle_p90_deg"]
    print(f"| hip angle MAE / p90 (standing + hinging frames) | {mae:.2f} / {p90:.2f} deg |")
    print(f"| frames with an angle (standing + hinging) | {100 * s['angle_coverage']:.1f} % |")
    print(f"| presence correct (>{EDGE_S} s from entering/leaving) | {100 * s['presence_accuracy']:.2f} % |")
    print(f"| clips with the exact rep count | {100 * s['exact_count_rate']:.1f} % |")
    print(f"| reps over-counted / missed (all clips) | {s['over_counted_reps']} / {s['missed_reps']} |")
    print(f"| false reps on clips with no full rep | {s['false_reps_on_zero_rep_clips']} |")
    print(f"| ms per frame, median / p95 (one thread) | {s['ms_median']:.3f} / {s['ms_p95']:.3f} |")
    print(f"| peak RSS of the benchmark process | {result['peak_rss_mb']:.0f} MB |")
    if longr:
        print(
            f"| RSS over a {longr['minutes']:.0f}-minute live stream, first -> last | "
            f"{longr['rss_first_mb']:.1f} -> {longr['rss_last_mb']:.1f} MB |"
        )
    for r in real:
        print(
            f"| real `{r['clip']}` ({r['size']}): reps / hand count; vs MediaPipe MAE, median | "
            f"{r['reps']} / {r['hand_count']}; "
            f"{r['vs_mediapipe_mae_deg']:.1f}, {r['vs_mediapipe_median_deg']:.1f} deg |"
        )
    print(f"\nplots and results.json in {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
