#!/usr/bin/env python3
"""Benchmark the deadline scan (``zaedno.protocols.scan``) on a database with 100,000 children.

For each engine (a SQLite data directory and a PostgreSQL database, seeded once with
``zaedno seed --children N`` and kept in --workdir), and for two states of the data,

* **first scan**: as seeded, nothing reminded yet: every step past a threshold is pending;
* **steady state**: a copy on which ``deadline_scan`` has run to the end (committed, then
  ``VACUUM ANALYZE``): the state the worker keeps the data in, every few minutes —
  what is pending is only what passed a threshold since the last scan,

each run starts a fresh process (Django loaded, production settings) and measures, per phase
(escalate, due, remind):

* **batch (ORM)**: ``pending_steps(phase, now)`` evaluated as ``scan._phase_batch`` does —
  ordered by the threshold and the id, ``SELECT … FOR UPDATE SKIP LOCKED OF`` the step where the
  database has it, the first 500 ids — in a transaction;
* **count (ORM)**: ``pending_steps(phase, now).count()``;
* the same two as hand-written SQL through ``connection.cursor()`` (every form tried, the
  fastest counts): the **lower bound**; *ratio* = ORM / lower bound;
* **one batch**: ``scan._phase_batch(phase, now, 500)`` — claim the batch, the notifications,
  the escalation timeline entries, the audit events — inside a transaction that is rolled back,
  so every run sees the same data;
* the query plans (``EXPLAIN QUERY PLAN`` / ``EXPLAIN (ANALYZE, BUFFERS)``) of the batch and
  count queries, which should use the ``case_step_*`` indexes.

Each figure is the median of --repeat timings after --warmup; the report gives the median over
--runs processes.

    .venv/bin/python bench/scan_bench.py                          # both engines, 3 runs each
    .venv/bin/python bench/scan_bench.py --engines sqlite --runs 1
    .venv/bin/python bench/scan_bench.py --workdir /tmp/zaedno-scan-bench --pg-db zaedno_seedbench

The first use of an engine seeds it (a few minutes per 100,000 children) and prepares the
steady-state copy; --reseed starts over. PostgreSQL: the server at --pg must accept the
``postgres`` role without a password; the databases --pg-db and --pg-db``_scanned`` are
created (and kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from machine import machine  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
ZAEDNO = str(Path(sys.executable).parent / "zaedno")
SECRET = "bench-only-not-a-secret-" + "x" * 40
BATCH = 500  # scan.deadline_scan's batch_size
STATES = ("first", "steady")


# --- the parent: prepare databases, start one process per run, aggregate --------------------


def engine_env(engine: str, state: str, args) -> dict:
    env = dict(os.environ, ZAEDNO_SECRET_KEY=SECRET, ZAEDNO_LOG_LEVEL="ERROR")
    for name in ("DATABASE_URL", "ZAEDNO_DEMO", "ZAEDNO_DEBUG", "ZAEDNO_TESTING", "ZAEDNO_HTTPS"):
        env.pop(name, None)
    suffix = "" if state == "first" else "_scanned"
    env["ZAEDNO_DATA_DIR"] = str(Path(args.workdir) / f"{engine}{suffix}")
    if engine == "postgresql":
        env["DATABASE_URL"] = f"{args.pg.rstrip('/')}/{args.pg_db}{suffix}"
    return env


def psql(args, db: str = "postgres") -> list[str]:
    url = urlparse(args.pg)
    return ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-q", "-d", db]  # fmt: skip


def zaedno(env: dict, *cmd: str) -> None:
    print(f"   zaedno {' '.join(cmd)}", file=sys.stderr, flush=True)
    subprocess.run([ZAEDNO, *cmd], env=env, cwd=ROOT, check=True)  # noqa: S603


SCAN_ALL = (
    "import sys, time; from zaedno.protocols.scan import deadline_scan; started = time.perf_counter(); "
    "result = deadline_scan(); "
    "print(f'   first full deadline_scan: {result} in {time.perf_counter() - started:.1f} s', file=sys.stderr)"
)


def prepare(engine: str, args) -> None:
    """Seed the engine's database once, then make the steady-state copy and scan it to the end."""
    env = engine_env(engine, "first", args)
    data_dir = Path(env["ZAEDNO_DATA_DIR"])
    marker = data_dir / f"seeded-{args.children}"
    if args.reseed or not marker.exists():
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        if engine == "postgresql":
            subprocess.run([*psql(args), "-c", f"DROP DATABASE IF EXISTS {args.pg_db}", "-c", f"CREATE DATABASE {args.pg_db}"], check=True)  # fmt: skip  # noqa: S603
        print(f"== {engine}: seeding {args.children:,} children", file=sys.stderr, flush=True)
        zaedno(env, "migrate", "-v", "0")
        zaedno(env, "seed", "--children", str(args.children), "--no-progress")
        marker.write_text(dt.datetime.now(dt.UTC).isoformat())
    if engine == "postgresql":
        # What autovacuum does soon after a load; the server may run with autovacuum off.
        subprocess.run([*psql(args, args.pg_db), "-c", "VACUUM ANALYZE"], check=True)  # noqa: S603
    steady = engine_env(engine, "steady", args)
    steady_dir = Path(steady["ZAEDNO_DATA_DIR"])
    steady_marker = steady_dir / f"scanned-{args.children}"
    if steady_marker.exists() and not args.reseed and steady_marker.stat().st_mtime >= marker.stat().st_mtime:
        return
    print(f"== {engine}: steady-state copy (deadline_scan to the end)", file=sys.stderr, flush=True)
    shutil.rmtree(steady_dir, ignore_errors=True)
    steady_dir.mkdir(parents=True)
    if (data_dir / "secret_key").exists():
        shutil.copy(data_dir / "secret_key", steady_dir)
    if engine == "postgresql":
        copy = f"{args.pg_db}_scanned"
        subprocess.run([*psql(args), "-c", f"DROP DATABASE IF EXISTS {copy}", "-c", f"CREATE DATABASE {copy} TEMPLATE {args.pg_db}"], check=True)  # fmt: skip  # noqa: S603
    else:  # a consistent copy through SQLite's backup API
        with (
            sqlite3.connect(data_dir / "zaedno.sqlite3") as source,
            sqlite3.connect(steady_dir / "zaedno.sqlite3") as target,
        ):
            source.backup(target)
    zaedno(steady, "shell", "-c", SCAN_ALL)
    if engine == "postgresql":
        subprocess.run([*psql(args, f"{args.pg_db}_scanned"), "-c", "VACUUM ANALYZE"], check=True)  # noqa: S603
    steady_marker.write_text(dt.datetime.now(dt.UTC).isoformat())


