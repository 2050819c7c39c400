"""What one frame shows, as data for kiosk.ui.screens: the state, the content, the camera's view,
the LED bar, the staff overlay's lines."""

from __future__ import annotations

from kiosk.core import modes
from kiosk.ui.screens import ScreenFrame
from kiosk.ui.staff import staff_lines


def live_fields(shown) -> dict:
    """The Train screen's camera view from a pipeline result (kiosk.core.pipeline.FrameResult): the
    silhouette and where it sits in the frame, the fitted joints, the live angle and depth."""
    obs = shown.observation
    joints = {
        "hip": obs.seat_xy,
        "knee": obs.knee_xy,
        "shoulder": obs.shoulder_xy,
        "ankle": obs.ankle_xy,
    }
    return dict(
        live_present=shown.present,
        live_angle_deg=shown.smoothed_deg if shown.hip_angle_deg is not None else None,
        live_depth=shown.depth,
        live_phase=shown.phase,
        live_mask=obs.mask,
        live_mask_scale=obs.scale,
        live_bbox_px=obs.bbox,
        # joints only while the angle is measured from them: no lines on a guess
        live_joints_px={k: v for k, v in joints.items() if v is not None}
        if shown.hip_angle_deg is not None
        else {},
        live_facing=obs.facing,
        live_too_frontal=obs.too_frontal,
    )


def screen_frame(app, t: float, shown, levels: tuple[float, ...]) -> ScreenFrame:
    """`shown`: the pipeline result on screen (None: nobody seen); `levels`: the LED bar."""
    k, feed = app.kiosk, app.feed
    s = k.state
    live = {}
    if shown is not None and s.mode == modes.Mode.TRAIN:
        live = live_fields(shown)
    staff = ()
    if s.overlay:
        staff = staff_lines(
            live_content=k.live_content,
            camera=feed.camera,
            on_figure=feed.on_figure,
            fps=app.fps_measured,
            reps_since_start=app.sessions.member_reps_since_start,
            hinges_week=app.week.hinges,
            replog=app.replog,
            notice=s.notice,
        )
    return ScreenFrame(
        state=s,
        content=k.content,
        t=t,
        camera_resting=feed.resting,
        bar_levels=levels if app.show_bar else (),
        learn_from_pose=k.learn_from_pose,
        staff_lines=staff,
        rep_flash=k.rep_flash(t),
        squat_flash=k.squat_flash(t),
        form_cue=k.form_cue(t) if s.mode == modes.Mode.TRAIN else None,
        rep_details=tuple(k.set_reps),
        hinges_week=app.week.hinges,
        **live,
    )
