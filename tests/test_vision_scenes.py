"""The live pipeline on synthetic scenes with ground truth: counts, angles, presence.

Tolerances are stated per test; they are looser than the benchmark's targets because a test clip is a
single short scene, not an average over many.
"""

from dataclasses import replace

import numpy as np
import pytest

from kiosk.cli import main
from kiosk.core.pipeline import Pipeline
from kiosk.replay import replay
from kiosk.sim.library import already_in_view, basic_set, exposure_jump_set, partial_reps_only, standing_still
from kiosk.sim.scene import Scene, render_clip


def run(spec):
    frames, fps, truths = render_clip(spec)
    return Scene(spec), truths, replay(frames, fps)


def angle_errors(truths, res):
    return np.array(
        [
            abs(r.hip_angle_deg - t.hip_angle_deg)
            for t, r in zip(truths, res.results, strict=True)
            if t.phase in ("stand", "hinge") and t.hip_angle_deg is not None and r.hip_angle_deg is not None
        ]
    )


def coverage(truths, res):
    scored = [
        r.hip_angle_deg is not None
        for t, r in zip(truths, res.results, strict=True)
        if t.phase in ("stand", "hinge") and t.present
    ]
    return sum(scored) / len(scored)


@pytest.mark.parametrize("facing", [1, -1], ids=["faces-right", "faces-left"])
def test_a_set_is_counted_rep_by_rep_either_facing(facing):
    scene, truths, res = run(basic_set(reps=4, facing=facing))
    assert scene.true_reps == 4
    assert res.reps == 4
    errs = angle_errors(truths, res)
    assert np.mean(errs) <= 6.0  # degrees, mean over standing and hinging frames
    assert coverage(truths, res) >= 0.9
    # each rep is counted on the way back up, no later than 0.5 s after standing again
    for counted, back_up in zip(res.rep_frames, scene.rep_end_frames, strict=True):
        assert -3 <= counted - back_up <= 0.5 * scene.fps


def test_presence_follows_the_person_in_and_out():
    scene, truths, res = run(basic_set(reps=2))
    edge = int(0.5 * scene.fps)
    changes = [i for i in range(1, len(truths)) if truths[i].present != truths[i - 1].present]
    ok = [
        t.present == r.present
        for i, (t, r) in enumerate(zip(truths, res.results, strict=True))
        if all(abs(i - j) > edge for j in changes)
    ]
    assert sum(ok) / len(ok) >= 0.98
    assert not res.results[0].present and not res.results[-1].present


def test_someone_standing_still_for_a_minute_stays_seen_and_counts_nothing():
    spec = standing_still(60.0)
    scene, truths, res = run(spec)
    settled = int(7.0 * scene.fps)  # 3 s empty + 3 s walking in + 1 s
    present = [r.present for r in res.results[settled:]]
    assert sum(present) / len(present) >= 0.99
    assert res.reps == 0
    last_minute = [r.hip_angle_deg for r in res.results[-int(10 * scene.fps) :] if r.hip_angle_deg]
    assert len(last_minute) > 0.9 * 10 * scene.fps
    assert np.median(last_minute) == pytest.approx(truths[-1].hip_angle_deg, abs=6.0)


def test_someone_already_in_view_from_the_first_frame_is_found_and_counted():
    # With no empty room ever seen, the person is found while still standing, and every rep counts
    # (the first one included), none twice.
    scene, _truths, res = run(already_in_view(reps=4))
    assert scene.true_reps == 4
    first_seen = next(i for i, r in enumerate(res.results) if r.present)
    first_rep_end = scene.rep_end_frames[0]
    assert first_seen < first_rep_end
    assert res.reps == 4
    assert all(f > first_rep_end - 3 for f in res.rep_frames)
    after = [r.present for r in res.results[first_rep_end:]]
    assert sum(after) / len(after) >= 0.98


def test_partial_reps_fidgeting_walking_in_and_out_count_nothing():
    scene, _truths, res = run(partial_reps_only())
    assert scene.true_reps == 0
    assert res.reps == 0
    assert any(r.present for r in res.results)  # the person was seen, just never counted


