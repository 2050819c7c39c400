"""The body-model fit on hand-drawn silhouettes: a body drawn from known joint angles is found again."""

import itertools
import math

import numpy as np
import pytest

from kiosk.core.body_fit import (
    BodyModel,
    FitPose,
    Fitter,
    back_bow_deg,
    default_radii,
    fit,
    signed_distance,
)


def capsule(mask, p0, p1, r):
    h, w = mask.shape
    ys, xs = np.mgrid[0:h, 0:w].astype(float)
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    t = np.clip(((xs - p0[0]) * dx + (ys - p0[1]) * dy) / (dx * dx + dy * dy), 0, 1)
    mask |= np.hypot(xs - (p0[0] + t * dx), ys - (p0[1] + t * dy)) <= r


def draw(pose: FitPose, model: BodyModel, shape=(150, 110)):
    """A silhouette of the model itself in `pose`: capsules whose back outlines sit at the model's depth."""
    m = np.zeros(shape, bool)
    pts = pose.points(model)
    r_shin, r_thigh, r_trunk = (float(np.mean(r)) for r in default_radii(model.height_px))
    capsule(m, pts["ankle"], pts["knee"], r_shin)
    capsule(m, pts["knee"], pts["hip"], r_thigh)
    capsule(m, pts["hip"], pts["shoulder"], r_trunk)
    capsule(m, pts["shoulder"], pts["head"], 0.06 * model.height_px)
    # a foot on the floor, pointing forward (+x)
    ax, ay = pts["ankle"]
    m[int(ay) : int(ay + 0.04 * model.height_px) + 1, int(ax - 4) : int(ax + 0.11 * model.height_px)] = True
    return m


@pytest.mark.parametrize(
    ("shin", "thigh", "trunk"),
    [(0.0, 0.0, 2.0), (6.0, 14.0, 50.0), (10.0, 25.0, 70.0), (20.0, 45.0, 45.0)],
)
def test_a_drawn_body_is_found_again_within_a_few_degrees(shin, thigh, trunk):
    model = BodyModel(120.0)
    truth = FitPose(40.0, 140.0, shin, thigh, trunk)
    sd = signed_distance(draw(truth, model), 6)
    fitter = Fitter(sd, model, (6, 6))
    start = FitPose(40.0, 140.0, shin + 4.0, thigh - 4.0, trunk + 6.0)  # last frame's pose, a little off
    got = fit(fitter, truth.ankle_x, truth.ankle_y, start, ankle_slack_px=2.0)
    # (the kiosk reports at most 180: standing, a reading past straight is straight)
    assert min(180.0, got.hip_angle_deg) == pytest.approx(truth.hip_angle_deg, abs=5.0)
    assert got.trunk_deg == pytest.approx(trunk, abs=5.0)


def test_signed_distance_is_positive_inside_negative_outside_and_zero_on_the_edge():
    m = np.zeros((40, 40), bool)
    m[10:30, 10:30] = True
    sd = signed_distance(m, 0)
    assert sd[20, 20] > 5 and sd[2, 2] < -4
    assert sd[20, 10] == pytest.approx(0.5) and sd[20, 9] == pytest.approx(-0.5)


def reference_signed_distance(mask, pad):
    """signed_distance spelled out: count the erosions each pixel survives, 7 of the mask (inside) and
    5 of the background (outside), alternating the cross and the 3x3 square; a neighbour beyond the
    array erodes nothing."""
    m = np.pad(mask, pad)
    h, w = m.shape

    def erode(cur, square):
        padded = np.pad(cur, 1, constant_values=True)
        out = cur.copy()
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                if square or dx == 0 or dy == 0:
                    out &= padded[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]
        return out

    count = np.zeros((h, w))
    for sign, cur, n in ((1, m, 7), (-1, ~m, 5)):
        for i in range(n):
            count += sign * cur
            cur = erode(cur, i % 2 == 1)
    return (count + np.where(m, -0.5, 0.5)).astype(np.float32)


