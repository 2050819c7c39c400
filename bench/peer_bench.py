"""The peer, side by side: MediaPipe Pose against the kiosk's own pipeline on the same frames.

Run with `make bench-peer` (it builds bench/.peer-venv with mediapipe==0.10.21 and numpy - never a
kiosk dependency - and runs this script inside it). Per clip, in one run:

* MediaPipe Pose (solutions.pose, model_complexity=1, static_image_mode=False, a fresh tracker per
  clip) on every frame, gray stacked to RGB. Hip angle = shoulder-hip-knee in the image plane
  (180 = straight) on the side (L or R) with the larger visibility of shoulder+hip+knee summed over
  the clip, as the reference angles in ../shared/clips/*.json are made. Reps: a textbook
  two-threshold counter - down when the angle goes below 110 deg, a rep when it then comes back
  above 155 deg (the rule the clip JSONs use); it starts "up", so a clip that starts at the bottom
  counts its first pull.
* The kiosk: `kiosk replay CLIP --json` with the main venv (.venv/bin/kiosk) on the same .npz.

Timing: MediaPipe ms/frame is the wall time of the gray->RGB stack plus Pose.process() per frame
(median; MediaPipe picks its own threads, so its CPU ms/frame is reported too); the kiosk ms/frame
is the median `kiosk replay --json` reports (the wall time of Pipeline.step per frame). The
overall ratio weighs each clip by its frames: sum(median_mp * n) / sum(median_kiosk * n).

Clips: every real clip in ../shared/clips (hand count `manual_rep_count` in the .json beside it)
and the synthetic set kiosk.sim.library.benchmark_specs(), rendered by the main venv's python
(the same frames `make bench` scores) into a temporary .npz each. `--quick`: two real clips and
two synthetic ones. `--json`: one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent
CLIPS = REPO.parent / "shared" / "clips"
MAIN_PY = REPO / ".venv" / "bin" / "python"
KIOSK = REPO / ".venv" / "bin" / "kiosk"

DOWN_DEG = 110.0  # below this: at the bottom
UP_DEG = 155.0  # back above this after the bottom: one rep
QUICK_SYNTH = (0, 2)  # an easy and a hard benchmark clip
QUICK_REAL = 2

# MediaPipe Pose landmark ids (subject's left / right)
SIDES = {"L": (11, 23, 25), "R": (12, 24, 26)}


# ---------------------------------------------------------------- synthetic clips (main venv)


def render_synthetic(out_dir: Path, quick: bool) -> None:
    """Runs under the main venv: write each benchmark clip as out_dir/NN.npz plus index.json."""
    sys.path.insert(0, os.environ.get("PEER_KIOSK_SRC", str(REPO)))
    from kiosk.sim.library import benchmark_specs
    from kiosk.sim.scene import Scene, render_clip

    specs = benchmark_specs()
    picks = QUICK_SYNTH if quick else range(len(specs))
    index = []
    for k in picks:
        spec = specs[k]
        frames, fps, truths = render_clip(spec)
        path = out_dir / f"synth{k:02d}.npz"
        np.savez(path, frames=frames, fps=np.float64(fps))
        index.append(
            {
                "name": spec.label,
                "npz": str(path),
                "true_reps": Scene(spec).true_reps,
                # ground-truth joint angle on standing/hinging frames, None elsewhere
                "truth_angle": [
                    t.hip_angle_deg if (t.present and t.phase in ("stand", "hinge")) else None for t in truths
                ],
            }
        )
    (out_dir / "index.json").write_text(json.dumps(index))


def synthetic_clips(tmp: Path, quick: bool, env: dict) -> list[dict]:
    if not MAIN_PY.exists():
        raise SystemExit(f"{MAIN_PY} missing: run `make test` or `make bench` once to build the main venv")
    cmd = [str(MAIN_PY), __file__, "--render-to", str(tmp)] + (["--quick"] if quick else [])
    subprocess.run(cmd, check=True, env=env)
    return [dict(c, kind="synthetic") for c in json.loads((tmp / "index.json").read_text())]


def real_clips(clips_dir: Path, quick: bool) -> list[dict]:
    if not clips_dir.is_dir():
        print(f"(no real clips: {clips_dir} is absent)", file=sys.stderr)
        return []
    out = []
    for meta_path in sorted(clips_dir.glob("*.json")):
        meta = json.loads(meta_path.read_text())
        npz = clips_dir / meta.get("npz", meta_path.with_suffix(".npz").name)
        if not npz.exists():
            continue
        ref = (meta.get("reference") or {}).get("hip_angle")
        out.append(
            {
                "name": meta.get("clip", npz.stem),
                "npz": str(npz),
                "true_reps": meta.get("manual_rep_count"),
                "ref_angle": ref,
                "kind": "real",
            }
        )
    return out[:QUICK_REAL] if quick else out


# ---------------------------------------------------------------- the peer


def _angle(a, b, c) -> float | None:
    v1 = (a[0] - b[0], a[1] - b[1])
    v2 = (c[0] - b[0], c[1] - b[1])
    n1, n2 = math.hypot(*v1), math.hypot(*v2)
    if n1 < 1e-6 or n2 < 1e-6:
        return None
    cos = (v1[0] * v2[0] + v1[1] * v2[1]) / (n1 * n2)
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def count_reps(angles: list[float | None]) -> int:
    """Textbook two-threshold hysteresis: below DOWN_DEG then above UP_DEG = one rep."""
    reps, down = 0, False
    for a in angles:
        if a is None:
            continue
        if not down and a < DOWN_DEG:
            down = True
        elif down and a > UP_DEG:
            down = False
            reps += 1
    return reps


def run_mediapipe(frames: np.ndarray) -> dict:
    import mediapipe as mp

    h, w = frames.shape[1:3]
    per_side = {s: [] for s in SIDES}
    vis = {s: 0.0 for s in SIDES}
    wall, cpu = [], []
    with mp.solutions.pose.Pose(static_image_mode=False, model_complexity=1) as pose:
        for f in frames:
            t0, c0 = time.perf_counter(), time.process_time()
            rgb = np.ascontiguousarray(np.stack([f, f, f], axis=-1))
            res = pose.process(rgb)
            wall.append((time.perf_counter() - t0) * 1000.0)
            cpu.append((time.process_time() - c0) * 1000.0)
            lm = res.pose_landmarks.landmark if res.pose_landmarks else None
            for s, ids in SIDES.items():
                if lm is None:
                    per_side[s].append(None)
                    continue
                pts = [(lm[i].x * w, lm[i].y * h) for i in ids]
                vis[s] += sum(lm[i].visibility for i in ids)
                per_side[s].append(_angle(*pts))
    side = max(SIDES, key=lambda s: vis[s])
    angles = per_side[side]
    return {
        "side": side,
        "angles": angles,
        "reps": count_reps(angles),
        "ms": statistics.median(wall),
        "cpu_ms": statistics.median(cpu),
        "detected": sum(a is not None for a in angles) / max(1, len(angles)),
    }


# ---------------------------------------------------------------- the kiosk


def run_kiosk(npz: str, kiosk: list[str], env: dict) -> dict:
    env = dict(env, OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    # cwd: with --rev, not the checkout (python -m puts the cwd first on sys.path)
    cwd = env.get("PEER_KIOSK_SRC")
    p = subprocess.run([*kiosk, "replay", npz, "--json"], capture_output=True, text=True, env=env, cwd=cwd)
    if p.returncode != 0:
        raise RuntimeError(f"kiosk replay {npz} failed ({p.returncode}): {p.stderr.strip()[-500:]}")
    out = json.loads(p.stdout.strip().splitlines()[-1])
    return {
        "reps": out["reps"],
        "angles": [fr.get("hip_angle") for fr in out["frames"]],
        "ms": out["ms_per_frame"],
    }


# ---------------------------------------------------------------- scoring


def mae(a: list, b: list) -> tuple[float | None, float | None]:
    """MAE over frames where both measure, and the share of b's frames on which a measures."""
    both = [(x, y) for x, y in zip(a, b, strict=False) if x is not None and y is not None]
    nb = sum(y is not None for y in b)
    if not both:
        return None, (0.0 if nb else None)
    return sum(abs(x - y) for x, y in both) / len(both), len(both) / nb