def test_auto_exposure_jump_as_someone_walks_in():
    scene, truths, res = run(exposure_jump_set())
    assert res.reps == scene.true_reps == 4
    inside = [r.present for t, r in zip(truths, res.results, strict=True) if t.phase in ("stand", "hinge")]
    assert sum(inside) / len(inside) >= 0.98


def test_a_smaller_person_walking_past_behind_is_ignored():
    spec = basic_set(reps=4, passerby=True, seed=5)
    scene, _truths, res = run(spec)
    assert res.reps == scene.true_reps == 4


def test_camera_shake_floor_shadow_and_noise():
    # shadow 0.5: a floor shadow only. A darker wall shadow right behind the back (shadow > 0.5) is a
    # known weakness: faint-clothing detection takes it for the back (see README).
    spec = basic_set(reps=3, seed=9, jitter_px=1, shadow=0.5, noise_sigma=4.0, gain_drift=0.06)
    scene, truths, res = run(spec)
    assert res.reps == scene.true_reps == 3
    assert np.mean(angle_errors(truths, res)) <= 8.0


@pytest.mark.parametrize("size", [(160, 120), (180, 320), (640, 480)], ids=lambda s: f"{s[0]}x{s[1]}")
def test_any_frame_size_and_orientation(size):
    w, h = size
    spec = basic_set(reps=2, seed=3, width_px=w, height_px=h, person_scale=0.6 if h > w else 0.7)
    scene, truths, res = run(spec)
    assert res.reps == scene.true_reps == 2
    assert np.mean(angle_errors(truths, res)) <= 7.0
    obs = next(r.observation for r in res.results if r.present)
    assert obs.scale == (2 if w > 320 else 1)


def test_observation_explains_a_missing_angle_and_carries_the_mask():
    spec = basic_set(reps=1, seed=4)
    scene = Scene(spec)
    pipe = Pipeline()
    seen_mask = False
    for i in range(scene.n_frames):
        r = pipe.step(scene.render(i), i / scene.fps)
        o = r.observation
        assert (o.hip_angle_deg is None) == (o.reason != "")
        if o.present and o.hip_angle_deg is not None:
            assert o.mask.shape == (scene.height_px, scene.width_px)
            assert o.mask.sum() > 500
            assert o.seat_xy and o.knee_xy and o.shoulder_xy
            seen_mask = True
    assert seen_mask


def test_background_can_be_relearnt_on_demand():
    spec = basic_set(reps=1, seed=6)
    scene = Scene(spec)
    pipe = Pipeline()
    for i in range(int(2.5 * scene.fps)):  # empty room
        pipe.step(scene.render(i), i / scene.fps)
    # the camera is bumped: the view shifts by 12 px; everything differs from the learnt room
    moved = [np.roll(scene.render(i), 12, axis=1) for i in range(3)]
    # the old room's edges now look like someone
    assert pipe.estimator.process(moved[0], 2.5).mask.sum() > 200
    pipe.relearn_background()
    for k in range(12):
        r = pipe.step(moved[k % 3], 10 + k / scene.fps)
    assert not r.present
    assert r.observation.mask.sum() < 20


def test_replay_json_on_a_synthetic_clip(tmp_path, capsys):
    import json

    spec = replace(basic_set(reps=3, seed=8), label="clip")
    frames, fps, truths = render_clip(spec)
    path = tmp_path / "clip.npz"
    np.savez_compressed(path, frames=frames, fps=fps)
    assert main(["replay", str(path), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["reps"] == 3 == len(out["rep_frames"])
    assert len(out["frames"]) == len(frames)
    present = [f["present"] for f in out["frames"]]
    truth = [t.present for t in truths]
    assert sum(p == t for p, t in zip(present, truth, strict=True)) / len(truth) >= 0.95
    angles = [f["hip_angle"] for f in out["frames"] if f["present"]]
    measured = [a for a in angles if a is not None]
    assert len(measured) >= 0.8 * len(angles)  # an angle on most frames with someone in view
    assert all(isinstance(a, float) and 60.0 <= a <= 200.0 for a in measured)  # in degrees, plausible
