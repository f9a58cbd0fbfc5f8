"""The demo data set: multisector case work in Veliko Tarnovo oblast, written through the services.

Organisations of every sector in Велико Търново and Горна Оряховица, the demo personas (see
``PERSONAS``), about fifty children and their cases at every stage, over the last eighteen
months. Every record is written by the same service functions the web UI and the API call, on a
back-dated clock (:mod:`zaedno.demo.clock`), so timelines, "who looked at this case" and the
audit chain are real. Everything is synthetic and deterministic (a seeded ``random.Random``).
"""

from __future__ import annotations

import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from stdnum.bg import pnf as stdnum_pnf

from zaedno.accounts.models import Profession, Role, User
from zaedno.accounts.services import user_create
from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext
from zaedno.cases.access import access_for, case_for_user
from zaedno.cases.models import (
    SECTION_SENSITIVITY,
    Case,
    CaseStatus,
    NoteSection,
    ReviewOutcome,
    Sensitivity,
    SignalCategory,
    TeamMember,
    TeamRole,
)
from zaedno.cases.services import (
    SignalData,
    break_glass_open,
    break_glass_review,
    case_change_status,
    case_note_add,
    case_open,
    team_member_add,
    team_member_remove,
)
from zaedno.children.identifiers import make_egn
from zaedno.children.models import Relationship
from zaedno.children.services import child_register, relative_add
from zaedno.demo import names, texts
from zaedno.demo.clock import Clock, back_dated
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_mark_read
from zaedno.organisations.models import KIND_SECTOR, Organisation, OrganisationKind
from zaedno.organisations.services import organisation_create
from zaedno.places.models import Municipality, Settlement

SEED = 20260101
MARKER_USERNAME = "ivanova"  # present once the demo data set is loaded
K = OrganisationKind


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    kind: str
    municipality: str
    short_name: str = ""
    address: str = ""


ORGANISATIONS: list[OrgSpec] = [
    OrgSpec("ozd_vt", "Отдел „Закрила на детето“ – Дирекция „Социално подпомагане“ Велико Търново", K.OZD, "VTR04", "ОЗД Велико Търново", "ул. „Христо Ботев“ 1"),
    OrgSpec("ozd_go", "Отдел „Закрила на детето“ – Дирекция „Социално подпомагане“ Горна Оряховица", K.OZD, "VTR06", "ОЗД Горна Оряховица", "ул. „Патриарх Евтимий“ 7"),
    OrgSpec("school_vb", "СУ „Вела Благоева“", K.SCHOOL, "VTR04", "СУ „Вела Благоева“"),
    OrgSpec("school_bk", "ОУ „Бачо Киро“", K.SCHOOL, "VTR04", "ОУ „Бачо Киро“"),
    OrgSpec("school_go", "ОУ „Паисий Хилендарски“ Горна Оряховица", K.SCHOOL, "VTR06", "ОУ „Паисий Хилендарски“"),
    OrgSpec("school_go2", "СУ „Георги Измирлиев“ Горна Оряховица", K.SCHOOL, "VTR06", "СУ „Георги Измирлиев“"),
    OrgSpec("kg_vt", "ДГ „Слънце“ Велико Търново", K.KINDERGARTEN, "VTR04", "ДГ „Слънце“"),
    OrgSpec("cop_vt", "Център за обществена подкрепа Велико Търново", K.COP, "VTR04", "ЦОП Велико Търново"),
    OrgSpec("csri_vt", "Център за социална рехабилитация и интеграция за деца Велико Търново", K.CSRI, "VTR04", "ЦСРИ Велико Търново"),
    OrgSpec("crisis_vt", "Кризисен център за деца, пострадали от насилие – Велико Търново", K.CRISIS_CENTRE, "VTR04", "Кризисен център"),
    OrgSpec("hospital_vt", "МБАЛ „Д-р Стефан Черкезов“ – Детско отделение", K.HOSPITAL, "VTR04", "МБАЛ Велико Търново"),
    OrgSpec("gp_vt", "Индивидуална практика по педиатрия „Д-р Десислава Димитрова“", K.GP, "VTR04", "Педиатрична практика д-р Димитрова"),
    OrgSpec("dps_vt", "Детска педагогическа стая при ОДМВР Велико Търново", K.DPS, "VTR04", "ДПС при ОДМВР Велико Търново"),
    OrgSpec("mkb_vt", "Местна комисия за борба срещу противообществените прояви на малолетните и непълнолетните – Велико Търново", K.MKBPPMN, "VTR04", "МКБППМН Велико Търново"),
    OrgSpec("mun_vt", "Община Велико Търново", K.MUNICIPALITY, "VTR04", "Община Велико Търново", "пл. „Майка България“ 2"),
    OrgSpec("ngo_zd", "Сдружение „Заедно за децата“", K.NGO, "VTR04", "„Заедно за децата“"),
    OrgSpec("ngo_ch", "Фондация „Шанс за всяко дете“", K.NGO, "VTR04", "„Шанс за всяко дете“"),
    OrgSpec("youth_vt", "Младежки център Велико Търново", K.COMMUNITY, "VTR04", "Младежки център"),
    OrgSpec("sport_vt", "Спортен клуб по лека атлетика „Царевец“", K.COMMUNITY, "VTR04", "СК „Царевец“"),
]  # fmt: skip


