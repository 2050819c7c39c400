"""Content going live on a running kiosk: notice an edit, wait for it to settle, check it, swap it in.

`ContentWatcher` polls the content directory (names, sizes, modification times - a few stat calls a
second) and reports a change only once the files have stopped changing for `settle_s`: scp and rsync
write in place, and a half-written file must not be judged as a broken edit. `LiveContent` keeps the
last good content; a bad edit leaves it on screen and records every problem. The clock is injected.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path

from kiosk.content.check import ScreenCheck, check_content, resolve
from kiosk.content.diff import diff
from kiosk.content.fields import FILE_NAME
from kiosk.content.model import Content, Problem
from kiosk.errors import ContentError
from kiosk.ops.atomic import write_atomic

log = logging.getLogger(__name__)

SHOWING_NAME = "content-showing.json"
SHOWING_PATH = Path("/run/crux-kiosk") / SHOWING_NAME  # written by the running service
MAX_FILES = 200
SETTLE_S = 2.0  # an edit is judged once its files have not changed for this long (s)


def signature(root: Path | None) -> tuple:
    """What changes when staff edit: every file under the content directory (two levels deep)."""
    if root is None:
        return ()
    out = []
    try:
        for dirpath, dirnames, filenames in os.walk(root):
            depth = len(Path(dirpath).relative_to(root).parts)
            if depth >= 2:
                dirnames[:] = []
            for name in sorted(filenames):
                try:
                    st = os.stat(os.path.join(dirpath, name))
                except OSError:
                    continue
                out.append((os.path.join(dirpath, name), st.st_size, st.st_mtime_ns))
                if len(out) >= MAX_FILES:
                    return tuple(out)
    except OSError:
        return ("unreadable",)
    return tuple(sorted(out))


class ContentWatcher:
    """`poll(now_s)` is True once per settled change; `request()` (SIGHUP) forces a reload once settled."""

    def __init__(self, root: Path | None, *, settle_s: float = SETTLE_S, poll_s: float = 1.0) -> None:
        self.root = root
        self.settle_s = settle_s
        self.poll_s = poll_s
        self._sig = signature(root)
        self._changed_at: float | None = None
        self._next_poll = 0.0
        self._requested = False

    def request(self) -> None:
        self._requested = True
        self._next_poll = 0.0

    def poll(self, now_s: float) -> bool:
        if now_s < self._next_poll:
            return False
        self._next_poll = now_s + self.poll_s
        sig = signature(self.root)
        if sig != self._sig:
            self._sig = sig
            self._changed_at = now_s  # still being written, perhaps: wait until it stays the same
            return False
        settled = self._changed_at is None or now_s - self._changed_at >= self.settle_s
        if settled and (self._changed_at is not None or self._requested):
            self._changed_at = None
            self._requested = False
            return True
        return False


class LiveContent:
    """The content on screen and what happened to the last edit."""

    def __init__(
        self,
        source: str | Path | None,
        content: Content | None = None,
        *,
        showing_path: Path | None = None,
        last_good_dir: Path | None = None,
        settle_s: float = SETTLE_S,
        screen: ScreenCheck | None = None,
        defer_fit: bool = False,
    ) -> None:
        self.source = source
        self.screen = screen  # decodes images and checks the text fits (kiosk.ui.fit); None: neither
        self.showing_path = showing_path
        self.last_good_dir = last_good_dir
        self.problems: list[Problem] = []  # of the newest edit, when it was rejected
        self.rejected_at: float | None = None
        self.loaded_at = time.time()
        # the first load's fit check (every screen laid out) still to do: `finish_first_load()`
        self.fit_pending = False
        if content is None:
            if source is not None and not Path(source).exists():
                raise ContentError(f"{source}: no such content directory or file - check --content")
            content = self._before_fit() if defer_fit and screen is not None else None
            self.fit_pending = content is not None
            if content is None:
                content = self._first_load()
        self.current = content
        _file, root = resolve(source)
        self.watcher = ContentWatcher(root if source is not None else None, settle_s=settle_s)
        self._write_showing()

    def _before_fit(self) -> Content | None:
        """What the screen may show until the first load's fit check is done (every check but that
        one passed): the content itself when it is the built-in one or the very version of the last
        good copy (it fitted when it was kept), else the last good copy, else the built-in content -
        never a content not yet known to fit. None: the content fails a check, and the whole first
        load is done now (it reports every problem and falls back)."""
        new, _problems = check_content(self.source, screen=self.screen, fit=False)
        if new is None:
            return None
        if self.source is None:
            return new
        kept = None
        if self.last_good_dir is not None and (self.last_good_dir / FILE_NAME).exists():
            kept, _problems = check_content(self.last_good_dir, screen=self.screen, fit=False)
        if kept is not None:
            return new if kept.version == new.version else kept
        return check_content(None, screen=self.screen, fit=False)[0]

    def finish_first_load(self) -> bool | None:
        """The first load's fit check, put off by `defer_fit` (main thread, once the first frame is on
        the screen): the whole first load, done now - a content that fails is reported as it would
        have been at start and the last good copy or the built-in content shown. None: nothing was
        put off; else whether the content is valid (`current` may have changed either way)."""
        if not self.fit_pending:
            return None
        self.fit_pending = False
        self.current = self._first_load()
        self._write_showing()
        return self.valid

    def _first_load(self) -> Content:
        """At start: the content; if the edit on disk is broken (a power cut mid-edit, a bad scp), the
        last good copy kept from the last run, else the built-in content - loudly, never a black screen."""
        new, problems = check_content(self.source, screen=self.screen)
        if new is not None:
            self._keep_last_good(new)
            return new
        self.problems, self.rejected_at = problems, time.time()
        for p in problems:
            log.error("  %s", p)
        fallback = None
        if self.last_good_dir is not None and (self.last_good_dir / FILE_NAME).exists():
            fallback, _ = check_content(self.last_good_dir, screen=self.screen)
            what = f"the last good copy in {self.last_good_dir}"
        if fallback is None:
            fallback, what = check_content(None, screen=self.screen)[0], "the built-in content"
        log.error(
            "content in %s has %d problem%s (above) - showing %s until it is fixed",
            self.source,
            len(problems),
            "" if len(problems) == 1 else "s",
            what,
        )
        return fallback

    def _keep_last_good(self, c: Content) -> None:
        """Copy a content that passed into last_good_dir, so a restart with a broken edit still shows it."""
        if self.last_good_dir is None or self.source is None:
            return
        staff_file, _root = resolve(self.source)
        try:
            self.last_good_dir.parent.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(dir=self.last_good_dir.parent, prefix=".last-good-"))
            shutil.copy2(staff_file, tmp / FILE_NAME)
            for img in (c.logo, c.photo):
                if img is not None:
                    dest = tmp / img.name
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    dest.write_bytes(img.data)
            old = self.last_good_dir.with_name(self.last_good_dir.name + ".old")
            shutil.rmtree(old, ignore_errors=True)
            if self.last_good_dir.exists():
                os.replace(self.last_good_dir, old)
            os.replace(tmp, self.last_good_dir)
            shutil.rmtree(old, ignore_errors=True)
        except OSError as e:
            log.warning("cannot keep a last good copy in %s (%s)", self.last_good_dir, e)

    @property
    def valid(self) -> bool:
        """False while the newest edit on disk is broken (the screen shows the last good one)."""
        return not self.problems

    def poll(self, now_s: float) -> bool | None:
        """None: nothing new; True: a new version went live; False: an edit was rejected."""
        if not self.watcher.poll(now_s):
            return None
        return self.reload()

    def reload(self) -> bool:
        self.fit_pending = False  # a whole check now: nothing is left of the first load's
        new, problems = check_content(self.source, screen=self.screen)
        if new is None:
            self.problems = problems
            self.rejected_at = time.time()
            log.error(
                "content edit in %s rejected (%d problem%s) - still showing version %s:",
                self.source,
                len(problems),
                "" if len(problems) == 1 else "s",
                self.current.version,
            )
            for p in problems:
                log.error("  %s", p)
            self._write_showing()
            return False
        self._keep_last_good(new)
        changes = diff(self.current.values, new.values)
        old = self.current.version
        self.current, self.problems, self.loaded_at = new, [], time.time()
        log.info(
            "content version %s -> %s from %s: %s",
            old,
            new.version,
            new.source,
            f"{len(changes)} change{'' if len(changes) == 1 else 's'}" if changes else "no visible change",
        )
        for line in changes:
            log.info("  %s", line)
        self._write_showing()
        return True

    def _write_showing(self) -> None:
        """What is on screen, for `kiosk content diff` and the metrics: written atomically."""
        if self.showing_path is None:
            return
        doc = {
            "version": self.current.version,
            "source": self.current.source,
            "loaded_at": self.loaded_at,
            "valid": self.valid,
            "problems": [str(p) for p in self.problems],
            "values": self.current.values,
        }
        try:
            self.showing_path.parent.mkdir(parents=True, exist_ok=True)
            # staff read it over SSH (0644); it holds only what the screen shows
            write_atomic(self.showing_path, json.dumps(doc, ensure_ascii=False, indent=1))
        except OSError as e:
            log.warning(
                "cannot write %s (%s) - `kiosk content diff` will compare with the files",
                self.showing_path,
                e,
            )


def read_showing(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None
