"""Form benchmark: per-rep faults against the generator's truth, and what the measures cost.

    make bench-form                              # the development seeds (1000)
    make bench-form ARGS='--seed-base 7000'      # held-out scenes of the same kinds
    make bench-form ARGS='--quick'               # 2 clips per category

Synthetic sets from kiosk.sim.library.category_specs: clean hinges (the "base" clips and the
"flicker" ones), knee-dominant, hips-first and rounded-back sets (each with about a fifth of its reps
too fast), truth per rep from Scene.rep_truths. Each clip runs through exactly the pipeline `kiosk
replay` runs; every counted rep is matched to the true rep it ended (the first count from that rep's
bottom to the next one's) and its RepDetail faults compared with the truth's. Figures: per-rep
precision and recall per fault, clean reps called clean, each set's most common fault, and the form
tracker's own time per frame (the measures on top of the pipeline). One thread (`make bench-form`).

`--cache DIR` keeps each clip's per-frame stream (what the tracker is fed) so a rerun re-scores the
tracker alone (for working on form.py; the vision must not have changed in between).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.core.form import FAULTS, FORM_FAULTS, FormSettings, FormTracker, summarize  # noqa: E402
from kiosk.core.reps import RepEvent  # noqa: E402
from kiosk.replay import replay  # noqa: E402
from kiosk.sim.library import category_specs  # noqa: E402
from kiosk.sim.scene import Scene, render_clip  # noqa: E402

OUT = ROOT / "bench" / "out"
CATS = ("base", "flicker", "knee_dominant", "hips_first", "rounded")


def stream(spec, cache: Path | None) -> dict:
    """The per-frame stream the tracker is fed (t, smoothed hip, knee, trunk, back bow, raw hip; rep
    events)."""
    f = cache / f"{spec.seed}-{spec.label}.npz" if cache else None
    if f is not None and f.exists():
        z = np.load(f)
        return {k: z[k] for k in z.files}
    frames, fps, _truths = render_clip(spec)
    out = stream_of(frames, fps)
    if f is not None:
        f.parent.mkdir(parents=True, exist_ok=True)
        np.savez(f, **{k: v for k, v in out.items() if k != "faults_live"})
    return out


def stream_of(frames: np.ndarray, fps: float) -> dict:
    """`kiosk replay`'s pipeline over frames -> the per-frame stream the tracker is fed."""
    res = replay(frames, fps)
    nan = np.nan
    rows, reps = [], []
    for i, r in enumerate(res.results):
        o = r.observation
        seen = r.hip_angle_deg is not None and r.present and o.present
        bow = getattr(o, "back_bow_deg", None)
        rows.append(
            (
                r.t,
                r.smoothed_deg if seen and r.smoothed_deg is not None else nan,
                o.knee_deg if seen and o.knee_deg is not None else nan,
                o.trunk_deg if seen and o.trunk_deg is not None else nan,
                bow if seen and bow is not None else nan,
                r.hip_angle_deg if seen else nan,
            )
        )
        for e in r.events:
            if e.kind == "rep":
                reps.append((i, e.t, e.angle_deg, e.duration_s, e.rep))
    out = {
        "rows": np.array(rows, float),
        "reps": np.array(reps, float).reshape(-1, 5),
        "fps": np.array(fps),
        "ms": np.array(res.ms_per_frame),
        "faults_live": np.array(
            [",".join(r.rep_detail.faults) for r in res.results if r.rep_detail is not None], dtype=object
        ),
    }
    return out


def track(s: dict, settings: FormSettings) -> tuple[list, list, float]:
    """Run the tracker over a stream; (RepDetails, their intermediate measures, tracker microseconds
    per frame)."""
    tr = FormTracker(settings)
    by_frame = {int(r[0]): RepEvent("rep", r[1], int(r[4]), r[2], r[3]) for r in s["reps"]}
    details, measures = [], []
    rows = s["rows"].tolist()
    clock = time.perf_counter
    t0 = clock()
    for i, (t, hip, knee, trunk, bow, raw) in enumerate(rows):
        ev = by_frame.get(i)
        d = tr.update(
            t,
            None if hip != hip else hip,
            None if knee != knee else knee,
            None if trunk != trunk else trunk,
            None if bow != bow else bow,
            [ev] if ev else [],
            hip_deg=None if raw != raw else raw,
        )
        if d is not None:
            details.append(d)
            measures.append(dict(tr.measures))
    us = (clock() - t0) * 1e6 / max(1, len(rows))
    return details, measures, us


