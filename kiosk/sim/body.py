"""An articulated body seen from the side (or turned up to 45 deg): proportions, poses, joints, drawing.

Proportions are fractions of standing height (Drillis & Contini). Image coordinates: x right, y down.
The body is modelled in its sagittal plane (forward, up) with a lateral offset per joint; a camera
turned `yaw_deg` from side-on toward the person's front sees it by orthographic projection.
numpy only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

# joint heights above the floor, fractions of standing height
ANKLE_H = 0.039
KNEE_H = 0.285
HIP_H = 0.530
SHOULDER_H = 0.818
SHIN = KNEE_H - ANKLE_H
THIGH = HIP_H - KNEE_H
TORSO = SHOULDER_H - HIP_H
UPPER_ARM = 0.186
FOREARM = 0.146
HAND = 0.06
HEAD_R = 0.062
NECK = 0.06
# lateral offset of each joint from the mid-plane (fraction of height, + toward the camera's side)
LATERAL = {
    "hip": 0.055, "knee": 0.05, "ankle": 0.05, "heel": 0.05, "toe": 0.05,
    "shoulder": 0.11, "elbow": 0.125, "wrist": 0.12, "hand": 0.12,
}  # fmt: skip
TORSO_HALF_WIDTH = 0.12  # half the shoulder breadth: what a turned camera sees of the chest


@dataclass(frozen=True)
class BodyShape:
    height_m: float = 1.75
    build: float = 1.0  # width multiplier: 0.8 slim .. 1.3 heavy
    top_shade: int = 50  # shirt, torso and arms (0..255)
    legs_shade: int = 40  # trousers
    skin_shade: int = 170  # head and hands
    loose: float = 0.0  # 0..1: loose, baggy clothing with an irregular outline
    posture_deg: float = 2.0  # how far short of 180 this person stands (hip angle 178 = 2)


@dataclass(frozen=True)
class Pose:
    torso_lean_deg: float = 0.0  # torso forward lean from vertical
    knee_bend_deg: float = 0.0  # knee flexion
    shin_share: float = 0.3  # share of the knee flexion taken by the shin tilting forward
    stride_deg: float = 0.0  # walking: near thigh swings forward by this, far thigh back
    arm_swing_deg: float = 0.0  # walking: near arm swings back by this, far arm forward
    spine_bow_deg: float = 0.0  # rounded back: bend between the lower and upper spine (flexed thoracic)


def hinge_pose(depth: float, *, posture_deg: float = 2.0) -> Pose:
    """0 = standing tall .. 1 = full hip hinge (hip angle about 90 deg); knees soften up to 25 deg."""
    d = min(max(depth, 0.0), 1.2)
    knee = 25.0 * d
    thigh_back = 0.7 * knee
    hip_flex = posture_deg + (90.0 - posture_deg) * d  # 180 - hip angle
    return Pose(torso_lean_deg=hip_flex - thigh_back, knee_bend_deg=knee)


def joints(
    shape: BodyShape,
    pose: Pose,
    *,
    foot_x_px: float,
    floor_y_px: float,
    px_per_m: float,
    facing: int,
    yaw_deg: float = 0.0,
) -> dict[str, tuple[float, float]]:
    """Joint positions (image px) for the near side of the body, plus far-side limbs ("far_*").

    A rounded back adds the mid-spine points "spine1", "spine2". With `yaw_deg` (camera turned toward
    the person's front) the joints are projected: forward distances shrink by cos(yaw), the lateral
    offsets show by sin(yaw), and "mid_hip", "mid_shoulder", "far_hip", "far_shoulder" are added.
    """
    if yaw_deg:
        return _turned(shape, pose, foot_x_px, floor_y_px, px_per_m, facing, yaw_deg)
    H = shape.height_m * px_per_m
    f = 1 if facing >= 0 else -1

    def at(x_fwd: float, up: float) -> tuple[float, float]:
        return (foot_x_px + f * x_fwd, floor_y_px - up)

    def leg(stride_deg: float) -> tuple[tuple[float, float], ...]:
        sigma = math.radians(pose.shin_share * pose.knee_bend_deg)
        phi = math.radians((1 - pose.shin_share) * pose.knee_bend_deg - stride_deg)
        ankle = np.array([0.0, ANKLE_H * H])
        knee = ankle + SHIN * H * np.array([math.sin(sigma), math.cos(sigma)])
        hip = knee + THIGH * H * np.array([-math.sin(phi), math.cos(phi)])
        return tuple(map(tuple, (ankle, knee, hip)))

    ankle, knee, hip = leg(pose.stride_deg)
    # walking: the far leg mirrors the near one; both hang from the same hip
    f_ankle, f_knee, f_hip = leg(-pose.stride_deg)
    shift = np.array(hip) - np.array(f_hip)
    f_ankle = tuple(np.array(f_ankle) + shift)
    f_knee = tuple(np.array(f_knee) + shift)
    theta = math.radians(pose.torso_lean_deg)
    hip_v = np.array(hip)
    spine: dict[str, np.ndarray] = {}
    if pose.spine_bow_deg:
        # three equal spine segments, the lower one more upright and the upper one more forward than
        # the hip-shoulder chord (which keeps `theta`): the back bows away from the chord
        b = math.radians(pose.spine_bow_deg) / 2.0
        seg = TORSO * H / 3.0
        s1 = hip_v + seg * np.array([math.sin(theta - b), math.cos(theta - b)])
        s2 = s1 + seg * np.array([math.sin(theta), math.cos(theta)])
        shoulder = s2 + seg * np.array([math.sin(theta + b), math.cos(theta + b)])
        spine = {"spine1": s1, "spine2": s2}
        theta = theta + b  # neck and head follow the upper spine
    else:
        shoulder = hip_v + TORSO * H * np.array([math.sin(theta), math.cos(theta)])
    neck = shoulder + NECK * H * np.array([math.sin(theta * 0.8), math.cos(theta * 0.8)])
    head = neck + HEAD_R * H * np.array([math.sin(theta * 0.7) + 0.25, math.cos(theta * 0.7)])

    def arm(swing_deg: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        a = math.radians(swing_deg)
        elbow = shoulder + UPPER_ARM * H * np.array([math.sin(a), -math.cos(a)])
        wrist = elbow + FOREARM * H * np.array([math.sin(a * 1.3), -math.cos(a * 1.3)])
        hand = wrist + HAND * H * np.array([math.sin(a * 1.3), -math.cos(a * 1.3)])
        return elbow, wrist, hand

    elbow, wrist, hand = arm(-pose.arm_swing_deg + 4.0)
    f_elbow, f_wrist, f_hand = arm(pose.arm_swing_deg + 4.0)
    heel = (ankle[0] - 0.04 * H, 0.02 * H)
    toe = (ankle[0] + 0.11 * H, 0.015 * H)
    f_heel = (f_ankle[0] - 0.04 * H, 0.02 * H)
    f_toe = (f_ankle[0] + 0.11 * H, 0.015 * H)
    pts = {
        "ankle": ankle,
        "knee": knee,
        "hip": hip,
        "heel": heel,
        "toe": toe,
        "shoulder": shoulder,
        "neck": neck,
        "head": head,
        "elbow": elbow,
        "wrist": wrist,
        "hand": hand,
        "far_ankle": f_ankle,
        "far_knee": f_knee,
        "far_heel": f_heel,
        "far_toe": f_toe,
        "far_elbow": f_elbow,
        "far_wrist": f_wrist,
        "far_hand": f_hand,
        **spine,
    }
    return {k: at(float(v[0]), float(v[1])) for k, v in pts.items()}


def _turned(shape, pose, foot_x_px, floor_y_px, px_per_m, facing, yaw_deg):
    """The side-view joints turned by yaw about the vertical through the feet, projected orthographically."""
    side = joints(shape, pose, foot_x_px=0.0, floor_y_px=0.0, px_per_m=px_per_m, facing=1)
    H = shape.height_m * px_per_m
    c, s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
    f = 1 if facing >= 0 else -1
    out: dict[str, tuple[float, float]] = {}
    for name, (fwd, y) in side.items():
        far = name.startswith("far_")
        lat = LATERAL.get(name[4:] if far else name, 0.0) * H
        # the camera looks from the near side, turned toward the front: near joints move back in the
        # image and far ones forward
        out[name] = (foot_x_px + f * (fwd * c - (-lat if far else lat) * s), floor_y_px + y)
    for name in ("hip", "shoulder"):
        fwd, y = side[name]
        lat = LATERAL[name] * H
        out["mid_" + name] = (foot_x_px + f * fwd * c, floor_y_px + y)
        out["far_" + name] = (foot_x_px + f * (fwd * c + lat * s), floor_y_px + y)
    return out


def sagittal_angles(pose: Pose, shape: BodyShape | None = None) -> dict[str, float]:
    """The 3D joint angles of a pose, whatever the camera: hip (180 = straight), knee flexion and
    trunk lean from vertical (hip-shoulder chord), all in degrees."""
    shape = shape or BodyShape()
    j = joints(shape, pose, foot_x_px=0.0, floor_y_px=0.0, px_per_m=100.0, facing=1)
    dx, dy = j["shoulder"][0] - j["hip"][0], j["hip"][1] - j["shoulder"][1]
    return {
        "hip_angle_deg": hip_angle_deg(j),
        "knee_deg": pose.knee_bend_deg,
        "trunk_deg": math.degrees(math.atan2(dx, dy)),
    }


def hip_angle_deg(j: dict[str, tuple[float, float]]) -> float:
    """Ground truth: the angle at "hip" between hip->shoulder and hip->knee (180 = straight)."""
    hx, hy = j["hip"]
    a = (j["shoulder"][0] - hx, j["shoulder"][1] - hy)
    b = (j["knee"][0] - hx, j["knee"][1] - hy)
    c = (a[0] * b[0] + a[1] * b[1]) / (math.hypot(*a) * math.hypot(*b))
    return math.degrees(math.acos(max(-1.0, min(1.0, c))))


def capsule(
    img: np.ndarray,
    p0: tuple[float, float],
    p1: tuple[float, float],
    r0: float,
    r1: float,
    shade: float,
    cover: np.ndarray | None = None,
    wobble: float = 0.0,
    folds: float = 0.0,
) -> None:
    """Draw an anti-aliased tapered capsule from p0 (radius r0) to p1 (radius r1) into img."""
    h, w = img.shape
    rmax = max(r0, r1) + wobble + 1.5
    x0 = max(0, int(min(p0[0], p1[0]) - rmax))
    x1 = min(w, int(max(p0[0], p1[0]) + rmax) + 2)
    y0 = max(0, int(min(p0[1], p1[1]) - rmax))
    y1 = min(h, int(max(p0[1], p1[1]) + rmax) + 2)
    if x0 >= x1 or y0 >= y1:
        return
    ys, xs = np.mgrid[y0:y1, x0:x1].astype(np.float32)
    xs += 0.5
    ys += 0.5
    dx, dy = p1[0] - p0[0], p1[1] - p0[1]
    ll = dx * dx + dy * dy
    t = np.zeros_like(xs) if ll < 1e-9 else np.clip(((xs - p0[0]) * dx + (ys - p0[1]) * dy) / ll, 0.0, 1.0)
    d = np.hypot(xs - (p0[0] + t * dx), ys - (p0[1] + t * dy))
    r = r0 + (r1 - r0) * t
    if wobble:
        r = r + wobble * np.sin(t * 17.0 + p0[0] * 0.1) * np.sin(t * 5.0)
    c = np.clip(r - d + 0.5, 0.0, 1.0)
    win = img[y0:y1, x0:x1]
    if folds:
        # cloth folds and light from above: the shade varies along and across the limb
        across = (d / max(r0, r1, 1.0)) if ll >= 1e-9 else 0.0
        shade = shade * (1.0 + folds * (0.6 * np.sin(t * 11.0 + p0[1] * 0.05) - 0.4 * across))
    win += c * (shade - win)
    if cover is not None:
        np.maximum(cover[y0:y1, x0:x1], c, out=cover[y0:y1, x0:x1])


def render_body(
    img: np.ndarray,
    shape: BodyShape,
    j: dict[str, tuple[float, float]],
    *,
    kettlebell: bool,
    facing: int,
    px_per_m: float,
    cover: np.ndarray | None = None,
    yaw_deg: float = 0.0,
) -> None:
    """Draw the body (far limbs first, then torso, near leg, near arm) into a float32 image.

    `j` from `joints` with the same `yaw_deg`: turned, the chest shows its breadth.
    """
    H = shape.height_m * px_per_m
    b = shape.build
    loose = shape.loose * 0.02 * H
    wob = shape.loose * 0.006 * H
    top, legs, skin = float(shape.top_shade), float(shape.legs_shade), float(shape.skin_shade)
    far_top = top + (12 if top < 128 else -12)
    far_legs = legs + (12 if legs < 128 else -12)
    f = 1 if facing >= 0 else -1
    # far leg and far arm (partly hidden behind the body)
    far_hip, far_sh = j.get("far_hip", j["hip"]), j.get("far_shoulder", j["shoulder"])
    capsule(img, far_hip, j["far_knee"], 0.05 * H * b + loose, 0.036 * H * b, far_legs, cover, wob)
    capsule(img, j["far_knee"], j["far_ankle"], 0.034 * H * b, 0.022 * H, far_legs, cover)
    capsule(img, j["far_heel"], j["far_toe"], 0.02 * H, 0.018 * H, 225.0 - legs * 0.3, cover)
    capsule(img, far_sh, j["far_elbow"], 0.026 * H * b, 0.022 * H * b, far_top, cover)
    capsule(img, j["far_elbow"], j["far_wrist"], 0.021 * H * b, 0.018 * H, far_top, cover)
    capsule(img, j["far_wrist"], j["far_hand"], 0.02 * H, 0.018 * H, skin, cover)
    # near leg: glutes, thigh, calf, shin, foot
    hip = j["hip"]
    seat = (hip[0] - f * 0.012 * H, hip[1] + 0.01 * H)
    capsule(img, hip, j["knee"], 0.058 * H * b + loose, 0.037 * H * b, legs, cover, wob, folds=0.1)
    capsule(img, seat, seat, 0.062 * H * b + loose, 0.062 * H * b + loose, legs, cover)
    knee, ankle = j["knee"], j["ankle"]
    calf = (knee[0] + 0.3 * (ankle[0] - knee[0]) - f * 0.01 * H, knee[1] + 0.3 * (ankle[1] - knee[1]))
    capsule(img, knee, ankle, 0.034 * H * b, 0.022 * H, legs, cover)
    capsule(img, calf, calf, 0.036 * H * b, 0.036 * H * b, legs, cover)
    capsule(img, j["heel"], j["toe"], 0.021 * H, 0.019 * H, 225.0 - legs * 0.3, cover)
    # torso: hip to shoulder with chest depth, neck, head
    sh = j["shoulder"]
    r_hip, r_sh = 0.068 * H * b + loose, 0.072 * H * b + loose
    if yaw_deg:  # the chest's depth foreshortens, its breadth shows: an ellipse's projected half-width
        c, s = math.cos(math.radians(yaw_deg)), math.sin(math.radians(yaw_deg))
        wide = TORSO_HALF_WIDTH * H * b + loose
        r_hip = math.hypot(r_hip * c, 0.8 * wide * s)
        r_sh = math.hypot(r_sh * c, wide * s)
    chain = [j.get("mid_hip", hip)]
    chain += [j[k] for k in ("spine1", "spine2") if k in j]
    chain.append(j.get("mid_shoulder", sh))
    n = len(chain) - 1
    radii = [r_hip, *(r_hip + (r_sh - r_hip) * k / n for k in range(1, n)), r_sh]
    for k in range(n):
        capsule(img, chain[k], chain[k + 1], radii[k], radii[k + 1], top, cover, wob, folds=0.12)
    capsule(img, sh, j["neck"], 0.03 * H, 0.028 * H, skin * 0.9 + top * 0.1, cover)
    hr = HEAD_R * H
    capsule(img, j["head"], j["head"], hr, hr, skin, cover)
    hair = (j["head"][0] - f * 0.25 * hr, j["head"][1] - 0.3 * hr)
    capsule(img, hair, hair, 0.8 * hr, 0.8 * hr, 35.0, cover)
    capsule(img, j["head"], (j["head"][0] + f * 0.35 * hr, j["head"][1] + 0.2 * hr), 0.7 * hr, 0.6 * hr, skin)
    # near arm
    capsule(img, sh, j["elbow"], 0.027 * H * b, 0.023 * H * b, top, cover, folds=0.1)
    capsule(img, j["elbow"], j["wrist"], 0.022 * H * b, 0.019 * H, top, cover)
    capsule(img, j["wrist"], j["hand"], 0.021 * H, 0.019 * H, skin, cover)
    if kettlebell:
        hand = j["hand"]
        ball = (hand[0] + f * 0.01 * H, hand[1] + 0.07 * H)
        capsule(img, hand, (hand[0], hand[1] + 0.02 * H), 0.012 * H, 0.012 * H, 30.0, cover)
        capsule(img, ball, ball, 0.055 * H, 0.055 * H, 28.0, cover)
