"""Fit an articulated side-view body (shin, thigh, trunk, head) to a silhouette. Pure numpy.

Why a model and not edge lines: the back of the thigh and the back of the trunk are surfaces, and
they drift away from the femur and the spine as the knees bend and at depth (glutes, hamstrings,
clothing). The joints are what a hip angle is measured between, so the estimator places joints: a
chain ankle -> knee -> hip -> shoulder -> head with segment lengths from the person's standing height
(Drillis & Contini proportions), the ankle anchored on the floor, searched near the last frame's
pose.

The score of a pose reads a signed distance map of the mask (positive inside, negative outside):
each segment's axis must lie well inside the silhouette and its posterior outline (the back, the
seat and hamstrings, the calf) on the silhouette's edge, at the best of a few multiples of an average
body's depth per segment (builds and clothing differ). Only the posterior side is matched: arms,
hands and a kettlebell hang in front of the body and widen its anterior outline, never the back.

Coordinates are analysis pixels in a frame normalised so that the person faces +x (x forward, y down).
Angles in degrees: `shin_deg` forward tilt of the shin from vertical (knee ahead of the ankle > 0),
`thigh_deg` backward tilt of the thigh from vertical (hip behind the knee > 0), `trunk_deg` forward
lean of hip -> shoulder from vertical. Hip angle = 180 - thigh_deg - trunk_deg; knee flexion =
shin_deg + thigh_deg.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# Joint heights above the floor and segment lengths, fractions of standing height (Drillis & Contini).
ANKLE_H = 0.039
KNEE_H = 0.285
HIP_H = 0.530
SHOULDER_H = 0.818
HEAD_CENTRE_H = 0.936  # centre of the head above the floor when standing
SHIN_L = KNEE_H - ANKLE_H
THIGH_L = HIP_H - KNEE_H
TRUNK_L = SHOULDER_H - HIP_H
HEAD_L = HEAD_CENTRE_H - SHOULDER_H
HEEL_BEHIND_ANKLE = 0.045  # the heel's back, behind the ankle joint
# Posterior half-depths (axis to the back outline), fractions of standing height, for an average
# build; the fit tries each segment at every one of _DEPTH_SCALES times these.
_R_SHIN = (0.024, 0.036)  # at the ankle, at the knee (the calf)
_R_THIGH = (0.040, 0.066)  # at the knee, at the hip (hamstrings, then the seat)
_R_TRUNK = (0.070, 0.068)  # at the hip (the lower back), at the shoulder
_R_HEAD = 0.05
_T_SHIN = np.array([0.3, 0.5, 0.7, 0.85])
_T_THIGH = np.array([0.2, 0.45, 0.7, 0.9])
_T_TRUNK = np.array([0.2, 0.4, 0.6, 0.8, 0.95])
# pose limits (degrees); the knee's flexion (shin + thigh) stays above -KNEE_MIN_DEG
KNEE_MIN_DEG = 6.0
SHIN_RANGE = (-15.0, 55.0)
THIGH_RANGE = (-25.0, 115.0)
TRUNK_RANGE = (-20.0, 115.0)
HEAD_FOLLOW = 0.8
_DEPTH_SCALES = np.array([0.8, 1.0, 1.2, 1.45])
_AXIS_W = 0.6  # weight of "axis inside" against "posterior outline on the edge"
# Signed distances are clipped: inside to what the axis needs (its cap is 6 px), outside to what an
# outline point can cost (4 px).
_D_IN = 7
_D_OUT = 5


@dataclass(frozen=True)
class BodyModel:
    """One person's segment lengths and posterior half-depths (axis to the back outline at each
    sample point of the shin, thigh and trunk), analysis pixels. The fit matches the outline at the
    best of a few multiples of these depths (build and clothing differ), segment by segment."""

    height_px: float

    def lengths(self) -> tuple[float, float, float, float]:
        h = self.height_px
        return SHIN_L * h, THIGH_L * h, TRUNK_L * h, HEAD_L * h

    def segment_radii(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return default_radii(self.height_px)


def default_radii(height_px: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    h = height_px
    return (
        (_R_SHIN[0] + (_R_SHIN[1] - _R_SHIN[0]) * _T_SHIN) * h,
        (_R_THIGH[0] + (_R_THIGH[1] - _R_THIGH[0]) * _T_THIGH) * h,
        (_R_TRUNK[0] + (_R_TRUNK[1] - _R_TRUNK[0]) * _T_TRUNK) * h,
    )


@dataclass(frozen=True)
class FitPose:
    ankle_x: float
    ankle_y: float
    shin_deg: float
    thigh_deg: float
    trunk_deg: float
    cost: float = 0.0  # mean cost per sample: 0 perfect; above ~1.5 the model does not fit

    @property
    def hip_angle_deg(self) -> float:
        return 180.0 - self.thigh_deg - self.trunk_deg

    @property
    def knee_flexion_deg(self) -> float:
        return self.shin_deg + self.thigh_deg

    def points(self, model: BodyModel) -> dict[str, tuple[float, float]]:
        ls, lt, lk, lh = model.lengths()
        s, f, k = (math.radians(v) for v in (self.shin_deg, self.thigh_deg, self.trunk_deg))
        ax, ay = self.ankle_x, self.ankle_y
        kx, ky = ax + ls * math.sin(s), ay - ls * math.cos(s)
        hx, hy = kx - lt * math.sin(f), ky - lt * math.cos(f)
        sx, sy = hx + lk * math.sin(k), hy - lk * math.cos(k)
        return {
            "ankle": (ax, ay),
            "knee": (kx, ky),
            "hip": (hx, hy),
            "shoulder": (sx, sy),
            "head": (sx + lh * math.sin(k * HEAD_FOLLOW), sy - lh * math.cos(k * HEAD_FOLLOW)),
        }


def signed_distance(mask: np.ndarray, pad: int = 6) -> np.ndarray:
    """Approximate signed distance (float32, pixels): > 0 inside the mask, < 0 outside, clipped to
    _D_IN inside and _D_OUT outside. Octagonal metric from alternating cross and square
    erosions (within ~8 % of Euclidean).
    The result is `pad` pixels larger than `mask` on every side."""
    m = np.pad(mask, pad)
    count = np.zeros(m.shape, np.int8)  # erosions survived inside, minus those outside
    cur = m
    for i in range(_D_IN):
        count += cur
        cur = _erode(cur, square=i % 2 == 1)
    cur = ~m
    for i in range(_D_OUT):
        count -= cur
        cur = _erode(cur, square=i % 2 == 1)
    # boundary pixels: +1 just inside, -1 just outside; the edge itself lies at 0 between them
    out = count.astype(np.float32)
    out += np.where(m, np.float32(-0.5), np.float32(0.5))
    return out


def _erode(m: np.ndarray, *, square: bool) -> np.ndarray:
    out = m.copy()
    out[1:] &= m[:-1]
    out[:-1] &= m[1:]
    if square:
        r = out.copy()
        out[:, 1:] &= r[:, :-1]
        out[:, :-1] &= r[:, 1:]
    else:
        out[:, 1:] &= m[:, :-1]
        out[:, :-1] &= m[:, 1:]
    return out


def _lookup(sd: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bilinear lookup of sd at float coordinates (clamped to the map's border)."""
    h, w = sd.shape
    x = np.clip(x, 0.0, w - 1.001)
    y = np.clip(y, 0.0, h - 1.001)
    x0 = x.astype(np.intp)
    y0 = y.astype(np.intp)
    fx = x - x0
    fy = y - y0
    flat = sd.ravel()
    i = y0 * w + x0
    a, b = flat[i], flat[i + 1]
    c, d = flat[i + w], flat[i + w + 1]
    top = a + fx * (b - a)
    return top + fy * (c + fx * (d - c) - top)