def score(specs, settings: FormSettings, cache: Path | None, verbose: bool) -> dict:
    tp = dict.fromkeys(FAULTS, 0)
    fp = dict.fromkeys(FAULTS, 0)
    fn = dict.fromkeys(FAULTS, 0)
    clean_n = clean_ok = 0
    sets_n = sets_ok = 0
    us_all, ms_all, rows_out, reps_out = [], [], [], []
    unmatched = 0
    for spec in specs:
        s = stream(spec, cache)
        details, measures, us = track(s, settings)
        if "faults_live" in s and settings == FormSettings():  # fresh: the live run must agree
            live = list(s["faults_live"])
            offline = [",".join(d.faults) for d in details]
            if live != offline:
                print(f"  ! {spec.label}: the live pipeline's faults {live} != the re-run's {offline}")
        us_all.append(us)
        ms_all += list(s["ms"])
        scene_reps = Scene(spec).rep_truths
        counted = [int(r[0]) for r in s["reps"]]
        matched = []
        for n, rt in enumerate(scene_reps):
            stop = scene_reps[n + 1].bottom_frame if n + 1 < len(scene_reps) else 10**9
            k = next((j for j, f in enumerate(counted) if rt.bottom_frame <= f < stop), None)
            if k is None:
                continue
            d = details[k]
            matched.append((rt, d))
            reps_out.append(
                {
                    "category": spec.category,
                    "truth": list(rt.faults),
                    "called": list(d.faults),
                    "true_knee_deg": rt.bottom_knee_deg,
                    "true_bow_deg": rt.back_bow_deg,
                    **d.to_json(),
                    **{m: round(v, 3) for m, v in measures[k].items()},
                }
            )
            for f in FAULTS:
                got, want = f in d.faults, f in rt.faults
                tp[f] += got and want
                fp[f] += got and not want
                fn[f] += want and not got
            if not rt.faults:
                clean_n += 1
                clean_ok += not d.faults
        unmatched += len(details) - len(matched)
        want = {f: sum(f in rt.faults for rt, _ in matched) for f in FAULTS}
        true_top = max(FAULTS, key=lambda f: want[f]) if any(want.values()) else None
        summary = summarize([d for _, d in matched], settings)
        got_top = summary.top_fault
        # the set's verdict: its most common form fault (too_fast, a share of every styled set, apart)
        want_form = {f: want[f] for f in FORM_FAULTS}
        true_set = max(want_form, key=want_form.get) if any(want_form.values()) else None
        got_set = summary.verdict
        sets_n += 1
        sets_ok += true_set == got_set
        row = {
            "clip": spec.label,
            "category": spec.category,
            "true_reps": len(scene_reps),
            "matched": len(matched),
            "set_fault_true": true_set,
            "set_fault_called": got_set,
            "most_common_true": true_top,
            "most_common_called": got_top,
        }
        rows_out.append(row)
        if verbose:
            mark = "" if true_set == got_set else "   <-- set verdict off"
            print(f"  {spec.label:<44} {len(matched)}/{len(scene_reps)} reps  {true_set} -> {got_set}{mark}")
            for rt, d in matched:
                if set(rt.faults) != set(d.faults):
                    print(
                        f"      rep at {int(d.frame)}: truth {','.join(rt.faults) or 'clean'} (knee"
                        f" {rt.bottom_knee_deg:.0f} bow {rt.back_bow_deg:.0f})"
                        f" called {','.join(d.faults) or 'clean'} (knee {d.knee_deg:.0f} trunk"
                        f" {d.trunk_deg:.0f} bow {d.back_bow:.0f} down {d.down_s:.2f} up {d.up_s:.2f})"
                    )

    def ratio(a: int, b: int) -> float | None:
        return round(a / b, 3) if b else None

    return {
        "clips": len(specs),
        "per_fault": {
            f: {
                "true": tp[f] + fn[f],
                "called": tp[f] + fp[f],
                "precision": ratio(tp[f], tp[f] + fp[f]),
                "recall": ratio(tp[f], tp[f] + fn[f]),
            }
            for f in FAULTS
        },
        "clean_reps": clean_n,
        "clean_called_clean": ratio(clean_ok, clean_n),
        "sets": sets_n,
        "set_verdict_right": sets_ok,
        "counted_reps_not_matched": unmatched,
        "tracker_us_per_frame": round(float(np.mean(us_all)), 2),
        "pipeline_ms_per_frame_median": round(float(np.median(ms_all)), 3) if ms_all else None,
        "per_clip": rows_out,
        "per_rep": reps_out,
    }