@dataclass(frozen=True)
class PersonSpec:
    username: str
    first_name: str
    last_name: str
    profession: str
    org: str
    who: str = ""  # set for the personas printed at start-up
    role: str = Role.PRACTITIONER


P = Profession
PERSONAS: list[PersonSpec] = [
    PersonSpec("ivanova", "Мария", "Иванова", P.SOCIAL_WORKER, "ozd_vt", "social worker, ОЗД Велико Търново — lead of several cases"),
    PersonSpec("petrov", "Петър", "Петров", P.PSYCHOLOGIST, "school_vb", "psychologist, СУ „Вела Благоева“ — in some of her teams"),
    PersonSpec("georgieva", "Елена", "Георгиева", P.POLICE_INSPECTOR, "dps_vt", "inspector, ДПС at ОДМВР Велико Търново (try emergency access)"),
    PersonSpec("dimitrova", "Десислава", "Димитрова", P.DOCTOR, "gp_vt", "paediatrician"),
    PersonSpec("stoyanov", "Стоян", "Стоянов", P.PSYCHOLOGIST, "cop_vt", "psychologist, ЦОП Велико Търново"),
    PersonSpec("nikolova", "Надежда", "Николова", P.MANAGER, "ozd_vt", "head of ОЗД Велико Търново (manager)", Role.MANAGER),
    PersonSpec("koleva", "Калина", "Колева", P.SOCIAL_WORKER, "ngo_zd", "social worker, NGO „Заедно за децата“"),
    PersonSpec("todorov", "Тодор", "Тодоров", P.COORDINATOR, "mun_vt", "municipal child-protection coordinator"),
    PersonSpec("angelova", "Ангелина", "Ангелова", P.PSYCHOLOGIST, "school_go", "school psychologist, Горна Оряховица — in none of ivanova's teams"),
    PersonSpec("admin", "Системен", "Администратор", P.IT, "mun_vt", "system administrator (no access to case content)", Role.ADMINISTRATOR),
]  # fmt: skip