def run_worker(engine: str, state: str, args, run: int) -> dict:
    env = engine_env(engine, state, args)
    cmd = [sys.executable, __file__, "--worker", "--repeat", str(args.repeat), "--warmup", str(args.warmup)]
    print(f"== {engine} {state}: run {run + 1}/{args.runs}", file=sys.stderr, flush=True)
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, stdout=subprocess.PIPE).stdout  # noqa: S603
    return json.loads(out.split("@@", 1)[1])


def aggregate(runs: list[dict]) -> dict:
    """Median over the runs of each figure; the plans and counts of the first run."""
    out = {"context": runs[0]["context"], "phases": {}}
    for phase, figures in runs[0]["phases"].items():
        agg = {}
        for key, value in figures.items():
            if isinstance(value, int | float) and not isinstance(value, bool):
                agg[key] = statistics.median(r["phases"][phase][key] for r in runs)
            else:
                agg[key] = value
        agg["batch_ratio"] = agg["orm_batch_ms"] / agg["raw_batch_ms"] if agg["raw_batch_ms"] else 0.0
        agg["count_ratio"] = agg["orm_count_ms"] / agg["raw_count_ms"] if agg["raw_count_ms"] else 0.0
        out["phases"][phase] = agg
    out["runs"] = [{p: f["orm_batch_ms"] for p, f in r["phases"].items()} for r in runs]
    return out


