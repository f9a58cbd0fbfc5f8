"""Signals carried over from the cases opened before a signal had a record of its own.

Each old ``cases.Signal`` (always the signal a case was opened from) becomes a ``signals.Signal``
decided "case opened" on the day the case opened, received by the case's lead organisation and
checked — as far as anyone can tell now — by its lead; its number continues the municipality's
series of the year it came. Nothing is lost: the old id is kept in ``legacy_id``, who reported
and what they said move as they were. The case's timeline entry "Signal received: …, from
<reporter>" showed the reporter's name to every member of the team; it now names the signal's
number instead (the reporter is on the signal, protected).

Reversible: going back copies the signals that have a case into the old table again (a signal
without a case has no place there and is kept out of it — reverse only a copy of the database).
"""

from __future__ import annotations

from django.db import migrations

OLD_MESSAGE = "Signal received: %(category)s, from %(reporter)s"
NEW_MESSAGE = "Signal %(number)s received: %(category)s"
BATCH = 2000


def _summary(category_label: str, number: str) -> str:
    # The default-language text of NEW_MESSAGE, as ``timeline_add`` would store it (Bulgarian).
    return f"Сигнал {number} е получен: {category_label}"[:300]


CATEGORY_BG = {
    "violence": "насилие", "neglect": "неглижиране", "disability": "увреждане",
    "antisocial": "противообществени прояви", "dropout": "отпадане от училище",
    "parental_conflict": "родителски конфликт", "minor_pregnancy": "ранна бременност", "other": "друго",
}  # fmt: skip


def forward(apps, schema_editor):
    OldSignal = apps.get_model("cases", "Signal")
    Signal = apps.get_model("signals", "Signal")
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    # Numbers continue each municipality's series of the year (S-VTR04-2026-00001, …).
    counters: dict[str, int] = {}
    for number in Signal.objects.values_list("number", flat=True):
        prefix, _, n = number.rpartition("-")
        counters[prefix] = max(counters.get(prefix, 0), int(n))
    qs = OldSignal.objects.select_related("case", "case__child", "reporter_organisation").order_by("received_at", "id")
    rows = []
    numbers: dict[int, str] = {}
    for old in qs.iterator(chunk_size=BATCH):
        case = old.case
        child = case.child
        prefix = f"S-{case.municipality_id}-{old.received_at.year}"
        counters[prefix] = counters.get(prefix, 0) + 1
        number = f"{prefix}-{counters[prefix]:05d}"
        numbers[old.pk] = number
        professional = old.reporter_organisation_id is not None
        rows.append(
            Signal(
                number=number, kind="report", category=old.category, description=old.description or "—",
                learned_at=old.received_at, urgency="routine", immediate_danger=False, child_id=child.pk,
                child_first_name=child.first_name[:60], child_middle_name=child.middle_name[:60],
                child_last_name=child.last_name[:60], child_birth_date=child.birth_date, child_sex=child.sex,
                child_egn=child.egn or "", child_settlement_id=child.settlement_id,
                reporter_kind="professional" if professional else "citizen", reporter_name=old.reporter_name,
                reporter_organisation_id=old.reporter_organisation_id, source_sector=old.source_sector,
                recorded_by_id=old.received_by_id, received_at=old.received_at, recorded_at=old.created_at or old.received_at,
                recipient_id=case.lead_organisation_id, municipality_id=case.municipality_id, status="decided",
                assigned_to_id=case.lead_id, assigned_at=case.opened_at, assigned_by_id=old.received_by_id,
                decision="open_case", decided_at=case.opened_at, decided_by_id=old.received_by_id, case_id=case.pk,
                legacy_id=old.pk, terms=[], version=1,
            )
        )  # fmt: skip
        if len(rows) >= BATCH:
            Signal.objects.bulk_create(rows)
            rows = []
    if rows:
        Signal.objects.bulk_create(rows)
    # The timeline: the signal by its number, never by who reported it.
    by_case: dict[int, list] = {}
    for old_id, case_id, category in OldSignal.objects.values_list("pk", "case_id", "category"):
        by_case.setdefault(case_id, []).append((old_id, category))
    entries = []
    for entry in TimelineEntry.objects.filter(kind="signal", message=OLD_MESSAGE).iterator(chunk_size=BATCH):
        olds = by_case.get(entry.case_id) or []
        category = (entry.params or {}).get("category", "")
        match = next((o for o in olds if o[1] == category), olds[0] if olds else None)
        if match is None:
            continue
        number = numbers[match[0]]
        entry.message = NEW_MESSAGE
        entry.params = {"number": number, "category": category}
        entry.summary = _summary(CATEGORY_BG.get(category, category), number)
        entries.append(entry)
        if len(entries) >= BATCH:
            TimelineEntry.objects.bulk_update(entries, ["message", "params", "summary"])
            entries = []
    if entries:
        TimelineEntry.objects.bulk_update(entries, ["message", "params", "summary"])


def backward(apps, schema_editor):
    OldSignal = apps.get_model("cases", "Signal")
    Signal = apps.get_model("signals", "Signal")
    TimelineEntry = apps.get_model("cases", "TimelineEntry")
    rows = []
    names: dict[str, tuple[int, str, str]] = {}
    for s in Signal.objects.filter(case__isnull=False).order_by("received_at", "id").iterator(chunk_size=BATCH):
        rows.append(
            OldSignal(
                case_id=s.case_id, category=s.category, source_sector=s.source_sector or "community",
                reporter_name=(s.reporter_name or "—")[:150], reporter_organisation_id=s.reporter_organisation_id,
                received_at=s.received_at, description=s.description, received_by_id=s.recorded_by_id,
            )
        )  # fmt: skip
        names[s.number] = (s.case_id, s.category, s.reporter_name or "—")
    OldSignal.objects.bulk_create(rows, batch_size=BATCH)
    entries = []
    for entry in TimelineEntry.objects.filter(kind="signal").exclude(message=OLD_MESSAGE).iterator(chunk_size=BATCH):
        number = (entry.params or {}).get("number")
        if number not in names:
            continue
        _case, category, reporter = names[number]
        entry.message = OLD_MESSAGE
        entry.params = {"category": category, "reporter": reporter}
        entries.append(entry)
    TimelineEntry.objects.bulk_update(entries, ["message", "params"], batch_size=BATCH)


class Migration(migrations.Migration):
    dependencies = [
        ("signals", "0001_initial"),
        ("cases", "0006_lead_handover_deputy"),
    ]

    operations = [migrations.RunPython(forward, backward)]
