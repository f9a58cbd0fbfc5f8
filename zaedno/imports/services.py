"""Imports of services from CSV/XLSX: upload a file, then (in the background) check every row and
write them all in one transaction — or nothing.

:func:`import_start` stores the file and queues the job; :func:`import_run` (the worker's task)
reads the file, checks every row with the resource map's own ``ServiceForm`` and collects every bad
row with its line, column and a plain reason. If any row is bad the job fails and nothing is
written. Otherwise every entry is created through ``service_create`` in ONE transaction; an error
on any row rolls all of them back, and the job fails with that row's line.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext, audit_record
from zaedno.imports import columns, parsing
from zaedno.imports.models import ImportJob, ImportKind, ImportStatus
from zaedno.imports.progress import progress_clear, progress_write
from zaedno.organisations.models import Organisation
from zaedno.resources.forms import ServiceForm
from zaedno.resources.models import Service
from zaedno.resources.services import can_edit_services, editable_organisations, service_create

logger = logging.getLogger("zaedno.imports")

Error = dict  # {"line": int | None, "column": str, "reason": str}


def import_organisations(user):
    """The organisations ``user`` may import services into: those whose entries they keep
    (a practitioner's own organisation; a manager chooses among theirs)."""
    return editable_organisations(user).order_by("name")


def _error(line: int | None, column: str, reason: str) -> Error:
    return {"line": line, "column": column, "reason": reason}


@transaction.atomic
def import_start(
    *, ctx: AuditContext, organisation: Organisation, upload, kind: str = ImportKind.SERVICES
) -> ImportJob:
    """Store an uploaded file as a job and queue it; the work runs in the background.

    ``upload`` is a Django ``UploadedFile`` (or any file with ``name``, ``size`` and ``read``).
    A file that is too big, empty or not CSV/XLSX is refused here, before anything is stored.
    """
    if not can_edit_services(ctx.actor, organisation):
        raise PermissionDenied(_("You can import only into an organisation whose entries you keep."))
    name = (getattr(upload, "name", "") or "file").rsplit("/", 1)[-1][-255:]
    try:
        parsing.check_size(upload.size)
        content = upload.read(parsing.MAX_BYTES + 1)
        parsing.check_size(len(content))
        fmt = parsing.file_format(name, content)
    except parsing.FileProblem as exc:
        raise ValidationError({"file": [str(exc)]}) from None
    job = ImportJob.objects.create(
        kind=kind, organisation=organisation, uploaded_by=ctx.actor, file_name=name, file_format=fmt,
        content=content, file_size=len(content), language=translation.get_language() or "bg",
    )  # fmt: skip
    audit_record(
        ctx=ctx, action="import.create", object_type="import_job", object_id=job.pk,
        details={"kind": kind, "organisation": organisation.pk, "file": name, "size": len(content)},
    )  # fmt: skip
    from zaedno.imports.tasks import import_run_task

    transaction.on_commit(partial(import_run_task.enqueue, job.pk))
    return job


# --- the background work ----------------------------------------------------------------------


def _step(total: int) -> int:
    """How often the count is saved: about fifty times per phase, at least every 100 rows."""
    return max(1, min(100, total // 50))


def _report(job: ImportJob, phase: str, processed: int) -> None:
    """Tell the progress bar how far the phase has got."""
    if phase == ImportStatus.VALIDATING:
        ImportJob.objects.filter(pk=job.pk).update(processed_rows=processed)
    else:
        progress_write(job.pk, processed)


def _header(header: list[str], rows) -> tuple[dict[int, str], list[Error]]:
    """Which column fills which field; the problems of line 1."""
    errors: list[Error] = []
    mapping: dict[int, str] = {}
    where: dict[str, int] = {}
    language = columns.header_language(header)
    known = ", ".join(c.header(language) for c in columns.COLUMNS)
    for index, title in enumerate(header):
        letter = columns.letter(index)
        if not title.strip():
            if any(index < len(cells) and cells[index] for _line, cells in rows):
                errors.append(_error(1, letter, _(
                    "Column %(letter)s has values but no name in line 1. Write its name or delete the column."
                ) % {"letter": letter}))  # fmt: skip
            continue
        field = columns.match(title)
        if field is None:
            errors.append(_error(1, title, _(
                "“%(title)s” (column %(letter)s) is not a column of the template. Rename it to one of: "
                "%(known)s — or delete the column."
            ) % {"title": title, "letter": letter, "known": known}))  # fmt: skip
        elif field in where:
            errors.append(_error(1, title, _(
                "The column “%(title)s” is there twice (columns %(first)s and %(second)s). Keep one."
            ) % {"title": title, "first": columns.letter(where[field]), "second": letter}))  # fmt: skip
        else:
            where[field] = index
            mapping[index] = field
    for column in columns.COLUMNS:
        if column.required and column.field not in where:
            title = column.header(language)
            errors.append(_error(1, title, _(
                "The column “%(title)s” is missing; every entry needs it. Add it (see the template)."
            ) % {"title": title}))  # fmt: skip
    return mapping, errors


def _reason(error: ValidationError, value: str, field: str) -> str:
    if error.code == "required":
        return _("Empty, but this column must be filled in on every row.")
    if error.code == "invalid_choice" and field in columns.BY_FIELD:
        return _(
            "“%(value)s” is not one of the values of this column. Write a code or a name from the lists in "
            "the template (the second sheet of the XLSX), e.g. “%(example)s”."
        ) % {"value": value, "example": columns.BY_FIELD[field].example}
    message = " ".join(error.messages)
    if value and value not in message:
        message = _("%(message)s The cell has “%(value)s”.") % {"message": message, "value": value}
    return message


def _title(field: str, titles: dict[str, str]) -> str:
    """The column of a field as the file names it (or as the template would, in the file's language)."""
    if field in titles:
        return titles[field]
    if field in columns.BY_FIELD:
        return columns.BY_FIELD[field].header(columns.header_language(list(titles.values())))
    return ""


def _row_errors(line: int, form: ServiceForm, titles: dict[str, str], data: dict[str, str]) -> list[Error]:
    out: list[Error] = []
    for field, errors in form.errors.as_data().items():
        column = _title(field, titles)
        for error in errors:
            out.append(_error(line, column, _reason(error, data.get(field, ""), field)))
    return out


def _check(
    job: ImportJob, report: Callable[[int], None]
) -> tuple[list[tuple[int, dict]], list[Error], dict[str, str]]:
    """Every row checked; the good rows' cleaned values, every problem found, and the file's
    name of each field's column."""
    sheet = parsing.read(bytes(job.content), job.file_format)
    job.encoding, job.total_rows = sheet.encoding, len(sheet.rows)
    job.save(update_fields=["encoding", "total_rows"])
    mapping, errors = _header(sheet.header, sheet.rows)
    titles = {field: sheet.header[index] for index, field in mapping.items()}
    if errors:
        return [], errors, titles
    existing = {
        (name.casefold().strip(), settlement_id)
        for name, settlement_id in Service.objects.filter(organisation=job.organisation).values_list(
            "name", "settlement_id"
        )
    }
    seen: dict[tuple[str, str], int] = {}
    good: list[tuple[int, dict]] = []
    step = _step(len(sheet.rows))
    for number, (line, cells) in enumerate(sheet.rows, start=1):
        data = {field: cells[index] if index < len(cells) else "" for index, field in mapping.items()}
        stray = [columns.letter(i) for i in range(len(sheet.header), len(cells)) if cells[i]]
        form = ServiceForm(data=data)
        if stray:
            errors.append(_error(line, stray[0], _(
                "There is a value in column %(letter)s, which has no name in line 1. Move it to its column "
                "or delete it."
            ) % {"letter": stray[0]}))  # fmt: skip
        if not form.is_valid():
            errors.extend(_row_errors(line, form, titles, data))
        elif not stray:
            values = form.cleaned_data
            key = (values["name"].casefold().strip(), values["settlement"].pk)
            if key in seen:
                errors.append(_error(line, titles["name"], _(
                    "Line %(first)s has the same name and settlement, so the entry would be on the map twice. "
                    "Keep one of the two lines."
                ) % {"first": seen[key]}))  # fmt: skip
            elif key in existing:
                errors.append(_error(line, titles["name"], _(
                    "“%(name)s” in %(settlement)s is already on the map for %(organisation)s. Correct that "
                    "entry on the map instead, or delete this line."
                ) % {"name": values["name"], "settlement": values["settlement"], "organisation": job.organisation}))  # fmt: skip
            else:
                seen[key] = line
                good.append((line, values))
        if number % step == 0 or number == len(sheet.rows):
            report(number)
    return good, errors, titles


def _fail(job: ImportJob, ctx: AuditContext, errors: list[Error]) -> ImportJob:
    with transaction.atomic():
        job.status, job.errors, job.finished_at = ImportStatus.FAILED, errors, timezone.now()
        job.created_count, job.created_ids = 0, []
        job.save(update_fields=["status", "errors", "finished_at", "created_count", "created_ids"])
        audit_record(
            ctx=ctx, action="import.failed", object_type="import_job", object_id=job.pk,
            details={"errors": len(errors), "rows": job.total_rows, "file": job.file_name},
        )  # fmt: skip
    return job


def _write(
    job: ImportJob, ctx: AuditContext, rows: list[tuple[int, dict]], titles: dict[str, str]
) -> ImportJob:
    """Create every entry in one transaction; any error rolls them all back."""
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.IMPORTING, processed_rows=0)
    job.status = ImportStatus.IMPORTING
    step, line = _step(len(rows)), None
    try:
        with transaction.atomic():
            created: list[int] = []
            for number, (line, values) in enumerate(rows, start=1):  # noqa: B007 - the except clauses name the line
                service = service_create(
                    ctx=ctx, organisation=job.organisation, data=values, actor_can_manage=True
                )
                created.append(service.pk)
                if number % step == 0:
                    _report(job, ImportStatus.IMPORTING, number)
            job.status, job.finished_at = ImportStatus.DONE, timezone.now()
            job.processed_rows, job.created_count, job.created_ids = len(rows), len(created), created
            job.save(
                update_fields=["status", "finished_at", "processed_rows", "created_count", "created_ids"]
            )
            audit_record(
                ctx=ctx, action="import.done", object_type="import_job", object_id=job.pk,
                details={"created": len(created), "file": job.file_name, "organisation": job.organisation_id},
            )  # fmt: skip
        return job
    except ValidationError as exc:
        messages = exc.message_dict if hasattr(exc, "error_dict") else {"": exc.messages}
        errors = [_error(line, _title(field, titles), " ".join(m)) for field, m in messages.items()]
    except Exception:
        logger.exception("Import job %s stopped at line %s", job.pk, line)
        errors = [_error(line, "", _(
            "An unexpected error stopped the import at this line. Try again; if it happens again, tell your "
            "administrator."
        ))]  # fmt: skip
    finally:
        progress_clear(job.pk)
    errors.append(_error(None, "", _("Nothing was imported: the file is imported whole or not at all.")))
    job.processed_rows = 0
    return _fail(job, ctx, errors)


def import_interrupted(job: ImportJob) -> bool:
    """Fail a job whose worker stopped half-way (see ``zaedno.imports.scan``); False if it has
    finished meanwhile."""
    with transaction.atomic():
        running = [ImportStatus.VALIDATING, ImportStatus.IMPORTING]
        if not ImportJob.objects.select_for_update().filter(pk=job.pk, status__in=running).exists():
            return False
        with translation.override(job.language):
            reason = _(
                "The import was interrupted: the background worker stopped. Nothing was imported; upload the "
                "file again."
            )
        _fail(job, AuditContext.system(channel=Channel.TASK), [_error(None, "", reason)])
    progress_clear(job.pk)
    return True


def import_run(job_id: int) -> ImportJob | None:
    """Do a queued job (the worker's task). Safe to call twice: only a queued job is taken."""
    taken = ImportJob.objects.filter(pk=job_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.VALIDATING, started_at=timezone.now()
    )
    if not taken:
        return None
    job = ImportJob.objects.select_related("organisation", "uploaded_by").get(pk=job_id)
    ctx = AuditContext(actor=job.uploaded_by, channel=Channel.TASK)
    with translation.override(job.language):
        if not can_edit_services(job.uploaded_by, job.organisation):
            return _fail(job, ctx, [_error(None, "", _(
                "%(name)s no longer keeps the entries of %(organisation)s, so the file was not imported."
            ) % {"name": job.uploaded_by, "organisation": job.organisation})])  # fmt: skip
        try:
            rows, errors, titles = _check(job, partial(_report, job, ImportStatus.VALIDATING))
        except parsing.FileProblem as exc:
            return _fail(job, ctx, [_error(None, "", str(exc))])
        except Exception:
            logger.exception("Import job %s could not be checked", job.pk)
            return _fail(job, ctx, [_error(None, "", _(
                "The file could not be read. Check it is the template's format and try again."
            ))])  # fmt: skip
        if errors:
            return _fail(job, ctx, errors)
        return _write(job, ctx, rows, titles)
