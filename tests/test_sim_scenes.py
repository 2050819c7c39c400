"""The generator's harder scenes: each renders, and its ground truth is what the scene claims."""

import math
from dataclasses import replace

import numpy as np
import pytest

from kiosk.sim.body import LATERAL, BodyShape, Pose, hinge_pose, hip_angle_deg, joints, render_body
from kiosk.sim.library import CATEGORIES, ZERO_REP_CATEGORIES, benchmark_specs, category_specs
from kiosk.sim.scene import Scene, SceneSpec, Segment

FPS = 15.0


def one_rep(**seg) -> SceneSpec:
    """Stand 1 s, one rep (descent 1.2, bottom 0.4, ascent 1.0), stand 1 s; no noise."""
    rep = Segment("rep", 4.0, seg.pop("depth", 1.0), 1.2, 0.4, 1.0, **seg)
    timeline = (Segment("stand", 1.0), rep, Segment("stand", 1.0))
    return SceneSpec(seed=5, noise_sigma=0.0, background="plain", timeline=timeline)


def frames_of(scene: Scene, t0: float, t1: float) -> range:
    return range(int(t0 * FPS), int(t1 * FPS))


def test_knee_dominant_rep_bends_the_knees_and_is_still_a_rep():
    scene = Scene(one_rep(style="knee", knee_deg=62.0, lean_deg=48.0))
    assert scene.true_reps == 1
    rt = scene.rep_truths[0]
    assert 50.0 <= rt.bottom_knee_deg <= 70.0 and 40.0 <= rt.bottom_trunk_deg <= 60.0
    assert rt.faults == ("knee_dominant",)
    bottom = scene.truth(rt.bottom_frame)
    assert bottom.phase == "hinge" and bottom.knee_deg == pytest.approx(62.0)
    # the true hip angle is at the joints: 180 - trunk lean - thigh angle (65 % of the knee bend)
    assert bottom.hip_angle_deg == pytest.approx(180.0 - 48.0 - 0.65 * 62.0, abs=0.5)
    assert rt.bottom_hip_angle_deg == pytest.approx(bottom.hip_angle_deg, abs=0.5)
    # it still looks like a hinge from the side: the hips go back behind the ankle
    j = scene._joints(rt.bottom_frame / FPS)[1]
    assert j["hip"][0] < j["ankle"][0] - 3.0 < j["knee"][0]


def test_knee_dominant_category_bottoms_are_50_to_70_deg_of_knee():
    specs = category_specs(per_category=4, categories=("knee_dominant",))
    bottoms = [rt for s in specs for rt in Scene(s).rep_truths]
    assert len(bottoms) >= 12
    assert all(50.0 <= rt.bottom_knee_deg <= 70.0 for rt in bottoms)
    assert all(40.0 <= rt.bottom_trunk_deg <= 60.0 for rt in bottoms)
    assert all(rt.bottom_hip_angle_deg <= 115.0 and "knee_dominant" in rt.faults for rt in bottoms)


def test_hips_first_ascent_straightens_the_knees_before_the_trunk_rises():
    scene = Scene(one_rep(style="hips_first", knee_deg=40.0, tip_deg=5.0))
    rt = scene.rep_truths[0]
    assert "hips_first" in rt.faults
    t_up = 1.0 + 1.2 + 0.4  # ascent starts
    early = [scene.truth(i) for i in frames_of(scene, t_up, t_up + 0.45)]
    assert early[-1].knee_deg < 0.4 * early[0].knee_deg  # knees mostly straight...
    assert min(t.trunk_deg for t in early) >= rt.bottom_trunk_deg - 0.5  # ...trunk as far forward or more
    assert max(t.trunk_deg for t in early) > rt.bottom_trunk_deg + 2.0
    hip_y = [scene._joints(i / FPS)[1]["hip"][1] for i in frames_of(scene, t_up, t_up + 0.45)]
    assert hip_y[-1] < hip_y[0] - 5.0  # the hips rise (image y up)


