"""What the demo's discussion tools say: the six tools filled in for a case (see
:mod:`zaedno.demo.casework`).
"""

from __future__ import annotations

from zaedno.cases.models import Case
from zaedno.children.models import Relationship
from zaedno.demo import casework_texts as T
from zaedno.demo.casework.base import CaseworkBase
from zaedno.organisations.models import KIND_SECTOR


class ToolContent(CaseworkBase):
    """The content of each tool, from the case's team and family."""

    # -- the tools' content ------------------------------------------------------------------------
    def people(self, case: Case) -> list[tuple[str, str, str]]:
        """(name, role, group) of the team around the child."""
        out = []
        for m in self.team(case).values():
            group = {"education": "school", "health": "health", "police": "justice", "social": "social"}.get(
                KIND_SECTOR[m.organisation.kind], "other"
            )
            role = f"{T.PROFESSIONS.get(m.user.profession, '')}, {m.organisation.short_name or m.organisation.name}"
            out.append((m.user.get_full_name(), role, group))
        return out

    def safety_map(self, case: Case, meeting, n: int) -> dict:
        name = case.child.first_name
        base = 3 + 2 * n
        ratings = []
        for i, (person, role, _g) in enumerate(self.people(case)[:4]):
            ratings.append({"name": person, "role": role, "rating": min(10, base + self.rng.randint(-1, 2) + (i == 0)),
                            "comment": "Бащата вече не живее в жилището." if n else "Насилието е скорошно; майката още се колебае."})  # fmt: skip
        parent = next((r for r in self.parents(case)), None)
        if parent:
            ratings.append({"name": parent.full_name, "role": T.RELATIONSHIPS.get(parent.relationship, ""), "rating": min(10, base + 3),
                            "comment": "Вкъщи вече е спокойно." if n else "Ще се справим, ако ни помогнат."})  # fmt: skip
        ratings.append({"name": name, "role": "детето", "rating": min(10, base + self.rng.randint(0, 2)),
                        "comment": "„Вече не ме е страх вечер.“" if n else "„Страх ме е, когато татко вика.“"})  # fmt: skip
        return {
            "harm": f"{name} е присъствал(а) на скандали с насилие между родителите; веднъж е бил(а) ударен(а).",
            "danger": "Ако нищо не се промени, екипът се тревожи, че детето отново ще бъде наранено, когато бащата пие.",
            "complicating": "Бащата отрича; майката зависи финансово от него; семейството живее далеч от роднини.",
            "strengths": "Майката потърси помощ сама. Бабата е близо до детето. Детето ходи редовно на училище.",
            "existing_safety": "Когато бащата пие, майката води децата при съседката; това се е случвало три пъти.",
            "safety_goals": f"Всички да са сигурни, че {name} е в безопасност у дома и знае към кого да се обърне.",
            "next_steps": "План за безопасност с майката и бабата до петък; консултации в ЦОП; посещения от ДПС.",
            "scale_question": "От 0 до 10, където 10 е „детето е достатъчно в безопасност, за да приключим“.",
            "ratings": ratings,
        }

    def network_map(self, case: Case) -> dict:
        name = case.child.first_name
        people = [
            {"name": r.full_name, "group": "family", "closeness": "close" if r.lives_with_child else "distant",
             "conflict": r.relationship == Relationship.FATHER and not r.lives_with_child, "note": T.RELATIONSHIPS.get(r.relationship, "")}
            for r in self.parents(case)
        ]  # fmt: skip
        people += [
            {"name": "Сестра (8 г.)", "group": "family", "closeness": "close", "conflict": False, "note": "живее с детето"},
            {"name": "Най-добър приятел от класа", "group": "friends", "closeness": "close", "conflict": False, "note": ""},
            {"name": "Треньор, СК „Царевец“", "group": "community", "closeness": "medium", "conflict": False, "note": "тренировки 3 пъти седмично"},
            {"name": "Съседка", "group": "community", "closeness": "medium", "conflict": False, "note": "приютява децата при скандал"},
        ]  # fmt: skip
        for person, role, group in self.people(case)[:5]:
            people.append({"name": person, "group": group, "closeness": self.rng.choice(["close", "medium", "distant"]),
                           "conflict": False, "note": role[:300]})  # fmt: skip
        return {
            "centre": name,
            "notes": "Подкрепата е в семейството по майчина линия и в спорта; напрежение с бащата. Липсва връзка с личния лекар.",
            "people": people[:12],
        }

    def grid(self, case: Case) -> dict:
        name = case.child.first_name
        rows = []
        parent = next((r for r in self.parents(case)), None)
        if parent:
            rows.append({"name": parent.full_name, "role": T.RELATIONSHIPS.get(parent.relationship, ""), "problem": "Училището не разбира детето.",
                         "action": "Да сменим класа.", "who_does_what": "Директорът.", "convergence": "differ"})  # fmt: skip
        views = [
            (
                "Отсъствията и конфликтите в междучасията.",
                "Наставник в класа и срещи с психолога.",
                "Училището.",
            ),
            (
                "Напрежението у дома, което детето носи в училище.",
                "Подкрепа за майката и за детето.",
                "ЦОП и ОЗД.",
            ),
            (
                f"{name} се чувства сам(а) и търси внимание.",
                "Занимание след училище, в което е успешно(а).",
                "Общността и семейството.",
            ),
        ]
        for (person, role, _g), (problem, action, who) in zip(self.people(case), views, strict=False):
            rows.append({"name": person, "role": role, "problem": problem, "action": action, "who_does_what": who,
                         "convergence": self.rng.choice(["converge", "partly"])})  # fmt: skip
        return {
            "focus": f"Отсъствията на {name} от училище от септември",
            "summary": "Майката вижда проблема в училището, професионалистите — в напрежението у дома. Следваща среща с майката, която започва от това, в което сме съгласни.",
            "rows": rows,
        }

    def thinking_together(self, case: Case, lead: str, colleague: str) -> dict:
        name = case.child.first_name
        return {
            "participants": f"{self.user(lead).get_full_name()} и {self.user(colleague).get_full_name()}",
            "task": "Да реша как да говоря с майката, без да прекъсне работата с нас.",
            "case_statement": f"{name}, отсъствия, майката не идва на срещите от месец; последната среща завърши с викане.",
            "mentalize_worker": "Ядосана съм и се чувствам безсилна; страхувам се, че ще пропуснем нещо важно.",
            "mentalize_child": "Може би детето се срамува, че всички говорят за семейството му.",
            "mentalize_family": "Майката вероятно се страхува, че ще ѝ вземат детето, и затова избягва срещите.",
            "mentalize_network": "Училището чака ОЗД да „направи нещо“; ЦОП чака майката да дойде сама.",
            "decision": "Обаждам се на майката утре и предлагам среща у дома, заедно с психолога от ЦОП; започваме с това, което върви добре.",
        }

    def team_around_worker(self, case: Case, lead: str) -> dict:
        supporters = [
            {"name": self.user("nikolova").get_full_name(), "role": "началник на ОЗД", "support": "supervision", "contact": "вътр. 214, всеки вторник"},
            {"name": self.user("hristova").get_full_name(), "role": "социален работник, ОЗД", "support": "cover", "contact": "при отпуск и болничен"},
        ]  # fmt: skip
        for person, role, _g in self.people(case)[1:4]:
            supporters.append(
                {
                    "name": person,
                    "role": role[:200],
                    "support": self.rng.choice(["advice", "link", "practical"]),
                    "contact": "по телефона в работно време",
                }
            )
        return {"keyworker": self.user(lead).get_full_name(), "keyworker_role": "социален работник, водещ на случая, ОЗД Велико Търново",
                "notes": "Нужна е редовна супервизия: случаят е тежък и е рисково да остана сама с решенията.", "supporters": supporters}  # fmt: skip

    def safe_family(self, case: Case) -> dict:
        name = case.child.first_name
        return {
            "daily_care_strengths": "Майката готви всеки ден; детето има чисти дрехи.", "daily_care_concerns": "В края на месеца храната не стига.",
            "daily_care_evidence": "Посещение в дома на 12-о число; разговор с класния ръководител.",
            "safety_strengths": "Майката знае къде е детето след училище.", "safety_concerns": "Вечер детето остава само с по-малката сестра.",
            "safety_evidence": "Разказ на детето пред психолога.",
            "feelings_strengths": "Майката прегръща детето и го хвали пред нас.", "feelings_concerns": "Когато е уморена, крещи.",
            "feelings_evidence": "Наблюдение по време на посещението.",
            "stimulation_strengths": "Бабата чете с детето.", "stimulation_concerns": "Няма място за уроци.", "stimulation_evidence": "Посещение в дома.",
            "rules_strengths": "Има час за прибиране.", "rules_concerns": "Правилата не се спазват, когато бащата е вкъщи.", "rules_evidence": "Разговор с двамата родители.",
            "identity_strengths": f"{name} се гордее със спорта.", "identity_concerns": "", "identity_evidence": "Грамота на стената в стаята.",
            "relationships_strengths": "Силна връзка с бабата и сестрата.", "relationships_concerns": "Конфликт между родителите.",
            "relationships_evidence": "Мрежова карта, изготвена с майката.",
            "family_view": "„Справяме се, когато ни помагат; не искаме да ни съдят.“ — майката",
            "summary": "Семейството има на какво да стъпи: топлината на майката и бабата. Работим върху вечерите и правилата.",
        }  # fmt: skip