def report(facts: dict, results: dict, args) -> str:
    lines = [
        f"Machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']} RAM; Python "
        f"{facts['python']}, Django {facts['django']}, SQLite {facts['sqlite']}, "
        f"{facts['postgresql_client']}; {facts['date']}",
        f"{args.children:,} children; {args.runs} run(s) per engine and state, each {args.warmup} warm-up + "
        f"{args.repeat} timed repetitions per figure; medians of the runs.",
        "",
        "| engine | state | phase | pending | batch ORM ms | lower ms | ratio | count ORM ms | lower ms | ratio "
        "| one batch ms (notifications) |",
        "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for (engine, state), agg in results.items():
        ctx = agg["context"]
        for phase, r in agg["phases"].items():
            lines.append(
                f"| {engine} | {state} | {phase} | {r['pending']:,} | {r['orm_batch_ms']:.2f} | "
                f"{r['raw_batch_ms']:.2f} | {r['batch_ratio']:.1f}× | {r['orm_count_ms']:.2f} | "
                f"{r['raw_count_ms']:.2f} | {r['count_ratio']:.1f}× | {r['full_batch_ms']:.0f} "
                f"({r['notifications']:,}) |"
            )
        lines.append(
            f"|  | {state} | (rows: {ctx['steps']:,} steps, {ctx['open']:,} open; now {ctx['now']}) "
            "| | | | | | | | |"
        )
    for (engine, state), agg in results.items():
        lines += ["", f"### Plans: {engine}, {state}", ""]
        for phase, r in agg["phases"].items():
            lines += [f"{phase} — batch (ORM):", "```", r["plan_batch"].strip(), "```"]
            lines += [f"{phase} — count (ORM):", "```", r["plan_count"].strip(), "```"]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--states", default=",".join(STATES))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--pg-db", default="zaedno_scan_bench")
    parser.add_argument(
        "--workdir",
        default=str(Path(tempfile.gettempdir()) / "zaedno-scan-bench"),
        help="where the seeded databases' data directories are kept",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if already seeded")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    facts = machine()
    results: dict = {}
    for engine in (e.strip() for e in args.engines.split(",")):
        prepare(engine, args)
        for state in (s.strip() for s in args.states.split(",")):
            results[(engine, state)] = aggregate(
                [run_worker(engine, state, args, i) for i in range(args.runs)]
            )
    print(report(facts, results, args))
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {
                    "machine": facts,
                    "children": args.children,
                    "results": {f"{e} {s}": r for (e, s), r in results.items()},
                },
                indent=2,
            )
        )


# --- the worker: one process, Django loaded, one database ------------------------------------

# The scan's selection written by hand: the fastest of these forms is the lower bound.
RAW_BATCH = [
    "SELECT id FROM protocols_casestep WHERE status = 'open' AND {at} <= %s AND {sent} IS NULL "
    "ORDER BY {at}, id LIMIT {batch}{lock}",
    "SELECT id FROM protocols_casestep WHERE status = %s AND {at} <= %s AND {sent} IS NULL "
    "ORDER BY {at}, id LIMIT {batch}{lock}",
]
RAW_COUNT = [
    "SELECT COUNT(*) FROM protocols_casestep WHERE status = 'open' AND {at} <= %s AND {sent} IS NULL",
    "SELECT COUNT(*) FROM protocols_casestep WHERE status = %s AND {at} <= %s AND {sent} IS NULL",
]


