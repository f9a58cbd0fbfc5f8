"""Optimistic concurrency: a save carries the version it was based on; a stale save is refused."""

from __future__ import annotations

from django.db import models

from zaedno.core.errors import ConflictError, FieldChange


def save_versioned(
    instance: models.Model, *, expected_version: int, changes: dict, record: str = "", label: str = ""
) -> models.Model:
    """Apply ``changes`` to ``instance`` if its stored version is still ``expected_version``.

    The UPDATE is conditional on the version (compare-and-set), so two people saving at the same
    moment cannot both win. On a conflict the error lists, field by field, what is stored now
    next to what was submitted. ``record`` names the kind of record for the message (a key of
    ``core.errors.CONFLICT_MESSAGES``); ``label`` is accepted from older callers and not used.
    """
    model = type(instance)
    for name, value in changes.items():
        setattr(instance, name, value)
    instance.full_clean(exclude=["version"])
    update = {name: getattr(instance, name) for name in changes}
    update["version"] = models.F("version") + 1
    if any(f.name == "updated_at" and getattr(f, "auto_now", False) for f in model._meta.fields):
        from django.utils import timezone

        update["updated_at"] = timezone.now()
    rows = model._default_manager.filter(pk=instance.pk, version=expected_version).update(**update)
    if rows == 0:
        current = model._default_manager.get(pk=instance.pk)
        diffs = []
        for name, value in changes.items():
            if not model._meta.get_field(name).editable:
                continue  # derived fields (e.g. the search key) follow the ones shown
            stored = getattr(current, name)
            if stored != value:
                diffs.append(FieldChange(name, str(model._meta.get_field(name).verbose_name), value, stored))
        raise ConflictError(
            record=record, current_version=current.version, changes=diffs, model_label=str(label)
        )
    instance.version = expected_version + 1
    return instance
