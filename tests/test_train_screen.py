"""The Train screen's pixels at 800x480 and 1920x1080: the silhouette scaled to the person with the
trunk and thigh lines over it where the joints are, the target depth one mark at one level on the
dial and the depth meter, the dial's trunk tipping forward as the hip angle closes, and the rep strip
(bar heights by depth, fault colours with a letter). Behaviour, not golden images."""

from dataclasses import dataclass, replace

import numpy as np
import pygame
import pytest

from kiosk.content import load_content
from kiosk.core.modes import Mode, State
from kiosk.core.reps import Phase
from kiosk.ui.gallery import SampleRep
from kiosk.ui.screens import SEEN, Renderer, ScreenFrame
from kiosk.ui.train import FAULT_MARKS

CONTENT = load_content()
ACCENT, GOOD, PANEL = CONTENT.theme.accent, CONTENT.theme.good, CONTENT.theme.panel
SIZES = [(800, 480), (1920, 1080)]
size_ids = pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")

SCALE = 2  # one mask pixel = 2x2 frame pixels; the frame is 640x480
# a person hinged forward, facing right, standing in the middle of a wide frame (frame px)
JOINTS = {"ankle": (300.0, 400.0), "knee": (310.0, 330.0), "hip": (284.0, 262.0), "shoulder": (366.0, 214.0)}
HEAD = (392.0, 206.0)


def _segment_mask(shape, segments) -> np.ndarray:
    """Capsules (p0, p1, radius) in mask px rasterised into a bool mask."""
    yy, xx = np.mgrid[: shape[0], : shape[1]].astype(float)
    m = np.zeros(shape, bool)
    for (x0, y0), (x1, y1), r in segments:
        dx, dy = x1 - x0, y1 - y0
        t = np.clip(((xx - x0) * dx + (yy - y0) * dy) / max(dx * dx + dy * dy, 1e-9), 0, 1)
        m |= (xx - x0 - t * dx) ** 2 + (yy - y0 - t * dy) ** 2 <= r * r
    return m


def person(mirror: bool = False) -> dict:
    """The live_* fields of a hinged person; `mirror`: the same person facing the frame's left."""
    j = dict(JOINTS, head=HEAD)
    if mirror:
        j = {k: (640.0 - x, y) for k, (x, y) in j.items()}
    m = {k: (x / SCALE, y / SCALE) for k, (x, y) in j.items()}
    mask = _segment_mask(
        (240, 320),
        [
            (m["ankle"], m["knee"], 7),
            (m["knee"], m["hip"], 9),
            (m["hip"], m["shoulder"], 12),
            (m["shoulder"], m["head"], 9),
        ],
    )
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    bbox = (cols[0] * SCALE, rows[0] * SCALE, (cols[-1] + 1) * SCALE, (rows[-1] + 1) * SCALE)
    return dict(
        live_present=True,
        live_angle_deg=140.0,
        live_depth=0.5,
        live_phase=Phase.DESCENDING,
        live_mask=mask,
        live_mask_scale=SCALE,
        live_bbox_px=bbox,
        live_joints_px={k: v for k, v in j.items() if k != "head"},
        live_facing=-1 if mirror else 1,
    )


@dataclass(frozen=True)
class Rep:
    depth_deg: float
    faults: tuple[str, ...] = ()


@pytest.fixture(scope="module")
def renderer():
    pygame.font.init()
    return Renderer()


def draw(renderer, size, content=CONTENT, *, set_target=None, **kw) -> np.ndarray:
    surf = pygame.Surface(size)
    target = content.set_reps if set_target is None else set_target
    state = State(mode=Mode.TRAIN, reps=len(kw.get("rep_details", ())), set_target=target)
    renderer.render(surf, ScreenFrame(state=state, content=content, t=1.0, **kw))
    return pygame.surfarray.array3d(surf).transpose(1, 0, 2).astype(int)  # rows, cols, rgb