def timed(fn, warmup: int, repeat: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaedno.settings")
    import django

    django.setup()

    from django.db import connection, transaction
    from django.utils import timezone

    from zaedno.protocols.models import CaseStep, StepStatus
    from zaedno.protocols.scan import PHASES, _phase_batch, pending_steps

    now = timezone.now()
    skip_locked = connection.features.has_select_for_update_skip_locked
    lock = " FOR UPDATE SKIP LOCKED" if skip_locked else ""
    db_now = connection.ops.adapt_datetimefield_value(now)
    context = {
        "engine": connection.vendor,
        "now": now.isoformat(timespec="seconds"),
        "steps": CaseStep.objects.count(),
        "open": CaseStep.objects.filter(status=StepStatus.OPEN).count(),
    }

    def orm_batch_qs(phase):
        qs = pending_steps(phase, now).order_by(phase.at, "pk")
        if skip_locked:
            qs = qs.select_for_update(skip_locked=True, of=("self",))
        return qs.values_list("pk", flat=True)[:BATCH]

    def explain(sql: str, params) -> str:
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql, params)
                return "\n".join(row[0] for row in cursor.fetchall())
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(row[-1] for row in cursor.fetchall())

    phases: dict = {}
    for phase in PHASES:
        print(f"   {connection.vendor} {phase.name}", file=sys.stderr, flush=True)

        def orm_batch(phase=phase):
            with transaction.atomic():
                return list(orm_batch_qs(phase))

        def orm_count(phase=phase):
            return pending_steps(phase, now).count()

        def raw(sql: str, params, *, many: bool):
            def run_sql():
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.execute(sql, params)
                    return cursor.fetchall() if many else cursor.fetchone()

            return run_sql

        def one_batch(phase=phase):
            with transaction.atomic():
                handled, sent = _phase_batch(phase, now, BATCH)
                transaction.set_rollback(True)
            return handled, sent

        fmt = {"at": phase.at, "sent": phase.sent, "batch": BATCH, "lock": lock}
        raw_batches = [
            raw(sql.format(**fmt), [db_now] if "'open'" in sql else ["open", db_now], many=True)
            for sql in RAW_BATCH
        ]
        raw_counts = [
            raw(sql.format(**fmt), [db_now] if "'open'" in sql else ["open", db_now], many=False)
            for sql in RAW_COUNT
        ]
        # The same rows, or it is not the same scan.
        ids = orm_batch()
        assert all([row[0] for row in fn()] == ids for fn in raw_batches), phase.name
        pending = orm_count()
        assert all(fn()[0] == pending for fn in raw_counts), phase.name
        handled, notifications = one_batch()
        figures = {
            "pending": pending,
            "batch_rows": len(ids),
            "orm_batch_ms": statistics.median(timed(orm_batch, args.warmup, args.repeat)),
            "raw_batch_ms": min(statistics.median(timed(fn, args.warmup, args.repeat)) for fn in raw_batches),
            "orm_count_ms": statistics.median(timed(orm_count, args.warmup, args.repeat)),
            "raw_count_ms": min(statistics.median(timed(fn, args.warmup, args.repeat)) for fn in raw_counts),
            # Writing is slower and the batch is rolled back each time: fewer repetitions.
            "full_batch_ms": statistics.median(timed(one_batch, 1, max(3, args.repeat // 3))),
            "handled": handled,
            "notifications": notifications,
        }
        with transaction.atomic():  # SELECT … FOR UPDATE compiles only in a transaction
            batch_sql, batch_params = orm_batch_qs(phase).query.sql_with_params()
        count_sql, count_params = pending_steps(phase, now).order_by().values("pk").query.sql_with_params()
        figures["plan_batch"] = explain(batch_sql, batch_params)
        figures["plan_count"] = explain(f"SELECT COUNT(*) FROM ({count_sql}) q", count_params)  # noqa: S608
        phases[phase.name] = figures
    print("@@" + json.dumps({"context": context, "phases": phases}))


if __name__ == "__main__":
    main()
