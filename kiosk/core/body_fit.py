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

import functools
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
    erosions (within ~8 % of Euclidean): a pixel inside that survives n erosions of the mask reads
    n + 0.5, one outside that survives n erosions of the background reads -(n + 0.5) (beyond the array
    counts as neither: it erodes nothing). The result is `pad` pixels larger than `mask` on every side.

    The erosions run on bitsets: the padded image, one bit per pixel in row-major order with a guard
    column and a guard row top and bottom (always set, so they never erode anything), is one Python
    int, and a shift by 1 or by the row stride lines every pixel up with a neighbour (a few hundred
    machine words per operation, against tens of numpy calls on small arrays). The per-pixel counts
    are summed bit-sliced and unpacked once."""
    h0, w0 = mask.shape
    h, w = h0 + 2 * pad, w0 + 2 * pad
    guard, full, n_bytes = _bit_layout(h, w)
    stride = w + 1
    bits = np.zeros((h + 2, stride), bool)
    bits[1 + pad : 1 + pad + h0, pad : pad + w0] = mask
    m = int.from_bytes(np.packbits(bits.ravel(), bitorder="little").tobytes(), "little")
    inside = [m | guard]  # inside[i]: the mask eroded i times
    for i in range(_D_IN - 1):
        inside.append(_erode_bits(inside[-1], guard, stride, square=i % 2 == 1))
    outside = [(full ^ m) | guard]
    for i in range(_D_OUT - 1):
        outside.append(_erode_bits(outside[-1], guard, stride, square=i % 2 == 1))
    # n = 5 - (erosions survived outside) + (erosions survived inside, after the first): the number of
    # the nested sets ~outside[4] >= ... >= ~outside[0] = mask >= inside[1] >= ... >= inside[6] holding
    # the pixel, 0..11; bit b of n is the xor of every 2**b-th of them
    i_, o_ = inside, outside
    planes = (
        full ^ o_[0] ^ o_[1] ^ o_[2] ^ o_[3] ^ o_[4] ^ i_[1] ^ i_[2] ^ i_[3] ^ i_[4] ^ i_[5] ^ i_[6],
        o_[3] ^ o_[1] ^ i_[1] ^ i_[3] ^ i_[5],
        full ^ o_[1] ^ i_[3],
        i_[3],
    )
    raw = np.frombuffer(b"".join([p.to_bytes(n_bytes, "little") for p in planes]), np.uint8)
    # one byte per pixel and plane; the planes are or-ed together 8 pixels at a time
    b = np.unpackbits(raw, bitorder="little").view(np.uint64).reshape(len(planes), -1)
    n = b[1] << np.uint64(1)
    n |= b[0]
    n |= b[2] << np.uint64(2)
    n |= b[3] << np.uint64(3)
    n = n.view(np.uint8)[: (h + 2) * stride].reshape(h + 2, stride)[1:-1, :w]
    # inside n - 4.5 = survived - 0.5; outside 0.5 - survived
    return np.subtract(n, np.float32(4.5), dtype=np.float32)


@functools.lru_cache(maxsize=16)
def _bit_layout(h: int, w: int) -> tuple[int, int, int]:
    """For `signed_distance`'s bitsets of an (h, w) image: the guard bits (rows 0 and h + 1, column w of
    the (h + 2, w + 1) layout), all the layout's bits, and its size in bytes (whole 8-byte words)."""
    g = np.zeros((h + 2, w + 1), bool)
    g[0] = g[-1] = g[:, -1] = True
    guard = int.from_bytes(np.packbits(g.ravel(), bitorder="little").tobytes(), "little")
    return guard, (1 << g.size) - 1, -(-g.size // 64) * 8


def _erode_bits(x: int, guard: int, stride: int, *, square: bool) -> int:
    """One erosion of a bitset laid out as in `signed_distance`: by the cross (4-neighbours) or by the
    3x3 square (the vertical pass, then the horizontal one); the guard bits are set again after each."""
    if square:
        x = x & (x << stride) & (x >> stride) | guard
        return x & (x << 1) & (x >> 1) | guard
    return x & (x << 1) & (x >> 1) & (x << stride) & (x >> stride) | guard


def _lookup(sd: np.ndarray, p: np.ndarray) -> np.ndarray:
    """Bilinear lookup of sd at float coordinates p = (x, y), shape (2, M) (clamped to the map's
    border)."""
    h, w = sd.shape
    p = np.clip(p, 0.0, np.array([[w - 1.001], [h - 1.001]]))
    p0 = p.astype(np.intp)
    fx, fy = p - p0
    i = p0[1] * w + p0[0]
    a, b, c, d = np.take(sd, i + np.array([[0], [1], [w], [w + 1]]))
    top = a + fx * (b - a)
    return top + fy * (c + fx * (d - c) - top)


@functools.lru_cache(maxsize=16)
def _plan(nd: int, ns: int, nf: int, nk: int) -> dict[str, np.ndarray]:
    """Where each sample point of a (nd, ns, nf, nk) grid of poses comes from, for `Fitter.grid`.

    Every point is joint + along * direction + r * second direction: the joint a segment hangs from
    (x from the table ankles (d), knees (d, s), hips (d, s, f); y from ankle, knees (s), hips (s, f): y
    does not depend on the ankle's x), `along` and `r` from the fitter's tables. The axis points
    (shin, thigh, trunk, then the head: shoulders + neck) come first, one per distinct prefix of the
    parameters their segment depends on; then the outline points, rows of the depth scales."""
    d, s, f, k = np.meshgrid(
        np.arange(nd), np.arange(ns), np.arange(nf), np.arange(nk), indexing="ij", sparse=True
    )
    ds, dsf, dsfk = d * ns + s, (d * ns + s) * nf + f, ((d * ns + s) * nf + f) * nk + k
    n_dir = ns + nf + 2 * nk  # directions: shins, thighs, trunks, necks; then the normals to them
    rows = []  # per segment: joint x index, joint y index, direction, along index (all (..., S))
    for seg, (jx, jy, di, n_t) in enumerate(
        (
            (d[..., 0, 0], 0 * s[..., 0, 0], s[..., 0, 0], _T_SHIN.size),
            (nd + ds[..., 0], 1 + s[..., 0] + 0 * d[..., 0], ns + f[..., 0], _T_THIGH.size),
            (nd + nd * ns + dsf, 1 + ns + s * nf + f, ns + nf + k, _T_TRUNK.size),
        )
    ):
        t = np.arange(n_t)
        shape = np.broadcast_shapes(np.shape(jx), np.shape(jy), np.shape(di))
        rows.append([np.broadcast_to(np.asarray(v)[..., None], (*shape, n_t)).ravel() for v in (jx, jy, di)])
        rows[-1].append(np.broadcast_to(_SEG_AT[seg] + t, (*shape, n_t)).ravel())
    jx_h, jy_h = rows[2][0][:: _T_TRUNK.size], rows[2][1][:: _T_TRUNK.size]
    trunk_dir = np.broadcast_to(ns + nf + k, (nd, ns, nf, nk)).ravel()
    head = [jx_h, jy_h, trunk_dir, np.full(jx_h.size, _SEG_AT[3])]
    ax = [np.concatenate([r[i] for r in rows] + [head[i]]) for i in range(4)]
    n_ax = ax[0].size
    # outline points: the axis point's joint, direction and along, r = radius x depth scale, the normal
    n_sc = _DEPTH_SCALES.size
    edge_of = np.repeat(np.arange(n_ax - jx_h.size), n_sc)
    sc = np.tile(np.arange(n_sc), n_ax - jx_h.size)
    r_idx = np.concatenate(
        [np.zeros(n_ax - jx_h.size, np.intp), np.full(jx_h.size, _R_NECK), 1 + ax[3][edge_of] * n_sc + sc]
    )
    d2 = np.concatenate([np.zeros(n_ax - jx_h.size, np.intp), trunk_dir + nk, n_dir + ax[2][edge_of]])
    n_s, n_f = nd * ns * _T_SHIN.size, nd * ns * nf * _T_THIGH.size
    n_k = nd * ns * nf * nk * _T_TRUNK.size
    # each candidate's 14 axis samples, in the order of the chain
    c14 = np.concatenate(
        [
            np.broadcast_to(
                (ds[..., None] * _T_SHIN.size + np.arange(_T_SHIN.size)), (nd, ns, nf, nk, _T_SHIN.size)
            ),
            np.broadcast_to(
                n_s + dsf[..., None] * _T_THIGH.size + np.arange(_T_THIGH.size),
                (nd, ns, nf, nk, _T_THIGH.size),
            ),
            n_s + n_f + dsfk[..., None] * _T_TRUNK.size + np.arange(_T_TRUNK.size),
            n_s + n_f + n_k + dsfk[..., None],
        ],
        axis=-1,
    ).reshape(-1, _N_SAMPLES)
    # the outline's rows: each segment instance (shin (d, s), thigh (d, s, f), trunk (d, s, f, k)) sums
    # its samples' rows
    n_inst = (nd * ns, nd * ns * nf, nd * ns * nf * nk)
    starts = np.concatenate(
        [
            o + np.arange(n) * t
            for o, n, t in zip(
                np.cumsum([0, n_s, n_f]), n_inst, (_T_SHIN.size, _T_THIGH.size, _T_TRUNK.size), strict=True
            )
        ]
    )
    return {
        "jx": np.concatenate([ax[0], ax[0][edge_of]]),
        "jy": np.concatenate([ax[1], ax[1][edge_of]]),
        "d1": np.concatenate([ax[2], ax[2][edge_of]]),
        "a": np.concatenate([ax[3], ax[3][edge_of]]),
        "r": r_idx,
        "d2": d2,
        "n_ax": n_ax,
        "edge_of": edge_of,
        "c14": c14,
        "starts": starts,
        "n_inst": n_inst,
    }


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
        self._lengths = (ls, lt)
        # per sample point (shin, thigh, trunk, then the head: along the neck from the shoulders): the
        # distance along its segment, the axis' required depth inside; per outline point, its distance
        # behind the axis at each depth scale
        self._along = np.concatenate([ls * _T_SHIN, lt * _T_THIGH, lk * _T_TRUNK, [lk]])
        radii = np.concatenate([self.r_shin, self.r_thigh, self.r_trunk])
        self._axis_need = np.minimum(0.7 * np.append(radii, self.r_head), 6.0)
        self._r = np.concatenate([[0.0], (radii[:, None] * _DEPTH_SCALES).ravel(), [lh]])
        self._tables: dict[tuple[int, ...], tuple[np.ndarray, ...]] = {}

    def grid(self, ax, ay: float, shin, thigh, trunk) -> np.ndarray:
        """Cost of every combination of ankle x (pose coordinates), shin, thigh and trunk angles (1-D
        arrays), shape (ax, shin, thigh, trunk). The cost is separable along the chain: the shin's
        samples depend only on (ax, shin), the thigh's on (ax, shin, thigh), the trunk's and the head's
        on all four, so each segment is looked up once per distinct prefix (all in one batch) and the
        segments' costs are broadcast-added. The same numbers, to the last bit, as evaluating every
        sample of every pose (a last-bit change in one frame moves the tracking in every later one)."""
        shape = (ax.size, shin.size, thigh.size, trunk.size)
        plan = _plan(*shape)
        tables = self._tables.get(shape)
        if tables is None:
            tables = self._tables[shape] = (
                self._along[plan["a"]],
                self._r[plan["r"]],
                self._axis_need[plan["a"][: plan["n_ax"]]],
            )
        along, r, need = tables
        ls, lt = self._lengths
        ns, nf = shape[1], shape[2]
        # directions up the chain (shins, thighs, trunks, necks), then the normals to them (uy, -ux),
        # pointing to the back
        u = np.empty((2, 2, ns + nf + 2 * shape[3]))
        ang = np.radians(np.concatenate([shin, thigh, trunk, trunk * HEAD_FOLLOW]))
        np.sin(ang, out=u[0, 0])
        np.cos(ang, out=u[0, 1])
        u[0, 0, ns : ns + nf] *= -1.0
        u[0, 1] *= -1.0
        u[1, 0] = u[0, 1]
        np.negative(u[0, 0], out=u[1, 1])
        u = u.transpose(1, 0, 2).reshape(2, -1)
        jx = ax + self.ox
        jy = ay + self.oy
        kx = jx[:, None] + ls * u[0, :ns]
        ky = jy + ls * u[1, :ns]
        hx = kx[:, :, None] + lt * u[0, ns : ns + nf]
        hy = ky[:, None] + lt * u[1, ns : ns + nf]
        p = np.empty((2, along.size))
        np.take(np.concatenate([jx, kx.ravel(), hx.ravel()]), plan["jx"], out=p[0])
        np.take(np.concatenate([[jy], ky, hy.ravel()]), plan["jy"], out=p[1])
        p += along * np.take(u, plan["d1"], axis=1)
        p += r * np.take(u, plan["d2"], axis=1)
        v = _lookup(self.sd, p)
        n_ax = plan["n_ax"]
        c_axis = np.clip(need - v[:n_ax], 0.0, 6.0)
        c_edge = np.minimum(np.abs(v[n_ax:]), 4.0)
        if self.y_seen < self.sd.shape[0]:
            seen = p[1, :n_ax] <= self.y_seen
            c_axis *= seen
            c_edge *= seen[plan["edge_of"]]
        e = np.add.reduceat(c_edge.reshape(-1, _DEPTH_SCALES.size), plan["starts"], axis=0).min(axis=1)
        n_s, n_f, _ = plan["n_inst"]
        edge = (e[:n_s].reshape(*shape[:2], 1, 1) + e[n_s : n_s + n_f].reshape(*shape[:3], 1)) + e[
            n_s + n_f :
        ].reshape(shape)
        return edge + _AXIS_W * np.take(c_axis, plan["c14"]).sum(axis=1).reshape(shape)


_N_SAMPLES = len(_T_SHIN) + len(_T_THIGH) + len(_T_TRUNK) + 1
_SEG_AT = np.cumsum([0, len(_T_SHIN), len(_T_THIGH), len(_T_TRUNK)])
_R_NECK = 1 + (_N_SAMPLES - 1) * _DEPTH_SCALES.size  # the head's r: the neck, from the shoulders


def _search(fitter: Fitter, ankle_x, ankle_y, centre, offsets) -> tuple[np.ndarray, tuple[np.ndarray, ...]]:
    """Costs of centre + every combination of offsets (dx_px, shin, thigh, trunk), as a grid of the
    offsets' sizes, and the parameter values along each of its axes."""
    cd = centre[0] + offsets[0]
    cs = np.clip(centre[1] + offsets[1], *SHIN_RANGE)
    cf = np.clip(centre[2] + offsets[2], *THIGH_RANGE)
    ck = np.clip(centre[3] + offsets[3], *TRUNK_RANGE)
    c = fitter.grid(ankle_x + cd, ankle_y, cs, cf, ck)
    # knees do not bend backwards
    c += (np.maximum(0.0, -KNEE_MIN_DEG - (cs[:, None] + cf)) * 2.0)[:, :, None]
    return c, (cd, cs, cf, ck)


def _best(costs: np.ndarray, params: tuple[np.ndarray, ...]) -> tuple[np.ndarray, float, tuple[int, ...]]:
    idx = tuple(int(i) for i in np.unravel_index(int(np.argmin(costs)), costs.shape))
    return np.array([p[i] for p, i in zip(params, idx, strict=True)]), float(costs[idx]), idx


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


_COARSE = (_ZERO, np.arange(-25.0, 40.1, 16.0), np.arange(-60.0, 60.1, 15.0), np.arange(-60.0, 60.1, 15.0))
_COARSE_KEEP = 2


def _global_start(fitter: Fitter, ankle_x: float, ankle_y: float, slack_px: float) -> np.ndarray:
    """Where a search without a previous pose starts: the best few of a coarse grid (the ankle where
    the feet stand), each refined on a grid half as coarse with the ankle free by `slack_px`."""
    c, p = _search(fitter, ankle_x, ankle_y, np.array([0.0, 15.0, 45.0, 45.0]), _COARSE)
    half = (
        np.array([-slack_px, 0.0, slack_px]),
        *(np.array([-0.5 * (g[1] - g[0]), 0.0, 0.5 * (g[1] - g[0])]) for g in _COARSE[1:]),
    )
    best, best_cost = None, math.inf
    for o in np.argsort(c, axis=None)[:_COARSE_KEEP]:
        idx = np.unravel_index(int(o), c.shape)
        start = np.array([q[i] for q, i in zip(p, idx, strict=True)])
        c3, p3 = _search(fitter, ankle_x, ankle_y, start, half)
        b, cost, _ = _best(c3, p3)
        if cost < best_cost:
            best, best_cost = b, cost
    assert best is not None
    return best


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
        start = _global_start(fitter, ankle_x, ankle_y, ankle_slack_px)
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