COLLEAGUES: list[PersonSpec] = [
    PersonSpec("hristova", "Силвия", "Христова", P.SOCIAL_WORKER, "ozd_vt"),
    PersonSpec("marinov", "Пламен", "Маринов", P.SOCIAL_WORKER, "ozd_vt"),
    PersonSpec("atanasova", "Гергана", "Атанасова", P.SOCIAL_WORKER, "ozd_go"),
    PersonSpec("kirilova", "Росица", "Кирилова", P.MANAGER, "ozd_go", role=Role.MANAGER),
    PersonSpec("kostova", "Ваня", "Костова", P.TEACHER, "school_bk"),
    PersonSpec("ilieva", "Милена", "Илиева", P.RESOURCE_TEACHER, "school_vb"),
    PersonSpec("yankova", "Деница", "Янкова", P.PEDAGOGUE, "school_go2"),
    PersonSpec("radeva", "Теодора", "Радева", P.TEACHER, "kg_vt"),
    PersonSpec("pavlova", "Цветелина", "Павлова", P.SOCIAL_WORKER, "cop_vt"),
    PersonSpec("vasilev", "Емил", "Василев", P.SPEECH_THERAPIST, "csri_vt"),
    PersonSpec("genchev", "Веселин", "Генчев", P.SOCIAL_WORKER, "crisis_vt"),
    PersonSpec("krastev", "Асен", "Кръстев", P.DOCTOR, "hospital_vt"),
    PersonSpec("slavov", "Красимир", "Славов", P.POLICE_INSPECTOR, "dps_vt"),
    PersonSpec("petkova", "Антоанета", "Петкова", P.COORDINATOR, "mkb_vt"),
    PersonSpec("doneva", "Биляна", "Донева", P.PSYCHOLOGIST, "ngo_ch"),
    PersonSpec("minchev", "Огнян", "Минчев", P.PEDAGOGUE, "youth_vt"),
    PersonSpec("ralev", "Светослав", "Ралев", P.OTHER, "sport_vt"),
]  # fmt: skip

S = Sensitivity
# Who joins the team for which kind of signal: (username, role, sharing level), by municipality.
_POOLS_VT: dict[str, list[tuple[str, str, int]]] = {
    "police": [("georgieva", TeamRole.MEMBER, S.SENSITIVE), ("slavov", TeamRole.MEMBER, S.SENSITIVE)],
    "health": [("dimitrova", TeamRole.MEMBER, S.SENSITIVE), ("krastev", TeamRole.CONSULTANT, S.SENSITIVE)],
    "school": [("petrov", TeamRole.MEMBER, S.STANDARD), ("kostova", TeamRole.MEMBER, S.STANDARD), ("ilieva", TeamRole.MEMBER, S.STANDARD)],
    "kindergarten": [("radeva", TeamRole.MEMBER, S.STANDARD)],
    "cop": [("stoyanov", TeamRole.MEMBER, S.SENSITIVE), ("pavlova", TeamRole.MEMBER, S.STANDARD)],
    "csri": [("vasilev", TeamRole.MEMBER, S.STANDARD)],
    "crisis": [("genchev", TeamRole.MEMBER, S.SENSITIVE)],
    "mkb": [("petkova", TeamRole.MEMBER, S.STANDARD)],
    "municipality": [("todorov", TeamRole.CONSULTANT, S.STANDARD)],
    "ngo": [("koleva", TeamRole.MEMBER, S.STANDARD), ("doneva", TeamRole.MEMBER, S.STANDARD)],
    "community": [("minchev", TeamRole.MEMBER, S.BASIC), ("ralev", TeamRole.MEMBER, S.BASIC)],
}  # fmt: skip
# The regional services (ДПС at ОДМВР, hospital, NGOs) also work in Горна Оряховица.
_POOLS_GO: dict[str, list[tuple[str, str, int]]] = {
    "police": [("slavov", TeamRole.MEMBER, S.SENSITIVE)],
    "health": [("krastev", TeamRole.MEMBER, S.SENSITIVE)],
    "school": [("angelova", TeamRole.MEMBER, S.STANDARD), ("yankova", TeamRole.MEMBER, S.STANDARD)],
    "kindergarten": [("yankova", TeamRole.MEMBER, S.STANDARD)],
    "cop": [("pavlova", TeamRole.MEMBER, S.STANDARD)],
    "csri": [("vasilev", TeamRole.CONSULTANT, S.STANDARD)],
    "crisis": [("genchev", TeamRole.MEMBER, S.SENSITIVE)],
    "mkb": [("petkova", TeamRole.CONSULTANT, S.STANDARD)],
    "municipality": [("todorov", TeamRole.CONSULTANT, S.BASIC)],
    "ngo": [("koleva", TeamRole.MEMBER, S.STANDARD), ("doneva", TeamRole.MEMBER, S.STANDARD)],
    "community": [("minchev", TeamRole.MEMBER, S.BASIC)],
}  # fmt: skip

