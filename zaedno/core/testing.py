"""Named personas across agencies for tests (the "alice, bob, charlie" of Zaedno).

``build_world()`` creates Veliko Tarnovo organisations, the professionals of the demo, and one
case led by ``ivanova`` with ``petrov`` in the team at the standard sharing level, a sensitive
signal and notes in each kind of section. Every endpoint test asks: does a team member get it,
does an outsider (``georgieva``, ``angelova``, ``admin``) get 404 and no trace?
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from zaedno.accounts.models import Membership, Profession, Role
from zaedno.accounts.services import user_create
from zaedno.audit.services import AuditContext
from zaedno.cases.access import access_for
from zaedno.cases.models import NoteSection, Sensitivity, SignalCategory
from zaedno.cases.services import case_note_add, team_member_add
from zaedno.children.services import child_register
from zaedno.organisations.models import OrganisationKind, Sector
from zaedno.organisations.services import organisation_create
from zaedno.places.models import Municipality, Settlement

PASSWORD = "test-password-123"  # noqa: S105 - synthetic test persona


def ctx_for(user, channel: str = "web") -> AuditContext:
    return AuditContext(actor=user, channel=channel, ip="127.0.0.1", user_agent="pytest")


def build_world(*, with_case: bool = True) -> SimpleNamespace:
    vt = Municipality.objects.get(code="VTR04")
    go = Municipality.objects.get(code="VTR06")
    w = SimpleNamespace(vt=vt, go=go)
    w.ozd = organisation_create(
        name="Отдел „Закрила на детето“ Велико Търново",
        short_name="ОЗД Велико Търново",
        kind=OrganisationKind.OZD,
        municipality=vt,
    )
    w.school = organisation_create(name="СУ „Вела Благоева“", kind=OrganisationKind.SCHOOL, municipality=vt)
    w.dps = organisation_create(
        name="ДПС при ОДМВР Велико Търново", kind=OrganisationKind.DPS, municipality=vt
    )
    w.hospital = organisation_create(
        name="МБАЛ „Д-р Стефан Черкезов“", kind=OrganisationKind.HOSPITAL, municipality=vt
    )
    w.cop = organisation_create(name="ЦОП Велико Търново", kind=OrganisationKind.COP, municipality=vt)
    w.ngo = organisation_create(
        name="Сдружение „Заедно за децата“", kind=OrganisationKind.NGO, municipality=vt
    )
    w.municipality_org = organisation_create(
        name="Община Велико Търново", kind=OrganisationKind.MUNICIPALITY, municipality=vt
    )
    w.school_go = organisation_create(
        name="ОУ „Паисий Хилендарски“ Горна Оряховица", kind=OrganisationKind.SCHOOL, municipality=go
    )

    def person(username, first, last, profession, org, role=Role.PRACTITIONER, **kw):
        return user_create(
            username=username, first_name=first, last_name=last, email=f"{username}@example.org", password=PASSWORD,
            profession=profession, organisation=org, role=role, **kw,
        )  # fmt: skip

    w.ivanova = person("ivanova", "Мария", "Иванова", Profession.SOCIAL_WORKER, w.ozd)
    w.petrov = person("petrov", "Петър", "Петров", Profession.PSYCHOLOGIST, w.school)
    w.georgieva = person("georgieva", "Елена", "Георгиева", Profession.POLICE_INSPECTOR, w.dps)
    w.dimitrova = person("dimitrova", "Десислава", "Димитрова", Profession.DOCTOR, w.hospital)
    w.stoyanov = person("stoyanov", "Стоян", "Стоянов", Profession.PSYCHOLOGIST, w.cop)
    w.nikolova = person("nikolova", "Надежда", "Николова", Profession.MANAGER, w.ozd, role=Role.MANAGER)
    w.koleva = person("koleva", "Калина", "Колева", Profession.SOCIAL_WORKER, w.ngo)
    w.todorov = person("todorov", "Тодор", "Тодоров", Profession.COORDINATOR, w.municipality_org)
    w.angelova = person("angelova", "Ангелина", "Ангелова", Profession.PSYCHOLOGIST, w.school_go)
    w.admin = person(
        "admin",
        "Системен",
        "Администратор",
        Profession.IT,
        w.municipality_org,
        role=Role.ADMINISTRATOR,
        is_staff=True,
        is_superuser=True,
    )
    # ivanova is on intake duty in her department: told of each new signal, she may assign it.
    Membership.objects.filter(user=w.ivanova, organisation=w.ozd).update(on_duty=True)
    if with_case:
        w.child = _child(w)
        w.case = open_case(w, w.child)
        w.lead_access = access_for(w.ivanova, w.case)
        w.petrov_member = team_member_add(
            ctx=ctx_for(w.ivanova),
            access=w.lead_access,
            user=w.petrov,
            organisation=w.school,
            sharing_level=Sensitivity.STANDARD,
        )
        for section in (NoteSection.GENERAL, NoteSection.EDUCATION, NoteSection.VIOLENCE, NoteSection.HEALTH):
            case_note_add(
                ctx=ctx_for(w.ivanova),
                access=w.lead_access,
                section=section,
                text=f"Бележка: {section} — ТАЙНО-{section.upper()}",
            )
    return w


def _child(w):
    from zaedno.children.identifiers import make_egn

    birth = dt.date(2012, 3, 15)
    return child_register(
        ctx=ctx_for(w.ivanova), first_name="Георги", middle_name="Иванов", last_name="Стефанов",
        birth_date=birth, sex="m", egn=make_egn(birth, "m", 17), settlement=Settlement.objects.get(ekatte="10447"),
    )  # fmt: skip


def open_case(
    w, child, *, lead=None, org=None, description="Детето е съобщило за насилие вкъщи. ТАЙНО-СИГНАЛ",
    category=None,
):  # fmt: skip
    """A case opened in one step by the organisation that received the signal by phone (the ОЗД
    for violence; a school or a ЦОП may open a support case: pass ``category``)."""
    from zaedno.children.duplicates import DuplicateQuery
    from zaedno.children.queries import may_name
    from zaedno.children.services import duplicate_check
    from zaedno.signals.services import SignalInput, case_open_direct

    lead = lead or w.ivanova
    if not may_name(lead, child.pk):
        # As in the office: the lead finds the child's record with the duplicate finder first.
        duplicate_check(
            ctx=ctx_for(lead),
            query=DuplicateQuery(
                first_name=child.first_name, last_name=child.last_name, birth_date=child.birth_date
            ),
        )
    return case_open_direct(
        ctx=ctx_for(lead), child=child, lead=lead, lead_organisation=org or w.ozd, municipality=w.vt,
        signal=SignalInput(
            category=category or SignalCategory.VIOLENCE, source_sector=Sector.EDUCATION, reporter_is_me=False,
            reporter_name="Класен ръководител", received_at=timezone.now() - dt.timedelta(hours=2),
            description=description, reporter_organisation=w.school,
        ),
    )  # fmt: skip


class FakeClock:
    """A settable ``timezone.now()`` for tests (the services read the time only through it)."""

    def __init__(self, at: dt.datetime | None = None):
        from zoneinfo import ZoneInfo

        self.at = at or dt.datetime(2026, 5, 20, 11, 0, tzinfo=ZoneInfo("Europe/Sofia"))

    def now(self) -> dt.datetime:
        return self.at

    def set(self, *args, **kwargs) -> dt.datetime:
        """``clock.set(2026, 5, 21, 9, 0)``: local Sofia time."""
        from zoneinfo import ZoneInfo

        self.at = dt.datetime(*args, tzinfo=ZoneInfo("Europe/Sofia"), **kwargs)
        return self.at

    def advance(self, **delta) -> dt.datetime:
        self.at = self.at + dt.timedelta(**delta)
        return self.at

    def patched(self):
        from unittest import mock

        return _Patched(mock.patch.object(timezone, "now", self.now), self)


class _Patched:
    def __init__(self, patcher, clock):
        self.patcher, self.clock = patcher, clock

    def __enter__(self):
        self.patcher.start()
        return self.clock

    def __exit__(self, *exc):
        self.patcher.stop()
        return False
