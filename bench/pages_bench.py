#!/usr/bin/env python3
"""Benchmark the case list, search, case page and the cases API on a seeded database.

For each engine (a SQLite data directory and a PostgreSQL database, seeded once with
``zaedno seed --children N`` and kept between runs in --workdir), each run starts a fresh
process that loads Django with production-like settings (``ZAEDNO_SECRET_KEY`` set, HTTPS on,
static files collected) and measures, for two realistic readers,

* the seeded professional who leads the most cases (a social worker at the ОЗД), and
* a manager of that ОЗД (created once as ``bench.manager``), who sees all its cases,

these requests through ``django.test.Client`` in-process (session via ``force_login`` for the
pages, a Bearer token from ``token_create`` for the API):

    GET /cases/                    my cases, first page
    GET /cases/?q=<surname>        the most common children's surname, in Cyrillic
    GET /cases/?q=<Latin surname>  the same in Latin letters
    GET /cases/<id>/               the case page (the lead's case with the longest timeline)
    GET /api/v1/cases/             first page of the API list
    GET /api/v1/cases/<id>/        the case in the API

Each is repeated --repeat times after --warmup requests; the script reports the median and
95th percentile wall time, the SQL queries of one request (``CaptureQueriesContext``) and the
time spent executing them (SQLite reads rows as they are fetched, so it shows less there), and,
in the same process, a lower bound: hand-written SQL fetching the same rows through
``connection.cursor()``, timed the same way —

* lists: the count and the page of visible cases (the visibility rule written out both as one
  OR and as an indexed UNION, the page's 25 or 50 ids first, then child, lead, organisation,
  municipality and the team size of those rows only; for a search a join and a subquery on
  the child; the fastest of these forms counts);
* the case page: case row + team + signals + notes + timeline (+ the viewers for the lead
  and managers); the API case: case row + active team + signals + notes.

The ratio endpoint / lower bound is what the ORM, access checks, audit write, serialising and
rendering cost on top of fetching the data.

    .venv/bin/python bench/pages_bench.py                       # both engines, 3 runs each
    .venv/bin/python bench/pages_bench.py --engines sqlite --runs 1 --repeat 10
    .venv/bin/python bench/pages_bench.py --profile             # + cProfile of each request

The first use of an engine seeds it (about 2 minutes per 100,000 children); --reseed starts
over. PostgreSQL: the server at --pg must accept the ``postgres`` role without a password; the
database ``zaedno_pages_bench`` is created (and kept).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import os
import pstats
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
BENCH_DB = "zaedno_pages_bench"
MANAGER_USERNAME = "bench.manager"
SECRET = "bench-only-not-a-secret-" + "x" * 40
WEB_PAGE = 25  # zaedno.cases.views.PAGE_SIZE
API_PAGE = 50  # REST_FRAMEWORK["PAGE_SIZE"]
ENDPOINTS = ["list", "search_cyr", "search_lat", "case", "api_list", "api_case"]


# --- the parent: prepare databases, start one process per run, aggregate --------------------


def engine_env(engine: str, workdir: Path, pg: str) -> dict:
    env = dict(os.environ, ZAEDNO_SECRET_KEY=SECRET, ZAEDNO_LOG_LEVEL="ERROR")
    for name in ("DATABASE_URL", "ZAEDNO_DEMO", "ZAEDNO_DEBUG", "ZAEDNO_TESTING", "ZAEDNO_HTTPS"):
        env.pop(name, None)
    env["ZAEDNO_DATA_DIR"] = str(workdir / engine)
    if engine == "postgresql":
        env["DATABASE_URL"] = f"{pg.rstrip('/')}/{BENCH_DB}"
    return env


def prepare(engine: str, children: int, workdir: Path, pg: str, reseed: bool) -> None:
    """Seed the engine's database unless it already holds ``children`` seeded children."""
    env = engine_env(engine, workdir, pg)
    data_dir = Path(env["ZAEDNO_DATA_DIR"])
    marker = data_dir / f"seeded-{children}"
    if marker.exists() and not reseed:
        return
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    if engine == "postgresql":
        url = urlparse(pg)
        psql = ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-q", "-d", "postgres"]  # fmt: skip
        subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {BENCH_DB}", "-c", f"CREATE DATABASE {BENCH_DB}"], check=True)  # fmt: skip  # noqa: S603
    for cmd in (["migrate", "-v", "0"], ["seed", "--children", str(children), "--no-progress"]):
        print(f"== {engine}: zaedno {' '.join(cmd)}", file=sys.stderr, flush=True)
        subprocess.run([ZAEDNO, *cmd], env=env, cwd=ROOT, check=True)  # noqa: S603
    if engine == "postgresql":
        # What autovacuum does soon after a load (planner statistics, visibility map); the
        # server may run with autovacuum off, and then the first plans are guesses.
        subprocess.run([*psql[:-1], BENCH_DB, "-c", "VACUUM ANALYZE"], check=True)  # noqa: S603
    marker.write_text(dt.datetime.now(dt.UTC).isoformat())


