"""The kiosk's state and what follows from it: the mode machine fed by button gestures and camera
events, the content on screen and its reloads. No pygame, no devices; main thread."""

from __future__ import annotations

import logging
import math
from collections.abc import Callable
from dataclasses import replace

from kiosk.app.observers import set_began
from kiosk.app.settings import LoopTiming
from kiosk.content import Content
from kiosk.content.live import LiveContent
from kiosk.core import modes
from kiosk.core.buttons import ButtonTiming, ButtonTracker, Gesture
from kiosk.core.form import CuePolicy, FormSettings, RepDetail, SetSummary, summarize
from kiosk.hw.buttons import Edge

log = logging.getLogger(__name__)

Observer = Callable[[modes.State, modes.State], None]  # (before, after) each event


class Kiosk:
    def __init__(
        self,
        live_content: LiveContent,
        *,
        idle_s: float = modes.ModeTiming.idle_s,
        button_timing: ButtonTiming | None = None,
        rep_flash_s: float = LoopTiming.rep_flash_s,
        form: FormSettings | None = None,
    ) -> None:
        self.live_content = live_content
        self.idle_s = idle_s
        self.rep_flash_s = rep_flash_s
        self.squat_cue_s = 3.0 * rep_flash_s  # long enough to read from the mark
        self.form_cue_s = 3.0 * rep_flash_s
        self.tracker = ButtonTracker(button_timing or ButtonTiming())
        c = self.content
        self.state = modes.State(n_steps=len(c.steps), set_target=c.set_reps)
        self.learn_from_pose = 0.0  # the previous Learn step's pose, for the figure's transition
        # when the last rep and set were counted (LED bar flashes) and a squat seen
        self.rep_t = self.set_t = self.squat_t = -math.inf
        # this set's reps as measured (kiosk.core.form), in order; emptied when a new set starts (and
        # kept through Summary); the form cue after a rep: its content [cues] key and when it came
        self.set_reps: list[RepDetail] = []
        self.cue_policy = CuePolicy(form)
        self.cue_key: str | None = None
        self.cue_t = -math.inf
        self.observers: list[Observer] = []
        if not live_content.valid:
            self.content_changed(False)

    @property
    def content(self) -> Content:
        return self.live_content.current

    @property
    def mode_timing(self) -> modes.ModeTiming:
        c = self.content
        return modes.ModeTiming(card_s=c.card_s, idle_s=self.idle_s, summary_s=c.summary_s, call_s=c.call_s)

    def gestures(self, edges: list[Edge], t: float) -> list[Gesture]:
        """Button edges (and time passing) -> presses, holds, long holds, stuck buttons."""
        out = []
        for b, down, et in edges:
            out += self.tracker.edge(b, down, et)
        return out + self.tracker.poll(t)

    def apply(self, ev: modes.Event, t: float) -> list[modes.Effect]:
        """One event through the machine; the effects that reach outside the state are returned."""
        before = self.state
        self.state, fx = modes.step(before, ev, t, self.mode_timing)
        if self.state.mode == before.mode == modes.Mode.LEARN and before.step != self.state.step:
            self.learn_from_pose = self.content.steps[before.step].pose
        for e in fx:
            if isinstance(e, modes.EnterMode):
                self.learn_from_pose = 0.0
                log.info("mode -> %s at %.2f s", e.mode.value, t)
            elif isinstance(e, modes.Flash):
                if e.what == "rep":
                    self.rep_t = t
                else:
                    self.set_t = t
            elif isinstance(e, modes.Log):
                log.warning("%s", e.message)
        if set_began(before, self.state):
            self.set_reps = []
            self.cue_policy.reset()
            self.cue_key, self.cue_t = None, -math.inf
        for observe in self.observers:
            observe(before, self.state)
        return fx

    def say(self, notice: str) -> None:
        """A one-line notice for the staff overlay."""
        self.state = replace(self.state, notice=notice)

    def rep_flash(self, t: float) -> bool:
        return t - self.rep_t < self.rep_flash_s

    def saw_squat(self, t: float) -> None:
        """The camera saw a squat (not counted): the Train screen says so for a while."""
        if self.state.mode == modes.Mode.TRAIN:
            self.squat_t = t
            log.info("a squat, not counted (a squat is not a hip hinge) at %.2f s", t)

    def squat_flash(self, t: float) -> bool:
        return t - self.squat_t < self.squat_cue_s

    def rep_form(self, detail: RepDetail | None, t: float) -> None:
        """A rep counted in Train, as measured: into the set's list, and maybe a cue (at most one after
        a rep, only for a repeating fault, never after two reps running - kiosk.core.form.CuePolicy).
        Call it before the rep's modes.Rep goes through `apply` (that may finish the set)."""
        if detail is None or self.state.mode != modes.Mode.TRAIN:
            return
        self.set_reps.append(detail)
        key = self.cue_policy.after_rep(detail.faults)
        if key is not None:
            self.cue_key, self.cue_t = key, t
            log.info("form cue %r after rep %d at %.2f s", key, len(self.set_reps), t)

    def form_cue(self, t: float) -> str | None:
        """The form cue's content [cues] key while it shows (form_cue_s after its rep), else None."""
        if self.cue_key is not None and t - self.cue_t < self.form_cue_s:
            return self.cue_key
        return None

    @property
    def set_summary(self) -> SetSummary:
        """This set (or the one Summary shows): clean count, count per fault, best depth, tempo."""
        return summarize(self.set_reps)

    def content_changed(self, ok: bool) -> None:
        """Between frames: the new content is in (or an edit was rejected); the set keeps its count."""
        if not ok:
            problems = self.live_content.problems
            n, first = len(problems), str(problems[0]) if problems else ""
            self.say(
                f"content edit rejected ({n} problem{'s' if n != 1 else ''}), still showing the"
                f" last good version: {first}"
            )
            return
        self.follow_content()
        self.state = replace(self.state, notice=f"content version {self.content.version} live")

    def follow_content(self) -> None:
        """The state follows the content on screen (its steps, the set's size); the set keeps its count."""
        new = self.content
        self.state = replace(
            self.state,
            n_steps=len(new.steps),
            step=min(self.state.step, len(new.steps) - 1),
            set_target=new.set_reps,
        )
