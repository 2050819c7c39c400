"""Rep counter: tables of angle traces with explicit times, no sleeps."""

import numpy as np
import pytest

from kiosk.core.reps import Phase, RepCounter, RepSettings

FPS = 15.0


def trace(*segments):
    """Piecewise-linear angle trace: segments of (angle_from, angle_to, seconds)."""
    out = []
    for a, b, sec in segments:
        n = max(1, round(sec * FPS))
        out.extend(np.linspace(a, b, n, endpoint=False).tolist())
    return out


def run(angles, present=None, settings=None, t0=0.0):
    c = RepCounter(settings or RepSettings())
    events = []
    for i, a in enumerate(angles):
        p = True if present is None else present[i]
        events += c.update(a, p, t0 + i / FPS)
    return c, events


def rep(depth=100.0, down=1.2, up=1.0, stand=176.0):
    return [(stand, depth, down), (depth, depth, 0.3), (depth, stand, up), (stand, stand, 1.0)]


def test_standing_calibration_then_reps_count():
    angles = trace((176, 176, 1.5), *rep(), *rep(95), *rep(110))
    c, events = run(angles)
    assert c.count == 3
    kinds = [e.kind for e in events]
    assert kinds.count("descent") == 3 and kinds.count("bottom") == 3 and kinds.count("rep") == 3
    reps = [e for e in events if e.kind == "rep"]
    assert [e.rep for e in reps] == [1, 2, 3]
    assert reps[1].angle_deg == pytest.approx(95, abs=3)
    assert 1.5 < reps[0].duration_s < 3.5
    assert c.best_deg == pytest.approx(95, abs=3)


def test_rep_is_counted_within_half_a_second_of_standing_up():
    angles = trace((176, 176, 1.5), (176, 100, 1.2), (100, 100, 0.3), (100, 176, 1.0), (176, 176, 1.0))
    _c, events = run(angles)
    back_up_t = (1.5 + 1.2 + 0.3 + 1.0) - 12 / 76 * 1.0  # time the trace crosses standing - 12 deg
    rep_t = next(e.t for e in events if e.kind == "rep")
    assert 0 <= rep_t - back_up_t <= 0.5


@pytest.mark.parametrize(
    "name, angles",
    [
        ("standing still", trace((176, 176, 60.0))),
        ("partial reps", trace((176, 176, 1.5), *rep(140) * 5)),
        (
            "jitter around the target",
            trace((176, 176, 1.5), (176, 125, 1.0), *[(125, 117, 0.1), (117, 125, 0.1)] * 20),
        ),
        (
            "jitter around the start threshold",
            trace((176, 176, 1.5), *[(176, 158, 0.1), (158, 176, 0.1)] * 30),
        ),
        ("too fast to be a rep", trace((176, 176, 1.5), (176, 100, 0.2), (100, 176, 0.2), (176, 176, 1.0))),
        ("arrives bent over and stands up", trace((100, 100, 1.0), (100, 176, 1.0), (176, 176, 2.0))),
        ("never calibrated (always bent)", trace((110, 110, 5.0), (110, 100, 1.0), (100, 110, 1.0))),
    ],
)
def test_never_counts(name, angles):
    c, events = run(angles)
    assert c.count == 0, name
    assert not [e for e in events if e.kind == "rep"]


def test_walking_in_and_out_never_counts():
    # walking: person flickers in and out of view with angles that swing (legs)
    angles = trace((170, 150, 0.5), (150, 170, 0.5)) * 4 + trace((176, 176, 1.0)) + trace((176, 100, 0.5))
    present = [True] * len(angles)
    present[-3:] = [False] * 3  # walks out while bending down to pick something up
    c, _events = run(angles, present)
    assert c.count == 0
    assert c.phase == Phase.AWAY


def test_rep_interrupted_by_leaving_is_abandoned():
    # at the bottom, then gone from view (not present) for 1.3 s, then someone standing: no rep
    angles = trace((176, 176, 1.5), (176, 100, 1.2)) + [None] * 20 + trace((176, 176, 1.0))
    present = [a is not None for a in angles]
    c, events = run(angles, present)
    assert c.count == 0
    assert any(e.kind == "abandoned" for e in events)