def collectstatic(env: dict) -> None:
    """Production settings serve collected static files (manifest storage)."""
    if not (Path(env["ZAEDNO_DATA_DIR"]) / "static" / "staticfiles.json").exists():
        subprocess.run([ZAEDNO, "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603


def run_worker(engine: str, args, run: int) -> dict:
    env = engine_env(engine, Path(args.workdir), args.pg)
    cmd = [sys.executable, __file__, "--worker", engine, "--repeat", str(args.repeat)]
    cmd += ["--warmup", str(args.warmup), "--workdir", args.workdir]
    if args.profile and run == 0:
        cmd.append("--profile")
    print(f"== {engine}: run {run + 1}/{args.runs}", file=sys.stderr, flush=True)
    out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, stdout=subprocess.PIPE).stdout  # noqa: S603
    return json.loads(out.split("@@", 1)[1])


def aggregate(runs: list[dict]) -> dict:
    """Median over the runs of each figure (per user and endpoint)."""
    out = {"context": runs[0]["context"], "results": {}}
    for user, endpoints in runs[0]["results"].items():
        out["results"][user] = {}
        for name in endpoints:
            rows = [r["results"][user][name] for r in runs]
            agg = {k: statistics.median(row[k] for row in rows) for k in rows[0] if k != "slowest_sql"}
            agg["queries"] = max(row["queries"] for row in rows)
            agg["ratio"] = agg["median_ms"] / agg["lb_median_ms"] if agg["lb_median_ms"] else 0.0
            agg["slowest_sql"] = rows[0]["slowest_sql"]
            out["results"][user][name] = agg
    return out


def label(name: str, ctx: dict, user: str) -> str:
    case = ctx["users"][user]["case_id"]
    return {
        "list": "`GET /cases/` (first page)",
        "search_cyr": f"`GET /cases/?q={ctx['surname']}`",
        "search_lat": f"`GET /cases/?q={ctx['surname_latin']}`",
        "case": f"`GET /cases/{case}/`",
        "api_list": "`GET /api/v1/cases/`",
        "api_case": f"`GET /api/v1/cases/{case}/`",
    }[name]


def report(facts: dict, children: int, engines: dict[str, dict], args) -> str:
    lines = [
        f"Machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']} RAM; Python "
        f"{facts['python']}, Django {facts['django']}, SQLite {facts['sqlite']}, "
        f"{facts['postgresql_client']}; {facts['date']}",
        f"{children:,} children; {args.runs} run(s) per engine, each {args.warmup} warm-up + "
        f"{args.repeat} timed requests per row; medians of the runs.",
    ]
    for engine, agg in engines.items():
        ctx = agg["context"]
        lines += ["", f"### {engine}", ""]
        for user, who in ctx["users"].items():
            lines.append(
                f"- {user}: `{who['username']}`, sees {who['visible']:,} cases; "
                f"searches find {who['hits_cyr']:,} / {who['hits_lat']:,}; "
                f"case {who['case_id']} via {who['via']}"
            )
        lines += [
            "",
            "| reader | request | median ms | p95 ms | queries | SQL ms | lower bound ms | ratio |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
        ]
        for user, endpoints in agg["results"].items():
            for name, r in endpoints.items():
                lines.append(
                    f"| {user} | {label(name, ctx, user)} | {r['median_ms']:.1f} | {r['p95_ms']:.1f} | "
                    f"{r['queries']:.0f} | {r['sql_ms']:.1f} | {r['lb_median_ms']:.1f} | {r['ratio']:.1f}× |"
                )
        slow = [
            (r["median_ms"], user, name, r["slowest_sql"])
            for user, endpoints in agg["results"].items()
            for name, r in endpoints.items()
        ]
        ms, user, name, sql = max(slow)
        lines.append(f"\nslowest: {user} {name} {ms:.0f} ms; its slowest queries:")
        for q in sql:
            lines.append(f"  {q['ms']:.1f} ms  {q['sql']}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--workdir",
        default=str(Path(tempfile.gettempdir()) / "zaedno-pages-bench"),
        help="where the seeded databases' data directories are kept",
    )
    parser.add_argument("--reseed", action="store_true", help="seed again even if already seeded")
    parser.add_argument("--profile", action="store_true", help="cProfile each request (first run)")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args)
        return
    facts = machine()
    engines: dict[str, dict] = {}
    for engine in (e.strip() for e in args.engines.split(",")):
        prepare(engine, args.children, Path(args.workdir), args.pg, args.reseed)
        collectstatic(engine_env(engine, Path(args.workdir), args.pg))
        engines[engine] = aggregate([run_worker(engine, args, i) for i in range(args.runs)])
    print(report(facts, args.children, engines, args))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": facts, "children": args.children, "engines": engines}, indent=2)
        )


