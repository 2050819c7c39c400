"""The rep log: SQLite (WAL) with sessions, reps and daily totals. Standard library only.

A session is one set in Train (started when Train begins, ended when it ends); `source` is "member" or
"demo" (the trainer's demo figure) so demos never inflate members' numbers. Each rep is its own short
transaction with synchronous=FULL: a power cut or `kill -9` loses at most the rep in progress, and
SQLite's journal keeps the file consistent. Nothing is written per frame.

If the database cannot be written (disk full, read-only, SD card gone) the kiosk keeps running and
counting: the problem is logged once, writes wait in memory (bounded) and are retried every 30 s.
"""

from __future__ import annotations

import collections
import contextlib
import logging
import math
import os
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.errors import KioskError

log = logging.getLogger(__name__)

SOURCES = ("member", "demo")
RETRY_S = 30.0
MAX_PENDING = 10_000

# Schema migrations, applied in order; PRAGMA user_version is the number applied. Never edit one that
# has shipped: add the next.
MIGRATIONS: tuple[str, ...] = (
    # 1: sessions and reps
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at REAL NOT NULL,          -- unix time
        ended_at REAL,                     -- NULL while the set is going (or the kiosk stopped mid-set)
        source TEXT NOT NULL CHECK (source IN ('member', 'demo')),
        target_reps INTEGER
    );
    CREATE TABLE reps (
        id INTEGER PRIMARY KEY,
        session_id INTEGER NOT NULL REFERENCES sessions(id),
        at REAL NOT NULL,                  -- unix time the rep was counted
        deepest_deg REAL NOT NULL,         -- smallest hip angle of the rep
        duration_s REAL NOT NULL
    );
    CREATE INDEX reps_at ON reps(at);
    """,
    # 2: daily totals (local day), kept in the same transaction as each rep; back-filled
    """
    CREATE TABLE daily (
        day TEXT NOT NULL,                 -- YYYY-MM-DD, the kiosk's local time
        source TEXT NOT NULL,
        reps INTEGER NOT NULL DEFAULT 0,
        sessions INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, source)
    );
    INSERT INTO daily (day, source, reps, sessions)
        SELECT date(s.started_at, 'unixepoch', 'localtime'), s.source, 0, count(*)
        FROM sessions s GROUP BY 1, 2;
    INSERT INTO daily (day, source, reps)
        SELECT date(r.at, 'unixepoch', 'localtime'), s.source, count(*)
        FROM reps r JOIN sessions s ON s.id = r.session_id GROUP BY 1, 2
        ON CONFLICT (day, source) DO UPDATE SET reps = excluded.reps;
    CREATE INDEX sessions_started ON sessions(started_at);
    """,
    # 3: how each rep was done (kiosk.core.form): the measures and its faults; per-day fault totals.
    # Reps logged before stay as they were, their new columns NULL ("not measured").
    """
    ALTER TABLE reps ADD COLUMN knee_deg REAL;       -- knee flexion at the bottom
    ALTER TABLE reps ADD COLUMN trunk_deg REAL;      -- trunk lean from vertical at the bottom
    ALTER TABLE reps ADD COLUMN back_bow_deg REAL;   -- NULL: the back's outline was not seen
    ALTER TABLE reps ADD COLUMN down_s REAL;
    ALTER TABLE reps ADD COLUMN bottom_s REAL;
    ALTER TABLE reps ADD COLUMN up_s REAL;
    ALTER TABLE reps ADD COLUMN faults TEXT;         -- comma-separated fault codes, '' clean
    CREATE TABLE daily_faults (
        day TEXT NOT NULL,                 -- YYYY-MM-DD, the kiosk's local time
        source TEXT NOT NULL,
        fault TEXT NOT NULL,               -- a fault code, or 'clean' for reps with none
        reps INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (day, source, fault)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class RepLogError(KioskError, RuntimeError):
    """The rep log cannot be opened at all (the kiosk runs on without it)."""


def default_path() -> Path:
    """/var/lib/crux-kiosk/reps.db under systemd (StateDirectory=), else the user's data directory."""
    state = os.environ.get("STATE_DIRECTORY")
    if state:
        return Path(state.split(":")[0]) / "reps.db"
    data = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data) / "crux-kiosk" / "reps.db"