class Fitter:
    """Scores and searches poses against one frame's signed distance map."""

    def __init__(
        self, sd: np.ndarray, model: BodyModel, offset: tuple[float, float], *, seen_below: float = 1e9
    ) -> None:
        self.sd = sd
        # below this row (pose coordinates) the silhouette shows nothing (lower legs lost against a
        # floor of their shade): samples there are neither evidence for nor against a pose
        self.y_seen = seen_below + offset[1]
        self.model = model
        self.ox, self.oy = offset  # add to pose coordinates to get sd indices
        self.r_shin, self.r_thigh, self.r_trunk = model.segment_radii()
        self.r_head = _R_HEAD * model.height_px
        ls, lt, lk, lh = model.lengths()
        # sample points: shin, thigh, trunk (axis and outline), then the head (axis only, along the
        # neck from the shoulders)
        self._seg = np.repeat([0, 1, 2, 3], [_T_SHIN.size, _T_THIGH.size, _T_TRUNK.size, 1])
        self._n_edge = _T_SHIN.size + _T_THIGH.size + _T_TRUNK.size
        self._seg_starts = np.array([0, _T_SHIN.size, _T_SHIN.size + _T_THIGH.size])
        self._along = np.concatenate([ls * _T_SHIN, lt * _T_THIGH, lk * _T_TRUNK, [lh]])[None, :]
        radii = np.concatenate([self.r_shin, self.r_thigh, self.r_trunk])
        self._rr = radii[None, :, None] * _DEPTH_SCALES[None, None, :]
        self._axis_need = np.minimum(0.7 * np.append(radii, self.r_head), 6.0)[None, :]

    def full(self, ax, ay, shin, thigh, trunk) -> np.ndarray:
        """Cost of whole poses (arrays of N candidates): every sample point of every segment, the
        axis points and the posterior outline points, looked up in one batch."""
        n = ax.size
        ls, lt, lk, _ = self.model.lengths()
        ang = np.radians(np.concatenate([shin, thigh, trunk, trunk * HEAD_FOLLOW]))
        sn, cs = np.sin(ang), np.cos(ang)
        # unit directions up the chain, (4, N): shin, thigh, trunk, neck
        ux = sn.reshape(4, n)
        ux[1] *= -1.0
        uy = -cs.reshape(4, n)
        jx = np.empty((4, n))
        jy = np.empty((4, n))
        jx[0], jy[0] = ax + self.ox, ay + self.oy
        jx[1], jy[1] = jx[0] + ls * ux[0], jy[0] + ls * uy[0]
        jx[2], jy[2] = jx[1] + lt * ux[1], jy[1] + lt * uy[1]
        jx[3], jy[3] = jx[2] + lk * ux[2], jy[2] + lk * uy[2]
        seg = self._seg
        sux, suy = ux[seg].T, uy[seg].T  # (N, S): direction at each sample (the head: the neck's)
        # points per candidate: S axis points, then S_e x depth-scale outline points; the normal
        # (uy, -ux) points to the back
        px = jx[seg].T + self._along * sux
        py = jy[seg].T + self._along * suy
        e = self._n_edge
        qx = px[:, :e, None] + self._rr * suy[:, :e, None]
        qy = py[:, :e, None] - self._rr * sux[:, :e, None]
        v = _lookup(
            self.sd,
            np.concatenate([px, qx.reshape(n, -1)], axis=1),
            np.concatenate([py, qy.reshape(n, -1)], axis=1),
        )
        s_all = px.shape[1]
        c_axis = np.clip(self._axis_need - v[:, :s_all], 0.0, 6.0)
        c_edge = np.minimum(np.abs(v[:, s_all:]), 4.0).reshape(n, e, -1)
        if self.y_seen < self.sd.shape[0]:
            hidden = py > self.y_seen
            c_axis[hidden] = 0.0
            c_edge[hidden[:, :e]] = 0.0
        per_seg = np.add.reduceat(c_edge, self._seg_starts, axis=1).min(axis=2)
        return per_seg.sum(axis=1) + _AXIS_W * c_axis.sum(axis=1)