def near(img, colour, tol=24) -> np.ndarray:
    return np.all(np.abs(img - np.array(colour)) <= tol, axis=-1)


def box(mask: np.ndarray) -> tuple[int, int, int, int]:
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    return cols[0], rows[0], cols[-1] + 1, rows[-1] + 1


# -- the silhouette and the lines ---------------------------------------------------------------------


@size_ids
def test_the_silhouette_fills_its_panel_and_the_lines_lie_on_its_joints(renderer, size):
    w, h = size
    live = person()
    img = draw(renderer, size, **live)
    left = img[:, : int(w * 0.46)]
    px0, py0, px1, py1 = box(near(left, PANEL, tol=4))
    left = left.copy()
    left[:py0], left[py1:], left[:, :px0], left[:, px1:] = 0, 0, 0, 0  # the panel only
    body = near(left, SEEN, tol=40) | near(left, ACCENT, tol=40)
    sx0, sy0, sx1, sy1 = box(body)
    # scaled to the person: a person a third of the camera's frame high fills most of the panel
    assert (sy1 - sy0) > 0.55 * (py1 - py0)
    assert px0 <= sx0 and sx1 <= px1 and py0 <= sy0 and sy1 <= py1
    # the mask's box on screen gives the mapping from frame px to screen px
    mx0, my0, _mx1, my1 = box(live["live_mask"])
    k = (sy1 - sy0) / ((my1 - my0) * SCALE)

    def on_screen(xy):
        return (sx0 + (xy[0] - mx0 * SCALE) * k, sy0 + (xy[1] - my0 * SCALE) * k)

    line = near(left, ACCENT, tol=30)
    hip, knee, shoulder = (on_screen(JOINTS[n]) for n in ("hip", "knee", "shoulder"))
    for a, b in ((hip, knee), (hip, shoulder)):  # the thigh line and the trunk line, all along
        for t in (0.25, 0.5, 0.75, 0.95):
            x, y = a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])
            r = max(3, int(0.012 * h))
            assert line[int(y) - r : int(y) + r + 1, int(x) - r : int(x) + r + 1].any(), (a, b, t)
    # the lines are over the person, not beside them: most line pixels have the silhouette around
    ys, xs = np.nonzero(line)
    grown = np.zeros_like(body)
    grown[max(0, sy0 - 8) : sy1 + 8, max(0, sx0 - 8) : sx1 + 8] = True
    assert grown[ys, xs].mean() > 0.95
    # the hip angle's arc: accent pixels in front of the hip, between the thigh and the trunk
    arc_r = 0.42 * min(
        np.hypot(knee[0] - hip[0], knee[1] - hip[1]), np.hypot(shoulder[0] - hip[0], shoulder[1] - hip[1])
    )
    bis = np.array([(knee[0] - hip[0]) + (shoulder[0] - hip[0]), (knee[1] - hip[1]) + (shoulder[1] - hip[1])])
    bis = bis / np.linalg.norm(bis)
    ax, ay = hip[0] + arc_r * bis[0], hip[1] + arc_r * bis[1]
    r = max(3, int(0.012 * h))
    assert line[int(ay) - r : int(ay) + r + 1, int(ax) - r : int(ax) + r + 1].any()


@size_ids
def test_no_lines_when_the_kiosk_does_not_see_the_person(renderer, size):
    w, _h = size
    live = {**person(), "live_present": False}
    img = draw(renderer, size, **live)
    left = img[:, int(w * 0.05) : int(w * 0.43)]
    # the silhouette in grey (not counted as on the mark), no measured lines on it (below the
    # panel's "step onto the mark" line)
    assert near(left, SEEN, tol=10).sum() == 0
    assert near(left, (90, 100, 115), tol=10).sum() > 1000
    assert near(left[int(0.35 * len(left)) :], ACCENT, tol=30).sum() == 0