def hand_made_masks():
    yield np.zeros((5, 7), bool)
    yield np.ones((9, 4), bool)
    ring = np.zeros((40, 33), bool)
    ring[3:37, 2:31] = True
    ring[12:20, 9:25] = False  # a hole
    ring[30:, 15] = False  # a slit to the border
    yield ring
    ys, xs = np.mgrid[0:70, 0:81]
    yield (ys - 35) ** 2 + (xs - 30) ** 2 < 26**2  # a disc, wider than one 64-bit word
    yield np.random.default_rng(3).random((23, 66)) < 0.7  # speckle
    model = BodyModel(120.0)
    yield draw(FitPose(40.0, 140.0, 20.0, 45.0, 45.0), model)


@pytest.mark.parametrize("pad", [0, 1, 6])
def test_signed_distance_is_exactly_the_counted_erosions(pad):
    for mask in hand_made_masks():
        got = signed_distance(mask, pad)
        want = reference_signed_distance(mask, pad)
        assert got.dtype == np.float32
        assert np.array_equal(got, want)


def test_knees_never_bend_backwards_in_the_fit():
    model = BodyModel(120.0)
    truth = FitPose(40.0, 140.0, 0.0, 0.0, 2.0)
    fitter = Fitter(signed_distance(draw(truth, model), 6), model, (6, 6))
    got = fit(fitter, 40.0, 140.0, FitPose(40.0, 140.0, -12.0, -12.0, 0.0), ankle_slack_px=2.0)
    assert got.knee_flexion_deg > -6.0 - 1e-6
    assert math.isfinite(got.cost)


def spine(bend_deg: float, lean_deg: float = 60.0, length_px: float = 60.0):
    """A trunk drawn as three equal segments, the lower one `bend_deg / 2` more upright and the upper
    one as much more forward than the hip-shoulder chord (the generator's rounded back), with a seat
    below the hip and an arm hanging in front. Returns the mask, the hip and the shoulder."""
    m = np.zeros((120, 130), bool)
    hip = np.array([30.0, 90.0])
    seg = length_px / (1 + 2 * math.cos(math.radians(bend_deg / 2)))
    pts = [hip]
    for a in (lean_deg - bend_deg / 2, lean_deg, lean_deg + bend_deg / 2):
        r = math.radians(a)
        pts.append(pts[-1] + seg * np.array([math.sin(r), -math.cos(r)]))
    for p0, p1 in itertools.pairwise(pts):
        capsule(m, p0, p1, 9.0)
    capsule(m, hip, hip + np.array([-4.0, 22.0]), 11.0)  # the seat and thigh
    capsule(m, pts[-1], pts[-1] + np.array([2.0, 35.0]), 4.0)  # an arm, hanging in front
    return m, tuple(hip), tuple(pts[-1])


@pytest.mark.parametrize("lean_deg", [30.0, 60.0, 85.0])
def test_a_straight_back_reads_near_zero_bow(lean_deg):
    m, hip, shoulder = spine(0.0, lean_deg)
    assert back_bow_deg(m, hip, shoulder) == pytest.approx(0.0, abs=4.0)


@pytest.mark.parametrize("bend_deg", [25.0, 40.0])
def test_a_rounded_back_reads_a_clear_bow(bend_deg):
    m, hip, shoulder = spine(bend_deg)
    bow = back_bow_deg(m, hip, shoulder)
    assert bow is not None and 0.5 * bend_deg <= bow <= 1.3 * bend_deg


def test_a_sagging_back_reads_negative_and_a_line_outside_the_body_reads_nothing():
    m, hip, shoulder = spine(-30.0)
    assert back_bow_deg(m, hip, shoulder) < -10.0
    assert back_bow_deg(np.zeros((120, 130), bool), hip, shoulder) is None


