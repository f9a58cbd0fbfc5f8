#!/usr/bin/env python3
"""Benchmark the duplicate search (issue 5) on 100,000 seeded children, SQLite and PostgreSQL.

For each engine (a SQLite data directory and a PostgreSQL database, seeded once with
``zaedno seed --children N`` and kept in --workdir between runs; ``migrate`` is run before the
runs so a database seeded earlier gets the newest migrations), each run starts a fresh process
that loads Django with production-like settings and, for --samples seeded children drawn with a
fixed seed, times these queries of the same child:

    exact     the name in Cyrillic as stored, and the birth date
    latin     the name in Latin letters (``Georgi Stefanov``), and the birth date
    typo      one letter of the last name wrong, and the birth date
    swapped   the name, with day and month of the birth date swapped (a weak match)
    egn       the ЕГН alone

three ways, in the same process:

* ``search``: :func:`zaedno.children.duplicates.find_duplicates` and
  :func:`zaedno.children.queries.duplicate_hints` for a seeded practitioner (what is read to
  answer; no writes),
* ``check``: :func:`zaedno.children.services.duplicate_check`, the whole service as the page
  and the API call it (+ the DuplicateCheck row and the audit event, in a transaction),
* the lower bound: an exact-match lookup through the ORM — ``Child.objects.filter(egn=…)`` for
  the ЕГН, ``filter(first_name=…, last_name=…, birth_date=…)`` for the names — the least any
  lookup of that child costs.

It reports per query kind the median and 95th percentile, the ratio to the lower bound, how
many candidate rows were scored, and whether the child was found (and how strongly).

    .venv/bin/python bench/duplicates_bench.py                      # both engines, 3 runs each
    .venv/bin/python bench/duplicates_bench.py --engines sqlite --runs 1 --samples 50

The first use of an engine seeds it (several minutes per 100,000 children); --reseed starts
over. PostgreSQL: the server at --pg must accept the ``postgres`` role without a password; the
database ``zaedno_dup_bench`` is created (and kept).
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
BENCH_DB = "zaedno_dup_bench"
SECRET = "bench-only-not-a-secret-" + "x" * 40
KINDS = ["exact", "latin", "typo", "swapped", "egn"]
WAYS = ["search", "check", "lower_bound"]


# --- the parent: prepare databases, start one process per run, aggregate --------------------


def engine_env(engine: str, workdir: Path, pg: str) -> dict:
    env = dict(os.environ, ZAEDNO_SECRET_KEY=SECRET, ZAEDNO_LOG_LEVEL="ERROR")
    for name in ("DATABASE_URL", "ZAEDNO_DEMO", "ZAEDNO_DEBUG", "ZAEDNO_TESTING", "ZAEDNO_HTTPS"):
        env.pop(name, None)
    env["ZAEDNO_DATA_DIR"] = str(workdir / engine)
    if engine == "postgresql":
        env["DATABASE_URL"] = f"{pg.rstrip('/')}/{BENCH_DB}"
    return env


def _psql(pg: str, db: str = "postgres") -> list[str]:
    url = urlparse(pg)
    return ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-q", "-d", db]  # fmt: skip


def prepare(engine: str, children: int, workdir: Path, pg: str, reseed: bool) -> None:
    """Seed the engine's database unless it already holds ``children`` seeded children; migrate."""
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
    print(f"== {engine}: zaedno migrate", file=sys.stderr, flush=True)
    subprocess.run([ZAEDNO, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)  # noqa: S603
    if engine == "postgresql":
        # What autovacuum does soon after a load (planner statistics).
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
    """Median over the runs of each figure."""
    out = {"context": runs[0]["context"], "results": {}}
    for kind in runs[0]["results"]:
        rows = [r["results"][kind] for r in runs]
        agg = {
            k: statistics.median(row[k] for row in rows)
            for k in rows[0]
            if isinstance(rows[0][k], (int, float))
        }
        agg["strength"] = rows[0]["strength"]
        out["results"][kind] = agg
    return out


LABELS = {
    "exact": "name in Cyrillic as stored + birth date",
    "latin": "name in Latin letters + birth date",
    "typo": "one letter of the last name wrong + birth date",
    "swapped": "name + birth date with day and month swapped",
    "egn": "ЕГН only",
}


def report(facts: dict, children: int, engines: dict[str, dict], args) -> str:
    lines = [
        f"Machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']} RAM; Python "
        f"{facts['python']}, Django {facts['django']}, SQLite {facts['sqlite']}, "
        f"{facts['postgresql_client']}; {facts['date']}",
        f"{children:,} seeded children; {args.runs} run(s) per engine, each a fresh process timing "
        f"{args.samples} seeded children per query kind (after warm-up); medians of the runs.",
    ]
    for engine, agg in engines.items():
        ctx = agg["context"]
        lines += [
            "",
            f"### {engine}",
            "",
            f"{ctx['children']:,} children in the database; the reader is `{ctx['reader']}`.",
            "",
            "| query | search median ms | p95 ms | check (with audit) median ms | exact lookup (lower bound) median ms | search / lower bound | candidates scored | found | other records shown (mean / max) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: |",
        ]
        for kind, r in agg["results"].items():
            lines.append(
                f"| {LABELS[kind]} | {r['search_ms']:.2f} | {r['search_p95_ms']:.2f} | {r['check_ms']:.2f} | "
                f"{r['lower_bound_ms']:.2f} | {r['search_ms'] / r['lower_bound_ms']:.1f}× | "
                f"{r['candidates']:.0f} | {r['found'] * 100:.0f}% ({r['strength']}) | "
                f"{r['others_mean']:.2f} / {r['others_max']:.0f} |"
            )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--samples", type=int, default=100, help="seeded children queried per kind")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--workdir", default=str(Path(tempfile.gettempdir()) / "zaedno-dup-bench"))
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