@pytest.mark.parametrize(
    ("last_seen_deg", "gap_s", "counted"),
    [
        (160.0, 1.5, 1),  # past half way back up, then lost for a moment: seen standing, it counts
        (160.0, 4.0, 0),  # ... lost too long: whatever they did is not known
        (100.0, 1.0, 1),  # lost at the bottom (the depth seen), seen standing within 3 s: it counts
        (120.0, 1.5, 1),  # ... or lost early on the way up
        (100.0, 4.0, 0),  # ... but not when the pose stays lost longer than that
    ],
)
def test_a_gap_after_the_target_depth_is_bridged_when_standing_is_seen_soon(last_seen_deg, gap_s, counted):
    angles = trace((176, 176, 1.5), (176, 100, 1.2), (100, 100, 0.3), (100, last_seen_deg, 0.6))
    angles += [None] * round(gap_s * FPS) + trace((176, 176, 1.0))
    c, events = run(angles)
    assert c.count == counted
    assert any(e.kind == "abandoned" for e in events) == (counted == 0)


def test_a_gap_before_the_target_depth_abandons_the_descent():
    # lost at 140 on the way down (never seen at the target depth), seen standing after 1 s: no rep
    angles = trace((176, 176, 1.5), (176, 140, 0.6)) + [None] * 15 + trace((176, 176, 1.0))
    c, events = run(angles)
    assert c.count == 0
    assert [e.kind for e in events] == ["descent", "abandoned"]


def test_depth_fraction_goes_from_zero_standing_to_one_at_target():
    c = RepCounter()
    for i, a in enumerate(trace((176, 176, 1.5))):
        c.update(a, True, i / FPS)
    assert c.depth == 0.0
    t = 2.0
    for a in np.linspace(176, 148, 20):
        c.update(float(a), True, t)
        t += 1 / FPS
    assert 0.3 < c.depth < 0.7
    for a in np.linspace(148, 115, 20):
        c.update(float(a), True, t)
        t += 1 / FPS
    assert c.depth == 1.0


def test_configurable_target_depth():
    angles = trace((176, 176, 1.5), *rep(105) * 2)
    deep, _ = run(angles, settings=RepSettings(target_angle_deg=100))
    default, _ = run(angles)
    assert deep.count == 0 and default.count == 2


def test_refractory_period_blocks_immediate_second_descent():
    s = RepSettings(refractory_s=2.0)
    angles = trace(
        (176, 176, 1.5), (176, 100, 1.0), (100, 176, 0.8), (176, 100, 0.6), (100, 176, 0.8), (176, 176, 1)
    )
    c, _ = run(angles, settings=s)
    assert c.count == 1


def test_reset_set_keeps_calibration():
    c, _ = run(trace((176, 176, 1.5), *rep()))
    assert c.count == 1
    c.reset_set()
    assert c.count == 0 and c.best_deg is None and c.standing_deg is not None


@pytest.mark.parametrize(
    ("first_deg", "reps"),
    [
        (174.0, 1),  # seen standing tall for a moment, already on the way down: the rep counts
        (140.0, 1),  # first seen part-way down (still in view from the start): down to depth and up counts
        (130.0, 1),  # first seen near the bottom, still going down: counts
        (105.0, 0),  # first seen at the bottom, no way down seen (someone bent over who stands up): not
    ],
)
def test_someone_first_seen_during_their_first_rep_has_it_counted(first_deg, reps):
    angles = trace((first_deg, 100.0, 1.0), (100.0, 100.0, 0.3), (100.0, 176.0, 1.0), (176.0, 176.0, 1.0))
    c, events = run(angles)
    assert c.count == reps
    assert [e.kind for e in events].count("rep") == reps
    # the next rep counts from the standing angle learnt on the way up (or, not counted, calibrated)
    c2, _ = run(angles + trace(*rep()))
    assert c2.count == reps + 1
    if reps:
        assert c.best_deg == pytest.approx(100.0, abs=1.0)


@pytest.mark.parametrize("standing_deg", [158.0, 154.0])
def test_first_seen_bent_by_someone_whose_standing_reads_low_counts_that_rep_and_the_next(standing_deg):
    # the fit reads this person's standing below late_start_tall_deg (165): back up to a steady
    # plateau for 0.5 s ends the first rep - it counts - and that plateau is their standing angle
    angles = trace((140.0, 100.0, 1.0), (100.0, 100.0, 0.3), (100.0, standing_deg, 1.0))
    angles += trace((standing_deg, standing_deg, 1.0), *rep(95.0, stand=standing_deg))
    c, events = run(angles)
    assert c.count == 2
    assert c.standing_deg == pytest.approx(standing_deg, abs=3.0)
    first = next(e for e in events if e.kind == "rep")
    # counted once the plateau has held (0.5 s), not before it was reached
    assert 2.3 + 0.5 - 0.1 <= first.t <= 2.3 + 0.5 + 0.3