# --- the worker: one process, Django loaded, one engine ------------------------------------

VISIBLE = """(
    c.lead_id = %s
    OR c.id IN (SELECT case_id FROM cases_teammember WHERE user_id = %s AND left_at IS NULL)
    OR c.lead_organisation_id IN (
        SELECT organisation_id FROM accounts_membership
        WHERE user_id = %s AND role = 'manager' AND is_active)
    OR c.id IN (SELECT case_id FROM cases_breakglassaccess WHERE user_id = %s AND expires_at > %s)
)"""

# The same rule as an indexed UNION of the user's own cases, with a manager's organisations as
# a plain condition (the form the access layer uses); the faster of the two forms counts.
VISIBLE_UNION = """(
    {managed}c.id IN (
        SELECT id FROM cases_case WHERE lead_id = %s
        UNION ALL SELECT case_id FROM cases_teammember WHERE user_id = %s AND left_at IS NULL
        UNION ALL SELECT case_id FROM cases_breakglassaccess WHERE user_id = %s AND expires_at > %s)
)"""

LIST_COUNT = """SELECT COUNT(*) FROM cases_case c {join} WHERE {visible} {search}"""

# The 25 (50) newest visible cases first, then their columns and team sizes for those rows only.
LIST_PAGE = """SELECT c.id, c.number, c.status, c.opened_at, c.closed_at,
    ch.id, ch.first_name, ch.middle_name, ch.last_name, ch.birth_date,
    u.id, u.username, u.first_name, u.last_name,
    o.id, o.name, o.short_name, m.code, m.name,
    (SELECT COUNT(*) FROM cases_teammember t WHERE t.case_id = c.id AND t.left_at IS NULL)
FROM (
    SELECT c.id FROM cases_case c {join} WHERE {visible} {search}
    ORDER BY c.opened_at DESC, c.id DESC LIMIT {limit}
) page
JOIN cases_case c ON c.id = page.id
JOIN children_child ch ON ch.id = c.child_id
JOIN accounts_user u ON u.id = c.lead_id
JOIN organisations_organisation o ON o.id = c.lead_organisation_id
JOIN places_municipality m ON m.code = c.municipality_id
ORDER BY c.opened_at DESC, c.id DESC"""

CHILD_IN = " AND c.child_id IN (SELECT id FROM children_child WHERE {likes})"

CASE_ROW = """SELECT c.*, ch.*, s.*, u.*, o.*, m.* FROM cases_case c
JOIN children_child ch ON ch.id = c.child_id
LEFT JOIN places_settlement s ON s.ekatte = ch.settlement_id
JOIN accounts_user u ON u.id = c.lead_id
JOIN organisations_organisation o ON o.id = c.lead_organisation_id
JOIN places_municipality m ON m.code = c.municipality_id
WHERE c.id = %s"""

TEAM = """SELECT t.*, u.*, o.* FROM cases_teammember t
JOIN accounts_user u ON u.id = t.user_id
JOIN organisations_organisation o ON o.id = t.organisation_id
WHERE t.case_id = %s {active}
ORDER BY CASE WHEN t.left_at IS NULL THEN 0 ELSE 1 END, t.left_at, t.joined_at, t.id"""

SIGNALS = """SELECT s.*, o.*, u.* FROM cases_signal s
LEFT JOIN organisations_organisation o ON o.id = s.reporter_organisation_id
JOIN accounts_user u ON u.id = s.received_by_id
WHERE s.case_id = %s"""

NOTES = """SELECT n.*, u.* FROM cases_casenote n JOIN accounts_user u ON u.id = n.author_id
WHERE n.case_id = %s AND n.sensitivity <= %s"""