@size_ids
def test_a_person_facing_left_is_drawn_facing_right_like_the_dial(renderer, size):
    w, _h = size
    right_facing = draw(renderer, size, **person())[:, : int(w * 0.5)]
    left_facing = draw(renderer, size, **person(mirror=True))[:, : int(w * 0.5)]
    a, b = near(right_facing, SEEN, tol=40), near(left_facing, SEEN, tol=40)
    assert abs(a.sum() - b.sum()) < 0.03 * a.sum()
    assert (a & b).sum() > 0.9 * a.sum()  # the same picture (to a pixel or so at the edges)


# -- dial and depth meter ------------------------------------------------------------------------------


def _target_rows(img, size):
    """(rows of the depth meter's target mark, the good-coloured pixels of the dial area, the
    region's top row, the mark's left and right end). Drawn with no rep strip (a set of 0)."""
    w, h = size
    region = img[int(0.3 * h) : int(0.8 * h), int(0.47 * w) : int(0.95 * w)]
    good = near(region, GOOD, tol=20)
    # the longest run of good pixels in each row: the meter's mark is the widest horizontal one
    padded = np.pad(good.astype(int), ((0, 0), (1, 1)))
    runs = []
    for row in padded:
        edges = np.flatnonzero(np.diff(row))
        if not edges.size:
            runs.append((0, 0, 0))
            continue
        k = int(np.argmax(edges[1::2] - edges[::2]))
        runs.append((edges[2 * k + 1] - edges[2 * k], edges[2 * k], edges[2 * k + 1]))
    runs = np.array(runs)
    rows = np.flatnonzero(runs[:, 0] >= 0.8 * runs[:, 0].max())
    return rows, good, int(0.3 * h), int(np.median(runs[rows, 1])), int(np.median(runs[rows, 2]))


@size_ids
@pytest.mark.parametrize("shallow, deep", [(120.0, 100.0), (160.0, 60.0)], ids=["usual", "content-limits"])
def test_the_target_depth_is_one_mark_at_one_level_on_the_dial_and_the_meter(renderer, size, shallow, deep):
    w, h = size
    ys = {}
    for target in (shallow, deep):
        content = replace(CONTENT, target_angle_deg=target)
        img = draw(renderer, size, content, **{**person(), "live_depth": 0.0}, set_target=0)
        rows, good, top, x_start, x_end = _target_rows(img, size)
        assert rows.max() - rows.min() < 0.03 * h  # one horizontal mark, from the dial to the meter
        y = int(rows.mean())
        # at its left end the dial's target tick crosses that level (pixels of it above and below)
        tick_ys = np.nonzero(good[:, max(0, x_start - int(0.08 * w)) : x_start + int(0.02 * w)])[0]
        assert (tick_ys < rows.min()).any() and (tick_ys > rows.max()).any()
        # at its right end it crosses the depth meter (empty here): the meter's body goes on below it
        region = img[top:, int(0.47 * w) :]
        assert near(region[y + int(0.018 * h), x_end - int(0.025 * w)], PANEL, tol=4)
        ys[target] = y + top
    # a deeper target sits lower on both
    assert ys[deep] > ys[shallow] + 0.03 * h


def _needle(img, size):
    """Accent pixels of the dial (the meter empty, the cue in the rep colour): their mean x, y."""
    w, h = size
    region = img[int(0.36 * h) : int(0.85 * h), int(0.47 * w) : int(0.95 * w)]
    ys, xs = np.nonzero(near(region, ACCENT, tol=20))
    return xs.mean(), ys.mean(), len(xs)


@size_ids
def test_the_dial_needle_is_a_trunk_that_tips_forward_and_down_as_the_hips_hinge(renderer, size):
    common = {**person(), "live_depth": 0.0, "rep_flash": True}
    upright = _needle(draw(renderer, size, **{**common, "live_angle_deg": 176.0}), size)
    hinged = _needle(draw(renderer, size, **{**common, "live_angle_deg": 105.0}), size)
    none = _needle(draw(renderer, size, **{**common, "live_angle_deg": None}), size)
    assert hinged[0] > upright[0] + 0.02 * size[0]  # forward (right)
    assert hinged[1] > upright[1] + 0.02 * size[1]  # and down
    assert none[2] < 0.3 * upright[2]  # no angle measured: no trunk, only the hip's pivot


