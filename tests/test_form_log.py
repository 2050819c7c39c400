"""How each rep was done, kept: the rep log's form columns and its migration from a database the
previous kiosk made (schema 2), `kiosk stats` faults per day, the metrics' reps by fault."""

from __future__ import annotations

import math
import sqlite3
import time

from test_replog import q
from test_replog import snap as metrics_snapshot

from kiosk.core.form import FAULTS, RepDetail
from kiosk.ops import stats
from kiosk.ops.metrics import render
from kiosk.ops.replog import MIGRATIONS, SCHEMA_VERSION, RepLog, _statements

T0 = time.mktime((2026, 11, 16, 9, 30, 0, 0, 0, -1))  # a Monday morning, local time


def detail(faults=(), bow=math.nan):
    return RepDetail(40, 3.0, 101.0, 24.0, 62.0, bow, 1.2, 0.3, 1.0, tuple(faults))


def old_db(path):
    """A rep log as the kiosk before form (schema 2) left it: a set of 3 reps."""
    con = sqlite3.connect(path)
    for script in MIGRATIONS[:2]:
        for stmt in _statements(script):
            con.execute(stmt)
    con.execute("PRAGMA user_version = 2")
    con.execute("INSERT INTO sessions VALUES (1, ?, ?, 'member', 8)", (T0, T0 + 60))
    for k in range(3):
        con.execute(
            "INSERT INTO reps (session_id, at, deepest_deg, duration_s) VALUES (1, ?, 100, 2)", (T0 + k,)
        )
    con.execute("INSERT INTO daily VALUES ('2026-11-16', 'member', 3, 1)")
    con.commit()
    con.close()
    return path


def test_an_old_rep_log_is_upgraded_in_place_and_keeps_its_rows(tmp_path):
    db = old_db(tmp_path / "reps.db")
    clock = iter([T0 + 3600 + k for k in range(10)])
    log = RepLog(db, clock=lambda: next(clock))
    log.start_session("member", 8)
    log.rep(98.0, 2.2, detail=detail(("knee_dominant", "too_fast")))
    log.rep(99.0, 2.1, detail=detail((), bow=3.5))
    log.rep(97.0, 2.0)  # (no measures: a counter without form)
    log.close()
    assert q(db, "PRAGMA user_version") == [(SCHEMA_VERSION,)] and SCHEMA_VERSION >= 3
    rows = q(
        db, "SELECT deepest_deg, duration_s, knee_deg, back_bow_deg, down_s, faults FROM reps ORDER BY id"
    )
    assert rows[:3] == [(100.0, 2.0, None, None, None, None)] * 3  # the old rows, as they were
    assert rows[3] == (98.0, 2.2, 24.0, None, 1.2, "knee_dominant,too_fast")
    assert rows[4] == (99.0, 2.1, 24.0, 3.5, 1.2, "")
    assert rows[5] == (97.0, 2.0, None, None, None, None)
    assert q(db, "SELECT reps FROM daily WHERE day = '2026-11-16'") == [(6,)]
    assert q(db, "SELECT fault, reps FROM daily_faults ORDER BY fault") == [
        ("clean", 1),
        ("knee_dominant", 1),
        ("too_fast", 1),
    ]
    log = RepLog(db)  # opening it again changes nothing
    assert log.fault_totals()["member"] == {"clean": 1, "knee_dominant": 1, "too_fast": 1}
    log.close()


def test_stats_faults_per_day(tmp_path, capsys):
    db = tmp_path / "reps.db"
    clock = iter([T0 + k for k in range(100)])
    log = RepLog(db, clock=lambda: next(clock))
    log.start_session("member", 8)
    for faults in [(), ("knee_dominant",), ("knee_dominant",), ("rounded_back", "too_fast"), ()]:
        log.rep(100.0, 2.0, detail=detail(faults))
    log.start_session("demo", 5)
    log.rep(100.0, 2.0, detail=detail(("hips_first",)))  # demos apart
    log.close()
    s = stats.compute(db, days=3, now=T0 + 3600)
    today = s["per_day"][-1]
    assert today["day"] == "2026-11-16" and today["clean"] == 2
    assert today["faults"] == {"knee_dominant": 2, "rounded_back": 1, "hips_first": 0, "too_fast": 1}
    assert s["member_clean_reps"] == 2 and s["member_faults"]["knee_dominant"] == 2
    text = stats.format_text(s)
    assert "form: 2 clean reps; faults: 2 knees too bent, 1 back rounded, 1 too fast" in text
    assert "(K knees too bent, B back rounded, H hips up first, F too fast: reps with each)" in text
    assert "2026-11-16      5     1     2    2    1    0    1" in text


def test_stats_reads_a_log_the_old_kiosk_wrote(tmp_path):
    """Read-only: `kiosk stats` never migrates; an old log simply has no faults."""
    db = old_db(tmp_path / "reps.db")
    s = stats.compute(db, days=1, now=T0 + 3600)
    assert s["schema"] == 2 and s["member_reps"] == 3
    assert s["per_day"][-1]["faults"] == dict.fromkeys(FAULTS, 0) and s["member_clean_reps"] == 0


def test_metrics_carry_reps_by_fault():
    from prometheus_client.parser import text_string_to_metric_families

    snap = metrics_snapshot(
        reps={"member": 7}, reps_by_fault={"member": {"clean": 4, "knee_dominant": 3}, "demo": {}}
    )
    fams = {f.name: f for f in text_string_to_metric_families(render(snap))}
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value for f in fams.values() for s in f.samples}
    name = "crux_kiosk_reps_by_fault_total"
    assert samples[(name, (("fault", "knee_dominant"), ("source", "member")))] == 3
    assert samples[(name, (("fault", "clean"), ("source", "member")))] == 4
    assert samples[(name, (("fault", "rounded_back"), ("source", "member")))] == 0
    assert samples[(name, (("fault", "hips_first"), ("source", "demo")))] == 0
