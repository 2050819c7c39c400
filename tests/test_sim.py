"""The synthetic scene generator: its ground truth must be right before it can judge the vision."""

import numpy as np
import pytest

from kiosk.sim.body import BodyShape, hinge_pose, hip_angle_deg, joints
from kiosk.sim.library import basic_set, benchmark_specs, partial_reps_only, standing_still
from kiosk.sim.scene import Scene, SceneSpec, Segment, render_clip


@pytest.mark.parametrize(
    "shoulder, knee, expected",
    [((0, -10), (0, 10), 180.0), ((10, 0), (0, 10), 90.0), ((10, -10), (0, 10), 135.0)],
)
def test_hip_angle_of_hand_made_joints(shoulder, knee, expected):
    j = {"hip": (0.0, 0.0), "shoulder": shoulder, "knee": knee}
    assert hip_angle_deg(j) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize("depth, lo, hi", [(0.0, 175.0, 180.0), (0.5, 128.0, 140.0), (1.0, 86.0, 94.0)])
def test_hinge_pose_depth_maps_to_hip_angle(depth, lo, hi):
    j = joints(BodyShape(), hinge_pose(depth), foot_x_px=100, floor_y_px=200, px_per_m=100, facing=1)
    assert lo <= hip_angle_deg(j) <= hi
    # a hinge sends the hips back behind the ankle and the head forward of it
    if depth > 0.4:
        assert j["hip"][0] < j["ankle"][0] < j["head"][0]


def test_facing_left_mirrors_the_body():
    kw = {"foot_x_px": 100.0, "floor_y_px": 200.0, "px_per_m": 100.0}
    right = joints(BodyShape(), hinge_pose(0.8), facing=1, **kw)
    left = joints(BodyShape(), hinge_pose(0.8), facing=-1, **kw)
    for name in ("hip", "knee", "shoulder", "head", "wrist"):
        assert left[name][0] - 100 == pytest.approx(-(right[name][0] - 100))
        assert left[name][1] == pytest.approx(right[name][1])


def test_truth_follows_the_timeline():
    scene = Scene(basic_set(reps=3))
    phases = [scene.truth(i).phase for i in range(scene.n_frames)]
    assert phases[0] == "empty" and not scene.truth(0).present
    assert "walk" in phases and "stand" in phases and "hinge" in phases
    stand = [scene.truth(i).hip_angle_deg for i in range(scene.n_frames) if phases[i] == "stand"]
    assert 172.0 <= np.median(stand) <= 181.0
    assert scene.true_reps == 3 and len(scene.rep_end_frames) == 3
    hinge = [scene.truth(i).hip_angle_deg for i in range(scene.n_frames) if phases[i] == "hinge"]
    assert min(hinge) <= 120.0


def test_partial_reps_stay_shallow_and_do_not_count():
    scene = Scene(partial_reps_only())
    assert scene.true_reps == 0
    hinge = [t.hip_angle_deg for t in (scene.truth(i) for i in range(scene.n_frames)) if t.phase == "hinge"]
    assert hinge and min(hinge) >= 140.0


def test_rendering_is_deterministic_and_matches_the_clip():
    spec = basic_set(reps=1, seed=2, noise_sigma=3.0, jitter_px=1)
    scene = Scene(spec)
    frames, fps, truths = render_clip(spec)
    assert frames.dtype == np.uint8 and frames.shape == (scene.n_frames, 240, 320)
    assert fps == 15.0 and len(truths) == scene.n_frames
    for i in (0, scene.n_frames // 2, scene.n_frames - 1):
        assert np.array_equal(scene.render(i), scene.render(i))
        assert np.array_equal(scene.render(i), frames[i])


def test_a_person_darkens_the_frame_where_they_stand():
    spec = basic_set(reps=1, seed=3, noise_sigma=0.0)
    scene = Scene(spec)
    empty = scene.render(0).astype(int)
    i = next(i for i in range(scene.n_frames) if scene.truth(i).phase == "stand")
    with_person = scene.render(i).astype(int)
    changed = np.abs(with_person - empty) > 20
    assert 0.01 < changed.mean() < 0.2  # a person, not the whole frame
    _ys, xs = np.nonzero(changed)
    assert abs(np.median(xs) - spec.mark_x * spec.width_px) < 0.1 * spec.width_px


@pytest.mark.parametrize("w, h", [(160, 120), (180, 320), (640, 480)])
def test_frame_sizes_and_orientation(w, h):
    scene = Scene(standing_still(2.0, width_px=w, height_px=h))
    assert scene.render(scene.n_frames - 1).shape == (h, w)
    assert scene.truth(scene.n_frames - 1).present


def test_render_at_loops_for_a_live_camera():
    scene = Scene(basic_set(reps=1, noise_sigma=0.0))
    t = 3.3
    assert np.array_equal(scene.render_at(t), scene.render_at(t + scene.duration_s))


def test_segment_kinds_are_checked():
    with pytest.raises(ValueError, match="not one of"):
        Segment("dance", 1.0)
    with pytest.raises(ValueError, match="timeline"):
        Scene(SceneSpec(seed=1))


def test_benchmark_set_is_fixed_varied_and_labelled():
    specs = benchmark_specs()
    assert len(specs) >= 24
    assert specs == benchmark_specs()  # seeded: the same every run
    labels = [s.label for s in specs]
    assert len(set(labels)) == len(labels)
    assert sum(lab.startswith("hard-") for lab in labels) >= len(specs) // 3
    assert {s.facing for s in specs} == {1, -1}
    assert any(s.height_px > s.width_px for s in specs)  # portrait
    in_view_from_start = [s for s in specs if not any(seg.kind == "empty" for seg in s.timeline)]
    assert len(in_view_from_start) >= 2
    zero = [s for s in specs if "zero-reps" in s.label]
    assert len(zero) >= 3
    assert all(Scene(s).true_reps == 0 for s in zero)
