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
"""

from __future__ import annotations

import bisect
import datetime as dt
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
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
    Signal,
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
    MSG_SIGNAL,
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
            self.w_signal = gettext(MSG_SIGNAL)
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
                if k == 0 and self.pros[K.COP] and rng.random() < 0.08:
                    lead = rng.choice(self.pros[K.COP])  # a ЦОП leads some cases
                plan = self._case_plan(rng, opened, now, age, category, lead,
                                       closed_before=times[k + 1] if k + 1 < len(times) else None)  # fmt: skip
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
        team: list[TeamMember] = []
        notes: list[CaseNote] = []
        timeline: list[TimelineEntry] = []
        for idx, category, lead, plan, _child in case_meta:
            case = cases[idx]
            self._case_rows(rng, case, category, lead, plan, signals, team, notes, timeline)
        Signal.objects.bulk_create(signals)
        TeamMember.objects.bulk_create(team)
        CaseNote.objects.bulk_create(notes)
        TimelineEntry.objects.bulk_create(timeline)

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
            ("team members", team), ("notes", notes), ("timeline entries", timeline), ("audit events", events),
        ):  # fmt: skip
            counts[model] = counts.get(model, 0) + len(rows)
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

    def _case_rows(self, rng, case: Case, category, lead: Pro, plan, signals, team, notes, timeline) -> None:
        opened = case.opened_at
        sector = rng.choices(SOURCE[category], weights=SOURCE_WEIGHTS[: len(SOURCE[category])])[0]
        reporter = rng.choice(texts.REPORTERS[sector])
        orgs = self.orgs_by_sector.get(sector)
        received = opened - dt.timedelta(hours=rng.uniform(1, 30))
        signals.append(
            Signal(
                case=case, category=category, source_sector=sector, reporter_name=reporter,
                reporter_organisation_id=rng.choice(orgs) if orgs else None, received_at=received,
                description=plan["description"], received_by_id=lead.user_id,
            )
        )  # fmt: skip
        add = timeline.append
        add(
            TimelineEntry(
                case=case,
                kind=TimelineKind.SIGNAL,
                actor_id=lead.user_id,
                at=received,
                summary=(self.w_signal % {"category": self.w_category[category], "reporter": reporter})[:300],
                message=MSG_SIGNAL,
                params={"category": category, "reporter": reporter},
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

    # -- all of it -----------------------------------------------------------------------------
    def run(self) -> SeedResult:
        self.prepare_people()
        self.prepare_places()
        self.prepare_identifiers()
        self.prepare_words()
        self.plan()
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