# what a real clip's notes call its form (../shared/clips/*.json "movement"), in the kiosk's words
_LABELS = (
    ("hip_first", "hips_first"),
    ("hips rise first", "hips_first"),
    ("hips-first", "hips_first"),
    ("knee-dominant", "knee_dominant"),
    ("knee_dominant", "knee_dominant"),
    ("rounded", "rounded_back"),
    ("correct", "clean"),
)


def real_sets(clips: Path) -> list[dict]:
    """Every real clip with a hand count in `clips`: its reps' faults and the set's verdict, beside
    what its notes call its form (None when they say nothing)."""
    out = []
    for meta_f in sorted(clips.glob("*.json")):
        meta = json.loads(meta_f.read_text())
        npz = clips / meta.get("npz", meta_f.stem + ".npz")
        if not npz.exists() or not meta.get("manual_rep_count"):
            continue
        z = np.load(npz)
        s = stream_of(z["frames"], float(z["fps"]))
        details, _measures, _us = track(s, FormSettings())
        notes = str(meta.get("movement", "")).lower()
        label = next((code for key, code in _LABELS if key in notes), None)
        summary = summarize(details, FormSettings())
        out.append(
            {
                "clip": meta_f.stem,
                "hand_count": int(meta["manual_rep_count"]),
                "reps": len(details),
                "labelled": label,
                "per_rep": [",".join(d.faults) or "clean" for d in details],
                "faults": dict(summary.faults),
                "verdict": (summary.verdict or "clean") if details else "no reps",
            }
        )
    return out


def print_real(rows: list[dict]) -> None:
    if not rows:
        return
    print("\n| real clip | reps / hand count | labelled | faults per rep | set verdict |")
    print("|---|---|---|---|---|")
    for r in rows:
        counts = ", ".join(f"{f} {n}" for f, n in r["faults"].items() if n) or "none"
        mark = "" if r["labelled"] in (None, r["verdict"]) else " (wrong)"
        print(
            f"| `{r['clip']}` | {r['reps']} / {r['hand_count']} | {r['labelled'] or '-'} | {counts} |"
            f" {r['verdict']}{mark} |"
        )


def print_table(seed_base: int, r: dict) -> None:
    print(f"\nseed base {seed_base}: {r['clips']} clips")
    print("| fault | true reps | called | precision | recall |")
    print("|---|---|---|---|---|")
    for f, v in r["per_fault"].items():
        print(f"| {f} | {v['true']} | {v['called']} | {v['precision']} | {v['recall']} |")
    print(f"clean reps called clean: {r['clean_called_clean']} of {r['clean_reps']}")
    print(f"set verdict (most common form fault, or clean) right: {r['set_verdict_right']} of {r['sets']}")
    print(f"counted reps matching no true rep: {r['counted_reps_not_matched']}")
    print(
        f"form tracker: {r['tracker_us_per_frame'] / 1000:.4f} ms per frame (average);"
        f" whole pipeline {r['pipeline_ms_per_frame_median']} ms (median)"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed-base", type=int, default=1000)
    ap.add_argument("--per-category", type=int, default=6)
    ap.add_argument("--quick", action="store_true", help="2 clips per category, 6 base clips")
    ap.add_argument(
        "--category",
        action="append",
        default=None,
        help=f"categories to score (default {', '.join(CATS)}); e.g. yaw, clutter, in_view",
    )
    ap.add_argument("--cache", type=Path, default=None)
    ap.add_argument("--verbose", "-v", action="store_true")
    a = ap.parse_args()
    n = 2 if a.quick else a.per_category
    cats = tuple(a.category or CATS)
    specs = category_specs(a.seed_base, n, cats)
    if a.quick:
        base = [s for s in specs if s.category == "base"][:6]
        specs = base + [s for s in specs if s.category != "base"]
    r = score(specs, FormSettings(), a.cache, a.verbose)
    print_table(a.seed_base, r)
    clips = ROOT.parent / "shared" / "clips"
    if clips.is_dir():  # (a checkout without ../shared scores the synthetic sets only)
        r["real"] = real_sets(clips)
        print_real(r["real"])
    OUT.mkdir(parents=True, exist_ok=True)
    name = f"form-{a.seed_base}" + ("" if cats == CATS else "-" + "-".join(cats))
    (OUT / f"{name}.json").write_text(json.dumps(r, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
