"""Vision v2 on the kinds of lifts and rooms the first estimator failed: knee-dominant pulls, a
camera off side-on, squats, someone still in view from the first frame, flickering light.

Each scene is short, seeded and on a plain wall; tolerances are per test (the benchmark scores the
averages over many scenes).
"""

import numpy as np
import pytest

from kiosk.core.pipeline import Pipeline
from kiosk.replay import replay
from kiosk.sim.body import BodyShape
from kiosk.sim.scene import Scene, SceneSpec, Segment, render_clip

BODY = BodyShape(height_m=1.78, top_shade=45, legs_shade=35, skin_shade=170)


def rep(style="hinge", *, depth=0.95, descent=1.3, bottom=0.3, ascent=1.1, rest=1.2, **kw):
    return Segment("rep", descent + bottom + ascent + rest, depth, descent, bottom, ascent, style, **kw)


def spec(body_segments, *, walk=True, **kw):
    seq = [Segment("empty", 2.0), Segment("walk_in", 3.0), Segment("stand", 2.0)] if walk else []
    seq += [*body_segments, Segment("stand", 1.5)]
    base = dict(seed=4242, body=BODY, background="plain", wall_shade=175.0, floor_shade=120.0)
    base.update(kw)
    return SceneSpec(timeline=tuple(seq), **base)


def run(sp):
    frames, fps, truths = render_clip(sp)
    return Scene(sp), truths, replay(frames, fps)


def bottom_errors(scene, res):
    """|measured - true| hip angle at each true rep's deepest frame (None where not measured)."""
    out = []
    for rt in scene.rep_truths:
        got = res.results[rt.bottom_frame].hip_angle_deg
        out.append(None if got is None else abs(got - rt.bottom_hip_angle_deg))
    return out


def test_knee_dominant_pulls_count_with_their_true_hip_angle():
    sp = spec([rep("knee", knee_deg=60.0, lean_deg=50.0) for _ in range(3)])
    scene, _truths, res = run(sp)
    assert scene.true_reps == 3
    assert res.reps == 3
    assert all(rt.bottom_knee_deg > 50 for rt in scene.rep_truths)  # the scene is what it says
    errs = bottom_errors(scene, res)
    assert all(e is not None and e <= 10.0 for e in errs), errs


@pytest.mark.parametrize("yaw_deg", [30.0, 45.0])
def test_a_camera_off_side_on_still_counts_every_rep(yaw_deg):
    scene, _truths, res = run(spec([rep() for _ in range(4)], yaw_deg=yaw_deg))
    assert scene.true_reps == 4
    assert res.reps == 4
    assert not any(r.observation.too_frontal for r in res.results)  # side-on enough: no notice


@pytest.mark.parametrize("build", [0.85, 1.25])
def test_a_camera_facing_the_lifter_is_said_to_be_too_frontal_whatever_their_build(build):
    body = BodyShape(height_m=1.75, build=build, top_shade=45, legs_shade=35)
    _scene, truths, res = run(spec([rep(), rep()], yaw_deg=85.0, body=body))
    frontal = [r.observation.too_frontal for r in res.results]
    first_hinge = next(i for i, t in enumerate(truths) if t.phase == "hinge")
    bottom = first_hinge + round((1.3 + 0.3) * 15)  # the end of the first rep's bottom (descent 1.3 s)
    assert all(frontal[bottom:-25])  # said by the first rep's bottom, and on while they are there
    assert not any(frontal[:first_hinge])  # not before they bent


def test_a_squat_is_not_a_hinge_it_is_said_and_not_counted():
    squats = [Segment("squat", 4.0, 1.0, 1.3, 0.3, 1.1, knee_deg=110.0, lean_deg=15.0) for _ in range(3)]
    sp = spec(squats)
    frames, fps, _ = render_clip(sp)
    pipe = Pipeline()
    kinds = []
    for i in range(frames.shape[0]):
        kinds += [e.kind for e in pipe.step(frames[i], i / fps).events]
    assert "rep" not in kinds
    # said at least once (the body model loses deep squats after the first: see README)
    assert kinds.count("squat") >= 1


def test_someone_still_in_view_from_frame_0_has_their_first_rep_counted():
    sp = spec([Segment("still", 1.2), *(rep() for _ in range(3))], walk=False)
    scene, _truths, res = run(sp)
    assert scene.true_reps == 3
    assert res.reps == 3
    assert res.rep_frames[0] <= scene.rep_end_frames[0] + int(0.5 * scene.fps)


def test_flickering_light_in_bands_neither_hides_the_person_nor_breaks_the_count():
    sp = spec([rep() for _ in range(4)], flicker=0.04, flicker_bands=0.06)
    scene, truths, res = run(sp)
    assert res.reps == scene.true_reps == 4
    seen = [r.present for t, r in zip(truths, res.results, strict=True) if t.phase in ("stand", "hinge")]
    assert np.mean(seen) >= 0.95


