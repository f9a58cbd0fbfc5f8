#!/usr/bin/env python3
"""Benchmark ``zaedno seed`` on a fresh SQLite data directory and a fresh PostgreSQL database.

For each engine: migrate, seed N children (timed), verify the audit chain (timed), count the
rows per table and measure the database size (SQLite: the file plus its WAL; PostgreSQL:
``pg_database_size``). Prints the machine, then a Markdown table for docs/performance.md.

    .venv/bin/python bench/seed_bench.py --children 100000
    .venv/bin/python bench/seed_bench.py --children 20000 --engines sqlite --json var/bench.json

PostgreSQL: the server at --pg (default postgres://postgres@127.0.0.1:5432) must accept the
``postgres`` role without a password (or set PGPASSWORD); the database ``zaedno_bench`` is
dropped and created, and dropped again at the end unless --keep.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

from machine import machine  # bench/machine.py (the script's folder is on sys.path)

ROOT = Path(__file__).resolve().parent.parent
ZAEDNO = str(Path(sys.executable).parent / "zaedno")
BENCH_DB = "zaedno_bench"

# Run inside ``zaedno shell``: rows per table of our apps and the database size, as JSON.
MEASURE = r"""
import json, os
from django.apps import apps
from django.conf import settings
from django.db import connection
rows = {}
for model in apps.get_models():
    if model.__module__.startswith("zaedno.") or model._meta.label == "django_tasks_db.DBTaskResult":
        n = model.objects.count()
        if n:
            rows[model._meta.db_table] = n
size, tables = 0, {}
if connection.vendor == "sqlite":
    name = str(settings.DATABASES["default"]["NAME"])
    with connection.cursor() as c:
        c.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    parts = {s: os.path.getsize(name + s) for s in ("", "-wal") if os.path.exists(name + s)}
    size = sum(parts.values())
    tables = {"main file": parts.get("", 0), "wal": parts.get("-wal", 0)}
else:
    with connection.cursor() as c:
        c.execute("SELECT pg_database_size(current_database())")
        size = c.fetchone()[0]
        c.execute(
            "SELECT relname, pg_total_relation_size(relid) FROM pg_stat_user_tables "
            "ORDER BY 2 DESC LIMIT 8"
        )
        tables = dict(c.fetchall())
print("@@" + json.dumps({"rows": rows, "size": size, "tables": tables, "vendor": connection.vendor}))
"""


def run(cmd: list[str], env: dict, *, capture: bool = False) -> tuple[float, str]:
    started = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 - our own commands
        cmd, env=env, cwd=ROOT, check=True, text=True, stdout=subprocess.PIPE if capture else None
    )
    return time.perf_counter() - started, proc.stdout or ""


def bench(engine: str, children: int, pg: str, keep: bool, workdir: Path) -> dict:
    env = dict(os.environ, ZAEDNO_SECRET_KEY="bench-only-not-a-secret-" + "x" * 40, ZAEDNO_LOG_LEVEL="ERROR")
    env.pop("DATABASE_URL", None)
    data_dir = Path(tempfile.mkdtemp(prefix=f"zaedno-bench-{engine}-", dir=workdir))
    env["ZAEDNO_DATA_DIR"] = str(data_dir)
    psql = None
    if engine == "postgresql":
        url = urlparse(pg)
        psql = ["psql", "-h", url.hostname or "127.0.0.1", "-p", str(url.port or 5432), "-U", url.username or "postgres", "-q", "-d", "postgres"]  # fmt: skip
        subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {BENCH_DB}", "-c", f"CREATE DATABASE {BENCH_DB}"], check=True)  # fmt: skip  # noqa: S603
        env["DATABASE_URL"] = f"{pg.rstrip('/')}/{BENCH_DB}"
    try:
        print(f"== {engine}: migrate", file=sys.stderr, flush=True)
        t_migrate, _ = run([ZAEDNO, "migrate", "-v", "0"], env)
        print(f"== {engine}: seed --children {children}", file=sys.stderr, flush=True)
        t_seed, _ = run([ZAEDNO, "seed", "--children", str(children)], env)
        print(f"== {engine}: audit verify", file=sys.stderr, flush=True)
        t_verify, _ = run([ZAEDNO, "audit", "verify", "--no-progress"], env)
        _, out = run([ZAEDNO, "shell", "-c", MEASURE], env, capture=True)
        measured = json.loads(out.split("@@", 1)[1])
    finally:
        if not keep:
            shutil.rmtree(data_dir, ignore_errors=True)
            if psql:
                subprocess.run([*psql, "-c", f"DROP DATABASE IF EXISTS {BENCH_DB}"], check=False)  # noqa: S603
    return {"engine": engine, "migrate_s": t_migrate, "seed_s": t_seed, "verify_s": t_verify, **measured}


def mib(n: int) -> str:
    return f"{n / 1024 / 1024:,.0f} MiB"


def report(children: int, facts: dict, results: list[dict]) -> str:
    lines = [
        f"Machine: {facts['cpus']} CPUs ({facts['cpu']}), {facts['memory']} RAM; Python {facts['python']}, "
        f"SQLite {facts['sqlite']}, {facts['postgresql_client']}; {facts['date']}",
        "",
        f"`zaedno seed --children {children}` on an empty, migrated database:",
        "",
        "| | " + " | ".join(r["engine"] for r in results) + " |",
        "| --- | " + " | ".join("---:" for _ in results) + " |",
        "| seed (wall time) | " + " | ".join(f"{r['seed_s']:.0f} s" for r in results) + " |",
        "| children per second | " + " | ".join(f"{children / r['seed_s']:,.0f}" for r in results) + " |",
        "| `audit verify` | " + " | ".join(f"{r['verify_s']:.1f} s" for r in results) + " |",
        "| database size | " + " | ".join(mib(r["size"]) for r in results) + " |",
    ]
    tables = sorted(
        {t for r in results for t in r["rows"]}, key=lambda t: -max(r["rows"].get(t, 0) for r in results)
    )
    for table in tables:
        lines.append(
            f"| rows: `{table}` | " + " | ".join(f"{r['rows'].get(table, 0):,}" for r in results) + " |"
        )
    total = [sum(r["rows"].values()) for r in results]
    lines.append("| rows in all | " + " | ".join(f"{t:,}" for t in total) + " |")
    for r in results:
        if r["tables"]:
            parts = ", ".join(f"{k} {mib(v)}" for k, v in r["tables"].items())
            lines.append(f"\n{r['engine']} largest parts: {parts}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--engines", default="sqlite,postgresql")
    parser.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument(
        "--workdir", default=tempfile.gettempdir(), help="where the SQLite data directory goes"
    )
    parser.add_argument("--keep", action="store_true", help="keep the databases afterwards")
    parser.add_argument("--json", help="also write the figures to this file")
    args = parser.parse_args()
    facts = machine()
    results = [
        bench(e.strip(), args.children, args.pg, args.keep, Path(args.workdir))
        for e in args.engines.split(",")
    ]
    print(report(args.children, facts, results))
    if args.json:
        Path(args.json).write_text(
            json.dumps({"machine": facts, "children": args.children, "results": results}, indent=2)
        )


if __name__ == "__main__":
    main()