def connect(path: str | Path, *, readonly: bool = False) -> sqlite3.Connection:
    p = Path(path)
    if readonly:
        if not p.exists():
            raise RepLogError(f"{p}: no rep log there - check --db (the kiosk creates it on its first set)")
        con = sqlite3.connect(f"file:{p}?mode=ro", uri=True, timeout=5.0)
        try:
            con.execute("SELECT 1 FROM sqlite_master LIMIT 1")
        except sqlite3.OperationalError:
            # staff reading the rep log (group read access, no write) while the kiosk is stopped: a WAL
            # database with no -shm beside it cannot be opened read-only by someone who may not create
            # one. With no -wal file, no writer has it open and everything is in the file itself.
            if Path(f"{p}-wal").exists():
                raise
            con.close()
            con = sqlite3.connect(f"file:{p}?mode=ro&immutable=1", uri=True, timeout=5.0)
    else:
        p.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(p, timeout=5.0, isolation_level=None)  # explicit BEGIN/COMMIT
        con.execute("PRAGMA journal_mode=WAL")
        con.execute("PRAGMA synchronous=FULL")  # a committed rep survives a power cut
        con.execute("PRAGMA cache_size=-512")  # 512 KiB: the kiosk writes a row at a time
    con.execute("PRAGMA foreign_keys=ON")
    return con


def migrate(con: sqlite3.Connection) -> int:
    """Bring the schema to SCHEMA_VERSION; each migration is one transaction. Returns the old version."""
    old = con.execute("PRAGMA user_version").fetchone()[0]
    if old > SCHEMA_VERSION:
        raise RepLogError(
            f"rep log schema {old} is newer than this kiosk ({SCHEMA_VERSION}) - update the kiosk software"
        )
    for v in range(old, SCHEMA_VERSION):
        con.execute("BEGIN IMMEDIATE")
        try:
            for stmt in _statements(MIGRATIONS[v]):
                con.execute(stmt)
            con.execute(f"PRAGMA user_version = {v + 1}")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return old


def _statements(script: str) -> list[str]:
    out, cur = [], []
    for line in script.splitlines():
        line = line.split("--", 1)[0].rstrip()
        if not line.strip():
            continue
        cur.append(line)
        if line.endswith(";"):
            out.append("\n".join(cur))
            cur = []
    return out


def _num(x: float) -> float | None:
    return None if math.isnan(x) else float(x)


def _day(t: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(t))


@dataclass
class _Pending:
    kind: str  # "start" | "rep" | "end"
    args: tuple


