"""Synthetic data at any scale (``zaedno seed``): what benchmarks and load tests run on.

The demo data set goes through the services one record at a time; that would take hours for
100,000 children. Here the same records are written in bulk — ``bulk_create`` in batches of a few
thousand children, one transaction per batch — with the derived fields the services would set
(Latin name and search key, timeline summaries in the services' own words, team history, case
numbers continuing the municipality's series) and one chained audit event per child registered
and per case opened (``audit_record_many``), so ``zaedno audit verify`` holds afterwards.

Distributions are plausible, not statistics: about 70% of children have a case and some of them
a second one after the first was closed; teams of 2–6 professionals from organisations of every
sector; 4–15 timeline entries; signals of every category with weights resembling what ОЗД
departments receive; older cases are more often closed or in follow-up.

Each case also gets the protocol rows the engine would have written (:class:`ProtocolSeeder`):
its protocols on their current versions, their steps with owners and clocks, the records that
completed them and the case events, older cases mostly done, open ones with work still due.
"""

from __future__ import annotations

import bisect
import contextlib
import datetime as dt
import heapq
import itertools
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from stdnum.bg import pnf as stdnum_pnf

from zaedno.accounts.models import Membership, Profession, Role, User
from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext, PendingEvent, audit_record_many
from zaedno.cases.models import (
    SECTION_SENSITIVITY,
    Case,
    CaseNote,
    CaseStatus,
    NoteSection,
    SignalCategory,
    TeamMember,
    TeamRole,
    TimelineEntry,
    TimelineKind,
)
from zaedno.cases.services import (
    MSG_LEAD_JOINED,
    MSG_MEMBER_JOINED,
    MSG_MEMBER_LEFT,
    MSG_NOTE,
    MSG_OPENED,
    STATUS_MESSAGES,
    next_case_number,
)
from zaedno.children.identifiers import make_egn
from zaedno.children.models import Child, Relationship, Relative
from zaedno.core.translit import search_key, to_latin
from zaedno.demo import names, texts
from zaedno.demo.dataset import NOTE_SECTIONS, SOURCE
from zaedno.organisations.models import KIND_SECTOR, Organisation, OrganisationKind
from zaedno.organisations.services import organisation_create
from zaedno.places.models import Municipality, Settlement
from zaedno.protocols.calendar import deadline_for
from zaedno.protocols.engine import (
    StepDef,
    applies,
    escalation_delay,
    parse_artefact,
    reminder_lead,
    steps_of,
)
from zaedno.protocols.models import (
    CaseArtefact,
    CaseEvent,
    CaseProtocol,
    CaseStep,
    ProtocolVersion,
    StepStatus,
)
from zaedno.protocols.services import protocol_sync
from zaedno.protocols.vocabulary import ARTEFACT_EVENTS, OWNER_ORGANISATION_KINDS, STEP_DONE
from zaedno.signals.choices import Decision, ReporterKind, SignalStatus
from zaedno.signals.models import RouteStatus, Signal, SignalRoute
from zaedno.signals.services import MSG_TIMELINE_SIGNAL

# Categories only the Child Protection Department leads (protocols' ``lead`` rules): a ЦОП leads
# only support cases.
PROTECTION = {"violence", "neglect", "minor_pregnancy"}
# Share of children with a signal still in the department's queue (received in the last days): the
# seeded cases come in at some 26,000 a year for 100,000 children, and a signal waits a few days
# for its decision, so about 200 wait at any time.
OPEN_SIGNAL_SHARE = 0.002

K = OrganisationKind
DAY = 86400.0
YEAR = 365.25 * DAY

CATEGORY_WEIGHTS = {
    "violence": 20, "neglect": 26, "disability": 7, "antisocial": 12, "dropout": 14,
    "parental_conflict": 12, "minor_pregnancy": 12, "other": 6,
}  # fmt: skip
SOURCE_WEIGHTS = [5, 3, 2, 1, 1]  # the first source listed for a category is the most frequent
# Kinds of organisation a signal of each category brings into the team.
NEEDS = {
    "violence": [K.DPS, K.GP, K.SCHOOL, K.CRISIS_CENTRE, K.COP, K.HOSPITAL],
    "neglect": [K.GP, K.SCHOOL, K.COP, K.MUNICIPALITY, K.NGO],
    "disability": [K.CSRI, K.GP, K.SCHOOL, K.NGO, K.HOSPITAL],
    "antisocial": [K.DPS, K.MKBPPMN, K.SCHOOL, K.COP, K.COMMUNITY],
    "dropout": [K.SCHOOL, K.MUNICIPALITY, K.NGO, K.COMMUNITY, K.COP],
    "parental_conflict": [K.COP, K.SCHOOL, K.NGO, K.COMMUNITY],
    "minor_pregnancy": [K.HOSPITAL, K.GP, K.SCHOOL, K.NGO, K.COP],
    "other": [K.MUNICIPALITY, K.GP, K.NGO, K.COP, K.CSRI],
}
LEVEL = {
    K.OZD: 3, K.COP: 3, K.CSRI: 2, K.CRISIS_CENTRE: 3, K.SOCIAL_SERVICE: 2, K.SCHOOL: 2,
    K.KINDERGARTEN: 2, K.HOSPITAL: 3, K.GP: 3, K.DPS: 3, K.POLICE: 3, K.MKBPPMN: 2,
    K.MUNICIPALITY: 2, K.NGO: 2, K.COMMUNITY: 1,
}  # fmt: skip
TEAM_EXTRA_WEIGHTS = [25, 30, 25, 13, 7]  # 1–5 members besides the lead
# How often a lead does a protocol step after its deadline (each lead has one of these habits).
LATE_HABITS = (0.05, 0.1, 0.1, 0.15, 0.15, 0.2, 0.3)
THREE_DAYS, DAY_DELTA, HOUR = dt.timedelta(days=3), dt.timedelta(days=1), dt.timedelta(hours=1)

SCHOOL_PATRONS = [
    "Христо Ботев", "Васил Левски", "Св. св. Кирил и Методий", "Паисий Хилендарски", "Иван Вазов",
    "Никола Вапцаров", "Св. Климент Охридски", "Петко Р. Славейков", "Любен Каравелов", "Емилиян Станев",
    "Георги Бенковски", "Неофит Рилски", "Христо Смирненски", "Йордан Йовков", "Елин Пелин",
    "Стефан Стамболов", "Цар Симеон Велики", "Братя Миладинови", "Васил Априлов", "Димчо Дебелянов",
    "Алеко Константинов", "Пейо Яворов", "Георги С. Раковски", "Отец Паисий", "Никола Й. Вапцаров",
    "Захарий Стоянов", "Бачо Киро", "Вела Благоева", "Филип Станиславов", "Св. Иван Рилски",
]  # fmt: skip
KINDERGARTENS = [
    "Слънце",
    "Радост",
    "Пролет",
    "Звездица",
    "Мечо Пух",
    "Дъга",
    "Детелина",
    "Калинка",
    "Щурче",
    "Незабравка",
]
NGOS = [
    "Сдружение „Детски шанс“", "Фондация „Надежда за децата“", "Сдружение „Родители“",
    "Фондация „Светът на детето“", "Сдружение „Мост“", "Фондация „Подай ръка“", "Сдружение „Равен старт“",
    "Фондация „Нашите деца“", "Сдружение „Синя птица“", "Фондация „Път за всички“",
]  # fmt: skip
COMMUNITY = [
    "Младежки център", "Читалище „Надежда“", "Спортен клуб „Олимп“", "Шахматен клуб „Млад гросмайстор“",
    "Танцов клуб „Ритъм“", "Футболна школа „Звезди“", "Скаутски отряд", "Клуб по роботика",
    "Читалище „Искра“", "Волейболен клуб „Сокол“", "Клуб по плуване „Делфин“", "Театрална школа",
]  # fmt: skip