def run_clip(clip: dict, kiosk: list[str], env: dict) -> dict:
    with np.load(clip["npz"]) as d:
        frames = d["frames"]
    m = run_mediapipe(frames)
    k = run_kiosk(clip["npz"], kiosk, env)
    n = frames.shape[0]
    if len(k["angles"]) != n:
        raise RuntimeError(f"{clip['name']}: kiosk gave {len(k['angles'])} frames, the clip has {n}")
    pair_mae, k_cover = mae(k["angles"], m["angles"])
    row = {
        "clip": clip["name"],
        "kind": clip["kind"],
        "frames": n,
        "size": f"{frames.shape[2]}x{frames.shape[1]}",
        "true_reps": clip["true_reps"],
        "mp_reps": m["reps"],
        "kiosk_reps": k["reps"],
        "mp_ms": round(m["ms"], 2),
        "mp_cpu_ms": round(m["cpu_ms"], 2),
        "kiosk_ms": round(k["ms"], 3),
        "ratio": round(m["ms"] / k["ms"], 1) if k["ms"] > 0 else None,
        "mp_side": m["side"],
        "mp_detected": round(m["detected"], 3),
        "mae_kiosk_vs_mp": None if pair_mae is None else round(pair_mae, 1),
        "kiosk_angle_on_mp_frames": None if k_cover is None else round(k_cover, 3),
    }
    if clip.get("truth_angle") is not None:  # synthetic: both against the joint angle
        for who, ang in (("mp", m["angles"]), ("kiosk", k["angles"])):
            e, _ = mae(ang, clip["truth_angle"])
            row[f"mae_{who}_vs_truth"] = None if e is None else round(e, 1)
    if clip.get("ref_angle") is not None:  # real: this run's MediaPipe against the stored reference
        e, _ = mae(m["angles"], clip["ref_angle"])
        row["mae_mp_vs_stored_ref"] = None if e is None else round(e, 1)
    return row


