"""A case's protocols: its steps, their owners and deadlines, and marking them done or not applicable."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.cases.forms import apply_service_errors
from zaedno.cases.models import Sensitivity
from zaedno.protocols import engine
from zaedno.protocols.diagram import deadline_words, event_words, owner_words, repeat_words
from zaedno.protocols.forms import EventForm, StepDoneForm, StepNotApplicableForm
from zaedno.protocols.models import Compliance, StepStatus
from zaedno.protocols.queries import case_protocols, case_step
from zaedno.protocols.vocabulary import STEP_DONE

STATE_ORDER = [
    Compliance.OVERDUE, Compliance.DUE_SOON, Compliance.ON_TRACK, Compliance.WAITING,
    Compliance.DONE_LATE, Compliance.DONE_ON_TIME, Compliance.NOT_APPLICABLE, Compliance.ENDED,
]  # fmt: skip


def protocol_overview(access, now=None) -> list:
    """The case's protocols, each with ``stages`` (title, steps) and ``counts`` by state, for pages."""
    now = now or timezone.now()
    out = []
    for cp in case_protocols(access):
        version = cp.version
        titles = {s["code"]: s["title"] for s in version.body["stages"]}
        stages: dict[str, dict] = {}
        counts = dict.fromkeys(STATE_ORDER, 0)
        latest = {s.step_code: s for s in cp.step_list}  # ordered by occurrence: the last one wins
        for step in cp.step_list:
            step.state = step.compliance(now)
            step.title = engine.text(engine.steps_of(version)[step.step_code].title)
            step.definition = body = engine.steps_of(version)[step.step_code].body
            step.owner_label = owner_words(step.owner_role)
            repeat = step.occurrence > 1 and "repeat" in body
            step.deadline_text = repeat_words(body["repeat"]) if repeat else deadline_words(body["deadline"])
            step.starts_text = _starts_text(step.starts_on, version)
            step.waits_for = _waits_for(step, latest, version)
            step.can_complete = engine.can_complete(access, step) and step.status in (
                StepStatus.OPEN,
                StepStatus.WAITING,
            )
            if step.waits_for and not (access.can_manage_team and access.can_write):
                step.can_complete = False  # done early only as the lead's or a manager's exception
            step.can_mark_na = access.can_manage_team and access.can_write and step.status in (
                StepStatus.OPEN, StepStatus.WAITING,
            )  # fmt: skip
            counts[step.state] += 1
            stage = stages.setdefault(
                step.stage_code, {"title": engine.text(titles[step.stage_code]), "steps": []}
            )
            stage["steps"].append(step)
        cp.stages = list(stages.values())
        cp.counts = [(Compliance(state), n) for state, n in counts.items() if n]
        cp.title = engine.text(version.body["title"])
        cp.current = (
            version.definition.versions.order_by("-version").values_list("version", flat=True).first()
        )
        out.append(cp)
    return out


def _waits_for(step, latest: dict, version) -> str:
    """The title of the step this one waits for while that one is not finished (``engine.waits_for``
    from the steps already read), or ""."""
    if step.status != StepStatus.WAITING or not step.starts_on.startswith(STEP_DONE):
        return ""
    dep = latest.get(step.starts_on[len(STEP_DONE) :])
    if dep is None or dep.status in (StepStatus.DONE, StepStatus.NOT_APPLICABLE):
        return ""
    return engine.text(engine.steps_of(version)[dep.step_code].title)


def _starts_text(starts_on: str, version) -> str:
    """When a step's clock starts: "from: signal received" or "after: <step title>"."""
    if starts_on.startswith(STEP_DONE):
        title = engine.text(engine.steps_of(version)[starts_on[len(STEP_DONE) :]].title)
        return _("after: %(step)s") % {"step": title}
    return _("from: %(event)s") % {"event": event_words(starts_on)}


def _page(request, access, *, forms_for=None, status=200):
    forms_for = forms_for or {}
    protocols = protocol_overview(access)
    context = {
        "access": access,
        "case": access.case,
        "protocols": protocols,
        "now": timezone.now(),
        "sees_evidence": access.sees(Sensitivity.STANDARD),
        "event_form": forms_for.get("event") or (EventForm() if access.can_write else None),
        "open_step": forms_for.get("step_id"),
        "done_form": forms_for.get("done") or StepDoneForm(),
        "na_form": forms_for.get("na") or StepNotApplicableForm(),
    }
    return render(request, "protocols/case_protocol.html", context, status=status)


@login_required
def case_protocol(request, case_id):
    """The protocol steps of a case: who owns each, when it is due, and where it stands."""
    access = case_for_user(request.user, case_id, ctx=AuditContext.from_request(request))
    return _page(request, access)


@login_required
@require_POST
def step_done(request, case_id, step_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    step = case_step(access, step_id)
    form = StepDoneForm(request.POST)
    if form.is_valid():
        try:
            engine.step_complete(
                ctx=ctx, access=access, step=step, evidence=form.cleaned_data["evidence"],
                at=form.cleaned_data["at"], expected_version=form.cleaned_data["version"],
                exception_reason=form.cleaned_data["exception_reason"],
            )  # fmt: skip
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You cannot change this step."))
            return redirect("protocols:case", case_id=access.case.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The step is marked done."))
            return redirect(f"{_url(access)}#step-{step.pk}")
    return _page(request, access, forms_for={"done": form, "step_id": step.pk}, status=400)


@login_required
@require_POST
def step_na(request, case_id, step_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    step = case_step(access, step_id)
    form = StepNotApplicableForm(request.POST)
    if form.is_valid():
        try:
            engine.step_not_applicable(
                ctx=ctx, access=access, step=step, reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )  # fmt: skip
        except PermissionDenied as exc:
            messages.error(request, str(exc) or _("You cannot change this step."))
            return redirect("protocols:case", case_id=access.case.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The step is marked not applicable."))
            return redirect(f"{_url(access)}#step-{step.pk}")
    return _page(request, access, forms_for={"na": form, "step_id": step.pk}, status=400)


@login_required
@require_POST
def event_add(request, case_id):
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, audit=False)
    form = EventForm(request.POST)
    if form.is_valid():
        try:
            started = engine.event_record(
                ctx=ctx, access=access, event=form.cleaned_data["event"], at=form.cleaned_data["at"],
                note=form.cleaned_data["note"],
            )  # fmt: skip
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("protocols:case", case_id=access.case.pk)
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Recorded. %(n)s step(s) started.") % {"n": len(started)},
            )
            return redirect("protocols:case", case_id=access.case.pk)
    return _page(request, access, forms_for={"event": form}, status=400)


def _url(access) -> str:
    from django.urls import reverse

    return reverse("protocols:case", args=[access.case.pk])
