"""`kiosk stats`: what the rep log says about use - per day, sessions, depth, busiest hours - as text,
JSON or a PNG chart staff can scp back. Reads the database read-only (safe while the kiosk runs)."""

from __future__ import annotations

import json
import sqlite3
import statistics
import sys
import time
from pathlib import Path

from kiosk.core.form import FAULTS
from kiosk.errors import ConfigError
from kiosk.ops.replog import connect, default_path

# what staff read for each fault code (kiosk.core.form.FAULTS)
WORDS = {
    "knee_dominant": "knees too bent",
    "rounded_back": "back rounded",
    "hips_first": "hips up first",
    "too_fast": "too fast",
}


def compute(db: str | Path, *, days: int = 7, now: float | None = None) -> dict:
    """Member numbers (demo reps are counted apart) for the last `days` local days, today included."""
    now = time.time() if now is None else now
    lt = time.localtime(now)
    midnight = time.mktime((lt.tm_year, lt.tm_mon, lt.tm_mday, 0, 0, 0, 0, 0, -1))
    start = midnight - (days - 1) * 86400
    day_list = [time.strftime("%Y-%m-%d", time.localtime(midnight - k * 86400 + 3600)) for k in range(days)][
        ::-1
    ]
    con = connect(db, readonly=True)
    try:
        per_day = {d: {"member_reps": 0, "demo_reps": 0, "sessions": 0} for d in day_list}
        for day, source, reps, sessions in con.execute(
            "SELECT day, source, reps, sessions FROM daily WHERE day >= ?", (day_list[0],)
        ):
            if day in per_day:
                per_day[day][f"{source}_reps"] = reps
                if source == "member":
                    per_day[day]["sessions"] = sessions
        rows = con.execute(
            "SELECT r.at, r.deepest_deg, r.duration_s, r.session_id FROM reps r JOIN sessions s"
            " ON s.id = r.session_id WHERE s.source = 'member' AND r.at >= ?",
            (start,),
        ).fetchall()
        hours = [0] * 24
        for at, *_ in rows:
            hours[time.localtime(at).tm_hour] += 1
        per_session: dict[int, int] = {}
        for *_, sid in rows:
            per_session[sid] = per_session.get(sid, 0) + 1
        n_sessions = con.execute(
            "SELECT count(*) FROM sessions WHERE source = 'member' AND started_at >= ?", (start,)
        ).fetchone()[0]
        week = con.execute(
            "SELECT count(*) FROM reps r JOIN sessions s ON s.id = r.session_id"
            " WHERE s.source = 'member' AND r.at >= ?",
            (now - 7 * 86400,),
        ).fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
        # how the reps were done (schema 3 on: kiosk.core.form); a log from an older kiosk has none
        for v in per_day.values():
            v["clean"] = 0
            v["faults"] = dict.fromkeys(FAULTS, 0)
        if version >= 3:
            for day, fault, reps in con.execute(
                "SELECT day, fault, reps FROM daily_faults WHERE source = 'member' AND day >= ?",
                (day_list[0],),
            ):
                if day not in per_day:
                    continue
                if fault == "clean":
                    per_day[day]["clean"] = reps
                else:
                    per_day[day]["faults"][fault] = reps
    finally:
        con.close()
    busiest = sorted((h for h in range(24) if hours[h]), key=lambda h: (-hours[h], h))[:3]
    return {
        "db": str(db),
        "schema": version,
        "days": days,
        "from": day_list[0],
        "to": day_list[-1],
        "per_day": [{"day": d, **per_day[d]} for d in day_list],
        "member_reps": len(rows),
        "member_sessions": n_sessions,
        "demo_reps": sum(v["demo_reps"] for v in per_day.values()),
        "median_depth_deg": round(statistics.median(r[1] for r in rows), 1) if rows else None,
        "median_rep_s": round(statistics.median(r[2] for r in rows), 2) if rows else None,
        "median_reps_per_session": statistics.median(per_session.values()) if per_session else None,
        "reps_by_hour": hours,
        "busiest_hours": [f"{h:02d}:00-{h + 1:02d}:00" for h in busiest],
        "reps_last_7_days": week,
        "member_clean_reps": sum(v["clean"] for v in per_day.values()),
        "member_faults": {f: sum(v["faults"][f] for v in per_day.values()) for f in FAULTS},
    }


