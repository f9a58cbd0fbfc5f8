"""A small valid definition and helpers to break it, for the tests."""

from __future__ import annotations

# Line numbers matter: the tests assert them.
VALID = """\
code: sample
version: 1
title: {bg: Пример, en: Sample}
description: {bg: Описание, en: Description}
applies_when:
  signal_category: [violence]
stages:
  - code: first
    title: {bg: Първи, en: First}
    steps:
      - code: checked
        title: {bg: Проверка, en: Checked}
        owner: ozd
        starts_on: signal_received
        deadline: {hours: 24}
        completed_by: signal_checked
      - code: met
        title: {bg: Среща, en: Met}
        owner: case_lead
        starts_on: step_done:checked
        deadline: {working_days: 3}
        completed_by: meeting_held[case_conference]
  - code: second
    title: {bg: Втори, en: Second}
    steps:
      - code: planned
        title: {bg: План, en: Planned}
        owner: team
        starts_on: step_done:met
        deadline: {days: 20}
        completed_by: plan_agreed[case_plan]
        optional: true
"""


def replace(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)