_N_SAMPLES = len(_T_SHIN) + len(_T_THIGH) + len(_T_TRUNK) + 1


def _search(fitter: Fitter, ankle_x, ankle_y, centre, offsets) -> tuple[np.ndarray, np.ndarray]:
    """Costs of centre + every combination of offsets (dx_px, shin, thigh, trunk), as a grid of
    offsets' shape, and the parameters at each point (4 x grid)."""
    G = np.meshgrid(*offsets, indexing="ij")
    shape = G[0].shape
    cd = centre[0] + G[0].ravel()
    cs = np.clip(centre[1] + G[1].ravel(), *SHIN_RANGE)
    cf = np.clip(centre[2] + G[2].ravel(), *THIGH_RANGE)
    ck = np.clip(centre[3] + G[3].ravel(), *TRUNK_RANGE)
    ax = ankle_x + cd
    c = fitter.full(ax, np.full_like(ax, ankle_y), cs, cf, ck)
    # knees do not bend backwards
    c += np.maximum(0.0, -KNEE_MIN_DEG - (cs + cf)) * 2.0
    return c.reshape(shape), np.stack([cd, cs, cf, ck]).reshape((4, *shape))


def _best(costs: np.ndarray, params: np.ndarray) -> tuple[np.ndarray, float, tuple[int, ...]]:
    idx = np.unravel_index(int(np.argmin(costs)), costs.shape)
    return params[(slice(None), *idx)].copy(), float(costs[idx]), tuple(int(i) for i in idx)