def test_hips_first_category_bottoms_bend_the_knees_35_to_60_deg_per_rep():
    """A hips-first pull from the floor often starts with the knees well bent: the bend varies."""
    specs = category_specs(per_category=6, categories=("hips_first",))
    bottoms = [rt for s in specs for rt in Scene(s).rep_truths]
    knees = [rt.bottom_knee_deg for rt in bottoms]
    assert len(bottoms) >= 18 and all("hips_first" in rt.faults for rt in bottoms)
    assert not any("knee_dominant" in rt.faults for rt in bottoms)
    assert all(35.0 <= k <= 60.0 for k in knees)
    assert min(knees) < 40.0 and max(knees) > 55.0
    assert all(rt.bottom_hip_angle_deg <= 115.0 for rt in bottoms)
    assert all(rt.bottom_trunk_deg >= 38.0 for rt in bottoms)  # the chest over the bell, not a squat


def test_a_hips_first_rep_from_well_bent_knees_is_labelled_hips_first_not_knee_dominant():
    rt = Scene(one_rep(style="hips_first", knee_deg=55.0, tip_deg=3.0)).rep_truths[0]
    assert rt.bottom_knee_deg == pytest.approx(55.0) and rt.faults == ("hips_first",)


def test_rounded_back_bows_the_spine_away_from_the_hip_shoulder_line():
    straight = Scene(one_rep())
    rounded = Scene(one_rep(bow_deg=35.0))
    rt = rounded.rep_truths[0]
    assert rt.back_bow_deg == pytest.approx(35.0) and "rounded_back" in rt.faults
    i = rt.bottom_frame
    assert rounded.truth(i).back_bow_deg == pytest.approx(35.0)
    # the hip angle is measured on the hip-shoulder chord, as MediaPipe's shoulder-hip-knee is
    assert rounded.truth(i).hip_angle_deg == pytest.approx(straight.truth(i).hip_angle_deg, abs=1e-6)
    j = rounded._joints(i / FPS)[1]
    (hx, hy), (sx, sy) = j["hip"], j["shoulder"]
    # posterior side of the chord (up and back for a forward-leaning trunk facing right)
    for name in ("spine1", "spine2"):
        px, py = j[name]
        cross = (sx - hx) * (py - hy) - (sy - hy) * (px - hx)
        assert cross < -0.02 * math.hypot(sx - hx, sy - hy) ** 2
    # and the drawn back follows it: pixels above the straight back that only the rounded one covers
    diff = rounded.render(i).astype(int) - straight.render(i).astype(int)
    assert (diff < -40).sum() > 30


def yawed(yaw: float) -> Scene:
    return Scene(replace(one_rep(), yaw_deg=yaw))


@pytest.mark.parametrize("yaw", [30.0, 45.0])
def test_yaw_keeps_the_joint_angle_and_opens_the_image_angle(yaw):
    side, turned = yawed(0.0), yawed(yaw)
    i = turned.rep_truths[0].bottom_frame
    t0, t = side.truth(i), turned.truth(i)
    assert t.hip_angle_deg == pytest.approx(t0.hip_angle_deg, abs=1e-6)  # 3D truth: what counts reps
    assert t0.image_angle_deg == pytest.approx(t0.hip_angle_deg)
    assert t.image_angle_deg > t.hip_angle_deg + (5.0 if yaw == 30.0 else 12.0)  # toward 180
    assert turned.rep_truths[0].bottom_hip_angle_deg == pytest.approx(side.rep_truths[0].bottom_hip_angle_deg)
    # forward distances foreshorten by cos(yaw); the far shoulder shows ahead of the near one
    js, jt = side._joints(i / FPS)[1], turned._joints(i / FPS)[1]
    fwd = js["head"][0] - js["mid_hip" if "mid_hip" in js else "hip"][0]
    assert jt["head"][0] - jt["mid_hip"][0] == pytest.approx(fwd * math.cos(math.radians(yaw)), rel=1e-6)
    H = turned.person_px
    gap = 2 * LATERAL["shoulder"] * H * math.sin(math.radians(yaw))
    assert jt["far_shoulder"][0] - jt["shoulder"][0] == pytest.approx(gap, rel=1e-6)
    # the turned chest is drawn wider
    a, b = (s.render(i) < 100 for s in (side, turned))
    assert b.sum() > 1.1 * a.sum()


def test_yaw_category_spans_0_to_45_deg():
    yaws = [s.yaw_deg for s in category_specs(per_category=6, categories=("yaw",))]
    assert min(yaws) <= 3.0 and max(yaws) >= 42.0 and all(0.0 <= y <= 45.0 for y in yaws)