class RepLog:
    """Writes sessions and reps as they happen. Never raises once open: a failed write is kept and retried."""

    def __init__(self, path: str | Path, *, clock=time.time, monotonic=time.monotonic) -> None:
        self.path = Path(path)
        self.clock = clock
        self.monotonic = monotonic
        self.session_id: int | None = None
        self.session_source: str | None = None
        self._pending: collections.deque[_Pending] = collections.deque(maxlen=MAX_PENDING)
        self._retry_at = 0.0
        self.error: str | None = None  # what is wrong, while writes fail
        self._local_ids = -1  # sessions started while the database was unavailable
        self._id_map: dict[int, int] = {}
        try:
            self.con = connect(self.path)
            old = migrate(self.con)
            if old and old < SCHEMA_VERSION:
                log.info("rep log %s migrated from schema %d to %d", self.path, old, SCHEMA_VERSION)
            self._close_dangling()
        except (sqlite3.Error, OSError) as e:
            raise RepLogError(
                f"{self.path}: cannot open the rep log ({e}) - check the disk and --db; the kiosk runs on"
                " without it"
            ) from e

    @property
    def waiting(self) -> int:
        """Writes kept in memory while the database cannot take them."""
        return len(self._pending)

    # -- writing ----------------------------------------------------------------------------------
    def start_session(self, source: str, target_reps: int | None) -> None:
        if source not in SOURCES:
            raise ValueError(source)
        self.end_session()
        self.session_source = source
        self.session_id = self._local_ids
        self._local_ids -= 1
        self._write(_Pending("start", (self.session_id, self.clock(), source, target_reps)))

    def rep(self, deepest_deg: float, duration_s: float, *, detail=None) -> None:
        """A counted rep; `detail` (kiosk.core.form.RepDetail) adds its measures and faults."""
        if self.session_id is None:
            self.start_session("member", None)
        form = None
        if detail is not None:
            form = (
                _num(detail.knee_deg),
                _num(detail.trunk_deg),
                _num(detail.back_bow),
                _num(detail.down_s),  # (NULL: not seen)
                _num(detail.bottom_s),
                _num(detail.up_s),
                ",".join(detail.faults),
            )
        args = (self.session_id, self.clock(), float(deepest_deg), float(duration_s), form)
        self._write(_Pending("rep", args))

    def end_session(self) -> None:
        if self.session_id is None:
            return
        self._write(_Pending("end", (self.session_id, self.clock())))
        self.session_id = self.session_source = None

    def _write(self, item: _Pending) -> None:
        self._pending.append(item)
        if self.error is None or self.monotonic() >= self._retry_at:
            self.flush()

    def flush(self) -> bool:
        """Write everything waiting; True when nothing is left."""
        while self._pending:
            item = self._pending[0]
            try:
                self._apply(item)
            except (sqlite3.Error, OSError) as e:
                self._retry_at = self.monotonic() + RETRY_S
                if self.error is None:
                    log.error(
                        "rep log %s: cannot write (%s) - reps are still counted and kept in memory; "
                        "retrying every %.0f s. Free space or fix the file's permissions.",
                        self.path,
                        e,
                        RETRY_S,
                    )
                self.error = str(e)
                return False
            self._pending.popleft()
        if self.error is not None:
            log.warning("rep log %s: writing again; nothing was lost", self.path)
            self.error = None
        return True

    def _apply(self, item: _Pending) -> None:
        con = self.con
        con.execute("BEGIN IMMEDIATE")
        try:
            if item.kind == "start":
                local, t, source, target = item.args
                cur = con.execute(
                    "INSERT INTO sessions (started_at, source, target_reps) VALUES (?, ?, ?)",
                    (t, source, target),
                )
                self._id_map[local] = cur.lastrowid
                con.execute(
                    "INSERT INTO daily (day, source, sessions) VALUES (?, ?, 1)"
                    " ON CONFLICT (day, source) DO UPDATE SET sessions = sessions + 1",
                    (_day(t), source),
                )
            elif item.kind == "rep":
                local, t, deg, dur, form = item.args
                sid = self._id_map[local]
                con.execute(
                    "INSERT INTO reps (session_id, at, deepest_deg, duration_s, knee_deg, trunk_deg,"
                    " back_bow_deg, down_s, bottom_s, up_s, faults) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, t, deg, dur, *(form or (None,) * 7)),
                )
                source = con.execute("SELECT source FROM sessions WHERE id = ?", (sid,)).fetchone()[0]
                con.execute(
                    "INSERT INTO daily (day, source, reps) VALUES (?, ?, 1)"
                    " ON CONFLICT (day, source) DO UPDATE SET reps = reps + 1",
                    (_day(t), source),
                )
                if form is not None:
                    for fault in form[-1].split(",") if form[-1] else ["clean"]:
                        con.execute(
                            "INSERT INTO daily_faults (day, source, fault, reps) VALUES (?, ?, ?, 1)"
                            " ON CONFLICT (day, source, fault) DO UPDATE SET reps = reps + 1",
                            (_day(t), source, fault),
                        )
            else:
                local, t = item.args
                con.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (t, self._id_map.pop(local)))
            con.execute("COMMIT")
        except BaseException:
            if con.in_transaction:
                con.execute("ROLLBACK")
            raise

    def _close_dangling(self) -> None:
        """Sets left open by a crash or power cut end at their last rep (or their start)."""
        self.con.execute("BEGIN IMMEDIATE")
        self.con.execute(
            "UPDATE sessions SET ended_at ="
            " coalesce((SELECT max(at) FROM reps WHERE session_id = sessions.id), started_at)"
            " WHERE ended_at IS NULL"
        )
        self.con.execute("COMMIT")

    def close(self) -> None:
        self.end_session()
        self.flush()
        with contextlib.suppress(sqlite3.Error):
            self.con.close()

    # -- reading ----------------------------------------------------------------------------------
    def reps_since(self, t: float, source: str = "member") -> int:
        try:
            row = self.con.execute(
                "SELECT count(*) FROM reps r JOIN sessions s ON s.id = r.session_id"
                " WHERE r.at >= ? AND s.source = ?",
                (t, source),
            ).fetchone()
            return int(row[0])
        except sqlite3.Error:
            return 0

    def fault_totals(self) -> dict[str, dict[str, int]]:
        """{source: {fault or "clean": reps}} over all time, for reps logged with their form."""
        out: dict[str, dict[str, int]] = {s: {} for s in SOURCES}
        try:
            for source, fault, reps in self.con.execute(
                "SELECT source, fault, sum(reps) FROM daily_faults GROUP BY source, fault"
            ):
                out.setdefault(source, {})[fault] = int(reps or 0)
        except sqlite3.Error:
            pass
        return out

    def totals(self) -> dict[str, dict[str, int]]:
        """{source: {"reps": n, "sessions": n}} over all time (for the metrics counters)."""
        out = {s: {"reps": 0, "sessions": 0} for s in SOURCES}
        try:
            for source, reps, sessions in self.con.execute(
                "SELECT source, sum(reps), sum(sessions) FROM daily GROUP BY source"
            ):
                out[source] = {"reps": int(reps or 0), "sessions": int(sessions or 0)}
        except sqlite3.Error:
            pass
        return out
