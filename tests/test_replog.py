"""The rep log (SQLite), `kiosk stats`, and the Prometheus textfile."""

import json
import logging
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pygame
import pytest

from kiosk.cli import main
from kiosk.core.form import FAULTS
from kiosk.ops.metrics import Snapshot, TextfileWriter, render
from kiosk.ops.replog import MIGRATIONS, SCHEMA_VERSION, RepLog, RepLogError, _statements, connect

T0 = time.mktime((2026, 11, 16, 9, 0, 0, 0, 0, -1))  # a Monday, 09:00 local time


class Clock:
    def __init__(self, t=T0):
        self.t = t

    def __call__(self):
        return self.t


def q(path, sql, *args):
    con = sqlite3.connect(path)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def test_a_new_log_is_wal_versioned_and_keeps_demo_reps_apart(tmp_path):
    db = tmp_path / "reps.db"
    clock = Clock()
    r = RepLog(db, clock=clock)
    r.start_session("member", 8)
    for k in range(3):
        clock.t += 3
        r.rep(100.0 + k, 2.5)
    r.start_session("demo", 5)  # ends the member's set
    clock.t += 3
    r.rep(95.0, 2.0)
    r.close()
    assert q(db, "PRAGMA journal_mode") == [("wal",)] and q(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    sessions = q(db, "SELECT source, target_reps, ended_at - started_at FROM sessions ORDER BY id")
    assert sessions == [("member", 8, 9.0), ("demo", 5, 3.0)]
    assert q(db, "SELECT deepest_deg, duration_s FROM reps ORDER BY id") == [
        (100.0, 2.5),
        (101.0, 2.5),
        (102.0, 2.5),
        (95.0, 2.0),
    ]
    assert q(db, "SELECT day, source, reps, sessions FROM daily ORDER BY source") == [
        ("2026-11-16", "demo", 1, 1),
        ("2026-11-16", "member", 3, 1),
    ]
    assert q(db, "PRAGMA integrity_check") == [("ok",)]
    # no column can hold an image: the log stores numbers and times only
    types = {
        t
        for (sql,) in q(db, "SELECT sql FROM sqlite_master WHERE type='table'")
        for t in ("BLOB",)
        if t in sql
    }
    assert types == set()


def test_migration_from_schema_1_keeps_the_data_and_fills_daily_totals(tmp_path):
    db = tmp_path / "old.db"
    con = sqlite3.connect(db)
    for stmt in _statements(MIGRATIONS[0]):
        con.execute(stmt)
    con.execute("PRAGMA user_version = 1")
    con.execute("INSERT INTO sessions VALUES (1, ?, ?, 'member', 8)", (T0, T0 + 60))
    con.execute("INSERT INTO sessions VALUES (2, ?, NULL, 'member', 8)", (T0 + 86400,))  # cut mid-set
    for k in range(5):
        con.execute(
            "INSERT INTO reps (session_id, at, deepest_deg, duration_s) VALUES (1, ?, 100, 2)", (T0 + k,)
        )
    con.execute(
        "INSERT INTO reps (session_id, at, deepest_deg, duration_s) VALUES (2, ?, 90, 2)", (T0 + 86410,)
    )
    con.commit()
    con.close()
    RepLog(db).close()
    assert q(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert q(db, "SELECT day, source, reps, sessions FROM daily ORDER BY day") == [
        ("2026-11-16", "member", 5, 1),
        ("2026-11-17", "member", 1, 1),
    ]
    # the set cut off mid-way ends at its last rep
    assert q(db, "SELECT ended_at FROM sessions WHERE id = 2") == [(T0 + 86410,)]
    assert q(db, "SELECT count(*) FROM reps") == [(6,)]


def test_a_log_from_newer_software_is_refused_plainly(tmp_path):
    db = tmp_path / "new.db"
    sqlite3.connect(db).execute("PRAGMA user_version = 99").connection.close()
    with pytest.raises(RepLogError, match=r"schema 99 is newer than this kiosk .* update the kiosk software"):
        RepLog(db)
    (tmp_path / "dir.db").mkdir()
    with pytest.raises(RepLogError, match="cannot open the rep log"):
        RepLog(tmp_path / "dir.db")


def test_a_full_disk_is_said_once_and_nothing_is_lost(tmp_path, caplog):
    db = tmp_path / "reps.db"
    clock = Clock()
    r = RepLog(db, clock=clock, monotonic=clock)
    r.start_session("member", 50)
    pages = r.con.execute("PRAGMA page_count").fetchone()[0]
    r.con.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "database or disk is full"
    with caplog.at_level(logging.ERROR):
        for _ in range(400):
            clock.t += 2
            r.rep(100.0, 2.0)
    assert r.error is not None and "full" in r.error
    errors = [rec for rec in caplog.records if rec.levelno == logging.ERROR]
    assert len(errors) == 1 and "reps are still counted" in errors[0].getMessage()
    waiting = r.waiting
    assert waiting > 0
    r.con.execute("PRAGMA max_page_count = 1000000")  # space freed
    clock.t += 31  # the next retry
    r.rep(100.0, 2.0)
    assert r.error is None and not r.waiting
    r.close()
    assert q(db, "SELECT count(*) FROM reps") == [(401,)] and q(db, "PRAGMA integrity_check") == [("ok",)]


def test_a_read_only_database_keeps_the_kiosk_counting(tmp_path, caplog):
    db = tmp_path / "reps.db"
    RepLog(db).close()
    r = RepLog(db)
    r.con.close()
    r.con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)  # as a read-only mount
    with caplog.at_level(logging.ERROR):
        r.start_session("member", 8)
        r.rep(100.0, 2.0)
        r.rep(101.0, 2.0)
    assert r.error and "readonly" in r.error.replace("-", "").replace(" ", "")
    assert len([x for x in caplog.records if x.levelno == logging.ERROR]) == 1
    assert r.waiting == 3  # the session and both reps, waiting


WRITER = """
import sys
from kiosk.ops.replog import RepLog
r = RepLog(sys.argv[1])
r.start_session("member", 1000)
n = 0
while True:
    r.rep(100.0, 2.0)
    n += 1
    sys.stdout.write(f"{n}\\n")
    sys.stdout.flush()
"""


def test_kill_9_mid_set_100_times_never_corrupts_or_loses_a_committed_rep(tmp_path):
    """A rep is acknowledged (printed) only after its commit: after each kill -9 the database holds every
    acknowledged rep, at most one more (committed, not yet printed), and passes integrity_check."""
    rng = random.Random(6)
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    dbs = [tmp_path / f"reps{k}.db" for k in range(4)]
    before = {db: 0 for db in dbs}
    kills = 0
    for _round in range(25):
        procs = [
            (db, subprocess.Popen([sys.executable, "-c", WRITER, str(db)], stdout=subprocess.PIPE, env=env))
            for db in dbs
        ]
        for _db, p in procs:
            p.stdout.readline()  # running and writing
        time.sleep(rng.uniform(0.0, 0.03))
        for db, p in procs:
            p.send_signal(signal.SIGKILL)
            rest = p.communicate()[0].decode().split()
            p.wait()
            kills += 1
            acked = int(rest[-1]) if rest and rest[-1].isdigit() else 1
            assert q(db, "PRAGMA integrity_check") == [("ok",)]
            total = q(db, "SELECT count(*) FROM reps")[0][0]
            assert acked <= total - before[db] <= acked + 1, (acked, total, before[db])
            before[db] = total
    assert kills == 100
    for db in dbs:  # reopened after the last kill: every set is closed, the totals agree
        RepLog(db).close()
        assert q(db, "SELECT count(*) FROM sessions WHERE ended_at IS NULL") == [(0,)]
        assert q(db, "SELECT sum(reps) FROM daily") == q(db, "SELECT count(*) FROM reps")


# -- kiosk stats ------------------------------------------------------------------------------------------
def seeded(tmp_path) -> Path:
    db = tmp_path / "reps.db"
    clock = Clock()
    r = RepLog(db, clock=clock)
    # Monday 09:00: a member does 8 reps; 18:00 a member does 4; Tuesday 18:00 a trainer demo of 5
    for start, source, n, deg in (
        (0, "member", 8, 100.0),
        (9 * 3600, "member", 4, 110.0),
        (86400 + 9 * 3600, "demo", 5, 90.0),
    ):
        clock.t = T0 + start
        r.start_session(source, n)
        for _ in range(n):
            clock.t += 3
            r.rep(deg, 2.5)
        r.end_session()
    r.close()
    return db


def test_stats_per_day_sessions_depth_and_busiest_hours(tmp_path, capsys, monkeypatch):
    from kiosk.ops import stats

    db = seeded(tmp_path)
    s = stats.compute(db, days=7, now=T0 + 2 * 86400)
    assert (s["from"], s["to"]) == ("2026-11-12", "2026-11-18")
    days = {d["day"]: d for d in s["per_day"]}
    assert days["2026-11-16"] == {
        "day": "2026-11-16",
        "member_reps": 12,
        "demo_reps": 0,
        "sessions": 2,
        "clean": 0,  # (reps logged without their form)
        "faults": dict.fromkeys(FAULTS, 0),
    }
    assert days["2026-11-17"]["demo_reps"] == 5 and days["2026-11-17"]["member_reps"] == 0
    assert s["member_reps"] == 12 and s["member_sessions"] == 2 and s["demo_reps"] == 5
    assert s["median_depth_deg"] == 100.0 and s["median_reps_per_session"] == 6
    assert s["busiest_hours"] == ["09:00-10:00", "18:00-19:00"] and s["reps_by_hour"][9] == 8
    text = stats.format_text(s)
    assert "members: 12 reps in 2 sets (trainer demos apart: 5 reps)" in text
    assert "2026-11-16     12     2     0    0    0    0    0  ##############################" in text


def test_stats_cli_json_and_png(tmp_path, capsys):
    db = seeded(tmp_path)
    png = tmp_path / "chart.png"
    assert main(["stats", "--db", str(db), "--days", "366", "--json", "--png", str(png)]) == 0
    s = json.loads(capsys.readouterr().out)
    assert s["member_reps"] == 12 and len(s["per_day"]) == 366 and s["schema"] == SCHEMA_VERSION
    img = pygame.image.load(str(png))
    assert img.get_size() == (1200, 700)
    px = pygame.surfarray.array3d(img)
    orange = (px[..., 0] == 255) & (px[..., 1] == 120) & (px[..., 2] == 0)
    assert orange.sum() > 100  # the members' bars are drawn


def test_stats_on_a_missing_or_bad_database_is_one_line(tmp_path, capsys):
    assert main(["stats", "--db", str(tmp_path / "none.db")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "no rep log there" in err
    (tmp_path / "junk.db").write_bytes(b"not sqlite" * 100)
    assert main(["stats", "--db", str(tmp_path / "junk.db")]) == 2
    assert "not a readable rep log" in capsys.readouterr().err


def test_a_headless_run_logs_its_set_and_stats_reads_it(tmp_path, capsys):
    script = tmp_path / "s.txt"
    script.write_text("".join(f"{t} green\n" for t in (2, 3, 4, 5, 6, 7)))
    db = tmp_path / "run.db"
    args = ["run", "--headless", "--script", str(script), "--seconds", "45", "--fps", "15", "--db", str(db)]
    assert main(args) == 0
    reps = q(db, "SELECT count(*) FROM reps")[0][0]
    assert reps >= 5
    ((start, end),) = q(db, "SELECT started_at, ended_at FROM sessions WHERE source = 'member'")
    assert end - start >= reps * 1.5  # times follow the simulated clock: a set of reps takes seconds
    assert main(["stats", "--db", str(db)]) == 0
    assert f"members: {reps} reps in 1 sets" in capsys.readouterr().out


# -- metrics ----------------------------------------------------------------------------------------------
def snap(**kw) -> Snapshot:
    base = dict(
        reps={"member": 12, "demo": 5},
        sessions={"member": 2, "demo": 1},
        camera_up=True,
        fps=29.7,
        last_frame_age_s=0.033,
        content_version="0285a8ed6f44",
        content_valid=True,
        uptime_s=3600.0,
        rep_log_up=True,
        mode="train",
    )
    return Snapshot(**{**base, **kw})


def test_textfile_parses_as_prometheus_exposition():
    from prometheus_client.parser import text_string_to_metric_families

    fams = {f.name: f for f in text_string_to_metric_families(render(snap(content_version='a"b')))}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in fams.values() for s in f.samples}
    assert fams["crux_kiosk_reps"].type == "counter"
    assert samples[("crux_kiosk_reps_total", (("source", "member"),))] == 12
    assert samples[("crux_kiosk_sessions_total", (("source", "demo"),))] == 1
    assert samples[("crux_kiosk_camera_up", ())] == 1 and samples[("crux_kiosk_fps", ())] == 29.7
    assert samples[("crux_kiosk_content_info", (("version", 'a"b'),))] == 1
    assert samples[("crux_kiosk_mode", (("mode", "train"),))] == 1
    assert samples[("crux_kiosk_mode", (("mode", "attract"),))] == 0
    assert samples[("crux_kiosk_uptime_seconds", ())] == 3600


def test_textfile_is_written_atomically_at_most_once_a_minute(tmp_path, caplog):
    path = tmp_path / "crux_kiosk.prom"
    w = TextfileWriter(path, interval_s=60)
    assert w.write(0.0, snap()) is True
    first = path.read_text()
    assert w.write(30.0, snap(fps=10.0)) is False and path.read_text() == first
    assert w.write(60.0, snap(fps=10.0)) is True and "crux_kiosk_fps 10" in path.read_text()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["crux_kiosk.prom"]  # no temp files left
    gone = TextfileWriter(tmp_path / "missing" / "x.prom", interval_s=60)
    with caplog.at_level(logging.ERROR):
        assert gone.write(0.0, snap()) is False and gone.write(60.0, snap()) is False
    assert len([r for r in caplog.records if "cannot write" in r.getMessage()]) == 1


def test_the_running_kiosk_writes_its_metrics(tmp_path):
    from kiosk.app import App

    db, prom = tmp_path / "r.db", tmp_path / "k.prom"
    app = App(headless=True, fps=15, replog=RepLog(db), metrics=TextfileWriter(prom, interval_s=60))
    assert app.run(seconds=3.0) == 0
    text = prom.read_text()
    assert f'crux_kiosk_content_info{{version="{app.content.version}"}} 1' in text
    assert "crux_kiosk_camera_up 1" in text and "crux_kiosk_rep_log_up 1" in text
    assert 'crux_kiosk_mode{mode="attract"} 1' in text


def test_the_kiosk_runs_on_through_a_read_only_rep_log_and_says_so(tmp_path, caplog):
    from dataclasses import replace

    from kiosk.app import App, load_script

    db = tmp_path / "r.db"
    r = RepLog(db)
    r.con.close()
    r.con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)  # the card went read-only
    script = tmp_path / "s.txt"
    script.write_text("".join(f"{t} green\n" for t in (1, 2, 3, 4, 5, 6)))
    app = App(headless=True, fps=15, replog=r)
    with caplog.at_level(logging.ERROR):
        assert app.run(seconds=30.0, script=load_script(script)) == 0
    assert app.state.reps >= 3  # counting went on
    assert len([x for x in caplog.records if "cannot write" in x.getMessage()]) == 1  # said once
    app.state = replace(app.state, overlay=True)
    lines = app.screen_frame(0.0, None, ()).staff_lines
    assert any(
        line.startswith("! rep log NOT WRITING (attempt to write a readonly database)") for line in lines
    )
    assert r.waiting >= 4  # the set and its reps wait in memory for the card to come back


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads and writes anything: run as a plain user")
def test_stats_read_a_stopped_kiosks_rep_log_with_read_access_only(tmp_path):
    # staff in crux-content may read /var/lib/crux-kiosk but not write it (deploy/install.sh's ACL);
    # with the kiosk stopped there is no -shm file, and a read-only reader may not create one
    d = tmp_path / "state"
    d.mkdir()
    log = RepLog(d / "reps.db")
    log.start_session("member", 8)
    log.rep(100.0, 2.0)
    log.close()
    assert not (d / "reps.db-wal").exists()
    (d / "reps.db").chmod(0o444)
    d.chmod(0o555)
    try:
        con = connect(d / "reps.db", readonly=True)
        assert con.execute("SELECT count(*) FROM reps").fetchone() == (1,)
    finally:
        d.chmod(0o755)