_ZERO = np.zeros(1)
_FINE_DEG = 3.0
_FINE = np.array([-_FINE_DEG, 0.0, _FINE_DEG])
_FINE5 = np.array([-2 * _FINE_DEG, -_FINE_DEG, 0.0, _FINE_DEG, 2 * _FINE_DEG])
_WIDE = (
    _ZERO,
    np.array([-16.0, -8.0, 0.0, 8.0, 16.0]),
    np.array([-24.0, -12.0, 0.0, 12.0, 24.0]),
    np.array([-30.0, -15.0, 0.0, 15.0, 30.0]),
)


def fit(
    fitter: Fitter,
    ankle_x: float,
    ankle_y: float,
    prev: FitPose | None,
    *,
    ankle_slack_px: float,
    velocity: tuple[float, float, float] = (0.0, 0.0, 0.0),
) -> FitPose:
    """Best pose near `prev` moved on by `velocity` (degrees per frame: shin, thigh, trunk), or a
    global search without `prev` (the ankle may then shift by `ankle_slack_px`). Fine batches
    around the prediction, following the best point while it lies on the batch's edge; a coarse
    batch first when the pose was lost; sub-step precision from parabolas through the costs."""
    fine = (_ZERO, _FINE, _FINE, _FINE)
    first = (_ZERO, _FINE, _FINE5, _FINE5)  # the thigh and trunk move most between frames
    if prev is not None:
        pred = zip((prev.shin_deg, prev.thigh_deg, prev.trunk_deg), velocity, strict=True)
        start = np.array([0.0, *(p + 0.7 * v for p, v in pred)])
    else:
        sl = ankle_slack_px
        coarse = (
            np.array([-sl, 0.0, sl]),
            np.arange(-25.0, 40.1, 9.0),
            np.arange(-60.0, 60.1, 12.0),
            np.arange(-60.0, 60.1, 10.0),
        )
        c2, p2 = _search(fitter, ankle_x, ankle_y, np.array([0.0, 15.0, 45.0, 45.0]), coarse)
        start, _, _ = _best(c2, p2)
    grid = first
    for _ in range(3):
        costs, params = _search(fitter, ankle_x, ankle_y, start, grid)
        best, cost, idx = _best(costs, params)
        # follow the thigh and trunk (they move most); a shin on the batch's edge moves on next frame
        if all(0 < i < n - 1 for i, n in zip(idx[2:], costs.shape[2:], strict=True)):
            break
        start, grid = best, fine
    if prev is not None and cost > (1.5 * prev.cost + 0.3) * _N_SAMPLES:
        # much worse than last frame: the body moved faster than the steps follow; look wider
        c2, p2 = _search(fitter, ankle_x, ankle_y, start, _WIDE)
        b2, cost2, _ = _best(c2, p2)
        if cost2 < cost:
            costs, params = _search(fitter, ankle_x, ankle_y, b2, fine)
            best, cost, idx = _best(costs, params)
    # parabola through the three costs along each angle, at the best point of the grid
    for axis in (1, 2, 3):
        i = idx[axis]
        if 0 < i < costs.shape[axis] - 1:
            line = [(*idx[:axis], j, *idx[axis + 1 :]) for j in (i - 1, i, i + 1)]
            cm, c0, cp = (float(costs[ix]) for ix in line)
            den = cm - 2.0 * c0 + cp
            if den > 1e-9:
                best[axis] += _FINE_DEG * max(-0.5, min(0.5, 0.5 * (cm - cp) / den))
    return FitPose(ankle_x + best[0], ankle_y, best[1], best[2], best[3], cost / _N_SAMPLES)


