"""The loop's timing rules, each a named setting with its unit (the mode machine's: core.modes.ModeTiming)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.content.live import SETTLE_S

WEEK_S = 7 * 86400.0


@dataclass(frozen=True)
class LoopTiming:
    frame_gap_s: float = 1.0  # no camera frame this long: nobody is seen, not a frozen silhouette
    empty_room_s: float = 3.0  # nobody in view this long: the room is learnt and the exposure locked
    rep_flash_s: float = 1.2  # the "rep" cue shows this long after a counted rep
    week_refresh_s: float = 600.0  # "N hinges this week" is re-read from the rep log this often
    heap_trim_s: float = 600.0  # free heap is handed back this often, on the attract screen only
    camera_up_age_s: float = 5.0  # metrics: the camera is up while its last frame is younger than this
    fps_weight: float = 0.05  # weight of each new frame in the measured frame rate (exponential mean)
    settle_s: float = SETTLE_S  # a content edit goes live once its files stopped changing this long
    display_retry_s: tuple[float, float] = (1.0, 30.0)  # first and longest wait between tries for a display
    script_tail_s: float = 5.0  # a scripted run ends this long after its last button event