def _describe(rev: str | None) -> str:
    """The commit measured: `rev` resolved, or the work tree's HEAD with -dirty if it has edits."""
    args = ["rev-parse", "--short", rev] if rev else ["describe", "--always", "--dirty"]
    p = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True)
    return p.stdout.strip() or "unknown commit"


def _f(v, fmt="{}") -> str:
    return "-" if v is None else fmt.format(v)


def table(rows: list[dict]) -> str:
    head = (
        "| clip | frames | true | MediaPipe | kiosk | MP ms/frame | kiosk ms/frame | ratio "
        "| angle MAE kiosk vs MP | kiosk angle on MP frames | MP found pose |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in rows:
        lines.append(
            f"| {r['clip']} | {r['frames']} | {_f(r['true_reps'])} | {r['mp_reps']} | {r['kiosk_reps']} "
            f"| {r['mp_ms']:.1f} | {r['kiosk_ms']:.2f} | {_f(r['ratio'], '{:.1f}x')} "
            f"| {_f(r['mae_kiosk_vs_mp'], '{:.1f} deg')} | {_f(r['kiosk_angle_on_mp_frames'], '{:.0%}')} "
            f"| {r['mp_detected']:.0%} |"
        )
    return "\n".join(lines)


def summary(rows: list[dict]) -> dict:
    def part(rs):
        if not rs:
            return None
        mp_t = sum(r["mp_ms"] * r["frames"] for r in rs)
        k_t = sum(r["kiosk_ms"] * r["frames"] for r in rs)
        scored = [r for r in rs if r["true_reps"] is not None]
        maes = [(r["mae_kiosk_vs_mp"], r["frames"]) for r in rs if r["mae_kiosk_vs_mp"] is not None]
        return {
            "clips": len(rs),
            "frames": sum(r["frames"] for r in rs),
            "ratio": round(mp_t / k_t, 1) if k_t else None,
            "mp_ms_median_of_clips": round(statistics.median(r["mp_ms"] for r in rs), 2),
            "kiosk_ms_median_of_clips": round(statistics.median(r["kiosk_ms"] for r in rs), 3),
            "mp_exact": sum(r["mp_reps"] == r["true_reps"] for r in scored),
            "kiosk_exact": sum(r["kiosk_reps"] == r["true_reps"] for r in scored),
            "scored": len(scored),
            "mae_kiosk_vs_mp": (
                round(sum(m * n for m, n in maes) / sum(n for _, n in maes), 1) if maes else None
            ),
        }

    return {
        "all": part(rows),
        "real": part([r for r in rows if r["kind"] == "real"]),
        "synthetic": part([r for r in rows if r["kind"] == "synthetic"]),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="two real and two synthetic clips")
    ap.add_argument("--json", action="store_true", help="one JSON object as the last line")
    ap.add_argument(
        "--clips", type=Path, default=CLIPS, help="folder of real clips (default ../shared/clips)"
    )
    ap.add_argument("--kiosk", type=Path, default=KIOSK, help="the main venv's kiosk command")
    ap.add_argument("--no-synthetic", action="store_true", help="real clips only")
    ap.add_argument(
        "--rev",
        help="measure the kiosk (and render the synthetic clips) at this git commit, exported to a temp"
        " folder and run with the main venv's python, for a checkout others are editing (default: work tree)",
    )
    ap.add_argument("--render-to", type=Path, help=argparse.SUPPRESS)  # internal: main-venv renderer
    a = ap.parse_args(argv)
    if a.render_to:
        render_synthetic(a.render_to, a.quick)
        return 0
    try:
        import mediapipe as mp
    except ImportError as e:
        raise SystemExit(f"mediapipe is not importable here ({e}): run this through `make bench-peer`") from e
    if not a.kiosk.exists():
        raise SystemExit(f"{a.kiosk} missing: run `make test` or `make bench` once to build the main venv")

    rows = []
    env = dict(os.environ)
    kiosk = [str(a.kiosk)]
    with tempfile.TemporaryDirectory(prefix="peer-bench-") as tmp:
        measured = _describe(None)
        if a.rev:  # the main venv's kiosk is an editable install: PYTHONPATH comes before it
            src = Path(tmp) / "src"
            src.mkdir()
            archive = subprocess.run(
                ["git", "-C", str(REPO), "archive", a.rev, "kiosk"], capture_output=True, check=True
            )
            subprocess.run(["tar", "-x", "-C", str(src)], input=archive.stdout, check=True)
            env.update(PYTHONPATH=str(src), PEER_KIOSK_SRC=str(src))
            kiosk = [str(MAIN_PY), "-m", "kiosk"]
            measured = _describe(a.rev)
        clips = real_clips(a.clips, a.quick)
        if not a.no_synthetic:
            clips += synthetic_clips(Path(tmp), a.quick, env)
        for i, clip in enumerate(clips, 1):
            print(f"[{i}/{len(clips)}] {clip['name']}", file=sys.stderr, flush=True)
            rows.append(run_clip(clip, kiosk, env))
    s = summary(rows)
    print(
        f"MediaPipe {mp.__version__} Pose (complexity 1) + two-threshold counter (< {DOWN_DEG:g} deg, "
        f"then > {UP_DEG:g} deg) against `kiosk replay` at {measured}, same frames, {os.cpu_count()} cores\n"
    )
    for kind in ("real", "synthetic"):
        rs = [r for r in rows if r["kind"] == kind]
        if rs:
            print(f"### {kind} clips\n\n{table(rs)}\n")
    for kind in ("real", "synthetic", "all"):
        p = s[kind]
        if p:
            n = p["scored"]
            print(
                f"{kind}: {p['clips']} clips, {p['frames']} frames; "
                f"exact count MediaPipe {p['mp_exact']}/{n}, "
                f"kiosk {p['kiosk_exact']}/{n}; time ratio MediaPipe/kiosk {_f(p['ratio'], '{:.1f}x')} "
                f"(median ms/frame over clips {p['mp_ms_median_of_clips']:.1f} "
                f"vs {p['kiosk_ms_median_of_clips']:.2f}); "
                f"angle MAE kiosk vs MediaPipe {_f(p['mae_kiosk_vs_mp'], '{:.1f} deg')}"
            )
    if a.json:
        print(
            json.dumps(
                {
                    "mediapipe": mp.__version__,
                    "kiosk_commit": measured,
                    "down_deg": DOWN_DEG,
                    "up_deg": UP_DEG,
                    "clips": rows,
                    "summary": s,
                },
                separators=(",", ":"),
            )
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
