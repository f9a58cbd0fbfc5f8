#!/usr/bin/env python3
"""Benchmark the case-work pages and documents (issue 4) on the Veliko Tarnovo demo data.

For each engine (a SQLite data directory and a PostgreSQL database, loaded once with
``zaedno demo --no-serve`` and kept in --workdir), each run starts a fresh process (Django loaded,
production-like settings: a secret key, no debug) and measures, as the case lead of the demo case
with the most case-work records (meetings, decisions, tools, plans), through
``django.test.Client`` in-process:

* **the case page** with every app's card (``zaedno.core.panels.CASE_PANELS``) against the same
  page with no cards — the ratio is what meetings, plan, assessment, tools and profile cards
  cost on the page a professional opens most;
* **"my work"** with the decisions, plan-action and check-in sections against the page with
  the protocol steps only;
* **each kind of document** (minutes, assessment, plan, a tool, the family sheet): its PDF
  (WeasyPrint) against its HTML print view — the same template and the same queries, so the
  ratio is the price of laying out and writing the PDF.

Each figure is the median of --repeat timings after --warmup requests, with the SQL queries of
one request; the report gives the median over --runs processes.

    .venv/bin/python bench/casework_bench.py                       # both engines, 3 runs each
    .venv/bin/python bench/casework_bench.py --engines sqlite --runs 1 --repeat 5

PostgreSQL: the server at --pg must accept the ``postgres`` role without a password; the
database ``zaedno_casework_bench`` is created (and kept); --reload starts over.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
BENCH_DB = "zaedno_casework_bench"
SECRET = "casework-bench-secret-key-not-secret-0123456789abcdefghijklmnop"  # noqa: S105


def engine_env(engine: str, workdir: Path, pg: str) -> dict[str, str]:
    env = dict(os.environ, ZAEDNO_SECRET_KEY=SECRET, ZAEDNO_LOG_LEVEL="ERROR", ZAEDNO_DEBUG="false")
    env["ZAEDNO_DATA_DIR"] = str(workdir / engine)
    env.pop("DATABASE_URL", None)
    if engine == "postgres":
        env["DATABASE_URL"] = f"{pg.rstrip('/')}/{BENCH_DB}"
    return env


def prepare(engine: str, args) -> dict[str, str]:
    env = engine_env(engine, args.workdir, args.pg)
    marker = args.workdir / engine / "demo-loaded"
    if args.reload or not marker.exists():
        shutil.rmtree(args.workdir / engine, ignore_errors=True)
        (args.workdir / engine).mkdir(parents=True)
        if engine == "postgres":
            psql = ["psql", args.pg.rstrip("/") + "/postgres", "-q"]
            subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {BENCH_DB}", "-c", f"CREATE DATABASE {BENCH_DB}"], check=True)  # fmt: skip  # noqa: S603
        started = time.perf_counter()
        subprocess.run([str(PYTHON), "manage.py", "demo", "--no-serve", "-v", "0"], env=env, cwd=ROOT, check=True)  # fmt: skip  # noqa: S603
        print(f"[{engine}] demo loaded in {time.perf_counter() - started:.1f} s", flush=True)
        subprocess.run([str(PYTHON), "manage.py", "collectstatic", "--noinput", "-v", "0"], env=env, cwd=ROOT, check=True)  # fmt: skip  # noqa: S603
        marker.write_text("ok")
    return env


# -- the measuring process -------------------------------------------------------------------


def _timed(client, url: str, *, repeat: int, warmup: int) -> dict:
    from django.db import connection

    for _ in range(warmup):
        response = client.get(url, secure=True)
        assert response.status_code == 200, (url, response.status_code)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        client.get(url, secure=True)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url, secure=True)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return {"ms": statistics.median(times), "queries": len(queries), "bytes": len(response.content)}


def measure(repeat: int, warmup: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaedno.settings")
    django.setup()
    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from zaedno.cases.access import access_for
    from zaedno.cases.models import Case
    from zaedno.core import panels
    from zaedno.core.panels import case_documents

    case = (
        Case.objects.annotate(
            n=Count("meetings", distinct=True)
            + Count("decisions", distinct=True)
            + Count("plans", distinct=True)
        )
        .order_by("-n", "pk")
        .select_related("lead")
        .first()
    )
    lead = case.lead
    client = Client(HTTP_HOST="localhost")
    client.force_login(lead)
    out: dict = {"case": case.number, "lead": lead.username}

    def without(name: str, url: str) -> dict:
        saved = getattr(panels, name)
        setattr(panels, name, [])
        panels._load.cache_clear()
        try:
            return _timed(client, url, repeat=repeat, warmup=warmup)
        finally:
            setattr(panels, name, saved)
            panels._load.cache_clear()

    case_url = reverse("cases:detail", args=[case.pk])
    out["case page"] = _timed(client, case_url, repeat=repeat, warmup=warmup)
    out["case page, no cards"] = without("CASE_PANELS", case_url)
    work_url = reverse("protocols:my_work")
    out["my work"] = _timed(client, work_url, repeat=repeat, warmup=warmup)
    out["my work, steps only"] = without("WORK_PANELS", work_url)

    documents = case_documents(access_for(lead, case))
    picked: dict[str, dict] = {}
    for d in documents:
        kind = next(
            (k for k in ("meetings", "assessment", "plan", "tools") if f"/{k}" in (d.get("url") or "")), None
        )
        if kind and kind not in picked and d.get("pdf_url"):
            picked[kind] = d
    sheet = reverse("documents:family_sheet", args=[case.pk])
    picked["family sheet"] = {"url": sheet + "?lang=bg", "pdf_url": reverse("documents:family_sheet_pdf", args=[case.pk]) + "?lang=bg"}  # fmt: skip
    for kind, d in picked.items():
        out[f"{kind}: print view"] = _timed(client, d["url"], repeat=repeat, warmup=warmup)
        out[f"{kind}: PDF"] = _timed(client, d["pdf_url"], repeat=repeat, warmup=warmup)
    return out


# -- the report ------------------------------------------------------------------------------


def report(engine: str, runs: list[dict]) -> None:
    print(f"\n## {engine}: case {runs[0]['case']} (lead {runs[0]['lead']}), median of {len(runs)} run(s)\n")
    print("| request | median ms | queries | size KB |")
    print("| --- | ---: | ---: | ---: |")
    keys = [k for k in runs[0] if isinstance(runs[0][k], dict)]
    for key in keys:
        ms = statistics.median(r[key]["ms"] for r in runs)
        print(f"| {key} | {ms:.1f} | {runs[0][key]['queries']} | {runs[0][key]['bytes'] / 1024:.0f} |")
    print()
    pairs = [("case page", "case page, no cards"), ("my work", "my work, steps only")]
    pairs += [(k, k.replace(": PDF", ": print view")) for k in keys if k.endswith(": PDF")]
    for a, b in pairs:
        ratios = [r[a]["ms"] / r[b]["ms"] for r in runs]
        print(
            f"- {a} / {b}: {statistics.median(ratios):.2f}× (per run: {', '.join(f'{x:.2f}' for x in ratios)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--engines", nargs="+", default=["sqlite", "postgres"], choices=["sqlite", "postgres"]
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--warmup", type=int, default=2)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "zaedno-casework-bench")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--reload", action="store_true", help="load the demo again")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.repeat, args.warmup)))
        return
    sys.path.insert(0, str(ROOT / "bench"))
    from machine import machine

    print("machine: " + json.dumps(machine(), ensure_ascii=False))
    for engine in args.engines:
        env = prepare(engine, args)
        runs = []
        for _ in range(args.runs):
            cmd = [str(PYTHON), __file__, "--child", engine, "--repeat", str(args.repeat), "--warmup", str(args.warmup)]  # fmt: skip
            out = subprocess.run(cmd, env=env, cwd=ROOT, check=True, text=True, stdout=subprocess.PIPE).stdout  # noqa: S603
            runs.append(json.loads(out.strip().splitlines()[-1]))
        report(engine, runs)


if __name__ == "__main__":
    main()
