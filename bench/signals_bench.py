#!/usr/bin/env python3
"""Benchmark the front door (issue 11) on 100,000 seeded children, SQLite and PostgreSQL.

For each engine (a SQLite data directory and a PostgreSQL database, seeded once with
``zaedno seed --children N`` and kept in --workdir between runs; ``migrate`` runs first so a
database seeded earlier gets the newest migrations), each run starts a fresh process that loads
Django with production-like settings and times, for --samples repetitions:

    queue       the intake queue of the busiest department: ``signals.queries.queue`` (the
                signals waiting, newest urgent first, with their routes), as the page uses it
    queue page  ``GET /signals/incoming/`` through Django's test client, signed in as a worker
                of that department (the whole page: session, queue, decided list, duty panel,
                the audited read) — and its number of queries, which must be the same for a
                department with a handful of signals waiting as for the busiest one (asserted)
    routing     ``signals.services.signal_record``: a school psychologist's signal validated,
                numbered, its terms computed from the protocols, routed by coverage to the ОЗД
                and the police, everyone routed to notified, audited — in a transaction rolled
                back afterwards

each against a hand-written SQL lower bound in the same process:

    queue       one ``SELECT`` of the same columns and rows (the department's open signals,
                ordered, ``LIMIT 500``) through the raw cursor
    routing     the two ``INSERT``s any recording needs (the signal and one route) through the
                raw cursor, rolled back likewise

It reports medians and 95th percentiles, the ratios to the lower bounds and the query counts.

    .venv/bin/python bench/signals_bench.py                      # both engines, 3 runs each
    .venv/bin/python bench/signals_bench.py --engines sqlite --runs 1 --samples 50

The first use of an engine seeds it (several minutes per 100,000 children); --reseed starts
over. PostgreSQL: the server at --pg must accept the ``postgres`` role without a password; the
database ``zaedno_signals_bench`` is created (and kept).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
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
BENCH_DB = "zaedno_signals_bench"
SECRET = "bench-only-not-a-secret-" + "x" * 40


def engine_env(engine: str, workdir: Path, pg: str) -> dict:
    env = dict(os.environ, ZAEDNO_SECRET_KEY=SECRET, ZAEDNO_LOG_LEVEL="ERROR", ZAEDNO_HTTPS="false")
    for name in ("DATABASE_URL", "ZAEDNO_DEMO", "ZAEDNO_DEBUG", "ZAEDNO_TESTING"):
        env.pop(name, None)
    env["ZAEDNO_DATA_DIR"] = str(workdir / engine)
    env["ZAEDNO_ALLOWED_HOSTS"] = "testserver"
    if engine == "postgresql":
        env["DATABASE_URL"] = f"{pg.rstrip('/')}/{BENCH_DB}"
    return env


def _psql(pg: str, db: str = "postgres") -> list[str]:
    url = urlparse(pg)
    return ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-q", "-d", db]  # fmt: skip


def prepare(engine: str, children: int, workdir: Path, pg: str, reseed: bool) -> None:
    env = engine_env(engine, workdir, pg)
    data_dir = Path(env["ZAEDNO_DATA_DIR"])
    marker = data_dir / f"seeded-{children}"
    if not marker.exists() or reseed:
        shutil.rmtree(data_dir, ignore_errors=True)
        data_dir.mkdir(parents=True)
        if engine == "postgresql":
            subprocess.run([*_psql(pg), "-c", f"DROP DATABASE IF EXISTS {BENCH_DB}", "-c", f"CREATE DATABASE {BENCH_DB}"], check=True)  # fmt: skip  # noqa: S603
        for cmd in (["migrate", "-v", "0"], ["seed", "--children", str(children), "--no-progress"]):
            print(f"== {engine}: zaedno {' '.join(cmd)}", file=sys.stderr, flush=True)
            subprocess.run([ZAEDNO, *cmd], env=env, cwd=ROOT, check=True)  # noqa: S603
        marker.write_text(dt.datetime.now(dt.UTC).isoformat())
    subprocess.run([ZAEDNO, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    # The page is served with the production static files storage (a manifest).
    subprocess.run([ZAEDNO, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    if engine == "postgresql":
        subprocess.run([*_psql(pg, BENCH_DB), "-c", "VACUUM ANALYZE"], check=True)  # noqa: S603


def run_worker(engine: str, args, run: int) -> dict:
    env = engine_env(engine, Path(args.workdir), args.pg)
    cmd = [
        sys.executable,
        __file__,
        "--worker",
        engine,
        "--samples",
        str(args.samples),
        "--workdir",
        args.workdir,
    ]
    print(f"== {engine}: run {run + 1}/{args.runs}", file=sys.stderr, flush=True)
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, stdout=subprocess.PIPE).stdout  # noqa: S603
    return json.loads(out.split("@@", 1)[1])


def aggregate(runs: list[dict]) -> dict:
    out = {"context": runs[0]["context"], "results": {}}
    for what in runs[0]["results"]:
        rows = [r["results"][what] for r in runs]
        out["results"][what] = {k: statistics.median(row[k] for row in rows) for k in rows[0]}
    return out


def report(facts: dict, children: int, engines: dict[str, dict], args) -> str:
    lines = [
        f"Machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']} RAM; Python "
        f"{facts['python']}, Django {facts['django']}, SQLite {facts['sqlite']}, "
        f"{facts['postgresql_client']}; {facts['date']}",
        f"{children:,} seeded children; {args.runs} run(s) per engine, each a fresh process timing "
        f"{args.samples} repetitions (after warm-up); medians of the runs.",
    ]
    for engine, agg in engines.items():
        ctx, r = agg["context"], agg["results"]
        lines += [
            "",
            f"### {engine}",
            "",
            f"{ctx['signals']:,} signals in the database, {ctx['waiting']:,} waiting in the busiest department "
            f"({ctx['department']}); page queries: {ctx['queries_busy']} for it and {ctx['queries_small']} for a "
            f"department with {ctx['waiting_small']} waiting (asserted equal).",
            "",
            "| what | median ms | p95 ms | SQL lower bound median ms | ratio |",
            "| --- | ---: | ---: | ---: | ---: |",
            f"| intake queue (`queries.queue`, {ctx['rows']} rows with routes) | {r['queue']['median']:.2f} | {r['queue']['p95']:.2f} | "
            f"{r['queue_sql']['median']:.2f} | {r['queue']['median'] / r['queue_sql']['median']:.1f}× |",
            f"| intake queue page (`GET /signals/incoming/`) | {r['page']['median']:.2f} | {r['page']['p95']:.2f} | "
            f"{r['queue_sql']['median']:.2f} | {r['page']['median'] / r['queue_sql']['median']:.1f}× |",
            f"| routing (`signal_record`: terms, coverage, ОЗД + police, notices, audit) | {r['routing']['median']:.2f} | "
            f"{r['routing']['p95']:.2f} | {r['routing_sql']['median']:.2f} | "
            f"{r['routing']['median'] / r['routing_sql']['median']:.1f}× |",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=100)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "zaedno-signals-bench"))
    parser.add_argument("--reseed", action="store_true")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    engines: dict[str, dict] = {}
    for engine in args.engines.split(","):
        prepare(engine, args.children, workdir, args.pg, args.reseed)
        engines[engine] = aggregate([run_worker(engine, args, i) for i in range(args.runs)])
    facts = machine()
    text = report(facts, args.children, engines, args)
    print(text)
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": facts, "engines": engines}, indent=2, default=str))


# --- the worker: one fresh process, one engine ----------------------------------------------


def _stats(values: list[float]) -> dict:
    values = sorted(values)
    return {
        "median": statistics.median(values),
        "p95": values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))],
    }


class _Rollback(Exception):
    pass


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaedno.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zaedno.accounts.models import Membership, Role
    from zaedno.audit.services import AuditContext
    from zaedno.organisations.models import OrganisationKind
    from zaedno.places.models import Settlement
    from zaedno.signals import queries
    from zaedno.signals.models import Signal
    from zaedno.signals.queries import OPEN_STATES
    from zaedno.signals.services import SignalInput, signal_record

    waiting = (
        Signal.objects.filter(status__in=OPEN_STATES, recipient__kind=OrganisationKind.OZD)
        .values("recipient_id")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    busy = list(waiting)[0]
    reader = (
        Membership.objects.filter(
            organisation_id=busy["recipient_id"], role=Role.PRACTITIONER, is_active=True
        )
        .select_related("user", "organisation")
        .first()
    )
    school = (
        Membership.objects.filter(organisation__kind=OrganisationKind.SCHOOL, is_active=True)
        .select_related("user", "organisation")
        .first()
    )
    settlement = (
        Settlement.objects.filter(municipality=reader.organisation.municipality).order_by("ekatte").first()
    )

    def page_for(user) -> tuple[float, int]:
        client = Client()
        client.force_login(user)
        client.get("/signals/incoming/")  # warm: session, language
        with CaptureQueriesContext(connection) as q:
            started = time.perf_counter()
            response = client.get("/signals/incoming/")
            took = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, response.status_code
        return took, len(q.captured_queries)

    _t, queries_busy = page_for(reader.user)
    # A small department (three signals waiting), made for the comparison and rolled back.
    from zaedno.accounts.services import user_create
    from zaedno.organisations.services import organisation_create
    from zaedno.places.models import Municipality

    small = {"n": 3}
    try:
        with transaction.atomic():
            other = (
                Municipality.objects.exclude(pk=reader.organisation.municipality_id).order_by("pk").first()
            )
            dept = organisation_create(name="ОЗД за сравнение", kind=OrganisationKind.OZD, municipality=other)
            person = user_create(username="bench-small-ozd", first_name="Б", last_name="Б", organisation=dept)
            made = [
                signal_record(
                    ctx=AuditContext(actor=person, channel="web"),
                    data=SignalInput(category="neglect", description="x", child_first_name="Иван"),
                    recipient=dept,
                )
                for _ in range(small["n"] + 1)
            ]
            # One decided, as in any department: both lists have rows (an empty one skips its routes).
            Signal.objects.filter(pk=made[-1].pk).update(
                status="decided", decision="no_case", decision_reason="x", decided_at=timezone.now()
            )
            _t, queries_small = page_for(person)
            raise _Rollback
    except _Rollback:
        pass
    assert queries_busy == queries_small, (queries_busy, queries_small)  # a constant number of queries

    sql_queue = (
        "SELECT id, number, kind, category, status, received_at, urgency, immediate_danger, child_first_name,"
        " child_last_name, assigned_to_id, assign_due_at, check_due_at, informed_at FROM signals_signal"
        " WHERE recipient_id = %s AND status IN ('received', 'checking', 'unrouted')"
        " ORDER BY immediate_danger DESC, received_at DESC, id DESC LIMIT 500"
    )

    def queue_sql():
        with connection.cursor() as cur:
            cur.execute(sql_queue, [busy["recipient_id"]])
            return cur.fetchall()

    def queue_orm():
        return queries.queue(reader.user, departments=[busy["recipient_id"]])

    ctx = AuditContext(actor=school.user, channel="web", ip="127.0.0.1", user_agent="bench")

    def routing():
        try:
            with transaction.atomic():
                signal_record(
                    ctx=ctx,
                    data=SignalInput(
                        category="violence", description="Сигнал за бенчмарка.", child_first_name="Иван",
                        child_last_name="Колев", child_age=12, child_settlement=settlement,
                        reporter_organisation=school.organisation,
                    ),
                )  # fmt: skip
                raise _Rollback
        except _Rollback:
            pass

    now = timezone.now()

    def routing_sql():
        try:
            with transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    "INSERT INTO signals_signal (number, kind, category, description, occurred, urgency,"
                    " immediate_danger, child_first_name, child_middle_name, child_last_name, child_sex, child_egn,"
                    " child_address, child_school, reporter_kind, reporter_name, reporter_contact, source_sector,"
                    " recorded_by_id, received_at, recorded_at, recipient_id, status, terms, learned_how, decision,"
                    " decision_reason, check_actions, check_findings, reporter_note, version)"
                    " VALUES (%s, 'report', 'violence', 'x', '', 'routine', %s, 'Иван', '', 'Колев', '', '', '', '',"
                    " 'professional', '', '', 'education', %s, %s, %s, %s, 'received', '[]', '', '', '', '', '', '', 1)",
                    ["S-BENCH-0", False, school.user_id, now, now, busy["recipient_id"]],
                )
                cur.execute("SELECT MAX(id) FROM signals_signal")
                (signal_id,) = cur.fetchone()
                cur.execute(
                    "INSERT INTO signals_signalroute (signal_id, institution, organisation_id, status, at,"
                    " notified_people, emailed_office, note) VALUES (%s, 'ozd', %s, 'notified', %s, 0, %s, '')",
                    [signal_id, busy["recipient_id"], now, False],
                )
                raise _Rollback
        except _Rollback:
            pass

    client = Client()
    client.force_login(reader.user)
    for _ in range(5):  # warm-up
        queue_orm(), queue_sql(), routing(), routing_sql(), client.get("/signals/incoming/")
    times: dict[str, list[float]] = {k: [] for k in ("queue", "queue_sql", "page", "routing", "routing_sql")}
    for _ in range(args.samples):
        for name, fn in (
            ("queue", queue_orm), ("queue_sql", queue_sql), ("routing", routing), ("routing_sql", routing_sql),
            ("page", lambda: client.get("/signals/incoming/")),
        ):  # fmt: skip
            started = time.perf_counter()
            fn()
            times[name].append((time.perf_counter() - started) * 1000)
    context = {
        "signals": Signal.objects.count(), "waiting": busy["n"], "waiting_small": small["n"],
        "department": str(reader.organisation), "queries_busy": queries_busy, "queries_small": queries_small,
        "rows": len(queue_orm()),
    }  # fmt: skip
    print("@@" + json.dumps({"context": context, "results": {k: _stats(v) for k, v in times.items()}}))


if __name__ == "__main__":
    main()
