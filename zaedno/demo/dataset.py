"""The demo data set: multisector case work in Veliko Tarnovo oblast, written through the services.

Organisations of every sector in Велико Търново and Горна Оряховица, the demo personas (see
``PERSONAS``), about fifty children and their cases at every stage, over the last eighteen
months. Every record is written by the same service functions the web UI and the API call, on a
back-dated clock (:mod:`zaedno.demo.clock`), so timelines, "who looked at this case" and the
audit chain are real. Everything is synthetic and deterministic (a seeded ``random.Random``).

The protocol steps the engine puts on each case are worked through as a team would: records
(a case conference held, a plan signed, …) with their evidence, mostly before the deadline and
sometimes after it, steps that do not apply, a crisis, social services, reviews and closures,
and the daily deadline scan with its reminders and escalations. Some cases are scripted so that
whatever day the demo is loaded every compliance state is there, and the case leads among the
personas have overdue and upcoming work (see ``_Loader.script_cases``).

The records themselves are real where they can be (:mod:`zaedno.demo.casework`): a case
conference scheduled, held and minuted with its decisions, the shared assessment and its
formulation, the plan agreed at a meeting, its reviews and the follow-up check-ins — made
through their services at the moment the story planned, on a random of their own.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import heapq
import itertools
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from unittest import mock

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from stdnum.bg import pnf as stdnum_pnf

from zaedno.accounts.models import Membership, Profession, Role, User
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
    break_glass_open,
    break_glass_review,
    case_change_status,
    case_note_add,
    team_member_add,
    team_member_remove,
)
from zaedno.children.identifiers import make_egn
from zaedno.children.models import Relationship
from zaedno.children.services import child_register, relative_add
from zaedno.demo import names, texts
from zaedno.demo.casework import Casework
from zaedno.demo.clock import Clock, back_dated
from zaedno.demo.clock import _real_now as real_now
from zaedno.notifications.models import Notification
from zaedno.notifications.services import notifications_mark_read
from zaedno.organisations.models import KIND_SECTOR, Coverage, Institution, Organisation, OrganisationKind
from zaedno.organisations.services import organisation_create
from zaedno.places.models import Municipality, Settlement
from zaedno.protocols.calendar import deadline_for, is_working_day
from zaedno.protocols.engine import (
    artefact_record,
    parse_artefact,
    protocol_event,
    step_def,
    step_not_applicable,
    steps_of,
)
from zaedno.protocols.models import CaseStep, ProtocolVersion, StepStatus
from zaedno.protocols.queries import protocol_current
from zaedno.protocols.scan import deadline_scan
from zaedno.resources.demo import seed_resources
from zaedno.resources.models import Service
from zaedno.signals.choices import Decision, LearnedHow, ReporterKind
from zaedno.signals.models import Signal
from zaedno.signals.scan import signal_scan
from zaedno.signals.services import (
    SignalInput,
    case_open_direct,
    signal_assign,
    signal_check,
    signal_decide,
    signal_link_child,
    signal_record,
)

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
    OrgSpec("dazd", "Държавна агенция за закрила на детето", K.DAZD, "SOF46", "ДАЗД", "ул. „Триадица“ 2, София"),
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
    # The heads of the organisations whose people work on cases, so that "the responsible person's
    # manager" exists everywhere (escalations, the compliance page). They report no signals and
    # join no team: the story of the demo stays as it was.
    PersonSpec("mihaylova", "Даниела", "Михайлова", P.PRINCIPAL, "school_vb", role=Role.MANAGER),
    PersonSpec("popov", "Христо", "Попов", P.PRINCIPAL, "school_bk", role=Role.MANAGER),
    PersonSpec("zhekova", "Румяна", "Жекова", P.PRINCIPAL, "school_go", role=Role.MANAGER),
    PersonSpec("denev", "Иван", "Денев", P.PRINCIPAL, "school_go2", role=Role.MANAGER),
    PersonSpec("tsoneva", "Мариана", "Цонева", P.PRINCIPAL, "kg_vt", role=Role.MANAGER),
    PersonSpec("lazarova", "Веселина", "Лазарова", P.MANAGER, "cop_vt", role=Role.MANAGER),
    PersonSpec("bozhilova", "Светла", "Божилова", P.MANAGER, "csri_vt", role=Role.MANAGER),
    PersonSpec("yordanov", "Павел", "Йорданов", P.MANAGER, "crisis_vt", role=Role.MANAGER),
    PersonSpec("nedelcheva", "Камелия", "Неделчева", P.DOCTOR, "hospital_vt", role=Role.MANAGER),
    PersonSpec("ganeva", "Илиана", "Ганева", P.MANAGER, "gp_vt", role=Role.MANAGER),
    PersonSpec("kolev", "Стефан", "Колев", P.POLICE_INSPECTOR, "dps_vt", role=Role.MANAGER),
    PersonSpec("raykova", "Елица", "Райкова", P.MANAGER, "mkb_vt", role=Role.MANAGER),
    PersonSpec("dobrev", "Любомир", "Добрев", P.MANAGER, "mun_vt", role=Role.MANAGER),
    PersonSpec("vladimirova", "Ралица", "Владимирова", P.MANAGER, "ngo_zd", role=Role.MANAGER),
    PersonSpec("hadzhiev", "Борислав", "Хаджиев", P.MANAGER, "ngo_ch", role=Role.MANAGER),
    PersonSpec("kamenova", "Валентина", "Каменова", P.MANAGER, "youth_vt", role=Role.MANAGER),
    PersonSpec("tanev", "Милен", "Танев", P.MANAGER, "sport_vt", role=Role.MANAGER),
]  # fmt: skip
# Managers among the colleagues above (besides the personas): not reporters of the demo's signals.
MANAGERS = {p.username for p in PERSONAS + COLLEAGUES if p.role == Role.MANAGER}

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
# On intake duty (дежурство) in the two departments; their heads assign the signals too.
DUTY = ("ivanova", "atanasova")
# The inspectors of the ДПС stay on duty there, so the signals routed to the police still reach
# them now that the ДПС has a head (a routed signal goes to the managers and whoever is on duty).
ROUTED_DUTY = ("georgieva", "slavov")
HEADS = {"ozd_vt": "nikolova", "ozd_go": "kirilova"}
# A ЦОП may lead only a support case (the protocols' ``lead`` rules): these categories.
SUPPORT = ("disability", "antisocial", "dropout", "parental_conflict", "other")

# The protocol story (see ``_Loader.plan_protocols``): how often each lead does a step after its
# deadline (the rest on time), the ages of the scripted cases, who provides social services.
LATENESS = {"ivanova": 0.1, "hristova": 0.15, "marinov": 0.3, "stoyanov": 0.2, "atanasova": 0.2}
SCRIPT_AGES = {"stalled": (120, 220), "crisis": (90, 200), "service": (70, 200)}
SERVICE_PROVIDERS = {"stoyanov", "pavlova", "vasilev", "genchev", "koleva", "doneva"}
SCAN_DAYS = 60  # the deadline scan is replayed over the last two months of the history


@dataclass
class DemoSummary:
    organisations: int = 0
    users: int = 0
    children: int = 0
    cases: int = 0
    by_status: dict[str, int] = field(default_factory=dict)


def start_for_due(deadline: dict[str, int], due: dt.datetime) -> dt.datetime | None:
    """The latest clock start for which ``deadline`` falls due exactly at ``due`` (None if none does:
    a working-day deadline is never due on a weekend)."""
    ((unit, n),) = deadline.items()
    if unit == "hours":
        return due - dt.timedelta(hours=n)
    local = timezone.localtime(due)
    for back in range(n, 3 * n + 15):
        start = local - dt.timedelta(days=back)
        if deadline_for(start, deadline) == due:
            return start
    return None


@contextlib.contextmanager
def defaults_follow(clock: Clock) -> Iterator[None]:
    """Fields declared with ``default=timezone.now`` (the protocol engine's events and records)
    hold the real function, bound at import: while the history is written, they follow the clock."""
    with contextlib.ExitStack() as stack:
        for model in apps.get_models():
            for f in model._meta.concrete_fields:
                if f.default is real_now:
                    stack.enter_context(mock.patch.object(f, "_get_default", clock.now))
        yield


def demo_loaded() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()


class _Loader:
    """Plans the demo history, then plays it in time order on the back-dated clock."""

    def __init__(self, *, password: str, now: dt.datetime) -> None:
        self.rng = random.Random(SEED)
        self.prng = random.Random(SEED + 1)  # the protocol story's own, so the rest stays as it was
        self.srng = random.Random(SEED + 2)  # the signals' own (the front door), likewise
        self.cutoff = now - dt.timedelta(hours=2)  # nothing happens later than this
        self.with_protocols = False
        self.versions: dict[int, ProtocolVersion] = {}
        self.scans: set[dt.datetime] = set()
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
        self.casework = Casework(self, SEED)  # the real records and the work around them

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
        codes = {spec.municipality for spec in ORGANISATIONS}
        municipalities = {m.code: m for m in Municipality.objects.filter(code__in=codes)}
        for spec in ORGANISATIONS:
            self.orgs[spec.key] = organisation_create(
                name=spec.name, short_name=spec.short_name, kind=spec.kind,
                municipality=municipalities[spec.municipality], address=spec.address,
                phone=names.phone(self.rng), email=f"office-{spec.key.replace('_', '-')}@example.org",
            )  # fmt: skip
        # Where each receives signals (docs/signals.md): each ОЗД its municipality, the ДПС of the
        # ОДМВР the oblast, ДАЗД the whole country.
        oblast = municipalities["VTR04"].oblast
        Coverage.objects.bulk_create(
            [
                Coverage(organisation=self.orgs["ozd_vt"], institution=Institution.OZD, municipality=municipalities["VTR04"]),
                Coverage(organisation=self.orgs["ozd_go"], institution=Institution.OZD, municipality=municipalities["VTR06"]),
                Coverage(organisation=self.orgs["dps_vt"], institution=Institution.POLICE, oblast=oblast),
                Coverage(organisation=self.orgs["dazd"], institution=Institution.DAZD),
            ]
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
        # On intake duty in each department: notified of every new signal, may assign it.
        Membership.objects.filter(user__username__in=DUTY + ROUTED_DUTY).update(on_duty=True)
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
        scripts = self.script_cases(leads, cats)
        self.support_for_cop(leads, cats, scripts)
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
            script = scripts.get(i, "")
            received = None
            if script == "fresh":
                # The signal was received almost a week ago: its check is due within the day.
                received = self.signal_for_due_soon()
                opened = received + dt.timedelta(hours=self.prng.randint(2, 26))
            elif script:
                low, high = SCRIPT_AGES[script]
                opened = self.working_time(
                    (self.now - dt.timedelta(days=self.prng.uniform(low, high))).date()
                )
            child = self.plan_child(
                category=category,
                opened=opened,
                settlement=settlement,
                foreign=foreign,
                with_egn=i not in no_egn,
            )
            self.plan_case(
                child=child, lead=lead, category=category, code=code, opened=opened, closes=comes_back,
                script=script, received=received,
            )  # fmt: skip
            if comes_back:
                again = self.working_time((self.now - dt.timedelta(days=rng.uniform(20, 150))).date())
                category = rng.choice(["violence", "dropout", "antisocial", "neglect"])
                if self.org_of[lead] == "cop_vt" and category not in SUPPORT:
                    category = "dropout"  # a ЦОП leads only a support case
                self.plan_case(
                    child=child, lead=lead, category=category, code=code, opened=again, second=True
                )
        self.plan_break_glass()
        self.plan_protocols()
        if self.with_protocols:
            self.casework.plan()

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

    def plan_case(
        self, *, child, lead, category, code, opened, closes=False, second=False, script="", received=None
    ) -> None:
        """Schedule a case's life: register, open, team, notes, reads, status changes.

        ``closes``: the case is closed within months (the child comes back with a new case);
        ``second``: the child's second case; ``script``: a part in the protocol story (see
        :meth:`script_cases`); ``received``: when the signal came, if not hours before opening.
        """
        rng = self.rng
        state: dict = {"case": None, "members": {}, "lead": lead, "code": code, "category": category}
        state.update(opened_at=opened, script=script, second=second, joins={}, keep=set())
        self.states.append(state)
        hours_before = rng.randint(1, 30)
        received = received or opened - dt.timedelta(hours=hours_before)
        state["received"] = received
        self.plan_signal(state, child, received, opened)
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
        if script == "crisis":
            # The ЦОП psychologist provides the service later: the only service provider in the team.
            chosen = [c for c in chosen if c[0] not in SERVICE_PROVIDERS]
            chosen.insert(0, ("stoyanov", TeamRole.MEMBER, S.SENSITIVE))
            state["keep"].add("stoyanov")
        state["planned"] = [c[0] for c in chosen]
        joined = opened
        for username, role, level in chosen:
            joined = joined + dt.timedelta(hours=rng.randint(2, 120))
            state["joins"][username] = self.past(joined)
            self.at(
                state["joins"][username],
                lambda u=username, r=role, lv=level: self.add_member(state, u, r, lv),
            )
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
        if script:
            changes, end = [], self.now - dt.timedelta(days=1)  # scripted cases are open today
        state["changes"] = [(self.past(when), status) for when, status in changes]
        for when, status in state["changes"]:
            self.at(when, lambda s=status: self.change_status(state, s))
        span = max((end - opened).total_seconds(), 3600 * 24)
        for _ in range(rng.randint(2, 6)):
            when = self.past(opened + dt.timedelta(seconds=rng.uniform(span * 0.05, span * 0.95)))
            self.at(when, lambda: self.note(state, child))
            self.at(self.past(when + dt.timedelta(minutes=rng.randint(10, 600))), lambda: self.read(state))
        if len(chosen) >= 3 and rng.random() < 0.3:
            when = self.past(opened + dt.timedelta(seconds=span * rng.uniform(0.5, 0.9)))
            self.at(when, lambda: self.remove_member(state))

    def support_for_cop(self, leads: list[str], cats: list[str], scripts: dict[int, str]) -> None:
        """The ЦОП's cases are support cases (a ЦОП may not lead child protection): swap categories
        with another case, never replace one, so every category is still there."""
        for i, lead in enumerate(leads):
            if self.org_of[lead] != "cop_vt" or cats[i] in SUPPORT:
                continue
            for j in range(1, len(leads)):
                if j not in scripts and self.org_of[leads[j]] != "cop_vt" and cats[j] in SUPPORT:
                    cats[i], cats[j] = cats[j], cats[i]
                    break

    def plan_signal(self, state: dict, child: dict, received: dt.datetime, opened: dt.datetime) -> None:
        """The case's front door: the signal comes (a professional reports it, or the department
        takes a call), the head or the duty worker assigns it, the lead checks it and opens the
        case. A ЦОП records its own support case in one step. Drawn on ``srng``, so the rest of
        the story keeps its draws."""
        srng = self.srng
        lead = state["lead"]
        code = state["code"]
        category = state["category"]
        sector = srng.choice(SOURCE[category])
        org_key = self._org_key_for_sector(sector, code, srng)
        reporters = (
            [u for u, o in self.org_of.items() if o == org_key and u != "admin" and u not in MANAGERS]
            if org_key
            else []
        )
        reporter = srng.choice(sorted(reporters)) if reporters else None
        kind = ReporterKind.PROFESSIONAL
        if sector == "community":
            kind = srng.choices(
                [ReporterKind.CITIZEN, ReporterKind.HELPLINE, ReporterKind.ANONYMOUS], weights=[7, 2, 1]
            )[0]
            reporter = None
        age = max(0, (received.date() - child["birth"]).days // 365)
        spec = {
            "category": category, "sector": sector, "kind": kind, "reporter": reporter,
            "org": self.orgs[org_key] if org_key else None,
            "name": srng.choice(texts.REPORTERS[sector]) if kind != ReporterKind.ANONYMOUS else "",
            "description": srng.choice(texts.SIGNALS[category]).format(name=child["first"]),
            "occurred": srng.choice(texts.OCCURRED), "learned_how": srng.choice(list(LearnedHow.values)),
            "age": min(17, age), "birth_known": srng.random() < 0.4,
            "danger": category == "violence" and srng.random() < 0.15,
            "check": srng.choice(texts.CHECK_ACTIONS), "findings": srng.choice(texts.CHECK_FINDINGS[category]),
        }  # fmt: skip
        state["signal_spec"] = spec
        state["signal"] = None
        if self.org_of[lead] == "cop_vt":
            if child["obj"] is None and not child.get("planned"):
                child["planned"] = True
                self.at(opened - dt.timedelta(minutes=30), lambda: self.register(child, lead))
            self.at(opened, lambda: self.open_directly(state, child, received))
            return
        head = HEADS[self.org_of[lead]]
        self.at(received, lambda: self.report(state, child))
        assign = received + min(dt.timedelta(minutes=srng.randint(5, 55)), (opened - received) / 3)
        self.at(assign, lambda: self.assign(state, head))
        if child["obj"] is None and not child.get("planned"):
            child["planned"] = True
            self.at(opened - dt.timedelta(minutes=25), lambda: self.register(child, lead))
        self.at(opened, lambda: self.open(state, child, received))

    def _org_key_for_sector(self, sector: str, code: str, rng) -> str | None:
        keys = [
            k for k, o in self.orgs.items()
            if KIND_SECTOR[o.kind] == sector and o.municipality_id == code and o.kind not in (K.OZD, K.DAZD)
        ]  # fmt: skip
        return rng.choice(sorted(keys)) if keys else None

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

    # -- the protocol story --------------------------------------------------------------------
    def script_cases(self, leads: list[str], cats: list[str]) -> dict[int, str]:
        """Parts of the protocol story that must be there whatever day the demo is loaded.

        ivanova has a signal whose check is due within the day (``fresh``), a case where the work
        stopped at a step now long overdue (``stalled``), and a violence case with a crisis and,
        later, a ЦОП service whose support plan is overdue (``crisis``); stoyanov leads a case where
        a service started days ago and an earlier step is overdue (``service``). Categories are
        swapped between cases, never replaced, so every category is still there.
        """
        free = list(range(SECOND_CASES + 1, len(leads)))
        scripts: dict[int, str] = {}
        mine = [i for i in free if leads[i] == "ivanova"]
        for i, script in zip(mine, ("fresh", "stalled", "crisis"), strict=False):
            scripts[i] = script
        his = [i for i in free if leads[i] == "stoyanov"]
        if his:
            scripts[his[0]] = "service"

        def swap(i: int, wanted: set[str]) -> None:
            if cats[i] in wanted:
                return
            for j in free:
                if j not in scripts and cats[j] in wanted:
                    cats[i], cats[j] = cats[j], cats[i]
                    return

        for i, script in scripts.items():
            swap(i, {"violence"} if script == "crisis" else set(SignalCategory.values) - {"violence"})
        return scripts

    def signal_for_due_soon(self) -> dt.datetime:
        """When a signal must have come for its check to be due a few hours from now."""
        deadline = {"days": 7}
        version = protocol_current("multisector")
        if version is not None and "signal_checked" in steps_of(version):
            deadline = steps_of(version)["signal_checked"].body["deadline"]
        for hours in (8, 10, 12, 14, 16, 18, 6, 20):
            start = start_for_due(deadline, self.now + dt.timedelta(hours=hours))
            if start is not None and start < self.now - dt.timedelta(hours=30):
                return start
        return self.now - dt.timedelta(days=7, hours=-10)

    def stall_code(self, age_days: int) -> str:
        """A step of the multisector protocol the case surely reached and whose deadline passed."""
        if age_days >= 110:
            return self.prng.choice(
                ["assessment_conference", "multisector_assessment", "formulation", "plan_agreed"]
            )
        if age_days >= 40:
            return self.prng.choice(["team_formed", "assessment_conference"])
        return "signal_checked"

    def plan_protocols(self) -> None:
        """How each case's protocol steps go: who is late, where work stops, what does not apply,
        when a service starts. The steps themselves are decided as the engine opens them
        (:meth:`progress`), from their real due times."""
        self.versions = {v.pk: v for v in ProtocolVersion.objects.select_related("definition")}
        self.usernames = {u.pk: name for name, u in self.users.items()}
        self.with_protocols = bool(self.versions)
        if not self.with_protocols:
            return
        prng = self.prng
        for state in self.states:
            state.update(late=LATENESS.get(state["lead"], 0.2), hold=set(), na={}, handled=set(), floor=None)
            age = (self.now - state["opened_at"]).days
            if state["script"] == "fresh":
                state["hold"].add("signal_checked")
            elif state["script"] in ("stalled", "service"):
                state["hold"].add(self.stall_code(age))
                state["late"] = 0.0
            if state["category"] == "violence" and state["script"] != "crisis":
                if prng.random() < 0.7:
                    # Decided at the first meeting: no crisis intervention needed (the step waits otherwise).
                    state["na"]["crisis_intervention"] = prng.choice(
                        texts.NOT_APPLICABLE["crisis_intervention"]
                    )
                    when = max(state["received"], state["opened_at"]) + dt.timedelta(
                        hours=prng.uniform(3, 30)
                    )
                    if when < self._ends(state, state["opened_at"]):
                        self.at(when, lambda s=state: self.not_applicable(s, "crisis_intervention"))
                r = prng.random()
                if r < 0.25:
                    state["na"]["assessment_conference"] = texts.NOT_APPLICABLE["assessment_conference"][0]
                elif r < 0.45:
                    state["na"]["multisector_assessment"] = texts.NOT_APPLICABLE["multisector_assessment"][0]
            if state["second"]:
                state["na"]["team_formed"] = texts.NOT_APPLICABLE["team_formed"][0]
        # Each of the other leads has one case where the work stopped at a step.
        for lead in ("hristova", "marinov", "atanasova"):
            candidates = [
                s for s in self.states
                if s["lead"] == lead and not s["script"] and not s["changes"]
                and (self.now - s["opened_at"]).days >= 45
            ]  # fmt: skip
            if candidates:
                state = prng.choice(candidates)
                state["hold"].add(self.stall_code((self.now - state["opened_at"]).days))
                state["late"] = 0.0
                state["na"] = {k: v for k, v in state["na"].items() if k == "crisis_intervention"}
        # Social services: the scripted ones, and one or two in older cases with a provider in the team.
        for state in self.states:
            if state["script"] == "crisis":
                state["hold"].add("support_plan")  # the ЦОП's plan is overdue
                self.plan_service(state, self.now - dt.timedelta(days=prng.uniform(26, 34)))
            elif state["script"] == "service":
                state["hold"].add("support_plan")  # started days ago: both steps are still to do
                self.plan_service(state, self.now - dt.timedelta(days=prng.uniform(3, 12)))
        older = [
            s for s in self.states
            if not s["script"] and (self.now - s["opened_at"]).days >= 150
            and any(u in SERVICE_PROVIDERS for u in s["joins"])
        ]  # fmt: skip
        for state in prng.sample(older, min(2, len(older))):
            provider = next(u for u in state["joins"] if u in SERVICE_PROVIDERS)
            when = state["joins"][provider] + dt.timedelta(days=prng.uniform(5, 25))
            if when + dt.timedelta(days=45) < self._ends(state, when, follow_up=True):
                self.plan_service(state, when)

    def plan_service(self, state: dict, when: dt.datetime) -> None:
        self.at(self.past(self.office(when, when - dt.timedelta(days=3), when + dt.timedelta(days=3))),
                lambda: self.event(state, "service_started"))  # fmt: skip

    def plan_scans(self, steps: list[CaseStep], open_until: dt.datetime) -> None:
        """The worker's deadline scan on the mornings after the thresholds these steps pass while
        still open, so their reminders, deadline notices and escalations go out on their dates.

        The real worker scans every few minutes; the history runs one scan at seven on the days
        that have something to send (a scan on any other day would find nothing), over the last
        ``SCAN_DAYS`` (older notifications would be read long ago; the first scan in the window
        sends what was still pending then).
        """
        clock = max(self.clock.now(), self.now - dt.timedelta(days=SCAN_DAYS))
        for step in steps:
            for threshold in (step.remind_at, step.due_at, step.escalate_at):
                if threshold is None or threshold >= open_until:
                    continue
                moment = max(threshold, clock)
                local = timezone.localtime(moment)
                when = timezone.make_aware(dt.datetime.combine(local.date(), dt.time(7, 0)))
                if when < moment:
                    when = timezone.make_aware(
                        dt.datetime.combine(local.date() + dt.timedelta(days=1), dt.time(7, 0))
                    )
                if when < min(open_until, self.cutoff) and when not in self.scans:
                    self.scans.add(when)
                    self.at(when, lambda when=when: deadline_scan(when))

    def _ends(self, state: dict, after: dt.datetime, *, follow_up: bool = False) -> dt.datetime:
        """The first closing (or follow-up) of the case after ``after``; the cut-off if none."""
        wanted = (CaseStatus.CLOSED, CaseStatus.FOLLOW_UP) if follow_up else (CaseStatus.CLOSED,)
        return min(
            (w for w, status in state["changes"] if status in wanted and w > after), default=self.cutoff
        )

    def office(self, t: dt.datetime, low: dt.datetime, high: dt.datetime) -> dt.datetime:
        """``t`` moved into office hours (8:30–17:00 on a working day), within [low, high] if possible."""
        local = timezone.localtime(t)
        opens, closes = dt.time(8, 30), dt.time(17, 0)
        if is_working_day(local.date()) and opens <= local.time() < closes:
            return t
        day = local.date()
        if local.time() >= closes or not is_working_day(day):
            day += dt.timedelta(days=1)
            while not is_working_day(day):
                day += dt.timedelta(days=1)
        minutes = self.prng.randrange(0, 240, 5)
        later = timezone.make_aware(dt.datetime.combine(day, opens)) + dt.timedelta(minutes=minutes)
        if later <= high:
            return later
        day = local.date()
        if local.time() < opens or not is_working_day(day):
            day -= dt.timedelta(days=1)
            while not is_working_day(day):
                day -= dt.timedelta(days=1)
        earlier = timezone.make_aware(dt.datetime.combine(day, dt.time(16, 45))) - dt.timedelta(
            minutes=minutes
        )
        return earlier if earlier >= low else t

    def progress(self, state: dict) -> None:
        """Decide what happens to each step the engine opened on the case since the last call."""
        if not self.with_protocols or state["case"] is None:
            return
        groups: dict[str, list[CaseStep]] = {}
        for step in (
            CaseStep.objects.filter(case_id=state["case"], status=StepStatus.OPEN)
            .exclude(pk__in=state["handled"])
            .select_related("case_protocol")
            .order_by("due_at", "pk")
        ):
            step.case_protocol.version = self.versions[step.case_protocol.version_id]  # bodies parsed once
            groups.setdefault(step.completed_by, []).append(step)  # one record completes them all
        for steps in groups.values():
            state["handled"].update(s.pk for s in steps)
            self.plan_scans(steps, self.decide(state, steps[0]))

    def decide(self, state: dict, step: CaseStep) -> dt.datetime:
        """When (and whether) the record that completes ``step`` is made, or the step found not to
        apply; returns until when the step stays open."""
        prng = self.prng
        code, start, due = step.step_code, step.started_at, step.due_at
        clock = self.clock.now()
        start = max(start, state["floor"] or start)
        ends = self._ends(state, max(start, clock))
        if code in state["na"]:
            when = self.office(start + (due - start) * prng.uniform(0.05, 0.4), start, due)
            if when >= ends:
                return ends
            when = max(when, clock + dt.timedelta(minutes=5))
            self.at(when, lambda: self.not_applicable(state, code))
            return when
        if code in state["hold"]:
            return ends  # left open: overdue, or due soon
        body = step_def(step).body
        if code == "closure_decision":
            if ends >= self.cutoff:
                return ends  # follow-up goes on: no decision yet
            at = self.office(ends - dt.timedelta(days=prng.uniform(2, 10)), start, ends)
        elif code == "closure_notified":
            if ends >= self.cutoff:
                return ends
            at = self.office(start + (ends - start) * prng.uniform(0.2, 0.8), start, ends)
        else:
            at = self.natural(state, start, due, hours="hours" in body["deadline"], repeat="repeat" in body)
            follow = min(
                (
                    w
                    for w, status in state["changes"]
                    if status == CaseStatus.FOLLOW_UP and w > max(start, clock)
                ),
                default=self.cutoff,
            )
            if "repeat" not in body and body["starts_on"] != "follow_up_started" and follow < at:
                # Follow-up means the plan's goals were reached: the earlier steps were done by then.
                limit = follow - dt.timedelta(days=1)
                at = start + (limit - start) * prng.uniform(0.3, 0.9) if limit > start else start
        if at >= ends:
            return ends  # still open when the case closes (it ends), or today
        when = max(at, clock + dt.timedelta(minutes=prng.randint(2, 30)))
        self.at(when, lambda: self.record(state, step.completed_by, at, step.owner_user_id))
        self.casework.prepare(state, step, at)
        if code == "mdt_meeting" and state["script"] == "crisis":
            crisis = at + dt.timedelta(hours=prng.uniform(1, 6))
            self.at(
                max(crisis, when + dt.timedelta(minutes=5)), lambda: self.event(state, "crisis_identified")
            )
        return when

    def natural(
        self, state: dict, start: dt.datetime, due: dt.datetime, *, hours: bool, repeat: bool = False
    ) -> dt.datetime:
        """When a step is done: mostly well before its deadline, sometimes (``state["late"]``) after
        it; a regular review towards the end of its period."""
        prng = self.prng
        span = due - start
        if prng.random() < state["late"]:
            at = due + min(span, dt.timedelta(days=3)) * prng.uniform(0.2, 1.5)
            high = at + dt.timedelta(days=3)
        else:
            at = start + span * (prng.uniform(0.7, 0.97) if repeat else prng.uniform(0.25, 0.95))
            high = due
        # Hour deadlines (the Coordination Mechanism) are kept on any day, by the people on duty.
        return self.awake(at, start, high) if hours else self.office(at, start, high)

    def awake(self, t: dt.datetime, low: dt.datetime, high: dt.datetime) -> dt.datetime:
        """``t`` moved out of the night (to 8:00–20:00, any day) when [low, high] allows."""
        local = timezone.localtime(t)
        if 8 <= local.hour < 20:
            return t
        day = local.date() + dt.timedelta(days=1 if local.hour >= 20 else 0)
        later = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0))) + dt.timedelta(
            minutes=self.prng.randrange(0, 120, 5)
        )
        if later <= high:
            return later
        day = local.date() - dt.timedelta(days=0 if local.hour >= 20 else 1)
        earlier = timezone.make_aware(dt.datetime.combine(day, dt.time(19, 30))) - dt.timedelta(
            minutes=self.prng.randrange(0, 120, 5)
        )
        return earlier if earlier >= low else t

    def record(self, state: dict, completed_by: str, at: dt.datetime, owner_id: int | None) -> None:
        """The record that completes a step (a meeting held, a plan signed, …), by its owner or the lead."""
        case = Case.objects.select_related("child").get(pk=state["case"])
        owner = self.usernames.get(owner_id, "")
        by = owner if owner in state["members"] else state["lead"]
        evidence = self.evidence(state, case, completed_by, at)  # drawn either way: the story's draws stay
        if not self.casework.record(state, case, completed_by, at, by):
            artefact, kind = parse_artefact(completed_by)
            artefact_record(
                ctx=self.ctx(by), case=case, artefact=artefact, kind=kind, at=at, evidence=evidence
            )
        self.progress(state)

    def evidence(self, state: dict, case: Case, completed_by: str, at: dt.datetime) -> str:
        """What shows the step is done, in the words of texts.EVIDENCE."""
        choices = texts.EVIDENCE.get(completed_by) or ["Записано на {date}."]
        team = others = ""
        if any("{team}" in c or "{others}" in c for c in choices):
            members = TeamMember.objects.filter(case=case, left_at__isnull=True).select_related(
                "organisation"
            )
            orgs = {m.organisation_id: m.organisation for m in members.order_by("joined_at", "pk")}
            team = ", ".join(o.short_name or o.name for o in orgs.values())
            others = ", ".join(
                o.short_name or o.name for k, o in orgs.items() if k != case.lead_organisation_id
            )
            if not others:
                choices = [c for c in choices if "{others}" not in c]
        return self.prng.choice(choices).format(
            date=timezone.localtime(at).strftime("%d.%m.%Y"),
            name=case.child.first_name,
            team=team,
            others=others,
        )

    def not_applicable(self, state: dict, code: str) -> None:
        case = Case.objects.get(pk=state["case"])
        step = CaseStep.objects.filter(
            case=case, step_code=code, status__in=[StepStatus.OPEN, StepStatus.WAITING]
        ).first()
        if step is None:
            return
        lead = state["lead"]
        step_not_applicable(
            ctx=self.ctx(lead), access=access_for(self.users[lead], case), step=step, reason=state["na"][code]
        )
        self.progress(state)

    def event(self, state: dict, event: str) -> None:
        """An event a team member records by hand: a social service started, a crisis identified."""
        case = Case.objects.get(pk=state["case"])
        if case.status == CaseStatus.CLOSED:
            return
        protocol_event(
            ctx=self.ctx(state["lead"]), case=case, event=event, at=self.clock.now(),
            note=self.prng.choice(texts.EVENT_NOTES[event]),
        )  # fmt: skip
        self.progress(state)

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

    def _signal_input(self, state: dict, child: dict, received: dt.datetime) -> tuple[SignalInput, str]:
        """What the reporter says, and who records it: the reporting professional, or the lead when
        it came by phone (a professional without Zaedno, a citizen, 116 111)."""
        spec = state["signal_spec"]
        reporter = spec["reporter"]
        by = reporter or state["lead"]
        data = SignalInput(
            category=spec["category"], description=spec["description"], received_at=received,
            occurred=spec["occurred"], learned_how=spec["learned_how"], immediate_danger=spec["danger"],
            urgency="crisis" if spec["danger"] else "routine",
            child_first_name=child["first"], child_middle_name=child["middle"] if spec["birth_known"] else "",
            child_last_name=child["last"], child_birth_date=child["birth"] if spec["birth_known"] else None,
            child_age=None if spec["birth_known"] else spec["age"], child_sex=child["sex"],
            child_settlement=child["settlement"],
            reporter_kind=spec["kind"], reporter_is_me=reporter is not None,
            reporter_name=spec["name"], reporter_organisation=self.orgs[self.org_of[reporter]] if reporter else spec["org"],
            source_sector=spec["sector"] if spec["kind"] == ReporterKind.PROFESSIONAL else "",
        )  # fmt: skip
        return data, by

    def report(self, state: dict, child: dict) -> None:
        """The signal comes: routed to the department (and the police, ДАЗД) as it is recorded."""
        data, by = self._signal_input(state, child, self.clock.now())
        own = None if state["signal_spec"]["reporter"] else self.orgs[self.org_of[state["lead"]]]
        state["signal"] = signal_record(ctx=self.ctx(by), data=data, recipient=own).pk

    def assign(self, state: dict, head: str) -> None:
        signal = Signal.objects.get(pk=state["signal"])
        signal_assign(ctx=self.ctx(head), signal=signal, assignee=self.users[state["lead"]])

    def open(self, state: dict, child: dict, received: dt.datetime) -> None:
        """The lead checks the signal (unless the story holds the check) and opens the case."""
        lead = state["lead"]
        spec = state["signal_spec"]
        signal = Signal.objects.get(pk=state["signal"])
        ctx = self.ctx(lead)
        if "signal_checked" not in state.get("hold", ()):
            now = self.clock.now()
            checked = max(
                received + dt.timedelta(minutes=10), now - dt.timedelta(minutes=self.srng.randint(10, 50))
            )
            signal = signal_check(
                ctx=ctx,
                signal=signal,
                actions=spec["check"],
                findings=spec["findings"],
                checked_at=min(checked, now),
            )
        signal = signal_link_child(ctx=ctx, signal=signal, child=child["obj"])
        decided = signal_decide(
            ctx=ctx, signal=signal, decision=Decision.OPEN_CASE, lead=self.users[lead], add_reporter=False,
            summary=spec["description"].split(";")[0].split(".")[0] + ".",
        )  # fmt: skip
        state["case"] = decided.case_id
        state["members"][lead] = S.SENSITIVE
        self.progress(state)

    def open_directly(self, state: dict, child: dict, received: dt.datetime) -> None:
        """A ЦОП opens its own support case: the signal and the decision in one step."""
        lead = state["lead"]
        data, _by = self._signal_input(state, child, received)
        data = replace(data, reporter_is_me=False, reporter_name=data.reporter_name or "Майката")
        org = self.orgs[self.org_of[lead]]
        case = case_open_direct(
            ctx=self.ctx(lead), child=child["obj"], signal=data, lead=self.users[lead], lead_organisation=org,
            municipality=org.municipality, summary=data.description.split(";")[0].split(".")[0] + ".",
        )  # fmt: skip
        state["case"] = case.pk
        state["members"][lead] = S.SENSITIVE
        self.progress(state)

    def _access(self, state: dict, username: str):
        return access_for(self.users[username], Case.objects.get(pk=state["case"]))

    def add_member(self, state: dict, username: str, role: str, level: int) -> None:
        team_member_add(
            ctx=self.ctx(state["lead"]), access=self._access(state, state["lead"]), user=self.users[username],
            organisation=self.orgs[self.org_of[username]], role=role, sharing_level=level,
        )  # fmt: skip
        state["members"][username] = level

    def remove_member(self, state: dict) -> None:
        others = sorted(u for u in state["members"] if u != state["lead"] and u not in state["keep"])
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
        self.casework.status_changed(state, status)
        if status == CaseStatus.OPEN and self.with_protocols:
            # Reopened: the steps that ended at the closing are open again, to be done from now on.
            state["handled"].clear()
            state["floor"] = self.clock.now()
        self.progress(state)

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

    # -- the intake queue today ----------------------------------------------------------------
    def intake_story(self) -> None:
        """Signals of the last days, in every state: some waiting in the departments' queues (one
        from petrov about a boy beaten at home, a request of the child commission, one overdue),
        assigned, checked, one decided "no case" with a community service, one attached to the
        open case of one of ivanova's children. Runs after the resource map exists."""
        srng = random.Random(SEED + 3)
        now = self.now
        cop_service = (
            Service.objects.filter(organisation=self.orgs["cop_vt"], is_active=True).order_by("pk").first()
        )
        vt = Settlement.objects.get(ekatte="10447")
        go = Settlement.objects.get(ekatte="16359")
        open_mine = [
            st for st in self.states
            if st["lead"] == "ivanova" and st["case"] and not st["script"]
            and Case.objects.filter(pk=st["case"], status=CaseStatus.OPEN).exists()
        ]  # fmt: skip

        def child_of(sex: str, age: int) -> dict:
            fam = names.family(srng, sex)
            return {
                "first": fam.first_name,
                "middle": fam.middle_name,
                "last": fam.last_name,
                "sex": sex,
                "age": age,
            }

        def record(when, by, category, text, *, child=None, registered=None, settlement=vt, kind=ReporterKind.PROFESSIONAL,
                   me=True, name="", org=None, danger=False, urgency="routine", signal_kind="report", own=None):  # fmt: skip
            self.clock.at = when
            child = child or {}
            data = SignalInput(
                kind=signal_kind, category=category, description=text, received_at=when, urgency=urgency,
                immediate_danger=danger, occurred=srng.choice(texts.OCCURRED), child=None,
                child_first_name=child.get("first", registered.child.first_name if registered else ""),
                child_last_name=child.get("last", registered.child.last_name if registered else ""),
                child_age=child.get("age"), child_sex=child.get("sex", ""), child_settlement=settlement,
                reporter_kind=kind, reporter_is_me=me, reporter_name=name, reporter_organisation=org,
            )  # fmt: skip
            return signal_record(ctx=self.ctx(by), data=data, recipient=own)

        def at(when, fn):
            self.clock.at = when
            return fn()

        ozd_vt = self.orgs["ozd_vt"]
        # Waiting, not yet assigned: petrov's signal of this morning — the story of docs/signals.md.
        boy = child_of("m", 14)
        record(
            now - dt.timedelta(minutes=35), "petrov", "violence",
            f"{boy['first']} (8 клас) сподели в кабинета ми, че пастрокът го бие с колан, когато е пил; "
            "има синини по гърба. Страхува се да се прибере довечера. Майката не знае, че е споделил.",
            child=boy, urgency="urgent",
        )  # fmt: skip
        # The child commission asks for an intersectoral team: waiting since yesterday, overdue.
        girl = child_of("f", 13)
        record(
            now - dt.timedelta(hours=29), "todorov", "dropout",
            f"Комисията за детето разгледа случая на {girl['first']}: не ходи на училище от ноември, семейството "
            "е в конфликт с училището. Молим ОЗД да свика междусекторен екип.",
            child=girl, signal_kind="commission_request", org=self.orgs["mun_vt"],
        )  # fmt: skip
        # Assigned to ivanova, to be checked this week.
        small = child_of("f", 3)
        s3 = record(
            now - dt.timedelta(hours=20), "dimitrova", "neglect",
            f"{small['first']} (3 г.) не е ваксинирана, пропусна два профилактични прегледа; при посещението "
            "детето беше с непролекувана инфекция и неподходящо облечено.", child=small,
        )  # fmt: skip
        at(
            now - dt.timedelta(hours=19),
            lambda: signal_assign(ctx=self.ctx("nikolova"), signal=s3, assignee=self.users["ivanova"]),
        )
        # A neighbour's call taken by ivanova on duty: a toddler alone at home; checked, to decide.
        toddler = child_of("m", 2)
        s4 = record(
            now - dt.timedelta(hours=3), "ivanova", "neglect",
            "Съседка се обади: двегодишно дете плаче само в апартамента от сутринта, майката не отговаря.",
            child=toddler, kind=ReporterKind.CITIZEN, me=False, name="Съседка от входа", danger=True,
            urgency="crisis", own=ozd_vt,
        )  # fmt: skip
        at(now - dt.timedelta(hours=3) + dt.timedelta(minutes=4),
           lambda: signal_assign(ctx=self.ctx("ivanova"), signal=s4, assignee=self.users["ivanova"]))  # fmt: skip
        at(now - dt.timedelta(hours=2), lambda: signal_check(
            ctx=self.ctx("ivanova"), signal=s4, checked_at=now - dt.timedelta(hours=2),
            actions="Посещение на адреса с полицията; разговор с майката, която се върна в 11 ч.",
            findings="Майката е оставила детето за четири часа, за да работи; няма кой да го гледа. Детето е добре.",
        ))  # fmt: skip
        # A helpline call with marinov: his check is overdue.
        s5 = record(
            now - dt.timedelta(days=2, hours=3), "marinov", "violence",
            "Сигнал от 116 111: момиче на 12 години се обажда, че баща ѝ бие майка ѝ пред нея.",
            child=child_of("f", 12), kind=ReporterKind.HELPLINE, me=False, own=ozd_vt,
        )  # fmt: skip
        at(
            now - dt.timedelta(days=2, hours=2),
            lambda: signal_assign(ctx=self.ctx("nikolova"), signal=s5, assignee=self.users["marinov"]),
        )
        # Decided "no case": a parental conflict, with the ЦОП's service suggested.
        s6 = record(
            now - dt.timedelta(days=6), "koleva", "parental_conflict",
            "Родителите се разделят и спорят за детето пред него; момчето е тревожно и плаче в групата.",
            child=child_of("m", 7),
        )  # fmt: skip
        at(now - dt.timedelta(days=6) + dt.timedelta(hours=1),
           lambda: signal_assign(ctx=self.ctx("nikolova"), signal=s6, assignee=self.users["ivanova"]))  # fmt: skip
        at(now - dt.timedelta(days=5), lambda: signal_check(
            ctx=self.ctx("ivanova"), signal=s6, checked_at=now - dt.timedelta(days=5),
            actions="Разговор с двамата родители поотделно; разговор с учителката.",
            findings="Няма риск за детето по смисъла на закона; родителите имат нужда от подкрепа в раздялата.",
        ))  # fmt: skip
        at(now - dt.timedelta(days=5) + dt.timedelta(hours=2), lambda: signal_decide(
            ctx=self.ctx("ivanova"), signal=s6, decision=Decision.NO_CASE, service=cop_service,
            reason="Няма данни за риск; семейството е насочено към консултиране за родители в ЦОП.",
            reporter_note="Сигналът е проверен; семейството получава подкрепа в общността.",
        ))  # fmt: skip
        # Attached: the police report a child whose case ivanova leads.
        if open_mine:
            st = srng.choice(open_mine)
            case = Case.objects.select_related("child").get(pk=st["case"])
            s7 = record(
                now - dt.timedelta(days=8), "georgieva", "antisocial",
                f"{case.child.first_name} е задържан снощи с по-големи младежи при кражба от магазин; "
                "родителите са уведомени.", registered=case, settlement=case.child.settlement,
            )  # fmt: skip
            at(now - dt.timedelta(days=8) + dt.timedelta(minutes=40),
               lambda: signal_assign(ctx=self.ctx("ivanova"), signal=s7, assignee=self.users["ivanova"]))  # fmt: skip
            at(now - dt.timedelta(days=7, hours=20), lambda: signal_check(
                ctx=self.ctx("ivanova"), signal=s7, checked_at=now - dt.timedelta(days=7, hours=20),
                actions="Справка с ДПС и с класния ръководител; разговор с детето.",
                findings="Новият сигнал е част от вече известните трудности; работим по него в открития случай.",
            ))  # fmt: skip
            at(
                now - dt.timedelta(days=7, hours=19),
                lambda: signal_link_child(ctx=self.ctx("ivanova"), signal=s7, child=case.child),
            )
            at(now - dt.timedelta(days=7, hours=18), lambda: signal_decide(
                ctx=self.ctx("ivanova"), signal=s7, decision=Decision.ATTACH, case=case,
            ))  # fmt: skip
        # Горна Оряховица: a school's signal in atanasova's department, waiting.
        record(
            now - dt.timedelta(hours=5), "angelova", "dropout",
            "Ученикът не е идвал на училище три седмици; по телефона майката казва, че е болен, но не носи бележка.",
            child=child_of("m", 11), settlement=go,
        )  # fmt: skip
        # What the worker's scan would have sent by now: the overdue terms, to the heads.
        signal_scan(now - dt.timedelta(minutes=1))

    # -- running -------------------------------------------------------------------------------
    def run(self) -> None:
        self.create_organisations()
        self.create_people()
        self.plan()
        with back_dated(self.clock), defaults_follow(self.clock):
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
        # The resource map of the oblast, on the demo's own organisations (after they exist).
        seed_resources(now=loader.now)
        # Today's intake queue (a "no case" decision suggests a service of the map).
        with back_dated(loader.clock), defaults_follow(loader.clock):
            loader.intake_story()
    cases = Case.objects.filter(lead__in=loader.users.values())
    by_status = {s: cases.filter(status=s).count() for s in CaseStatus.values}
    return DemoSummary(
        organisations=len(loader.orgs),
        users=len(loader.users),
        children=len({c.child_id for c in cases}),
        cases=cases.count(),
        by_status=by_status,
    )