# Which services a signal of each category typically brings around the child.
NEEDS: dict[str, list[str]] = {
    "violence": ["police", "health", "school", "crisis", "cop"],
    "neglect": ["health", "school", "cop", "municipality", "ngo"],
    "disability": ["csri", "health", "kindergarten", "ngo"],
    "antisocial": ["police", "mkb", "school", "cop", "community"],
    "dropout": ["school", "municipality", "ngo", "community"],
    "parental_conflict": ["cop", "school", "ngo"],
    "minor_pregnancy": ["health", "school", "ngo", "cop"],
    "other": ["municipality", "health", "ngo", "cop"],
}
# Sections the notes of a case are written in, by category (general is always possible).
NOTE_SECTIONS: dict[str, list[str]] = {
    "violence": ["violence", "violence", "family", "health", "police", "education"],
    "neglect": ["family", "family", "health", "education"],
    "disability": ["health", "health", "education", "family"],
    "antisocial": ["police", "police", "education", "family"],
    "dropout": ["education", "education", "family"],
    "parental_conflict": ["family", "family", "education"],
    "minor_pregnancy": ["health", "health", "education", "family"],
    "other": ["family", "health", "education"],
}
AGES: dict[str, tuple[int, int]] = {
    "violence": (3, 16), "neglect": (1, 12), "disability": (2, 15), "antisocial": (12, 17),
    "dropout": (11, 16), "parental_conflict": (4, 14), "minor_pregnancy": (14, 17), "other": (2, 16),
}  # fmt: skip
SOURCE: dict[str, list[str]] = {
    "violence": ["education", "police", "health", "community"],
    "neglect": ["education", "health", "community", "municipality"],
    "disability": ["health", "education", "social"],
    "antisocial": ["police", "education", "municipality"],
    "dropout": ["education", "municipality"],
    "parental_conflict": ["community", "social", "education"],
    "minor_pregnancy": ["health", "education"],
    "other": ["municipality", "ngo", "community"],
}
# (lead, number of cases); ivanova leads several, the Горна Оряховица cases are atanasova's.
LEADS: list[tuple[str, int]] = [
    ("ivanova", 14),
    ("hristova", 11),
    ("marinov", 9),
    ("stoyanov", 3),
    ("atanasova", 11),
]
SECOND_CASES = 4  # children who come back with a new case after the first was closed


@dataclass
class DemoSummary:
    organisations: int = 0
    users: int = 0
    children: int = 0
    cases: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def demo_loaded() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