def format_text(s: dict) -> str:
    out = [f"{s['db']}: {s['from']} .. {s['to']} ({s['days']} days)"]
    out.append(
        f"  members: {s['member_reps']} reps in {s['member_sessions']} sets"
        f" (trainer demos apart: {s['demo_reps']} reps)"
    )
    if s["member_reps"]:
        out.append(
            f"  median depth {s['median_depth_deg']:.0f} deg at the hip, {s['median_rep_s']:.1f} s per rep,"
            f" {s['median_reps_per_session']:g} reps per set"
        )
        out.append(f"  busiest hours: {', '.join(s['busiest_hours'])}")
        judged = s["member_clean_reps"] + sum(s["member_faults"].values())
        if judged:
            faults = ", ".join(f"{n} {WORDS[f]}" for f, n in s["member_faults"].items() if n)
            out.append(f"  form: {s['member_clean_reps']} clean reps; faults: {faults or 'none'}")
    width = max([v["member_reps"] for v in s["per_day"]] + [1])
    # faults per day: reps with each fault (a rep may have several), K knee-dominant, B rounded back,
    # H hips first, F too fast
    out.append("  day         reps  sets clean    K    B    H    F")
    for v in s["per_day"]:
        bar = "#" * round(30 * v["member_reps"] / width)
        f = v["faults"]
        cols = " ".join(f"{f[k]:4d}" for k in FAULTS)
        out.append(f"  {v['day']}  {v['member_reps']:5d} {v['sessions']:5d} {v['clean']:5d} {cols}  {bar}")
    legend = ", ".join(f"{k} {WORDS[f]}" for k, f in zip("KBHF", FAULTS, strict=True))
    out.append(f"  ({legend}: reps with each)")
    return "\n".join(out) + "\n"


def render_png(s: dict, path: str | Path, size: tuple[int, int] = (1200, 700)) -> None:
    """Reps per day (members; demo reps stacked in grey) and reps by hour, drawn with pygame."""
    import pygame  # (a Surface and a PNG: no display is opened)

    pygame.font.init()
    w, h = size
    surf = pygame.Surface(size)
    surf.fill((255, 255, 255))
    font, small = pygame.font.Font(None, 34), pygame.font.Font(None, 22)
    ink, member, demo, grid = (20, 20, 20), (255, 120, 0), (180, 180, 180), (225, 225, 225)
    title = f"Crux kiosk - {s['member_reps']} member reps in {s['member_sessions']} sets"
    title += f", {s['from']} .. {s['to']}"
    surf.blit(font.render(title, True, ink), (30, 20))

    def bars(rect: pygame.Rect, labels: list[str], values: list[tuple[int, int]], heading: str) -> None:
        surf.blit(small.render(heading, True, ink), (rect.left, rect.top - 26))
        top = max([a + b for a, b in values] + [1])
        for k in range(5):
            y = rect.bottom - rect.height * k / 4
            pygame.draw.line(surf, grid, (rect.left, y), (rect.right, y))
            surf.blit(small.render(f"{top * k / 4:.0f}", True, ink), (rect.left - 40, y - 8))
        bw = rect.width / len(values)
        for i, ((a, b), lab) in enumerate(zip(values, labels, strict=True)):
            x = rect.left + i * bw + bw * 0.15
            ha, hb = rect.height * a / top, rect.height * b / top
            pygame.draw.rect(surf, member, (x, rect.bottom - ha, bw * 0.7, ha))
            pygame.draw.rect(surf, demo, (x, rect.bottom - ha - hb, bw * 0.7, hb))
            if len(labels) <= 31 or i % 2 == 0:
                img = small.render(lab, True, ink)
                surf.blit(img, (x + bw * 0.35 - img.get_width() / 2, rect.bottom + 6))
        pygame.draw.line(surf, ink, rect.bottomleft, rect.bottomright, 2)

    per_day = s["per_day"][-31:]
    bars(
        pygame.Rect(70, 110, w - 110, int(h * 0.38)),
        [d["day"][5:] for d in per_day],
        [(d["member_reps"], d["demo_reps"]) for d in per_day],
        "reps per day (orange: members, grey: trainer demos)",
    )
    bars(
        pygame.Rect(70, int(h * 0.66), w - 110, int(h * 0.25)),
        [f"{k}" for k in range(24)],
        [(n, 0) for n in s["reps_by_hour"]],
        "member reps by hour of day",
    )
    pygame.image.save(surf, str(path))


def stats_command(args) -> int:
    """`kiosk stats [--db PATH] [--days N] [--json] [--png FILE]`."""

    if not 1 <= args.days <= 366:
        raise ConfigError(f"--days {args.days} - use 1 to 366")
    try:
        s = compute(args.db or default_path(), days=args.days)
    except sqlite3.Error as e:
        raise ConfigError(f"{args.db or default_path()}: not a readable rep log ({e}) - check --db") from e
    if args.png:
        render_png(s, args.png)
    if args.json:
        json.dump(s, sys.stdout)
        sys.stdout.write("\n")
    else:
        sys.stdout.write(format_text(s))
        if args.png:
            print(f"chart: {args.png}")
    return 0