@size_ids
def test_the_depth_meter_fills_down_to_the_mark_at_target_depth(renderer, size):
    w, h = size
    full = draw(renderer, size, **{**person(), "live_depth": 1.0, "live_angle_deg": 120.0}, set_target=0)
    rows, _good, top, _x0, x1 = _target_rows(full, size)
    y_mark = int(rows.mean())
    half = draw(renderer, size, **{**person(), "live_depth": 0.5, "live_angle_deg": 150.0}, set_target=0)
    x = int(0.47 * w) + x1 - int(0.025 * w)  # the meter, under the mark's right end
    col_full = near(full[top : int(0.8 * h), x], GOOD, tol=20)  # at depth: in the good colour
    col_half = np.flatnonzero(near(half[: top + y_mark + int(0.03 * h), x], ACCENT, tol=20))  # accent
    assert abs(np.flatnonzero(col_full).max() - y_mark) < 0.02 * h  # filled down to the mark
    assert col_half.size > 0.02 * h  # filled some way ...
    assert col_half.max() < top + y_mark - 0.02 * h  # ... but not to the mark


# -- the rep strip -----------------------------------------------------------------------------------


@size_ids
def test_rep_strip_bars_are_as_tall_as_the_rep_was_deep_faults_in_colour_with_a_letter(renderer, size):
    w, h = size
    reps = (Rep(100.0), Rep(140.0, ("knee_dominant",)), Rep(118.0, ("too_fast", "rounded_back")))
    img = draw(renderer, size, **person(), rep_details=reps)
    strip = img[int(0.1 * h) : int(0.36 * h), int(0.5 * w) : int(0.95 * w)]
    bars = {}
    for name, colour in (
        ("clean", GOOD),
        ("K", FAULT_MARKS["knee_dominant"][1]),
        ("B", FAULT_MARKS["rounded_back"][1]),
    ):
        m = near(strip, colour, tol=12)
        cols = np.flatnonzero(m.sum(axis=0) > 0.1 * m.shape[0])
        assert cols.size, name
        x0, x1 = cols.min(), cols.max() + 1
        rows = np.flatnonzero(m[:, x0:x1].any(axis=1))
        bars[name] = (x0, x1, rows.min(), rows.max() + 1)
    height = {k: b[3] - b[2] for k, b in bars.items()}
    assert height["clean"] > height["B"] > height["K"]  # 100 deg deepest, then 118, then 140
    assert bars["clean"][0] < bars["K"][0] < bars["B"][0]  # in order, oldest first
    assert abs(bars["clean"][3] - bars["B"][3]) <= 2  # one baseline
    # the faulty bars carry a dark letter (never colour alone); the clean one has none
    for name, (x0, x1, y0, y1) in bars.items():
        dark = near(strip[y0:y1, x0:x1], (14, 14, 14), tol=8).sum()
        assert (dark > 8) == (name != "clean"), name
    # the reps still to do are empty slots in the panel colour, right of the last bar
    rest = strip[:, bars["B"][1] + 2 :]
    assert near(rest, PANEL, tol=4).sum() > 5 * (CONTENT.set_reps - 3)
    # no too_fast colour: a rep shows its first fault (rounded back before too fast)
    assert near(strip, FAULT_MARKS["too_fast"][1], tol=12).sum() == 0


@size_ids
def test_rep_strip_of_a_long_set_shows_its_latest_reps(renderer, size):
    w, h = size
    reps = (*(Rep(150.0) for _ in range(20)), Rep(95.0, ("hips_first",)))
    img = draw(renderer, size, **person(), rep_details=reps)
    strip = img[int(0.1 * h) : int(0.36 * h), int(0.5 * w) : int(0.95 * w)]
    assert near(strip, FAULT_MARKS["hips_first"][1], tol=12).sum() > 20  # the latest rep is shown