@dataclass
class SeedResult:
    children: int = 0
    cases: int = 0
    organisations_created: int = 0
    professionals_created: int = 0
    rows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class Pro:
    """A professional as the seeder needs them: ids and the words timeline summaries use."""

    user_id: int
    org_id: int
    kind: str
    name: str
    org_name: str


def _clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def organisation_plan(municipality: Municipality, n: int) -> list[tuple[str, str, str, int]]:
    """(name, short name, kind, professionals wanted) for a municipality with ``n`` children."""
    m = municipality.name
    plan: list[tuple[str, str, str, int]] = [
        (f"Отдел „Закрила на детето“ – Дирекция „Социално подпомагане“ {m}", f"ОЗД {m}", K.OZD, _clamp(n // 150, 3, 2000)),
        (f"Община {m}", f"Община {m}", K.MUNICIPALITY, _clamp(n // 20000, 1, 5)),
        (f"Детска педагогическа стая при РУ {m}", f"ДПС {m}", K.DPS, _clamp(n // 3000, 2, 60)),
        (f"Местна комисия за борба срещу противообществените прояви на малолетните и непълнолетните – {m}", f"МКБППМН {m}", K.MKBPPMN, _clamp(n // 10000, 1, 10)),
        (f"МБАЛ {m}", f"МБАЛ {m}", K.HOSPITAL, _clamp(n // 3000, 2, 60)),
        (f"Кризисен център за деца {m}", f"Кризисен център {m}", K.CRISIS_CENTRE, _clamp(n // 10000, 1, 20)),
        (f"Център за социална рехабилитация и интеграция {m}", f"ЦСРИ {m}", K.CSRI, _clamp(n // 5000, 2, 40)),
    ]  # fmt: skip
    for i in range(_clamp(n // 25000, 1, 8)):
        suffix = f" {i + 1}" if i else ""
        plan.append(
            (
                f"Център за обществена подкрепа {m}{suffix}",
                f"ЦОП {m}{suffix}",
                K.COP,
                _clamp(n // 2500, 2, 20),
            )
        )
    for i in range(_clamp(n // 1500, 2, 200)):
        kind = "СУ" if i % 3 == 0 else "ОУ"
        patron = SCHOOL_PATRONS[i % len(SCHOOL_PATRONS)]
        extra = f" ({i // len(SCHOOL_PATRONS) + 1})" if i >= len(SCHOOL_PATRONS) else ""
        name = f"{kind} „{patron}“{extra} {m}"
        plan.append((name, f"{kind} „{patron}“{extra}", K.SCHOOL, 2))
    for i in range(_clamp(n // 4000, 1, 100)):
        kg = KINDERGARTENS[i % len(KINDERGARTENS)]
        extra = f" ({i // len(KINDERGARTENS) + 1})" if i >= len(KINDERGARTENS) else ""
        plan.append((f"ДГ „{kg}“{extra} {m}", f"ДГ „{kg}“{extra}", K.KINDERGARTEN, 1))
    for i in range(_clamp(n // 2500, 2, 200)):
        first = (
            names.FEMALE_ADULT[i % len(names.FEMALE_ADULT)]
            if i % 2
            else names.MALE_ADULT[i % len(names.MALE_ADULT)][0]
        )
        surname = names.SURNAMES[(i * 7) % len(names.SURNAMES)]
        surname = names.female_surname(surname) if i % 2 else surname
        plan.append(
            (
                f"Практика за първична медицинска помощ „Д-р {first} {surname}“ {m}",
                f"ОПЛ д-р {surname}",
                K.GP,
                1,
            )
        )
    for i in range(_clamp(n // 10000, 2, len(NGOS))):
        plan.append((f"{NGOS[i]} {m}", NGOS[i].split(" ", 1)[1], K.NGO, 2))
    for i in range(_clamp(n // 8000, 2, len(COMMUNITY))):
        plan.append((f"{COMMUNITY[i]} {m}", COMMUNITY[i], K.COMMUNITY, 1))
    # Names are unique in a municipality: number any repeat the lists above produce.
    seen: set[str] = set()
    unique = []
    for name, short, kind, pros in plan:
        base, n = name, 1
        while name in seen:
            n += 1
            name = f"{base} ({n})"
        seen.add(name)
        unique.append((name, short, kind, pros))
    return unique


PROFESSION_BY_KIND = {
    K.OZD: [Profession.SOCIAL_WORKER], K.COP: [Profession.PSYCHOLOGIST, Profession.SOCIAL_WORKER],
    K.CSRI: [Profession.SPEECH_THERAPIST, Profession.PSYCHOLOGIST], K.CRISIS_CENTRE: [Profession.SOCIAL_WORKER],
    K.SCHOOL: [Profession.PSYCHOLOGIST, Profession.TEACHER, Profession.RESOURCE_TEACHER, Profession.PEDAGOGUE],
    K.KINDERGARTEN: [Profession.TEACHER], K.HOSPITAL: [Profession.DOCTOR, Profession.NURSE], K.GP: [Profession.DOCTOR],
    K.DPS: [Profession.POLICE_INSPECTOR], K.POLICE: [Profession.POLICE_INSPECTOR], K.MKBPPMN: [Profession.COORDINATOR],
    K.MUNICIPALITY: [Profession.COORDINATOR], K.NGO: [Profession.SOCIAL_WORKER, Profession.PSYCHOLOGIST],
    K.COMMUNITY: [Profession.PEDAGOGUE, Profession.OTHER], K.SOCIAL_SERVICE: [Profession.SOCIAL_WORKER],
}  # fmt: skip


class Seeder:
    def __init__(
        self, *, children: int, municipality: Municipality, seed: int = 1, batch_size: int = 5000,
        progress: Callable[[int], None] | None = None,
    ) -> None:  # fmt: skip
        self.n = children
        self.municipality = municipality
        self.seed = seed
        self.batch_size = batch_size
        self.progress = progress or (lambda _n: None)
        self.now = timezone.now()
        self.result = SeedResult()
        self.ctx = AuditContext(channel=Channel.CLI, user_agent="zaedno seed")

    # -- organisations and professionals (few: through the service, or one bulk insert) --------
    def prepare_people(self) -> None:
        rng = random.Random(f"{self.seed}-people")
        existing = {o.name: o for o in Organisation.objects.filter(municipality=self.municipality)}
        wanted: list[tuple[Organisation, int]] = []
        for name, short, kind, pros in organisation_plan(self.municipality, self.n):
            org = existing.get(name)
            if org is None:
                org = organisation_create(
                    name=name, short_name=short, kind=kind, municipality=self.municipality
                )
                self.result.organisations_created += 1
            wanted.append((org, pros))
        have = defaultdict(int)
        for org_id in Membership.objects.filter(
            organisation__in=[o for o, _ in wanted], is_active=True, role=Role.PRACTITIONER
        ).values_list("organisation_id", flat=True):
            have[org_id] += 1
        prefix = f"{self.municipality.code.lower()}."
        taken = User.objects.filter(username__startswith=prefix).values_list("username", flat=True)
        serial = max((int(u[len(prefix) :]) for u in taken if u[len(prefix) :].isdigit()), default=0)
        users: list[User] = []
        orgs_for_users: list[Organisation] = []
        for org, target in wanted:
            for _ in range(max(0, target - have[org.pk])):
                serial += 1
                sex = rng.choice("mf")
                first, last = names.adult_name(rng, sex)
                user = User(
                    username=f"{prefix}{serial:06d}", first_name=first, last_name=last,
                    profession=rng.choice(PROFESSION_BY_KIND[org.kind]),
                )  # fmt: skip
                user.set_unusable_password()
                users.append(user)
                orgs_for_users.append(org)
        with transaction.atomic():
            User.objects.bulk_create(users, batch_size=1000)
            Membership.objects.bulk_create(
                [Membership(user=u, organisation=o) for u, o in zip(users, orgs_for_users, strict=True)],
                batch_size=1000,
            )
        self.result.professionals_created = len(users)
        # Each department has a head and two workers on intake duty, as a real ОЗД does: they are
        # the ones told of each new signal (docs/signals.md).
        for org, _pros in wanted:
            if org.kind != K.OZD:
                continue
            members = Membership.objects.filter(organisation=org, is_active=True).order_by("id")
            if not members.filter(role=Role.MANAGER).exists() and members.count() > 3:
                members.filter(pk=members.first().pk).update(role=Role.MANAGER)
            if not members.filter(on_duty=True).exists():
                duty = list(members.filter(role=Role.PRACTITIONER).values_list("pk", flat=True)[:2])
                Membership.objects.filter(pk__in=duty).update(on_duty=True)
        # Everyone practising in the municipality's organisations is available for teams.
        self.pros: dict[str, list[Pro]] = defaultdict(list)
        rows = (
            Membership.objects.filter(
                organisation__municipality=self.municipality, is_active=True, role=Role.PRACTITIONER,
                user__is_active=True,
            )
            .select_related("user", "organisation")
            .order_by("id")
        )  # fmt: skip
        for m in rows:
            self.pros[m.organisation.kind].append(
                Pro(m.user_id, m.organisation_id, m.organisation.kind, str(m.user), str(m.organisation))
            )
        self.leads = self.pros[K.OZD]
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.signal_serials: dict[str, int] = {}
        police = self.pros.get(K.DPS) or self.pros.get(K.POLICE) or []
        self.police_org = police[0].org_id if police else None
        self.orgs_by_sector: dict[str, list[int]] = defaultdict(list)
        for org, _ in wanted:
            if org.kind != K.OZD:
                self.orgs_by_sector[KIND_SECTOR[org.kind]].append(org.pk)

    # -- the plan: ages, case dates and numbers for everyone, before any batch -----------------
    def plan(self) -> None:
        """Birth dates and case dates for all children, so case numbers follow opening order."""
        rng = random.Random(f"{self.seed}-plan")
        now = self.now.timestamp()
        self.births: list[float] = []
        self.case_times: list[tuple[float, ...]] = []
        horizon = now - 3 * YEAR
        for _ in range(self.n):
            birth = now - rng.uniform(0.1, 17.95) * YEAR
            self.births.append(birth)
            start = max(horizon, birth + 30 * DAY)
            r = rng.random()
            if r < 0.30 or now - start < 2 * DAY:
                times: tuple[float, ...] = ()
            elif r < 0.92 or now - start < 400 * DAY:
                times = (rng.uniform(start, now - DAY),)
            else:  # a second case, opened after the first was closed
                first = rng.uniform(start, now - 400 * DAY)
                times = (first, rng.uniform(first + 200 * DAY, now - DAY))
            self.case_times.append(times)
        by_year: dict[int, list[tuple[float, int, int]]] = defaultdict(list)
        for i, times in enumerate(self.case_times):
            for k, t in enumerate(times):
                by_year[dt.datetime.fromtimestamp(t, tz=dt.UTC).year].append((t, i, k))
        self.numbers: dict[tuple[int, int], str] = {}
        for year, items in by_year.items():
            first_number = next_case_number(self.municipality, year)
            serial = int(first_number.rsplit("-", 1)[1])
            for _t, i, k in sorted(items):
                self.numbers[(i, k)] = f"{self.municipality.code}-{year}-{serial:05d}"
                serial += 1

    def prepare_places(self) -> None:
        """Children live mostly in the municipal centre, then in the other towns, then villages."""
        settlements = list(Settlement.objects.filter(municipality=self.municipality).order_by("ekatte"))
        weights = []
        towns = sum(1 for s in settlements if s.kind == "гр." and s.ekatte != self.municipality.ekatte)
        villages = max(1, len(settlements) - towns - 1)
        for s in settlements:
            if s.ekatte == self.municipality.ekatte:
                weights.append(0.6)
            elif s.kind == "гр.":
                weights.append(0.15 / towns)
            else:
                weights.append(0.25 / villages)
        self.settlement_ids = [s.ekatte for s in settlements]
        self.settlement_cum = []
        total = 0.0
        for w in weights:
            total += w
            self.settlement_cum.append(total)

    def prepare_identifiers(self) -> None:
        self.used_egn = set(Child.objects.exclude(egn=None).values_list("egn", flat=True))
        self.used_lnch = set(Child.objects.exclude(lnch=None).values_list("lnch", flat=True))

    def prepare_words(self) -> None:
        """Timeline summaries in the services' own words, in the site's language."""
        with translation.override(settings.LANGUAGE_CODE):
            self.w_signal = gettext(MSG_TIMELINE_SIGNAL)
            self.w_opened = gettext(MSG_OPENED)
            self.w_lead = gettext(MSG_LEAD_JOINED)
            self.w_joined = gettext(MSG_MEMBER_JOINED)
            self.w_left = gettext(MSG_MEMBER_LEFT)
            self.w_note = gettext(MSG_NOTE)
            self.w_status = {s: gettext(msg) for s, msg in STATUS_MESSAGES.items()}
            self.w_category = {c.value: str(c.label) for c in SignalCategory}
            self.w_section = {s.value: str(s.label) for s in NoteSection}
            self.w_role = {r.value: str(r.label) for r in TeamRole}

    # -- one batch -----------------------------------------------------------------------------
    def _dt(self, ts: float) -> dt.datetime:
        return dt.datetime.fromtimestamp(ts, tz=dt.UTC)

    def _identifiers(self, rng: random.Random, birth: dt.date, sex: str) -> tuple[str | None, str | None]:
        r = rng.random()
        if r < 0.005:
            for _ in range(20):
                base = f"{rng.randrange(10**9):09d}"
                lnch = base + stdnum_pnf.calc_check_digit(base)
                if lnch not in self.used_lnch:
                    self.used_lnch.add(lnch)
                    return None, lnch
            return None, None
        if r < 0.035:
            return None, None  # no identifier known (yet)
        for _ in range(30):
            egn = make_egn(birth, sex, rng.randrange(500))
            if egn not in self.used_egn:
                self.used_egn.add(egn)
                return egn, None
        return None, None

    def _category(self, rng: random.Random, age: float, sex: str) -> str:
        """Weights are for all children; categories that cannot apply to this child are redrawn."""
        cats, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
        while True:
            c = rng.choices(cats, weights=weights)[0]
            if c in ("dropout", "antisocial") and age < 9:
                continue
            if c == "minor_pregnancy" and (sex != "f" or age < 13):
                continue
            return c

    def write_batch(self, index: int, start: int, stop: int) -> None:
        rng = random.Random(f"{self.seed}-batch-{index}")
        now = self.now.timestamp()
        children: list[Child] = []
        meta: list[tuple[int, names.Family]] = []
        for i in range(start, stop):
            sex = rng.choice("mf")
            fam = names.family(rng, sex)
            birth = self._dt(self.births[i]).date()
            egn, lnch = self._identifiers(rng, birth, sex)
            lead = rng.choice(self.leads)
            full = f"{fam.first_name} {fam.middle_name} {fam.last_name}"
            children.append(
                Child(
                    first_name=fam.first_name,
                    middle_name=fam.middle_name,
                    last_name=fam.last_name,
                    name_latin=to_latin(full),
                    search_key=search_key(full),
                    birth_date=birth,
                    sex=sex,
                    egn=egn,
                    lnch=lnch,
                    settlement_id=self.settlement_ids[
                        bisect.bisect_left(self.settlement_cum, rng.random() * self.settlement_cum[-1])
                    ],
                    address=names.address(rng),
                    created_by_id=lead.user_id,
                    created_by_organisation_id=lead.org_id,
                )  # fmt: skip
            )
            meta.append((i, fam))
        Child.objects.bulk_create(children)

        relatives: list[Relative] = []
        cases: list[Case] = []
        case_meta: list[tuple[int, str, Pro, list, Child]] = []  # (case index, category, lead, plan, child)
        for child, (i, fam) in zip(children, meta, strict=True):
            relatives.append(Relative(child=child, full_name=fam.mother, relationship=Relationship.MOTHER,
                                      has_parental_rights=True, lives_with_child=rng.random() < 0.85,
                                      phone=names.phone(rng) if rng.random() < 0.6 else ""))  # fmt: skip
            if rng.random() < 0.8:
                relatives.append(Relative(child=child, full_name=fam.father, relationship=Relationship.FATHER,
                                          has_parental_rights=rng.random() < 0.9, lives_with_child=rng.random() < 0.6,
                                          phone=names.phone(rng) if rng.random() < 0.4 else ""))  # fmt: skip
            if rng.random() < 0.25:
                grand = f"{rng.choice(names.FEMALE_ADULT)} {names.female_surname(fam.surname_male)}"
                relatives.append(Relative(child=child, full_name=grand, relationship=Relationship.GRANDPARENT,
                                          lives_with_child=rng.random() < 0.3))  # fmt: skip
            times = self.case_times[i]
            for k, opened in enumerate(times):
                age = (opened - self.births[i]) / YEAR
                category = self._category(rng, age, child.sex)
                lead = self.leads[rng.randrange(len(self.leads))] if k == 0 else case_meta[-1][2]
                if k == 0 and self.pros[K.COP] and rng.random() < 0.08 and category not in PROTECTION:
                    lead = rng.choice(self.pros[K.COP])  # a ЦОП leads some support cases
                plan = self._case_plan(rng, opened, now, age, category, lead,
                                       closed_before=times[k + 1] if k + 1 < len(times) else None)  # fmt: skip
                plan["second"] = k > 0
                status, closed_at, reason, version = plan["final"]
                description = rng.choice(texts.SIGNALS[category]).format(name=child.first_name)
                plan["description"] = description
                cases.append(
                    Case(
                        number=self.numbers[(i, k)],
                        child=child,
                        status=status,
                        lead_id=lead.user_id,
                        lead_organisation_id=lead.org_id,
                        municipality=self.municipality,
                        summary=description.split(";")[0].split(".")[0] + ".",
                        opened_at=self._dt(opened),
                        closed_at=closed_at,
                        status_reason=reason,
                        version=version,
                    )  # fmt: skip
                )
                case_meta.append((len(cases) - 1, category, lead, plan, child))
        Relative.objects.bulk_create(relatives)
        Case.objects.bulk_create(cases)

        signals: list[Signal] = []
        routes: list[tuple[int, str, int | None, dt.datetime]] = []  # (signal index, institution, org, at)
        team: list[TeamMember] = []
        notes: list[CaseNote] = []
        timeline: list[TimelineEntry] = []
        steps_rng = random.Random(f"{self.seed}-protocols-{index}")  # the rest draws as it did before
        for idx, category, lead, plan, _child in case_meta:
            case = cases[idx]
            received, members = self._case_rows(
                rng, case, category, lead, plan, signals, team, notes, timeline, routes
            )
            changes = [(self._dt(when), status) for when, status in plan["changes"]]
            self.protocols.case(steps_rng, case, category, lead, members, received, changes, plan["second"])
        self._open_signals(random.Random(f"{self.seed}-intake-{index}"), children, signals, routes)
        Signal.objects.bulk_create(signals, batch_size=2000)
        SignalRoute.objects.bulk_create(
            [
                SignalRoute(signal=signals[i], institution=inst, organisation_id=org, status=RouteStatus.NOTIFIED, at=at)
                for i, inst, org, at in routes
            ],
            batch_size=5000,
        )  # fmt: skip
        TeamMember.objects.bulk_create(team)
        CaseNote.objects.bulk_create(notes)
        TimelineEntry.objects.bulk_create(timeline)
        protocol_rows = self.protocols.write()

        events = [
            PendingEvent(
                action="child.register", object_type="child", object_id=str(c.pk), details={"seed": True}
            )
            for c in children
        ]
        events += [
            PendingEvent(
                action="case.open", case_id=c.pk, object_type="case", object_id=str(c.pk),
                details={"child": c.child_id, "category": cat, "seed": True},
            )
            for c, (_, cat, *_rest) in zip(cases, case_meta, strict=True)
        ]  # fmt: skip
        audit_record_many(ctx=self.ctx, events=events, batch_size=5000)
        counts = self.result.rows
        for model, rows in (
            ("children", children), ("relatives", relatives), ("cases", cases), ("signals", signals),
            ("signal routes", routes),
            ("team members", team), ("notes", notes), ("timeline entries", timeline), ("audit events", events),
        ):  # fmt: skip
            counts[model] = counts.get(model, 0) + len(rows)
        for model, n in protocol_rows.items():
            counts[model] = counts.get(model, 0) + n
        self.result.children += len(children)
        self.result.cases += len(cases)

    def _case_plan(
        self, rng, opened: float, now: float, age: float, category: str, lead: Pro, *, closed_before
    ):
        """Team, notes and status history of one case, as times and choices (no rows yet)."""
        needs = [K.KINDERGARTEN if (k == K.SCHOOL and age < 6.5) else k for k in NEEDS[category]]
        rng.shuffle(needs)
        extra = rng.choices(range(1, 6), weights=TEAM_EXTRA_WEIGHTS)[0]
        if rng.random() < 0.15:  # now and then a sector the category does not usually need
            needs.insert(
                rng.randrange(len(needs) + 1), rng.choice(list(NEEDS["other"]) + [K.COMMUNITY, K.DPS])
            )
        members: list[tuple[Pro, str, int, float]] = []
        seen = {lead.user_id}
        t = opened
        for kind in needs:
            if len(members) >= extra:
                break
            pool = self.pros.get(kind)
            if not pool:
                continue
            pro = pool[rng.randrange(len(pool))]
            if pro.user_id in seen:
                continue
            seen.add(pro.user_id)
            t += rng.uniform(0.05, 6) * DAY
            role = TeamRole.CONSULTANT if rng.random() < 0.15 else TeamRole.MEMBER
            level = LEVEL[kind] if rng.random() < 0.85 else max(1, LEVEL[kind] - 1)
            members.append((pro, role, level, min(t, now - 3600)))
        # Status history: older cases are more often closed or in follow-up.
        case_age = (now - opened) / DAY
        changes: list[tuple[float, str]] = []
        if closed_before is not None:
            closed = rng.uniform(opened + 90 * DAY, closed_before - 10 * DAY)
            if rng.random() < 0.5:
                changes.append((rng.uniform(opened + 45 * DAY, closed - 5 * DAY), CaseStatus.FOLLOW_UP))
            changes.append((closed, CaseStatus.CLOSED))
        else:
            if case_age > 365:
                weights = (25, 20, 55)
            elif case_age > 180:
                weights = (45, 25, 30)
            elif case_age > 60:
                weights = (75, 15, 10)
            else:
                weights = (95, 5, 0)
            final = rng.choices((CaseStatus.OPEN, CaseStatus.FOLLOW_UP, CaseStatus.CLOSED), weights=weights)[
                0
            ]
            settled = max(opened + min(40, case_age * 0.4) * DAY, members[-1][3] if members else opened)
            t1 = rng.uniform(min(settled, now - DAY), now - DAY)
            if final == CaseStatus.FOLLOW_UP:
                changes.append((t1, CaseStatus.FOLLOW_UP))
            elif final == CaseStatus.CLOSED:
                if rng.random() < 0.4:
                    changes.append((rng.uniform(opened + 0.2 * (t1 - opened), t1), CaseStatus.FOLLOW_UP))
                changes.append((t1, CaseStatus.CLOSED))
            elif case_age > 200 and rng.random() < 0.1:  # closed, then reopened on a new signal
                t0 = rng.uniform(opened + 60 * DAY, now - 30 * DAY)
                changes += [(t0, CaseStatus.CLOSED), (rng.uniform(t0 + DAY, now - DAY), CaseStatus.OPEN)]
        end = changes[-1][0] if changes and changes[-1][1] == CaseStatus.CLOSED else now - DAY
        # Notes, within what keeps the timeline at 15 entries or fewer.
        fixed = 3 + len(members) + len(changes)
        n_notes = min(rng.choice((0, 1, 2, 2, 3, 3, 4, 5, 6, 7)), max(0, 15 - fixed - 1))
        leaver = None
        if len(members) >= 2 and rng.random() < 0.08:
            leaver = rng.randrange(len(members))
        reasons = [rng.choice(texts.REASONS[new]) for _, new in changes]
        status, closed_at, reason = CaseStatus.OPEN, None, ""
        for (when, new), why in zip(changes, reasons, strict=True):
            # As case_change_status does: follow-up then closed keeps the first date.
            closed_at = None if new == CaseStatus.OPEN else (closed_at or self._dt(when))
            status, reason = new, why
        return {
            "members": members,
            "changes": changes,
            "reasons": reasons,
            "notes": [rng.uniform(opened + 0.02 * (end - opened), end) for _ in range(n_notes)],
            "leaver": leaver,
            "end": end,
            "final": (status, closed_at, reason, 1 + len(changes)),
        }

    def _signal_number(self, received: dt.datetime) -> str:
        """The next number of the municipality's series of signals for the year."""
        year = received.astimezone(self.zone).year
        prefix = f"S-{self.municipality.code}-{year}-"
        if prefix not in self.signal_serials:
            last = (
                Signal.objects.filter(number__startswith=prefix)
                .order_by("-number")
                .values_list("number", flat=True)
                .first()
            )
            self.signal_serials[prefix] = int(last.rsplit("-", 1)[1]) if last else 0
        self.signal_serials[prefix] += 1
        return f"{prefix}{self.signal_serials[prefix]:05d}"

    def _case_rows(
        self, rng, case: Case, category, lead: Pro, plan, signals, team, notes, timeline, routes
    ) -> tuple[dt.datetime, list[tuple[Pro, dt.datetime, dt.datetime | None]]]:
        """The case's rows; returns when the signal came and the team [(pro, joined, left)], lead first."""
        opened = case.opened_at
        sector = rng.choices(SOURCE[category], weights=SOURCE_WEIGHTS[: len(SOURCE[category])])[0]
        reporter = rng.choice(texts.REPORTERS[sector])
        orgs = self.orgs_by_sector.get(sector)
        received = opened - dt.timedelta(hours=rng.uniform(1, 30))
        child = case.child
        number = self._signal_number(received)
        signals.append(
            Signal(
                number=number, category=category, description=plan["description"], child=child,
                child_first_name=child.first_name, child_middle_name=child.middle_name,
                child_last_name=child.last_name, child_birth_date=child.birth_date, child_sex=child.sex,
                child_settlement_id=child.settlement_id,
                reporter_kind=ReporterKind.CITIZEN if sector == "community" else ReporterKind.PROFESSIONAL,
                reporter_name=reporter, reporter_organisation_id=rng.choice(orgs) if orgs else None,
                source_sector=sector, recorded_by_id=lead.user_id, received_at=received, recorded_at=received,
                recipient_id=lead.org_id, municipality=self.municipality, status=SignalStatus.DECIDED,
                assigned_to_id=lead.user_id, assigned_at=received + (opened - received) * 0.2,
                checked_at=received + (opened - received) * 0.8, checked_by_id=lead.user_id,
                check_actions="Разговор с детето и родителите.", check_findings="Рискът е потвърден.",
                decision=Decision.OPEN_CASE, decided_at=opened, decided_by_id=lead.user_id, case=case,
                informed_at=received,
            )
        )  # fmt: skip
        index = len(signals) - 1
        if lead.kind == K.OZD:
            routes.append((index, "ozd", lead.org_id, received))
        if category == "violence" and self.police_org:
            routes.append((index, "police", self.police_org, received))
        add = timeline.append
        add(
            TimelineEntry(
                case=case,
                kind=TimelineKind.SIGNAL,
                actor_id=lead.user_id,
                at=received,
                summary=(self.w_signal % {"category": self.w_category[category], "number": number})[:300],
                message=MSG_TIMELINE_SIGNAL,
                params={"category": category, "number": number},
            )
        )
        add(
            TimelineEntry(
                case=case,
                kind=TimelineKind.OPENED,
                actor_id=lead.user_id,
                at=opened,
                summary=self.w_opened,
                message=MSG_OPENED,
            )
        )
        team.append(
            TeamMember(
                case=case,
                user_id=lead.user_id,
                organisation_id=lead.org_id,
                role=TeamRole.LEAD,
                sharing_level=3,
                joined_at=opened,
                added_by_id=lead.user_id,
            )
        )
        add(TimelineEntry(case=case, kind=TimelineKind.MEMBER_JOINED, actor_id=lead.user_id, at=opened,
                          summary=(self.w_lead % {"name": lead.name, "org": lead.org_name})[:300],
                          message=MSG_LEAD_JOINED, params={"name": lead.name, "org": lead.org_name}))  # fmt: skip
        active: list[tuple[Pro, int, float]] = [(lead, 3, opened.timestamp())]
        members: list[tuple[Pro, dt.datetime, dt.datetime | None]] = [(lead, opened, None)]
        for n, (pro, role, level, joined) in enumerate(plan["members"]):
            joined_at = self._dt(joined)
            member = TeamMember(case=case, user_id=pro.user_id, organisation_id=pro.org_id, role=role,
                                sharing_level=level, joined_at=joined_at, added_by_id=lead.user_id)  # fmt: skip
            add(TimelineEntry(case=case, kind=TimelineKind.MEMBER_JOINED, actor_id=lead.user_id, at=joined_at,
                              summary=(self.w_joined % {"name": pro.name, "org": pro.org_name, "role": self.w_role[role]})[:300],
                              message=MSG_MEMBER_JOINED, params={"name": pro.name, "org": pro.org_name, "role": str(role)}))  # fmt: skip
            if n == plan["leaver"]:
                left = self._dt(rng.uniform(joined, max(joined + DAY, plan["end"])))
                member.left_at, member.removed_by_id = left, lead.user_id
                member.leave_reason = rng.choice(texts.LEAVE_REASONS)
                add(TimelineEntry(case=case, kind=TimelineKind.MEMBER_LEFT, actor_id=lead.user_id, at=left,
                                  summary=(self.w_left % {"name": pro.name})[:300],
                                  message=MSG_MEMBER_LEFT, params={"name": pro.name}))  # fmt: skip
            else:
                active.append((pro, level, joined))
            members.append((pro, joined_at, member.left_at))
            team.append(member)
        sections = [*NOTE_SECTIONS[category], NoteSection.GENERAL]
        for when in plan["notes"]:
            section = rng.choice(sections)
            sensitivity = SECTION_SENSITIVITY[NoteSection(section)]
            authors = [p for p, level, joined in active if level >= sensitivity and joined <= when] or [lead]
            author = authors[rng.randrange(len(authors))]
            text = rng.choice(texts.NOTES[section]).format(name=case.child.first_name)
            at = self._dt(when)
            notes.append(CaseNote(case=case, section=section, sensitivity=sensitivity, text=text,
                                  author_id=author.user_id, created_at=at))  # fmt: skip
            add(TimelineEntry(case=case, kind=TimelineKind.NOTE, actor_id=author.user_id, at=at, sensitivity=sensitivity,
                              summary=(self.w_note % {"section": self.w_section[section], "text": text[:200]})[:300],
                              message=MSG_NOTE, params={"section": str(section), "text": text[:200]}))  # fmt: skip
        for (when, status), reason in zip(plan["changes"], plan["reasons"], strict=True):
            add(TimelineEntry(case=case, kind=TimelineKind.STATUS, actor_id=lead.user_id, at=self._dt(when),
                              summary=(self.w_status[status] % {"reason": reason[:200]})[:300],
                              message=STATUS_MESSAGES[status], params={"reason": reason[:200]}))  # fmt: skip
        return received, members

    def _open_signals(self, rng, children: list[Child], signals: list[Signal], routes) -> None:
        """Signals still in the departments' queues: received in the last days, some assigned, some
        checked; about children the department has not yet found among the registered."""
        now = self.now
        departments = sorted({p.org_id for p in self.leads})
        if not departments:
            return
        workers: dict[int, list[int]] = defaultdict(list)
        for p in self.leads:
            workers[p.org_id].append(p.user_id)
        reporters = [p for kind in (K.SCHOOL, K.GP, K.DPS, K.COP) for p in self.pros.get(kind, [])]
        cats, weights = zip(*CATEGORY_WEIGHTS.items(), strict=True)
        for child in rng.sample(
            children, min(len(children), max(1, round(len(children) * OPEN_SIGNAL_SHARE)))
        ):
            received = now - dt.timedelta(hours=rng.uniform(0.2, 24 * 12))
            category = rng.choices(cats, weights=weights)[0]
            org = departments[rng.randrange(len(departments))]
            reporter = reporters[rng.randrange(len(reporters))] if reporters else None
            danger = rng.random() < 0.05
            state = rng.random()
            assigned = state < 0.7
            checked = assigned and state < 0.35
            hours = 1 if (danger or category == "violence") else 24
            signals.append(
                Signal(
                    number=self._signal_number(received), category=category, urgency="urgent" if danger else "routine",
                    immediate_danger=danger, description=rng.choice(texts.SIGNALS[category]).format(name=child.first_name),
                    child_first_name=child.first_name, child_last_name=child.last_name,
                    child_age=max(0, min(17, int((now.date() - child.birth_date).days // 365))),
                    child_settlement_id=child.settlement_id,
                    reporter_kind=ReporterKind.PROFESSIONAL if reporter else ReporterKind.CITIZEN,
                    reporter_name=reporter.name if reporter else "Съсед", reporter_user_id=reporter.user_id if reporter else None,
                    reporter_organisation_id=reporter.org_id if reporter else None,
                    source_sector=KIND_SECTOR[reporter.kind] if reporter else "",
                    recorded_by_id=reporter.user_id if reporter else workers[org][0], received_at=received,
                    recorded_at=received, recipient_id=org, municipality=self.municipality,
                    status=SignalStatus.CHECKING if assigned else SignalStatus.RECEIVED,
                    assign_due_at=received + dt.timedelta(hours=hours), check_due_at=received + dt.timedelta(days=1 if hours == 1 else 7),
                    informed_at=received,
                    assigned_to_id=rng.choice(workers[org]) if assigned else None,
                    assigned_at=received + dt.timedelta(minutes=rng.uniform(5, 90)) if assigned else None,
                    checked_at=received + dt.timedelta(hours=rng.uniform(1, 20)) if checked else None,
                    check_actions="Посещение в дома." if checked else "", check_findings="Проверката продължава." if checked else "",
                )
            )  # fmt: skip
            routes.append((len(signals) - 1, "ozd", org, received))
            if (category == "violence" or danger) and self.police_org:
                routes.append((len(signals) - 1, "police", self.police_org, received))

    # -- all of it -----------------------------------------------------------------------------
    def run(self) -> SeedResult:
        self.prepare_people()
        self.prepare_places()
        self.prepare_identifiers()
        self.prepare_words()
        self.plan()
        # The protocols the engine would attach, on their current versions (loaded if not yet).
        protocol_sync(ctx=AuditContext.system())
        self.protocols = ProtocolSeeder(self.now)
        with _bulk_load_cache():
            for index, start in enumerate(range(0, self.n, self.batch_size)):
                stop = min(self.n, start + self.batch_size)
                with transaction.atomic():
                    self.write_batch(index, start, stop)
                self.progress(stop - start)
        return self.result


def seed(
    *, children: int, municipality: Municipality, seed: int = 1, batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
) -> SeedResult:  # fmt: skip
    """Write ``children`` synthetic children with their cases; see the module docstring."""
    return Seeder(
        children=children, municipality=municipality, seed=seed, batch_size=batch_size, progress=progress
    ).run()


# --- protocol steps -------------------------------------------------------------------------------
# What the engine (``zaedno.protocols.engine``) would have written for a seeded case, simulated in
# memory with the same rules and the same clock functions, then written in bulk with the batch.

STALL_STEPS = ("signal_checked", "team_formed", "assessment_conference", "multisector_assessment", "formulation", "plan_agreed")  # fmt: skip
OFFICE_OPENS, OFFICE_CLOSES = 8.5, 17.0


@dataclass(slots=True, frozen=True, eq=False)
class SimDef:
    """A step definition with what the simulation reads of it, looked up once."""

    sd: StepDef
    code: str
    starts_on: str
    deadline: dict
    repeat: dict | None
    ends_on: str | None
    owner: str
    completed_by: str
    record: tuple[str, str]  # (artefact, kind)
    hours: bool
    chain: bool  # done before follow-up starts (not a review, not a follow-up step)
    applies_when: dict | None

    @classmethod
    def of(cls, sd: StepDef) -> SimDef:
        body = sd.body
        return cls(
            sd, sd.code, sd.starts_on, body["deadline"], body.get("repeat"), body.get("ends_on"),
            body["owner"], sd.completed_by, parse_artefact(sd.completed_by), "hours" in body["deadline"],
            "repeat" not in body and sd.starts_on != "follow_up_started", body.get("applies_when"),
        )  # fmt: skip


OPEN, WAITING, DONE = StepStatus.OPEN.value, StepStatus.WAITING.value, StepStatus.DONE.value
NOT_APPLICABLE, ENDED = StepStatus.NOT_APPLICABLE.value, StepStatus.ENDED.value
UNFINISHED = (OPEN, WAITING)


@dataclass(slots=True, eq=False)
class SimStep:
    """One step (one occurrence) on a seeded case, as the engine would have left it."""

    cp: int  # index of the case's protocol
    d: SimDef
    occurrence: int = 1
    status: str = WAITING
    started: dt.datetime | None = None
    due: dt.datetime | None = None
    remind: dt.datetime | None = None
    escalate: dt.datetime | None = None
    completed: dt.datetime | None = None
    ended: dt.datetime | None = None
    by: int | None = None
    artefact: int = -1  # index of the record that completed it, in ProtocolSeeder.artefacts
    reason: str = ""
    token: int = 0  # which of the decisions about this step still holds


class ProtocolSeeder:
    """The engine's rows for seeded cases, without calling the engine row by row.

    Each case is played in memory: the signal and the opening attach the protocols that apply on
    their current versions (multisector always, the Coordination Mechanism for violence); a step's
    clock starts on its event or when the step before it is done, with ``deadline_for``,
    ``reminder_lead`` and ``escalation_delay``; a record completes every open step it completes
    and raises the events it raises; repeating steps get their next occurrence; follow-up ends
    the plan reviews, closing ends what is left, reopening opens it again. When each step is done
    is drawn: mostly before the deadline, sometimes after (each lead has a habit), some steps do
    not apply, and in some open cases the work stopped at a step. Owners are resolved from the
    team as ``engine.resolve_owner`` does. The rows (protocols, records, steps, events) are then
    written in bulk in the batch's transaction (:meth:`write`); timeline entries and audit events
    are not written per step (the seeder writes one audit event per case).
    """

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        latest: dict[int, ProtocolVersion] = {}
        for version in ProtocolVersion.objects.select_related("definition").order_by(
            "definition_id", "version"
        ):
            latest[version.definition_id] = version
        self.versions = list(latest.values())
        self.defs = {v.pk: [SimDef.of(sd) for sd in steps_of(v).values()] for v in self.versions}
        self.starts = {v.pk: {d.starts_on for d in self.defs[v.pk]} for v in self.versions}
        every = [d for defs in self.defs.values() for d in defs]
        # Records that complete more than one kind of step (``signal_checked`` in two protocols).
        self.shared = {d.completed_by for d in every if sum(self._completes(d.record, o) for o in every) > 1}
        self.ending = {d.ends_on for d in every if d.ends_on}  # events that end repeating steps
        self.zone = ZoneInfo(settings.TIME_ZONE)
        # reminder_lead and escalation_delay by the step's time span (a few dozen distinct spans)
        self.margins: dict[dt.timedelta, tuple[dt.timedelta, dt.timedelta]] = {}
        self.reset()

    def reset(self) -> None:
        self.protocols: list[CaseProtocol] = []
        self.steps: list[tuple[CaseProtocol, int, SimStep, tuple[int | None, int | None]]] = []
        self.artefacts: list[tuple] = []  # (case, artefact, kind, at, by, evidence)
        self.events: list[tuple] = []  # (case, code, at, by)

    # -- one case --------------------------------------------------------------------------------
    def case(self, rng, case: Case, category: str, lead: Pro, team, received: dt.datetime,
             changes: list[tuple[dt.datetime, str]], second: bool) -> None:  # fmt: skip
        """Play one case; ``team`` is [(Pro, joined, left or None)], the lead first."""
        now, opened, case_id, lead_id = self.now, case.opened_at, case.pk, lead.user_id
        facts = {"signal_category": {category}}
        versions = [v for v in self.versions if applies(v.body.get("applies_when"), facts)]
        cps: list[CaseProtocol] = []
        steps: list[SimStep] = []
        seen_events: list[tuple[str, dt.datetime]] = []
        waiting: dict[str, list[SimStep]] = {}  # by the event that starts them
        heap: list = []
        order = itertools.count()
        late = LATE_HABITS[lead_id % len(LATE_HABITS)]
        final = changes[-1][1] if changes else CaseStatus.OPEN
        stall = rng.choice(STALL_STEPS) if final != CaseStatus.CLOSED and rng.random() < 0.12 else ""
        na: dict[str, str] = {}
        if category == "violence":
            r = rng.random()
            if r < 0.2:
                na["assessment_conference"] = texts.NOT_APPLICABLE["assessment_conference"][0]
            elif r < 0.35:
                na["multisector_assessment"] = texts.NOT_APPLICABLE["multisector_assessment"][0]
        if second:
            na["team_formed"] = texts.NOT_APPLICABLE["team_formed"][0]
        closes = sorted(t for t, s in changes if s == CaseStatus.CLOSED)
        follows = sorted(t for t, s in changes if s == CaseStatus.FOLLOW_UP)
        office, artefacts, events, margins = self.office, self.artefacts, self.events, self.margins

        def push(t, kind, obj):
            heapq.heappush(heap, (t, next(order), kind, obj))

        def open_step(st: SimStep, t: dt.datetime, deadline: dict) -> None:
            # In UTC: two datetimes with the same zone subtract by the wall clock, which across the
            # change to winter time is an hour off the engine's real span.
            due = deadline_for(t, deadline).astimezone(dt.UTC)
            span = due - t.astimezone(dt.UTC)
            lead_time, delay = margins.get(span) or margins.setdefault(
                span, (reminder_lead(span), escalation_delay(span))
            )
            st.status, st.started, st.due = OPEN, t, due
            st.remind, st.escalate = due - lead_time, due + delay
            decide(st, t)

        def decide(st: SimStep, t: dt.datetime, *, reopened: bool = False) -> None:
            st.token += 1
            d = st.d
            code = d.code
            if code in na:
                push(t + (st.due - t) * rng.uniform(0.05, 0.4), "na", (st, st.token))
                return
            if code == stall:
                return  # the work stopped here: overdue (or still on track, if recent)
            if code == "closure_decision" or code == "closure_notified":
                close = next((x for x in closes if x > t), None)
                if close is None:
                    return  # decided when the case closes
                if code == "closure_decision":
                    at = max(t + HOUR, close - dt.timedelta(days=rng.uniform(2, 10)))
                else:
                    at = t + (close - t) * rng.uniform(0.2, 0.8)
            elif reopened:
                at = office(t + dt.timedelta(days=rng.uniform(1, 15)), rng)
            else:
                span = st.due - t
                if rng.random() < late:
                    at = st.due + min(span, THREE_DAYS) * rng.uniform(0.2, 1.5)
                else:
                    at = t + span * (rng.uniform(0.7, 0.97) if d.repeat else rng.uniform(0.25, 0.95))
                if not d.hours:
                    at = office(at, rng)
                if d.chain and follows:
                    follow = next((x for x in follows if x > t), None)
                    if follow is not None and follow < at:
                        # Follow-up means the plan's goals were reached: the earlier steps were done by then.
                        limit = follow - DAY_DELTA
                        at = t + (limit - t) * rng.uniform(0.3, 0.9) if limit > t else t
            if at < now:
                push(at, "done", (st, st.token))

        def start_waiting(code: str, t: dt.datetime, only: int | None = None) -> None:
            if code not in waiting:
                return
            kept = []
            for st in waiting.pop(code):
                if st.status != WAITING:
                    continue
                if only is None or only == st.cp:
                    open_step(st, t, st.d.deadline)
                else:
                    kept.append(st)
            if kept:
                waiting[code] = kept

        def attach(version: ProtocolVersion, t: dt.datetime, event: str) -> None:
            cps.append(CaseProtocol(case=case, version=version, started_at=t, started_by_event=event))
            index = len(cps) - 1
            for d in self.defs[version.pk]:
                if d.applies_when is None or applies(d.applies_when, facts):
                    st = SimStep(index, d)
                    steps.append(st)
                    waiting.setdefault(d.starts_on, []).append(st)
            for code, at in seen_events:  # the events before it start its steps, at their time
                start_waiting(code, at, only=index)

        def event(code: str, t: dt.datetime) -> None:
            seen_events.append((code, t))
            events.append((case_id, code, t, lead_id))
            if len(cps) < len(versions):
                attached = {cp.version_id for cp in cps}
                for version in versions:
                    if version.pk not in attached and code in self.starts[version.pk]:
                        attach(version, t, code)
            start_waiting(code, t)
            if code in self.ending:
                for st in steps:  # repeating steps that end on this event
                    if st.d.ends_on == code and st.status in UNFINISHED:
                        st.status, st.ended = ENDED, t
                        st.due = st.due if st.due and st.due < t else None
            if code == "case_closed":
                for st in steps:
                    if st.status in UNFINISHED:
                        st.status, st.ended = ENDED, t

        def finished(st: SimStep, t: dt.datetime) -> None:
            start_waiting(STEP_DONE + st.d.code, t, only=st.cp)
            if st.status == DONE and st.d.repeat:
                nxt = SimStep(st.cp, st.d, st.occurrence + 1)
                steps.append(nxt)
                open_step(nxt, t, st.d.repeat)

        def record(st: SimStep, t: dt.datetime) -> None:
            d = st.d
            artefact, kind = d.record
            by = self.owner(team, lead, d.owner, t if t > opened else opened)[0] or lead_id
            artefacts.append(
                (case_id, artefact, kind, t, by, self.evidence(rng, d.completed_by, t, case, lead, team))
            )
            index = len(artefacts) - 1
            if d.completed_by not in self.shared:  # the usual case: this step's own record
                st.status, st.completed, st.by, st.artefact = DONE, t, by, index
                finished(st, t)
            else:  # every step this record completes, one occurrence each
                done: set[tuple[int, str]] = set()
                for other in list(steps):
                    key = (other.cp, other.d.code)
                    if other.status in UNFINISHED and key not in done and self._completes(d.record, other.d):
                        done.add(key)
                        other.status, other.completed, other.by, other.artefact = DONE, t, by, index
                        finished(other, t)
            for key in (f"{artefact}[{kind}]", artefact):
                if key in ARTEFACT_EVENTS:
                    event(ARTEFACT_EVENTS[key], t)
                    break

        push(received, "event", "signal_received")
        if category == "violence" and rng.random() < 0.6:
            # Decided at the first meeting: no crisis intervention is needed (the step waits otherwise).
            na["crisis_intervention"] = rng.choice(texts.NOT_APPLICABLE["crisis_intervention"])
            when = max(received, opened) + dt.timedelta(hours=rng.uniform(3, 30))
            if when < now:
                push(when, "not_applicable", "crisis_intervention")
        push(opened, "event", "case_opened")
        for t, status in changes:
            if status == CaseStatus.FOLLOW_UP:
                push(t, "event", "follow_up_started")
            elif status == CaseStatus.CLOSED:
                push(t, "event", "case_closed")
            else:
                push(t, "reopen", None)
        last_close = None
        while heap:
            t, _, kind, obj = heapq.heappop(heap)
            if kind == "done" or kind == "na":
                st, token = obj
                if st.token != token or st.status not in UNFINISHED:
                    continue
                if kind == "done":
                    record(st, t)
                else:
                    st.status, st.reason, st.ended = NOT_APPLICABLE, na[st.d.code], t
                    finished(st, t)
            elif kind == "event":
                event(obj, t)
                last_close = t if obj == "case_closed" else last_close
            elif kind == "not_applicable":  # a step that may not have started
                for st in steps:
                    if st.d.code == obj and st.status in UNFINISHED:
                        st.status, st.reason, st.ended = NOT_APPLICABLE, na[obj], t
                        finished(st, t)
                        break
            else:  # reopened, as case_reopened: what ended at the closing is open again
                for st in steps:
                    if st.status == ENDED and st.ended == last_close:
                        st.status = OPEN if st.started else WAITING
                        st.ended = None
                        if st.started:
                            decide(st, t, reopened=True)
                        elif st not in waiting.setdefault(st.d.starts_on, []):
                            waiting[st.d.starts_on].append(st)
        self.protocols += cps
        add = self.steps.append
        for st in steps:
            moment = st.completed or st.ended or now
            owner = self.owner(team, lead, st.d.owner, moment if moment > opened else opened)
            add((cps[st.cp], case_id, st, owner))

    # -- helpers ---------------------------------------------------------------------------------
    @staticmethod
    def _completes(record: tuple[str, str], d: SimDef) -> bool:
        """Whether a record ``(artefact, kind)`` completes the steps of definition ``d``."""
        want, want_kind = d.record
        return want == record[0] and (not want_kind or want_kind == record[1])

    @staticmethod
    def owner(team, lead: Pro, role: str, at: dt.datetime) -> tuple[int | None, int | None]:
        """As ``engine.resolve_owner``, with the team as it was at ``at`` (the lead first)."""
        if role in ("case_lead", "team", "signal_recipient"):
            return lead.user_id, lead.org_id
        kinds = OWNER_ORGANISATION_KINDS.get(role, ())
        for pro, joined, left in team:
            if pro.kind in kinds and joined <= at and (left is None or left > at):
                return pro.user_id, pro.org_id
        return None, None

    def office(self, t: dt.datetime, rng) -> dt.datetime:
        """Moved into office hours (a weekday, 8:30–17:00) if outside them."""
        local = t.astimezone(self.zone)
        hour = local.hour + local.minute / 60
        if local.weekday() < 5 and OFFICE_OPENS <= hour < OFFICE_CLOSES:
            return t
        days = 1 if hour >= OFFICE_CLOSES else 0
        while (local + dt.timedelta(days=days)).weekday() >= 5:
            days += 1
        day = (local + dt.timedelta(days=days)).date()
        start = dt.datetime.combine(day, dt.time(8, 30), tzinfo=self.zone)
        return start + dt.timedelta(minutes=rng.randrange(0, 420, 5))

    def evidence(self, rng, completed_by: str, at: dt.datetime, case: Case, lead: Pro, team) -> str:
        template = rng.choice(texts.EVIDENCE.get(completed_by) or ["Записано на {date}."])
        orgs = others = ""
        if "{team}" in template or "{others}" in template:
            names_ = list(dict.fromkeys(p.org_name for p, joined, left in team if joined <= at))
            orgs = ", ".join(names_)
            others = ", ".join(n for n in names_ if n != lead.org_name) or orgs
        return template.format(
            date=at.astimezone(self.zone).strftime("%d.%m.%Y"),
            name=case.child.first_name, team=orgs, others=others,
        )  # fmt: skip

    # -- the rows --------------------------------------------------------------------------------
    def write(self) -> dict[str, int]:
        """Write what the batch's cases collected (after the cases), and start over.

        The protocols through ``bulk_create`` (a few thousand); records, steps and events, a
        hundred thousand rows and more per batch, as plain tuples (``COPY`` on PostgreSQL,
        ``executemany`` on SQLite): Django's per-field preparation of model instances took about
        half of the time these rows add. The records' ids are reserved first, so that the steps
        can point at them.
        """
        CaseProtocol.objects.bulk_create(self.protocols)
        when = _db_datetime()
        ids = _reserve_ids(CaseArtefact, len(self.artefacts))
        _insert(
            CaseArtefact,
            ["id", "case_id", "artefact", "kind", "at", "recorded_by_id", "evidence", "object_type", "object_id", "created_at"],
            [(pk, c, a, k, when(t), by, ev, "", "", when(t)) for pk, (c, a, k, t, by, ev) in zip(ids, self.artefacts, strict=True)],
        )  # fmt: skip
        _insert(
            CaseStep,
            ["case_protocol_id", "case_id", "stage_code", "step_code", "position", "occurrence", "owner_role",
             "owner_user_id", "owner_organisation_id", "starts_on", "completed_by", "status", "started_at", "due_at",
             "remind_at", "escalate_at", "completed_at", "completed_by_user_id", "artefact_id",
             "not_applicable_reason", "ended_at", "version"],
            [
                (cp.pk, case_id, st.d.sd.stage, st.d.code, st.d.sd.position, st.occurrence, st.d.owner,
                 owner[0], owner[1], st.d.starts_on, st.d.completed_by, st.status, when(st.started),
                 when(st.due), when(st.remind), when(st.escalate), when(st.completed), st.by,
                 ids[st.artefact] if st.artefact >= 0 else None, st.reason, when(st.ended),
                 2 if st.status in (DONE, NOT_APPLICABLE) else 1)
                for cp, case_id, st, owner in self.steps
            ],
        )  # fmt: skip
        _insert(
            CaseEvent,
            ["case_id", "code", "at", "recorded_by_id", "note", "created_at"],
            [(c, code, when(t), by, "", when(t)) for c, code, t, by in self.events],
        )
        counts = {
            "case protocols": len(self.protocols), "protocol steps": len(self.steps),
            "protocol records": len(self.artefacts), "protocol events": len(self.events),
        }  # fmt: skip
        self.reset()
        return counts


@contextlib.contextmanager
def _bulk_load_cache(mib: int = 512) -> Iterator[None]:
    """SQLite: a larger page cache while loading (the indexes of a few million rows outgrow the
    usual 64 MiB and every insert would go to the file); set back afterwards."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (before,) = cursor.fetchone()
        cursor.execute(f"PRAGMA cache_size = {-1024 * int(mib)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(before)}")


def _db_datetime() -> Callable[[dt.datetime | None], object]:
    """Aware datetimes as the database driver takes them (what Django's backend would send)."""
    if connection.vendor == "sqlite":  # naive UTC text, as ``adapt_datetimefield_value`` writes it
        return lambda v: None if v is None else v.astimezone(dt.UTC).isoformat(" ")[:-6]  # no "+00:00"
    return lambda v: v


def _reserve_ids(model, n: int) -> list[int]:
    """``n`` primary keys for rows written with explicit ids."""
    if n == 0:
        return []
    table = model._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":  # taken from the sequence: safe beside other writers
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the batch's transaction already holds the write lock, no one else inserts.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(table)}")  # noqa: S608
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + n))


def _insert(model, columns: list[str], rows: list[tuple], chunk: int = 5000) -> None:
    """Plain rows into ``model``'s table: ``COPY`` on PostgreSQL (an ``executemany`` there is one
    statement per row), ``executemany`` on SQLite (where that is what a bulk insert is)."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table, names = qn(model._meta.db_table), ", ".join(qn(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        for start in range(0, len(rows), chunk):
            cursor.executemany(sql, rows[start : start + chunk])