def test_squat_is_upright_hips_straight_down_and_no_rep():
    squat = Segment("squat", 4.0, 1.0, 1.2, 0.4, 1.0, knee_deg=110.0, lean_deg=15.0)
    spec = SceneSpec(seed=6, noise_sigma=0.0, timeline=(Segment("stand", 1.0), squat, Segment("stand", 1.0)))
    scene = Scene(spec)
    assert scene.true_reps == 0 and scene.rep_truths == []
    sq = [scene.truth(i) for i in range(scene.n_frames) if scene.truth(i).phase == "squat"]
    assert sq and max(t.trunk_deg for t in sq) <= 15.0 + 1e-9
    bottom = min(sq, key=lambda t: t.hip_angle_deg)
    assert bottom.knee_deg == pytest.approx(110.0) and bottom.hip_angle_deg < 120.0  # deep, yet no hinge
    j0, j1 = scene._joints(0.5)[1], scene._joints(1.0 + 1.4)[1]
    drop, back = j1["hip"][1] - j0["hip"][1], j0["hip"][0] - j1["hip"][0]
    assert drop > 0.18 * scene.person_px and abs(back) < 0.15 * drop  # straight down
    assert j1["knee"][0] - j1["ankle"][0] > 0.12 * scene.person_px  # knees far forward
    for s in category_specs(per_category=3, categories=("squat_only",)):
        sc = Scene(s)
        assert sc.true_reps == 0 and any(sc.truth(i).phase == "squat" for i in range(sc.n_frames))


def test_still_in_view_person_is_there_from_frame_0_and_does_not_move():
    for spec in category_specs(per_category=3, categories=("in_view",)):
        spec = replace(spec, noise_sigma=0.0)
        scene = Scene(spec)
        first = scene.rep_truths[0]
        assert scene.truth(0).present and scene.truth(0).phase == "stand"
        assert 0.8 * FPS <= first.start_frame <= 2.0 * FPS
        # perfectly still before the first rep: frame 0 and the last frame before it are identical
        assert np.array_equal(scene.render(0), scene.render(first.start_frame - 1))
        assert (np.abs(scene.render(0).astype(int) - scene.render(first.bottom_frame)) > 20).sum() > 200
    assert {s.background for s in category_specs(per_category=3, categories=("in_view",))} >= {"plain", "gym"}


def test_leave_return_starts_in_view_empties_the_room_then_has_a_set():
    for spec in category_specs(per_category=3, categories=("leave_return",)):
        scene = Scene(spec)
        truths = [scene.truth(i) for i in range(scene.n_frames)]
        assert truths[0].present and truths[0].phase == "stand"  # on the mark from frame 0
        empty = [i for i, t in enumerate(truths) if t.phase == "empty"]
        assert empty and not any(truths[i].present for i in empty)
        assert 3.0 * FPS <= len(empty) <= 12.0 * FPS  # one stretch: 3-8 s, and walking out of view
        after = [r for r in scene.rep_truths if r.start_frame > empty[-1]]
        assert len(after) >= 3  # the set after they come back
        assert scene.truth(empty[-1] + 1).phase == "walk"
    assert {s.background for s in category_specs(per_category=3, categories=("leave_return",))} == {
        "gym",
        "textured",
        "plain",
    }


def test_flicker_beats_the_brightness_and_drifts_bands_frame_to_frame():
    timeline = (Segment("empty", 2.0),)
    plain = Scene(SceneSpec(seed=8, noise_sigma=0.0, background="plain", timeline=timeline))
    lit = Scene(replace(plain.spec, flicker=0.04, flicker_bands=0.05))
    means = [lit.render(i).mean() for i in range(10)]
    assert all(plain.render(i).mean() == pytest.approx(plain.render(0).mean()) for i in range(3))
    assert np.std(means) / np.mean(means) > 0.01  # a few percent global beat
    ratios = [
        lit.render(i).astype(float).mean(axis=1) / plain.render(i).astype(float).mean(axis=1) for i in (3, 4)
    ]
    for r in ratios:
        assert r.max() - r.min() > 0.05  # horizontal bands across the rows
    assert np.abs(ratios[0] - ratios[1]).max() > 0.02  # that move between frames
    assert int(np.argmax(ratios[0])) != int(np.argmax(ratios[1]))


