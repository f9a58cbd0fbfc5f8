"""``zaedno protocol``: check, list, load and sync protocol definitions (docs/protocols.md).

``check FILE…`` validates without touching the database: exit 0 with one "OK" line per file, or
exit 1 with one precise error per line (file:line: field: problem). ``sync`` loads the shipped
definitions not loaded yet; ``load FILE`` loads a municipality's adapted version. A bad file is
reported, never a traceback.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext
from zaedno.protocols.queries import protocol_loaded_keys, protocol_versions, shipped_files
from zaedno.protocols.services import ProtocolLoadError, protocol_load, protocol_sync, read_source
from zaedno.protocols.validation import check_text, step_count


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _summary(body: dict) -> str:
    return f"{body['code']} v{body['version']}, {_count(len(body['stages']), 'stage')}, {_count(step_count(body), 'step')}"


class Command(BaseCommand):
    help = "Protocol definitions: `check FILE…`, `list`, `sync` (shipped files), `load FILE`."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        check = sub.add_parser("check", help="validate definition files (exit 1 with errors by line)")
        check.add_argument("files", nargs="+", metavar="FILE")
        sub.add_parser("list", help="loaded protocols and versions, and shipped files not loaded yet")
        sub.add_parser("sync", help="load every shipped definition whose version is not loaded yet")
        load = sub.add_parser("load", help="load one definition file (e.g. a municipality's adapted version)")
        load.add_argument("file", metavar="FILE")

    def handle(self, *, action: str, **options):
        if action == "check":
            self.check_files([Path(f) for f in options["files"]])
        elif action == "list":
            self.list_protocols()
        elif action == "sync":
            self.sync()
        elif action == "load":
            self.load(Path(options["file"]))

    def _ctx(self, what: str) -> AuditContext:
        return AuditContext(channel=Channel.CLI, user_agent=f"zaedno protocol {what}")

    def _fail(self, errors: list[str], summary: str) -> None:
        for line in errors:
            self.stderr.write(line)
        raise CommandError(summary, returncode=1)

    def check_files(self, paths: list[Path]) -> None:
        errors: list[str] = []
        for path in paths:
            try:
                text = read_source(path)
            except ProtocolLoadError as exc:
                errors += exc.errors
                continue
            checked = check_text(text, path.name)
            if checked.ok:
                self.stdout.write(
                    self.style.SUCCESS(f"OK: {_summary(checked.definition)}") + f" ({path.name})"
                )
            else:
                errors += [str(e) for e in checked.errors]
        if errors:
            self._fail(errors, f"{len(errors)} error(s)")

    def list_protocols(self) -> None:
        versions = protocol_versions()
        if not versions:
            self.stdout.write("No protocols loaded.")
        for v in versions:
            origin = "shipped" if v.shipped else "local"
            self.stdout.write(
                f"{v.definition.code} v{v.version}  {_count(v.stage_count, 'stage')}, {_count(v.step_count, 'step')}  "
                f"{origin} {v.source_name}  loaded {v.loaded_at:%Y-%m-%d %H:%M}  {v.body['title']['en']}"
            )
        loaded = protocol_loaded_keys()
        pending = []
        for path in shipped_files():
            try:
                checked = check_text(read_source(path), path.name)
            except ProtocolLoadError as exc:
                pending += exc.errors
                continue
            if not checked.ok:
                pending.append(
                    f"{path.name}: invalid ({len(checked.errors)} error(s); run `zaedno protocol check`)"
                )
            elif (checked.definition["code"], checked.definition["version"]) not in loaded:
                pending.append(
                    f"{path.name}: {_summary(checked.definition)} — not loaded (run `zaedno protocol sync`)"
                )
        if pending:
            self.stdout.write("Shipped, not loaded:")
            for line in pending:
                self.stdout.write(f"  {line}")

    def sync(self) -> None:
        result = protocol_sync(ctx=self._ctx("sync"))
        for v in result.loaded:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {v.definition.code} v{v.version}") + f" ({v.source_name})"
            )
        if not result.loaded and not result.errors:
            self.stdout.write(f"Shipped protocols up to date ({len(result.unchanged)} loaded).")
        if result.errors:
            self._fail(result.errors, f"{len(result.errors)} error(s) in shipped protocols")

    def load(self, path: Path) -> None:
        try:
            result = protocol_load(ctx=self._ctx("load"), path=path)
        except ProtocolLoadError as exc:
            self._fail(exc.errors, f"{path.name} not loaded")
        v = result.version
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(f"Loaded {v.definition.code} v{v.version}") + f" ({v.source_name})"
            )
        else:
            self.stdout.write(f"Already loaded: {v.definition.code} v{v.version} (same content)")