# -- the form cue ------------------------------------------------------------------------------------


@size_ids
def test_a_repeating_faults_cue_shows_instead_of_good_rep_in_the_faults_colour(renderer, size):
    w, h = size
    reps = (Rep(110.0, ("knee_dominant",)), Rep(105.0), Rep(112.0, ("knee_dominant",)))
    renderer.text_log = []
    img = draw(renderer, size, **person(), rep_details=reps, rep_flash=True, form_cue="knee_dominant")
    drawn = " ".join(s for s, _h in renderer.text_log)
    renderer.text_log = None
    assert CONTENT.cues["knee_dominant"].split()[0] in drawn and CONTENT.cues["rep"] not in drawn
    cue_area = img[int(0.7 * h) : int(0.87 * h), int(0.47 * w) :]
    assert near(cue_area, FAULT_MARKS["knee_dominant"][1], tol=12).sum() > 0.0005 * w * h
    # without a form cue the rep's own cue shows, in the good colour
    renderer.text_log = []
    draw(renderer, size, **person(), rep_details=reps, rep_flash=True)
    assert CONTENT.cues["rep"] in " ".join(s for s, _h in renderer.text_log)
    renderer.text_log = None


@size_ids
def test_with_nobody_in_view_the_panel_shows_how_to_stand_on_the_mark(renderer, size):
    from kiosk.ui.figure import SKIN

    w, h = size
    img = draw(renderer, size, live_present=False)
    panel = img[int(0.2 * h) : int(0.85 * h), int(0.05 * w) : int(0.43 * w)]
    assert near(panel, SKIN, tol=6).sum() > 0.002 * w * h  # the coach figure, standing
    rows = near(panel, ACCENT, tol=20).sum(axis=1)
    assert rows.max() > 0.15 * w  # the floor mark under its feet


@pytest.mark.parametrize(
    "odd",
    [
        dict(live_bbox_px=None, live_joints_px={}),  # no box, no fitted body: the mask's extent
        dict(live_bbox_px=(300, 200, 302, 200), live_joints_px={}),  # a box of no height
        dict(live_mask=np.eye(240, 320, dtype=bool), live_bbox_px=(0, 0, 640, 480)),  # the whole frame
        dict(live_joints_px={"hip": (-50.0, 900.0), "knee": (2000.0, -40.0), "shoulder": (0.0, 0.0)}),
    ],
    ids=["no-box", "flat-box", "whole-frame", "joints-off-frame"],
)
def test_odd_camera_views_still_draw_a_train_screen(renderer, odd):
    img = draw(renderer, (800, 480), **{**person(), **odd})
    assert near(img, SEEN, tol=40).sum() > 0  # something of the person, no exception


def test_summary_says_clean_and_faulty_reps_best_depth_and_tempo_of_the_timed_reps(renderer):
    Timed = SampleRep
    reps = (Timed(104.0), Timed(99.0, ("knee_dominant",)), Timed(110.0, down_s=float("nan")), Timed(101.0))
    reps += (Timed(108.0, ("knee_dominant",), down_s=1.6, up_s=1.4),)
    state = State(mode=Mode.SUMMARY, reps=len(reps), best_deg=99.0, rep_durations=(2.0,) * 5)
    renderer.text_log = []
    renderer.render(
        pygame.Surface((800, 480)), ScreenFrame(state=state, content=CONTENT, t=1.0, rep_details=reps)
    )
    drawn = [s for s, _h in renderer.text_log]
    renderer.text_log = None
    assert "3 clean" in drawn and f"2 {CONTENT.values['faults.knee_dominant']} (K)" in drawn
    assert "99\u00b0 at the hip" in drawn
    assert "1.2 s down, 1.0 s up" in drawn  # medians of the reps timed; the untimed descent left out