class _Loader:
    """Plans the demo history, then plays it in time order on the back-dated clock."""

    def __init__(self, *, password: str, now: dt.datetime) -> None:
        self.rng = random.Random(SEED)
        self.password = password
        self.now = now
        self.clock = Clock()
        self.orgs: dict[str, Organisation] = {}
        self.users: dict[str, User] = {}
        self.org_of: dict[str, str] = {}
        self.egns: set[str] = set()
        self._queue: list[tuple[dt.datetime, int, Callable[[], None]]] = []
        self._order = itertools.count()
        self.states: list[dict] = []  # one per planned case

    # -- helpers -------------------------------------------------------------------------------
    def ctx(self, username: str) -> AuditContext:
        return AuditContext(actor=self.users[username], channel=Channel.SYSTEM, user_agent="zaedno demo")

    def at(self, when: dt.datetime, fn: Callable[[], None]) -> None:
        heapq.heappush(self._queue, (when, next(self._order), fn))

    def working_time(self, day: dt.date, *, night: bool = False) -> dt.datetime:
        hour = self.rng.choice([22, 23, 0, 1]) if night else self.rng.randint(8, 16)
        moment = dt.datetime.combine(day, dt.time(hour, self.rng.randrange(0, 60, 5)))
        return timezone.make_aware(moment)

    def past(self, moment: dt.datetime) -> dt.datetime:
        """Clamp into the past (the history must end before today)."""
        latest = self.now - dt.timedelta(hours=2)
        return moment if moment < latest else latest - dt.timedelta(minutes=self.rng.randint(1, 600))

    # -- reference: organisations and people ---------------------------------------------------
    def create_organisations(self) -> None:
        municipalities = {m.code: m for m in Municipality.objects.filter(code__in=["VTR04", "VTR06"])}
        for spec in ORGANISATIONS:
            self.orgs[spec.key] = organisation_create(
                name=spec.name, short_name=spec.short_name, kind=spec.kind,
                municipality=municipalities[spec.municipality], address=spec.address,
                phone=names.phone(self.rng), email=f"office-{spec.key.replace('_', '-')}@example.org",
            )  # fmt: skip

    def create_people(self) -> None:
        for spec in PERSONAS + COLLEAGUES:
            is_admin = spec.role == Role.ADMINISTRATOR
            self.users[spec.username] = user_create(
                username=spec.username, first_name=spec.first_name, last_name=spec.last_name,
                email=f"{spec.username}@example.org", password=None, profession=spec.profession,
                organisation=self.orgs[spec.org], role=spec.role, is_staff=is_admin, is_superuser=is_admin,
            )  # fmt: skip
            self.org_of[spec.username] = spec.org
        # One slow hash for everyone: the demo password is shared anyway.
        User.objects.filter(pk__in=[u.pk for u in self.users.values()]).update(
            password=make_password(self.password)
        )

    # -- planning ------------------------------------------------------------------------------
    def plan(self) -> None:
        rng = self.rng
        categories = list(SignalCategory.values)
        weights = [22, 22, 8, 14, 12, 12, 4, 6]
        leads = [lead for lead, n in LEADS for _ in range(n)]
        rng.shuffle(leads)
        # Every category at least once, the rest by weight.
        cats = categories + rng.choices(categories, weights=weights, k=len(leads) - len(categories))
        rng.shuffle(cats)
        settlements = {
            code: list(Settlement.objects.filter(municipality_id=code).order_by("ekatte"))
            for code in ("VTR04", "VTR06")
        }
        towns = {"VTR04": "10447", "VTR06": "16359"}
        no_egn = set(rng.sample(range(len(leads)), 3))
        for i, (lead, category) in enumerate(zip(leads, cats, strict=True)):
            foreign = i == 0  # a child who fled the war in Ukraine, with an ЛНЧ
            if foreign:
                lead, category = "ivanova", "other"
            code = "VTR06" if self.org_of[lead] == "ozd_go" else "VTR04"
            town = next(s for s in settlements[code] if s.ekatte == towns[code])
            settlement = town if foreign or rng.random() < 0.65 else rng.choice(settlements[code])
            comes_back = not foreign and i <= SECOND_CASES
            age_days = rng.uniform(420, 540) if comes_back else rng.uniform(10, 540)
            opened = self.working_time((self.now - dt.timedelta(days=age_days)).date())
            child = self.plan_child(
                category=category,
                opened=opened,
                settlement=settlement,
                foreign=foreign,
                with_egn=i not in no_egn,
            )
            self.plan_case(
                child=child, lead=lead, category=category, code=code, opened=opened, closes=comes_back
            )
            if comes_back:
                again = self.working_time((self.now - dt.timedelta(days=rng.uniform(20, 150))).date())
                category = rng.choice(["violence", "dropout", "antisocial", "neglect"])
                self.plan_case(child=child, lead=lead, category=category, code=code, opened=again)
        self.plan_break_glass()

    def plan_child(self, *, category, opened, settlement, foreign, with_egn) -> dict:
        rng = self.rng
        low, high = AGES[category]
        sex = "f" if category == "minor_pregnancy" else rng.choice("mf")
        birth = opened.date() - dt.timedelta(days=rng.randint(low * 365, high * 365 + 300))
        fam = names.family(rng, sex)
        child: dict = {"obj": None, "settlement": settlement, "sex": sex, "birth": birth, "fam": fam}
        if foreign:
            child.update(first="Олена", middle="", last="Коваленко", lnch=self.lnch(), egn=None)
            child["relatives"] = [("Ірина Коваленко", Relationship.MOTHER, True, True)]
        else:
            egn = None
            while with_egn and (egn is None or egn in self.egns):
                egn = make_egn(birth, sex, rng.randrange(500))
            if egn:
                self.egns.add(egn)
            child.update(first=fam.first_name, middle=fam.middle_name, last=fam.last_name, egn=egn, lnch=None)
            separated = category == "parental_conflict" or rng.random() < 0.3
            relatives = [
                (fam.mother, Relationship.MOTHER, True, True),
                (fam.father, Relationship.FATHER, rng.random() > 0.1, not separated),
            ]
            if rng.random() < 0.4:
                grandma = f"{rng.choice(names.FEMALE_ADULT)} {names.female_surname(fam.surname_male)}"
                relatives.append((grandma, Relationship.GRANDPARENT, False, rng.random() < 0.3))
            if separated and rng.random() < 0.4:
                step = f"{names.adult_name(rng, 'm')[0]} {rng.choice(names.SURNAMES)}"
                relatives.append((step, Relationship.STEPPARENT, False, True))
            child["relatives"] = relatives
        return child

    def lnch(self) -> str:
        base = f"{self.rng.randrange(10**9):09d}"
        return base + stdnum_pnf.calc_check_digit(base)

    def plan_case(self, *, child, lead, category, code, opened, closes=False) -> None:
        """Schedule a case's life: register, open, team, notes, reads, status changes.

        ``closes``: the case is closed within months (the child comes back with a new case).
        """
        rng = self.rng
        state: dict = {"case": None, "members": {}, "lead": lead, "code": code, "category": category}
        state["opened_at"] = opened
        self.states.append(state)
        received = opened - dt.timedelta(hours=rng.randint(1, 30))
        if child["obj"] is None and not child.get("planned"):
            child["planned"] = True
            self.at(received - dt.timedelta(minutes=20), lambda: self.register(child, lead))
        self.at(opened, lambda: self.open(state, child, received))
        # The team: the lead's first weeks.
        pools = _POOLS_GO if code == "VTR06" else _POOLS_VT
        age = (opened.date() - child["birth"]).days // 365
        needs = list(NEEDS[category])
        if age < 7 and "school" in needs:
            needs[needs.index("school")] = "kindergarten"
        rng.shuffle(needs)
        chosen: list[tuple[str, str, int]] = []
        for need in needs[: rng.randint(2, min(5, len(needs)))]:
            pool = pools[need]
            if need == "school" and lead == "ivanova" and rng.random() < 0.55:
                pick = pool[0]  # petrov, in some of ivanova's teams
            else:
                pick = rng.choice(pool)
            if pick[0] != lead and pick[0] not in {c[0] for c in chosen}:
                chosen.append(pick)
        if lead != "ivanova":
            chosen = [c for c in chosen if c[0] != "petrov" or rng.random() < 0.3]
        state["planned"] = [c[0] for c in chosen]
        joined = opened
        for username, role, level in chosen:
            joined = joined + dt.timedelta(hours=rng.randint(2, 120))
            self.at(self.past(joined), lambda u=username, r=role, lv=level: self.add_member(state, u, r, lv))
        # Status history, then notes in between.
        end = self.now - dt.timedelta(days=1)
        age_days = (self.now - opened).days
        changes: list[tuple[dt.datetime, str]] = []
        if closes:
            closed = opened + dt.timedelta(days=rng.randint(120, 200))
            changes = [(closed - dt.timedelta(days=60), CaseStatus.FOLLOW_UP), (closed, CaseStatus.CLOSED)]
            end = closed
        elif age_days > 200:
            pattern = rng.choices(
                ["closed", "follow_closed", "follow", "reopened", "open"], weights=[3, 3, 3, 3, 2]
            )[0]
            t1 = opened + dt.timedelta(days=rng.randint(90, max(91, age_days - 60)))
            t2 = t1 + dt.timedelta(days=rng.randint(20, 55))
            changes = {
                "closed": [(t1, CaseStatus.CLOSED)],
                "follow_closed": [(t1, CaseStatus.FOLLOW_UP), (t2, CaseStatus.CLOSED)],
                "follow": [(t1, CaseStatus.FOLLOW_UP)],
                "reopened": [(t1, CaseStatus.CLOSED), (t2, CaseStatus.OPEN)],
                "open": [],
            }[pattern]
            if changes and changes[-1][1] == CaseStatus.CLOSED:
                end = changes[-1][0]
        elif age_days > 90 and rng.random() < 0.35:
            changes = [(opened + dt.timedelta(days=rng.randint(60, age_days - 5)), CaseStatus.FOLLOW_UP)]
        for when, status in changes:
            self.at(self.past(when), lambda s=status: self.change_status(state, s))
        span = max((end - opened).total_seconds(), 3600 * 24)
        for _ in range(rng.randint(2, 6)):
            when = self.past(opened + dt.timedelta(seconds=rng.uniform(span * 0.05, span * 0.95)))
            self.at(when, lambda: self.note(state, child))
            self.at(self.past(when + dt.timedelta(minutes=rng.randint(10, 600))), lambda: self.read(state))
        if len(chosen) >= 3 and rng.random() < 0.3:
            when = self.past(opened + dt.timedelta(seconds=span * rng.uniform(0.5, 0.9)))
            self.at(when, lambda: self.remove_member(state))

    def plan_break_glass(self) -> None:
        """georgieva, on duty at night, opens cases she is not in; one reviewed, one waiting."""
        targets = [
            s
            for s in self.states
            if s["code"] == "VTR04"
            and s["category"] in ("antisocial", "violence")
            and "georgieva" not in s["planned"]
        ][:2]
        for n, state in enumerate(targets):
            day = (state["opened_at"] + dt.timedelta(days=self.rng.randint(3, 20))).date()
            when = self.past(self.working_time(day, night=True))
            self.at(when, lambda s=state, review=(n == 0): self.break_glass(s, review))

    # -- the actions (run on the clock) --------------------------------------------------------
    def register(self, child: dict, by: str) -> None:
        obj = child_register(
            ctx=self.ctx(by), first_name=child["first"], middle_name=child["middle"], last_name=child["last"],
            birth_date=child["birth"], sex=child["sex"], egn=child["egn"], lnch=child["lnch"],
            settlement=child["settlement"], address=names.address(self.rng),
        )  # fmt: skip
        for full_name, relationship, rights, lives in child["relatives"]:
            relative_add(
                ctx=self.ctx(by), child=obj, full_name=full_name, relationship=relationship,
                has_parental_rights=rights, lives_with_child=lives, phone=names.phone(self.rng),
            )  # fmt: skip
        child["obj"] = obj

    def open(self, state: dict, child: dict, received: dt.datetime) -> None:
        rng = self.rng
        category = state["category"]
        sector = rng.choice(SOURCE[category])
        lead = state["lead"]
        reporter_org = self._org_for_sector(sector, state["code"])
        description = rng.choice(texts.SIGNALS[category]).format(name=child["first"])
        case = case_open(
            ctx=self.ctx(lead), child=child["obj"], lead=self.users[lead],
            lead_organisation=self.orgs[self.org_of[lead]], municipality=self.orgs[self.org_of[lead]].municipality,
            summary=description.split(";")[0].split(".")[0] + ".",
            signal=SignalData(
                category=category, source_sector=sector, reporter_name=rng.choice(texts.REPORTERS[sector]),
                received_at=received, description=description, reporter_organisation=reporter_org,
            ),
        )  # fmt: skip
        state["case"] = case.pk
        state["members"][lead] = S.SENSITIVE

    def _org_for_sector(self, sector: str, code: str) -> Organisation | None:
        keys = [
            k
            for k, o in self.orgs.items()
            if KIND_SECTOR[o.kind] == sector and o.municipality_id == code and o.kind != K.OZD
        ]
        return self.orgs[self.rng.choice(sorted(keys))] if keys else None

    def _access(self, state: dict, username: str):
        return access_for(self.users[username], Case.objects.get(pk=state["case"]))

    def add_member(self, state: dict, username: str, role: str, level: int) -> None:
        team_member_add(
            ctx=self.ctx(state["lead"]), access=self._access(state, state["lead"]), user=self.users[username],
            organisation=self.orgs[self.org_of[username]], role=role, sharing_level=level,
        )  # fmt: skip
        state["members"][username] = level

    def remove_member(self, state: dict) -> None:
        others = sorted(u for u in state["members"] if u != state["lead"])
        if not others:
            return
        username = self.rng.choice(others)
        member = TeamMember.objects.get(
            case_id=state["case"], user=self.users[username], left_at__isnull=True
        )
        team_member_remove(
            ctx=self.ctx(state["lead"]), access=self._access(state, state["lead"]), member=member,
            reason=self.rng.choice(texts.LEAVE_REASONS),
        )  # fmt: skip
        del state["members"][username]

    def note(self, state: dict, child: dict) -> None:
        rng = self.rng
        section = rng.choice([*NOTE_SECTIONS[state["category"]], NoteSection.GENERAL])
        level = SECTION_SENSITIVITY[NoteSection(section)]
        authors = sorted(u for u, lv in state["members"].items() if lv >= level)
        author = rng.choice(authors)
        case_note_add(
            ctx=self.ctx(author), access=self._access(state, author), section=section,
            text=rng.choice(texts.NOTES[section]).format(name=child["first"]),
        )  # fmt: skip

    def read(self, state: dict) -> None:
        readers = sorted(state["members"])
        if self.org_of[state["lead"]] == "ozd_vt":
            readers.append("nikolova")
        for username in self.rng.sample(readers, k=min(len(readers), self.rng.randint(1, 3))):
            case_for_user(self.users[username], state["case"], ctx=self.ctx(username))

    def change_status(self, state: dict, status: str) -> None:
        case = Case.objects.get(pk=state["case"])
        by = state["lead"]
        if self.org_of[by] == "ozd_vt" and status == CaseStatus.CLOSED and self.rng.random() < 0.3:
            by = "nikolova"  # the head of the department closes some cases herself
        case_change_status(
            ctx=self.ctx(by), access=access_for(self.users[by], case), status=status,
            reason=self.rng.choice(texts.REASONS[status]), expected_version=case.version,
        )  # fmt: skip

    def break_glass(self, state: dict, review: bool) -> None:
        if "georgieva" in state["members"]:
            return
        case = Case.objects.get(pk=state["case"])
        grant = break_glass_open(
            ctx=self.ctx("georgieva"), case=case,
            reason="Нощно задържане на детето след бягство от дома; нужни са данни за семейството и водещия на случая.",
        )  # fmt: skip
        case_for_user(self.users["georgieva"], case.pk, ctx=self.ctx("georgieva"))
        if review:
            lead = state["lead"]

            def do_review() -> None:
                break_glass_review(
                    ctx=self.ctx(lead), access=self._access(state, lead), grant=grant,
                    outcome=ReviewOutcome.JUSTIFIED, note="Обосновано: детето беше задържано през нощта.",
                )  # fmt: skip

            self.at(self.past(self.clock.now() + dt.timedelta(hours=10)), do_review)

    # -- running -------------------------------------------------------------------------------
    def run(self) -> None:
        self.create_organisations()
        self.create_people()
        self.plan()
        with back_dated(self.clock):
            while self._queue:
                when, _, fn = heapq.heappop(self._queue)
                self.clock.at = when
                fn()
        # Old notifications have been read long ago; only the last days' are new.
        cutoff = self.now - dt.timedelta(days=10)
        for user in self.users.values():
            ids = list(
                Notification.objects.filter(user=user, created_at__lt=cutoff).values_list("pk", flat=True)
            )
            if ids:
                notifications_mark_read(user=user, ids=ids)


def demo_load(*, password: str) -> DemoSummary:
    """Write the demo data set (in one transaction); the caller checks :func:`demo_loaded` first."""
    loader = _Loader(password=password, now=timezone.now())
    # The back-dated history must not mail anyone when the worker starts: no task queue here.
    dummy_tasks = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend", "QUEUES": ["default"]}}
    with override_settings(TASKS=dummy_tasks), transaction.atomic():
        loader.run()
    cases = Case.objects.filter(lead__in=loader.users.values())
    by_status = {s: cases.filter(status=s).count() for s in CaseStatus.values}
    return DemoSummary(
        organisations=len(loader.orgs),
        users=len(loader.users),
        children=len({c.child_id for c in cases}),
        cases=cases.count(),
        by_status=by_status,
    )