def test_first_seen_bent_and_staying_bent_below_standing_is_not_a_plateau():
    # back up only to 145 (below min_standing_deg, 150) and held there: still bent, nothing counts
    angles = trace((140.0, 100.0, 1.0), (100.0, 100.0, 0.3), (100.0, 145.0, 0.6), (145.0, 145.0, 3.0))
    c, events = run(angles)
    assert c.count == 0 and c.phase == Phase.CALIBRATING
    assert not [e for e in events if e.kind in ("rep", "squat")]


@pytest.mark.parametrize(
    ("segments", "kind"),
    [
        # first seen bent, never down to the target depth (120): a partial, nothing counts
        (((150.0, 130.0, 0.8), (130.0, 176.0, 1.0), (176.0, 176.0, 1.0)), None),
        # first seen bent and up again within a blink: a misread, not a rep
        (((110.0, 110.0, 0.1), (176.0, 176.0, 1.0)), None),
        # bent over far longer than a rep (tying a shoe), then up
        (((110.0, 110.0, 13.0), (110.0, 176.0, 1.0), (176.0, 176.0, 1.0)), None),
    ],
)
def test_first_seen_bent_counts_nothing_that_is_not_a_whole_rep(segments, kind):
    c, events = run(trace(*segments))
    assert c.count == 0
    assert [e.kind for e in events if e.kind in ("rep", "squat")] == ([] if kind is None else [kind])


def test_first_seen_bent_in_a_squat_is_called_a_squat_not_a_rep():
    c = RepCounter()
    events = []
    angles = trace((130.0, 100.0, 0.8), (100.0, 100.0, 0.3), (100.0, 176.0, 1.0), (176.0, 176.0, 0.5))
    for i, a in enumerate(angles):
        bent = a < 160
        events += c.update(a, True, i / FPS, knee_deg=95.0 if bent else 5.0, trunk_deg=20.0 if bent else 2.0)
    assert c.count == 0
    assert [e.kind for e in events] == ["squat"]


def test_depth_follows_a_rep_first_seen_bent():
    c = RepCounter()
    for i, a in enumerate(trace((150.0, 120.0, 0.5))):
        c.update(a, True, i / FPS)
    assert c.phase == Phase.CALIBRATING
    assert 0.8 < c.depth <= 1.0  # 120 is the target: the bar is full or nearly


def test_a_quick_rep_is_timed_from_leaving_standing_even_with_the_way_down_lost():
    # a brisk rep (about 1 s) whose first frames down the pose was lost: timed from the last standing
    # reading it lasts longer than min_rep_s (0.8 s) and counts; timed from the first reading 15 deg
    # down it would be a 0.5 s flail
    angles = trace((176, 176, 1.5), (176, 172, 0.2)) + [None] * 3
    angles += trace((125, 100, 0.1), (100, 100, 0.1), (100, 176, 0.4), (176, 176, 1.0))
    c, events = run(angles)
    assert c.count == 1
    rep = next(e for e in events if e.kind == "rep")
    assert 0.8 <= rep.duration_s <= 1.2


def test_a_dip_faster_than_a_rep_still_does_not_count():
    angles = trace((176, 176, 1.5), (176, 100, 0.25), (100, 176, 0.25), (176, 176, 1.0))
    c, events = run(angles)
    assert c.count == 0
    # it was seen going down to the depth and back up - only too fast to be a rep
    assert [e.kind for e in events] == ["descent", "bottom"]


def test_back_up_to_a_steady_plateau_short_of_the_standing_angle_counts_and_becomes_standing():
    # standing read 176 before the rep; after it the fit reads them at 156 (a ghost, a fold of
    # clothing): held steady there for 0.5 s, the rep counts, and the next rep counts from there
    angles = trace((176, 176, 1.5), (176, 100, 1.2), (100, 100, 0.3), (100, 156, 0.8), (156, 156, 1.0))
    c, events = run(angles)
    assert c.count == 1
    assert [e.kind for e in events] == ["descent", "bottom", "rep"]
    assert c.standing_deg == pytest.approx(156.0, abs=3.0)
    c2, _ = run(angles + trace(*rep(95.0, stand=156.0)))
    assert c2.count == 2


def test_a_pause_at_a_plateau_before_the_target_depth_is_not_a_rep():
    # down to 150 and held there (never at the target depth, 120), then up: a partial, no rep
    angles = trace((176, 176, 1.5), (176, 150, 0.8), (150, 150, 1.0), (150, 176, 0.8), (176, 176, 1.0))
    c, events = run(angles)
    assert c.count == 0
    assert [e.kind for e in events] == ["descent"]