def test_gym_clutter_and_a_full_size_passer_by_leave_the_truth_alone():
    specs = category_specs(per_category=3, categories=("clutter",))
    assert all(s.background == "gym" and s.passerby and s.passerby_scale >= 0.9 for s in specs)
    assert any(s.passerby_in_front for s in specs)
    spec = replace(specs[0], noise_sigma=0.0, passerby_in_front=False)
    scene = Scene(spec)
    alone = Scene(replace(spec, passerby=False))
    assert [scene.truth(i) for i in range(scene.n_frames)] == [alone.truth(i) for i in range(alone.n_frames)]
    # the wall is busy: strong vertical edges (rack uprights, plates, bench legs)
    bg = Scene(replace(spec, passerby=False, timeline=(Segment("empty", 1.0),))).render(0).astype(int)
    assert (np.abs(np.diff(bg, axis=1)) > 40).sum() > 200
    # the passer-by is as tall as the lifter
    i = int((spec.passerby_at * scene.duration_s + 3.0) * FPS)
    rows = np.nonzero((np.abs(scene.render(i).astype(int) - alone.render(i)) > 20).any(axis=1))[0]
    assert rows.max() - rows.min() > 0.85 * scene.person_px


def test_fast_reps_are_labelled_too_fast():
    scene = Scene(
        SceneSpec(
            seed=9,
            timeline=(Segment("stand", 1.0), Segment("rep", 2.5, 1.0, 0.6, 0.2, 0.6), Segment("stand", 1.0)),
        )
    )
    assert scene.rep_truths[0].faults == ("too_fast",)


def test_category_specs_label_every_category_and_hold_out_with_a_seed_base():
    specs = category_specs(per_category=2)
    assert {s.category for s in specs} == set(CATEGORIES)
    base = [s for s in specs if s.category == "base"]
    assert [replace(s, category="") for s in base] == benchmark_specs()  # the 27, unchanged
    labels = [s.label for s in specs]
    assert len(set(labels)) == len(labels)
    held_out = category_specs(seed_base=7000, per_category=2)
    assert {s.seed for s in held_out}.isdisjoint({s.seed for s in specs})
    assert [s.category for s in held_out] == [s.category for s in specs]
    for s in specs:
        if s.category in ZERO_REP_CATEGORIES:
            assert Scene(s).true_reps == 0
        elif s.category != "base":
            assert Scene(s).true_reps >= 3
    with pytest.raises(ValueError, match="unknown category"):
        category_specs(categories=("dance",))
    with pytest.raises(ValueError, match="style"):
        Segment("rep", 1.0, style="sumo")


def test_people_vary_in_height_build_and_clothing():
    specs = [s for s in category_specs(per_category=6) if s.category != "base"]
    heights = [s.body.height_m for s in specs]
    assert min(heights) < 1.65 and max(heights) > 1.85 and all(1.55 <= h <= 1.95 for h in heights)
    assert len({s.body.top_shade for s in specs}) >= 4 and any(s.body.loose > 0 for s in specs)
    assert {s.facing for s in specs} == {1, -1} and {s.kettlebell for s in specs} == {True, False}


def test_the_bow_and_yaw_leave_plain_poses_exactly_as_before():
    kw = {"foot_x_px": 100.0, "floor_y_px": 200.0, "px_per_m": 100.0, "facing": 1}
    j = joints(BodyShape(), hinge_pose(0.8), **kw)
    assert "spine1" not in j and "mid_hip" not in j
    assert joints(BodyShape(), hinge_pose(0.8), yaw_deg=0.0, **kw) == j
    bowed = joints(BodyShape(), Pose(torso_lean_deg=60.0, spine_bow_deg=30.0), **kw)
    assert hip_angle_deg(bowed) == pytest.approx(
        hip_angle_deg(joints(BodyShape(), Pose(torso_lean_deg=60.0), **kw))
    )
    img = np.full((240, 320), 200.0, np.float32)
    render_body(img, BodyShape(), bowed, kettlebell=False, facing=1, px_per_m=100.0)
    assert (img < 100).sum() > 1000