TIMELINE = """SELECT e.*, u.* FROM cases_timelineentry e LEFT JOIN accounts_user u ON u.id = e.actor_id
WHERE e.case_id = %s AND e.sensitivity <= %s ORDER BY e.at, e.id"""

VIEWERS = """SELECT a.*, u.first_name, u.last_name FROM audit_auditevent a
LEFT JOIN accounts_user u ON u.id = a.actor_id
WHERE a.case_id = %s AND a.kind IN ('read', 'access') ORDER BY a.seq DESC LIMIT 50"""


def pct(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def timed(fn, warmup: int, repeat: int) -> list[float]:
    for _ in range(warmup):
        fn()
    out = []
    for _ in range(repeat):
        started = time.perf_counter()
        fn()
        out.append((time.perf_counter() - started) * 1000)
    return out


def worker(args) -> None:  # noqa: PLR0915 - one straight script
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaedno.settings")
    import django

    django.setup()

    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from zaedno.accounts.models import Membership, Profession, Role, User
    from zaedno.accounts.services import token_create, user_create
    from zaedno.audit.services import AuditContext
    from zaedno.cases.access import access_for
    from zaedno.cases.models import Case, TimelineEntry
    from zaedno.cases.queries import case_list
    from zaedno.children.models import Child
    from zaedno.core.translit import search_key, to_latin

    # Who and what: the busiest lead, a manager of the lead's ОЗД, a common surname, a case.
    lead_id = Case.objects.values("lead_id").annotate(n=Count("id")).order_by("-n", "lead_id")[0]["lead_id"]
    lead = User.objects.get(pk=lead_id)
    ozd = Membership.objects.filter(user=lead, is_active=True).select_related("organisation")[0].organisation
    manager = User.objects.filter(username=MANAGER_USERNAME).first()
    if manager is None:
        manager = user_create(
            username=MANAGER_USERNAME,
            first_name="Надежда",
            last_name="Началникова",
            profession=Profession.SOCIAL_WORKER,
            organisation=ozd,
            role=Role.MANAGER,
        )
    surname = (
        Child.objects.values("last_name").annotate(n=Count("id")).order_by("-n", "last_name")[0]["last_name"]
    )
    surname_latin = to_latin(surname)
    case_id = (
        Case.objects.filter(lead=lead)
        .annotate(entries=Count("timeline"))
        .order_by("-entries", "-opened_at")
        .values_list("id", flat=True)[0]
    )
    case = Case.objects.get(pk=case_id)
    system = AuditContext.system()
    readers = {"case lead": lead, "ОЗД manager": manager}
    context: dict = {
        "surname": surname,
        "surname_latin": surname_latin,
        "engine": connection.vendor,
        "timeline_entries": TimelineEntry.objects.filter(case=case).count(),
        "users": {},
    }
    for name, user in readers.items():
        context["users"][name] = {
            "username": user.username,
            "visible": case_list(user).count(),
            "hits_cyr": case_list(user, query=surname).count(),
            "hits_lat": case_list(user, query=surname_latin).count(),
            "case_id": case_id,
            "via": access_for(user, case).via,
        }

    results: dict = {}
    profiles: list[str] = []
    for name, user in readers.items():
        access = access_for(user, case)
        level = int(access.level)
        now = connection.ops.adapt_datetimefield_value(timezone.now())
        managed = list(
            Membership.objects.filter(user=user, role="manager", is_active=True).values_list(
                "organisation_id", flat=True
            )
        )
        visibles = [
            (VISIBLE, [user.pk, user.pk, user.pk, user.pk, now]),
            (
                VISIBLE_UNION.format(
                    managed=f"c.lead_organisation_id IN ({', '.join(map(str, managed))}) OR "
                    if managed
                    else ""
                ),
                [user.pk, user.pk, user.pk, now],
            ),
        ]
        web = Client()
        web.force_login(user)
        token = token_create(user=user, label="pages_bench", ctx=system)
        api = Client(headers={"authorization": f"Bearer {token}"})

        def get(client, path, **query):
            def fn():
                response = client.get(path, query, secure=True)
                if response.status_code != 200:
                    raise SystemExit(f"{path} {query}: HTTP {response.status_code}")
                return response

            return fn

        def lower_bound(statements):
            def fn():
                with connection.cursor() as cursor:
                    for sql, params in statements:
                        cursor.execute(sql, params)
                        cursor.fetchall()

            return fn

        def list_sql(query: str, limit: int, visibles=visibles):
            sparams = [f"%{word}%" for word in search_key(query).split()]
            likes = ["search_key LIKE %s"] * len(sparams)
            forms = []
            for visible, vparams in visibles:  # every form of the rule and of the search:
                if not sparams:  # the fastest counts as the lower bound
                    forms.append(({"visible": visible, "search": "", "join": ""}, vparams))
                    continue
                forms.append(
                    (
                        {
                            "visible": visible,
                            "search": "".join(f" AND ch.{like}" for like in likes),
                            "join": "JOIN children_child ch ON ch.id = c.child_id",
                        },
                        vparams,
                    )
                )
                forms.append(
                    (
                        {
                            "visible": visible,
                            "search": CHILD_IN.format(likes=" AND ".join(likes)),
                            "join": "",
                        },
                        vparams,
                    )
                )
            return [
                [
                    (LIST_COUNT.format(**f), vparams + sparams),
                    (LIST_PAGE.format(**f, limit=limit), vparams + sparams),
                ]
                for f, vparams in forms
            ]

        case_sql = [
            (CASE_ROW, [case_id]),
            (TEAM.format(active=""), [case_id]),
            (SIGNALS, [case_id]),
            (NOTES, [case_id, level]),
            (TIMELINE, [case_id, level]),
        ]
        if access.can_see_audit:
            case_sql.append((VIEWERS, [case_id]))
        api_case_sql = [
            (CASE_ROW, [case_id]),
            (TEAM.format(active="AND t.left_at IS NULL"), [case_id]),
            (SIGNALS, [case_id]),
            (NOTES, [case_id, level]),
        ]
        plan = {
            "list": (get(web, "/cases/"), list_sql("", WEB_PAGE)),
            "search_cyr": (get(web, "/cases/", q=surname), list_sql(surname, WEB_PAGE)),
            "search_lat": (get(web, "/cases/", q=surname_latin), list_sql(surname_latin, WEB_PAGE)),
            "case": (get(web, f"/cases/{case_id}/"), [case_sql]),
            "api_list": (get(api, "/api/v1/cases/"), list_sql("", API_PAGE)),
            "api_case": (get(api, f"/api/v1/cases/{case_id}/"), [api_case_sql]),
        }
        results[name] = {}
        for key, (endpoint, alternatives) in plan.items():
            print(f"   {connection.vendor} {name} {key}", file=sys.stderr, flush=True)
            times = timed(endpoint, args.warmup, args.repeat)
            sql_seconds: list[float] = []

            def clock(execute, sql, params, many, context, sql_seconds=sql_seconds):
                started = time.perf_counter()
                try:
                    return execute(sql, params, many, context)
                finally:
                    sql_seconds.append(time.perf_counter() - started)

            with CaptureQueriesContext(connection) as captured, connection.execute_wrapper(clock):
                endpoint()
            lb_times = min(
                (timed(lower_bound(st), args.warmup, args.repeat) for st in alternatives),
                key=statistics.median,
            )
            sql = sorted(
                ({"ms": float(q["time"]) * 1000, "sql": q["sql"][:300]} for q in captured.captured_queries),
                key=lambda q: -q["ms"],
            )
            results[name][key] = {
                "median_ms": statistics.median(times),
                "p95_ms": pct(times, 0.95),
                "queries": len(captured.captured_queries),
                "sql_ms": sum(sql_seconds) * 1000,
                "lb_median_ms": statistics.median(lb_times),
                "lb_p95_ms": pct(lb_times, 0.95),
                "slowest_sql": sql[:3],
            }
            if args.profile:
                profiler = cProfile.Profile()
                profiler.enable()
                for _ in range(5):
                    endpoint()
                profiler.disable()
                buf = io.StringIO()
                stats = pstats.Stats(profiler, stream=buf)
                stats.sort_stats("cumulative").print_stats(r"zaedno/|django/(shortcuts|core/paginator)", 30)
                stats.sort_stats("tottime").print_stats(15)
                profiles.append(f"===== {connection.vendor} / {name} / {key} (5 requests)\n{buf.getvalue()}")
    if profiles:
        path = Path(args.workdir) / f"profile-{connection.vendor}.txt"
        path.write_text("\n".join(profiles))
        print(f"   profiles in {path}", file=sys.stderr, flush=True)
    print("@@" + json.dumps({"context": context, "results": results}))


if __name__ == "__main__":
    main()