_BOW_T = np.linspace(0.12, 0.88, 16)  # along the hip -> shoulder line (seat and neck left out)


def _slope(x: np.ndarray, y: np.ndarray) -> float:
    """Least-squares slope of y on x."""
    xc = x - x.mean()
    return float(xc @ (y - y.mean())) / max(float(xc @ xc), 1e-9)


def back_bow_deg(mask: np.ndarray, hip: tuple[float, float], shoulder: tuple[float, float]) -> float | None:
    """How far the back's outline bends between its lower and its upper part, in degrees: 0 for a
    straight back, > 0 when it bows away from the hip-shoulder line (a rounded, flexed back), < 0
    when it sags (an arched lower back).

    `mask` is the silhouette facing +x (the body leans towards +x; outside the array counts as not
    body), `hip`/`shoulder` the fitted joints in its pixels. The back's outline is found by walking out
    from the hip-shoulder line along its backward normal; a line is fitted to each third of it and the
    bend between the two is returned. None when the outline is not found (the trunk is tiny or the
    line misses the body).
    """
    hx, hy = hip
    dx, dy = shoulder[0] - hx, shoulder[1] - hy
    length = math.hypot(dx, dy)
    if length < 12.0:
        return None
    ux, uy = dx / length, dy / length
    nx, ny = uy, -ux  # backwards from the trunk: behind an upright one, above a level one
    reach = 0.45 * length
    steps = np.arange(0.0, reach, 0.5)
    px = hx + _BOW_T[:, None] * dx + steps[None, :] * nx
    py = hy + _BOW_T[:, None] * dy + steps[None, :] * ny
    h, w = mask.shape
    xi, yi = np.rint(px).astype(np.intp), np.rint(py).astype(np.intp)
    ok = (xi >= 0) & (xi < w) & (yi >= 0) & (yi < h)
    inside = np.zeros(px.shape, bool)
    inside[ok] = mask[yi[ok], xi[ok]]
    if inside[:, 0].mean() < 0.7:  # the line does not run through the body: no back to follow
        return None
    # the outline: the furthest body pixel behind the line (holes inside the silhouette, where clothes
    # match the wall, are stepped over; arms and bell hang in front, the head lies beyond the line)
    last = inside.shape[1] - 1 - inside[:, ::-1].argmax(axis=1)
    good = inside.any(axis=1) & (last < inside.shape[1] - 1)
    if good.sum() < 10:
        return None
    d = steps[last] + 0.25
    s = _BOW_T * length
    lo, hi = good & (_BOW_T < 0.4), good & (_BOW_T > 0.6)
    if lo.sum() < 4 or hi.sum() < 4:
        return None
    slope_lo, slope_hi = _slope(s[lo], d[lo]), _slope(s[hi], d[hi])
    return math.degrees(math.atan(slope_lo) - math.atan(slope_hi))


__all__ = [
    "BodyModel",
    "FitPose",
    "Fitter",
    "back_bow_deg",
    "default_radii",
    "fit",
    "signed_distance",
]