def reference_cost(sd, model, offset, y_seen, pose):
    """The fit's cost of one pose, written out sample by sample: each segment's axis points inside by
    their need, its posterior outline on the edge at the best depth scale, the knee penalty."""
    from kiosk.core import body_fit as bf

    def at(x, y):  # bilinear, clamped to the border
        h, w = sd.shape
        x, y = min(max(x, 0.0), w - 1.001), min(max(y, 0.0), h - 1.001)
        x0, y0 = int(x), int(y)
        fx, fy = x - x0, y - y0
        top = sd[y0, x0] + fx * (sd[y0, x0 + 1] - sd[y0, x0])
        bottom = sd[y0 + 1, x0] + fx * (sd[y0 + 1, x0 + 1] - sd[y0 + 1, x0])
        return top + fy * (bottom - top)

    ax, ay, shin, thigh, trunk = pose
    ls, lt, lk, lh = model.lengths()
    dirs = [(math.sin(math.radians(a)), -math.cos(math.radians(a))) for a in (shin, thigh, trunk)]
    dirs[1] = (-dirs[1][0], dirs[1][1])
    joint = (ax + offset[0], ay + offset[1])
    total = 0.0
    for (ux, uy), length, ts, radii in zip(
        dirs, (ls, lt, lk), (bf._T_SHIN, bf._T_THIGH, bf._T_TRUNK), model.segment_radii(), strict=True
    ):
        per_scale = np.zeros(len(bf._DEPTH_SCALES))
        for t, r in zip(ts, radii, strict=True):
            px, py = joint[0] + t * length * ux, joint[1] + t * length * uy
            if py > y_seen:
                continue
            total += bf._AXIS_W * min(max(min(0.7 * r, 6.0) - at(px, py), 0.0), 6.0)
            for i, scale in enumerate(bf._DEPTH_SCALES):
                per_scale[i] += min(abs(at(px + r * scale * uy, py - r * scale * ux)), 4.0)
        total += per_scale.min()
        joint = (joint[0] + length * ux, joint[1] + length * uy)
    nx, ny = math.sin(math.radians(trunk * bf.HEAD_FOLLOW)), -math.cos(math.radians(trunk * bf.HEAD_FOLLOW))
    hx, hy = joint[0] + lh * nx, joint[1] + lh * ny
    if hy <= y_seen:
        total += bf._AXIS_W * min(max(min(0.7 * bf._R_HEAD * model.height_px, 6.0) - at(hx, hy), 0.0), 6.0)
    return total + max(0.0, -bf.KNEE_MIN_DEG - (shin + thigh)) * 2.0


@pytest.mark.parametrize("seen_below", [1e9, 128.0])
def test_the_grid_search_costs_equal_a_pose_by_pose_evaluation(seen_below):
    """The separable search (each segment looked up once per parameter prefix) scores every pose of
    its grid exactly as summing that pose's own samples does."""
    from kiosk.core.body_fit import _search

    model = BodyModel(120.0)
    sd = signed_distance(draw(FitPose(40.0, 140.0, 10.0, 25.0, 50.0), model), 6)
    fitter = Fitter(sd, model, (6, 6), seen_below=seen_below)
    rng = np.random.default_rng(3)
    offsets = (
        np.array([-2.0, 0.0, 2.5]),
        np.array([-7.0, 0.0, 9.0]),
        np.array([-12.0, 0.0, 5.0, 20.0]),
        np.array([-8.0, 3.0]),
    )
    for _ in range(4):
        centre = np.array([0.0, rng.uniform(-20, 60), rng.uniform(-30, 120), rng.uniform(-25, 120)])
        costs, params = _search(fitter, 40.0, 140.0, centre, offsets)
        assert costs.shape == (3, 3, 4, 2)
        for idx in itertools.product(*(range(n) for n in costs.shape)):
            pose = (40.0 + params[0][idx[0]], 140.0, *(params[i][idx[i]] for i in (1, 2, 3)))
            y_seen = seen_below + 6
            assert costs[idx] == pytest.approx(reference_cost(sd, model, (6, 6), y_seen, pose), abs=1e-9)