def _p95(values: list[float]) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def _typo(name: str) -> str:
    """One letter wrong in the middle of the name (a neighbouring letter of the alphabet)."""
    i = len(name) // 2
    ch = name[i]
    return name[:i] + ("а" if ch != "а" else "о") + name[i + 1 :]


def worker(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaedno.settings")
    sys.path.insert(0, str(ROOT))
    import random

    import django

    django.setup()
    from django.db import transaction

    from zaedno.accounts.models import Membership, Role
    from zaedno.audit.services import AuditContext
    from zaedno.children.duplicates import DuplicateQuery, candidates, find_duplicates
    from zaedno.children.models import Child
    from zaedno.children.queries import duplicate_hints
    from zaedno.children.services import duplicate_check
    from zaedno.core.translit import to_latin

    reader = (
        Membership.objects.filter(role=Role.PRACTITIONER, is_active=True, user__is_active=True)
        .select_related("user")
        .order_by("pk")
        .first()
        .user
    )
    ctx = AuditContext(actor=reader, channel="web", ip="127.0.0.1", user_agent="bench")
    total = Child.objects.count()
    ids = list(Child.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
    rng = random.Random(5)
    pool = rng.sample(ids, min(len(ids), args.samples * 6))
    sample = list(Child.objects.filter(pk__in=pool).order_by("pk"))
    with_egn = [c for c in sample if c.egn][: args.samples]
    swappable = [c for c in sample if c.birth_date.day <= 12 and c.birth_date.day != c.birth_date.month][
        : args.samples
    ]
    plain = sample[: args.samples]

    def q_exact(c):
        return DuplicateQuery(first_name=c.first_name, last_name=c.last_name, birth_date=c.birth_date)

    def q_latin(c):
        return DuplicateQuery(
            first_name=to_latin(c.first_name), last_name=to_latin(c.last_name), birth_date=c.birth_date
        )

    def q_typo(c):
        return DuplicateQuery(first_name=c.first_name, last_name=_typo(c.last_name), birth_date=c.birth_date)

    def q_swapped(c):
        b = c.birth_date
        return DuplicateQuery(
            first_name=c.first_name, last_name=c.last_name, birth_date=b.replace(month=b.day, day=b.month)
        )

    def q_egn(c):
        return DuplicateQuery(egn=c.egn)

    plans = {
        "exact": (plain, q_exact),
        "latin": (plain, q_latin),
        "typo": (plain, q_typo),
        "swapped": (swappable, q_swapped),
        "egn": (with_egn, q_egn),
    }

    def lower_bound(c, kind):
        if kind == "egn":
            return list(
                Child.objects.filter(egn=c.egn).values_list("pk", "first_name", "last_name", "birth_date")
            )
        return list(
            Child.objects.filter(
                first_name=c.first_name, last_name=c.last_name, birth_date=c.birth_date
            ).values_list("pk", "first_name", "last_name", "birth_date")
        )

    def search(query):
        return duplicate_hints(reader, find_duplicates(query))

    def check(query):
        with transaction.atomic():
            return duplicate_check(ctx=ctx, query=query)

    # Warm-up: imports, connection, caches of the first queries.
    for c in plain[:10]:
        search(q_exact(c))
        lower_bound(c, "exact")
        check(q_exact(c))

    results = {}
    for kind, (children, make) in plans.items():
        times = {w: [] for w in WAYS}
        found, strength, sizes, others = 0, set(), [], []
        for c in children:
            query = make(c)
            sizes.append(len(candidates(query)[0]))
            for way in WAYS:
                started = time.perf_counter()
                if way == "search":
                    hints = search(query)
                elif way == "check":
                    check(query)
                else:
                    lower_bound(c, kind)
                times[way].append((time.perf_counter() - started) * 1000)
            hit = next((h for h in hints if h.child_id == c.pk), None)
            others.append(sum(1 for h in hints if h.child_id != c.pk))
            if hit:
                found += 1
                strength.add(hit.strength)
        results[kind] = {
            "search_ms": statistics.median(times["search"]),
            "search_p95_ms": _p95(times["search"]),
            "check_ms": statistics.median(times["check"]),
            "lower_bound_ms": statistics.median(times["lower_bound"]),
            "candidates": statistics.median(sizes),
            "found": found / len(children),
            "others_mean": statistics.mean(others),
            "others_max": max(others),
            "samples": len(children),
            "strength": "/".join(sorted(strength)) or "—",
        }
    context = {"children": total, "reader": reader.username}
    print("@@" + json.dumps({"context": context, "results": results}))


if __name__ == "__main__":
    main()
