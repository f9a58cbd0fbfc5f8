"""Filled-in tools for tests (and an example of each tool's ``data``)."""

from __future__ import annotations

SAMPLES: dict[str, dict] = {
    "thinking_together": {
        "participants": "Мария Иванова, Петър Петров",
        "task": "Как да говорим с майката за отсъствията на Георги?",
        "case_statement": "Георги отсъства от училище от три седмици.",
        "mentalize_worker": "Чувствам се безсилна.",
        "mentalize_child": "Може би се срамува.",
        "mentalize_family": "",
        "mentalize_network": "",
        "decision": "Домашно посещение в четвъртък.",
    },
    "disintegration_grid": {
        "focus": "Отсъствията от училище",
        "summary": "Среща с всички в понеделник.",
        "rows": [
            {
                "name": "Майка",
                "role": "родител",
                "problem": "Детето е болно",
                "action": "Да си почива",
                "who_does_what": "Аз",
                "convergence": "differ",
            },
            {
                "name": "Класна ръководителка",
                "role": "училище",
                "problem": "Тормоз в класа",
                "action": "Разговор",
                "who_does_what": "Училищният психолог",
                "convergence": "partly",
            },
        ],
    },
    "network_map": {
        "centre": "Георги",
        "notes": "Бабата е опора.",
        "people": [
            {"name": "Баба Елена", "group": "family", "closeness": "close", "conflict": False, "note": ""},
            {
                "name": "Баща",
                "group": "family",
                "closeness": "distant",
                "conflict": True,
                "note": "Не живее с тях",
            },
            {
                "name": "Треньор по футбол",
                "group": "community",
                "closeness": "medium",
                "conflict": False,
                "note": "",
            },
            {"name": "Личен лекар", "group": "health", "closeness": "distant", "conflict": False, "note": ""},
        ],
    },
    "team_around_worker": {
        "keyworker": "Мария Иванова",
        "keyworker_role": "социален работник, ОЗД",
        "notes": "Супервизия веднъж месечно.",
        "supporters": [
            {
                "name": "Надежда Николова",
                "role": "началник ОЗД",
                "support": "supervision",
                "contact": "вътр. 12",
            },
            {"name": "Стоян Стоянов", "role": "психолог, ЦОП", "support": "advice", "contact": ""},
        ],
    },
    "safety_map": {
        "harm": "Синини по ръцете през октомври.",
        "danger": "Може отново да бъде ударен.",
        "complicating": "Безработица в семейството.",
        "strengths": "Бабата го взима от училище.",
        "existing_safety": "",
        "safety_goals": "Детето е в безопасност у дома.",
        "next_steps": "План за безопасност до петък.",
        "scale_question": "",
        "ratings": [
            {"name": "Мария Иванова", "role": "ОЗД", "rating": 3, "comment": ""},
            {"name": "Майка", "role": "родител", "rating": 7, "comment": "Всичко е наред"},
        ],
    },
    "safe_family": {
        "daily_care_strengths": "Детето се храни редовно.",
        "daily_care_concerns": "",
        "daily_care_evidence": "Домашно посещение 12.05.",
        "safety_concerns": "Нощем остава сам.",
        "feelings_strengths": "Майката го прегръща.",
        "family_view": "Майката казва, че се справят.",
        "summary": "Силна връзка с бабата.",
    },
}

# A word of each sample that must come out on the page, in print and in the PDF.
MARKERS = {
    "thinking_together": "Домашно посещение в четвъртък",
    "disintegration_grid": "Тормоз в класа",
    "network_map": "Баба Елена",
    "team_around_worker": "Надежда Николова",
    "safety_map": "Синини по ръцете",
    "safe_family": "Детето се храни редовно",
}