def test_a_blob_above_the_back_does_not_turn_the_lifter_round():
    """Something bright above and behind the head (here painted in as the person arrives: in a room
    with someone in view from the start it is the ghost of where they stood, on a panel the ghost
    absorption cannot judge) is further from the feet than the bent head, so it passes for the head
    and the facing comes out backwards; then no body fits. The body fitted only the other way round
    while bent, with the feet pointing that way while standing, turns the facing back."""
    body = BodyShape(height_m=1.76, build=1.15, top_shade=25, legs_shade=35, skin_shade=140)
    knee_rep = Segment("rep", 4.1, 1.0, 1.4, 0.3, 1.0, "knee", knee_deg=58.0, lean_deg=50.0)
    sp = spec([knee_rep, knee_rep, knee_rep], body=body, wall_shade=150.0, floor_shade=110.0, seed=4243)
    frames, fps, _truths = render_clip(sp)
    frames = np.array(frames)
    stand = frames[int(6.0 * fps)].astype(int)
    person = np.abs(stand - frames[0].astype(int)) > 25
    top = int(np.flatnonzero(person.any(axis=1))[0])
    head_x = int(np.median(np.flatnonzero(person[top + 5])))
    arrived = int(5.0 * fps)
    x0 = head_x - 24 - 7  # behind the head of someone facing +x
    frames[arrived:, max(0, top - 12) : top + 10, x0 : x0 + 14] = 245
    res = replay(frames, fps)
    assert Scene(sp).true_reps == 3
    assert res.reps == 3
    late = [r.observation.facing for r in res.results[arrived + 60 :] if r.observation.facing]
    assert late and all(f == 1 for f in late)


def test_someone_still_in_view_from_frame_0_in_front_of_a_gym_rack_has_every_rep_counted():
    """In view from the first frame in front of a rack and a bright panel: where the upper body stood
    is absorbed as the wall beside it once they hinge (their image was in the background), so the fit
    follows the trunk down. (Before, this scene counted 1 of 4, the trunk fitted upright by the ghost.
    Not every such scene works yet: see the in-view rows of the benchmark.)"""
    sp = spec([Segment("still", 1.2), *(rep() for _ in range(4))], walk=False, background="gym", seed=3)
    scene, _truths, res = run(sp)
    assert scene.true_reps == 4
    assert res.reps == 4
    errs = bottom_errors(scene, res)
    assert all(e is not None and e < 12.0 for e in errs), errs


def test_reps_whose_pose_is_lost_at_the_bottom_for_a_second_still_count():
    # a portrait-framed kettlebell set from the benchmark: at the bottom of some reps the arms and the
    # bell merge with the body and the fit gives no angle for 0.7-1.4 s; seen standing again soon
    # after, each of those reps counts
    from kiosk.sim.library import benchmark_specs

    sp = next(s for s in benchmark_specs() if s.label == "easy-7reps-right-portrait-kb-10")
    scene, _truths, res = run(sp)
    lost = []
    for rt in scene.rep_truths:
        longest = gap = 0
        for r in res.results[rt.bottom_frame - 8 : rt.end_frame]:
            gap = gap + 1 if r.hip_angle_deg is None else 0
            longest = max(longest, gap)
        lost.append(longest / res.fps)
    assert sum(s > 0.7 for s in lost) >= 2, lost  # the scene is what it says
    assert scene.true_reps == 7
    assert res.reps == 7


def test_someone_in_view_from_frame_0_who_walks_out_leaves_no_ghost_and_is_counted_when_back():
    """In view from the first frame in front of the gym wall, they walk out at the side: the room is
    empty at once (before, the ghost of where they stood - a rack's upright the ghost rule cannot
    judge - stayed "someone" for minutes), and back in, every rep counts (before, 0 of 3: the fit
    kept to the ghost)."""
    seq = [Segment("stand", 2.0), Segment("walk_out", 2.5), Segment("empty", 4.0), Segment("walk_in", 3.0)]
    sp = spec([*seq, Segment("stand", 1.5), *(rep() for _ in range(3))], walk=False, background="gym", seed=5)
    scene, _truths, res = run(sp)
    assert scene.true_reps == 3
    empty = [r.present for r in res.results if 6.0 <= r.t < 8.5]  # out of view from 4.5 s
    assert len(empty) > 30 and not any(empty)
    assert res.reps == 3


def test_a_passer_by_walking_out_while_the_lifter_stays_does_not_relearn_the_background(monkeypatch):
    """In view from the first frame on a busy wall, a full-size passer-by walks behind the lifter and
    out at the side; the tracker had taken them up for a moment (a jump from the lifter's silhouette
    to theirs). The lifter is still there: the background, which holds the lifter's image, is kept.
    (Without the jump check it was learnt afresh with the lifter in it, at 9.5 s.)"""
    from kiosk.core import vision
    from kiosk.core.vision import HipEstimator
    from kiosk.sim.library import category_specs

    sp = next(s for s in category_specs(seed_base=11000) if s.label == "clutter-3reps-right-passer-behind-04")
    scene = Scene(sp)
    n = int(10.5 * scene.fps)
    frames = [scene.render(i) for i in range(n)]
    assert all(scene.truth(i).present for i in range(int(9 * scene.fps), n))  # the lifter is there
    for tracked_s, relearns in ((vision.EXIT_TRACKED_S, 0), (0.0, 1)):
        monkeypatch.setattr(vision, "EXIT_TRACKED_S", tracked_s)
        est = HipEstimator()
        for i, frame in enumerate(frames):
            est.process(frame, i / scene.fps)
        assert est.exit_relearns == relearns
