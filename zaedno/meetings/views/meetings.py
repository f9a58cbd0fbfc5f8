"""A case's meetings: the list, scheduling, the meeting page (review of open decisions,
participants and attendance, decisions, minutes, confirmation, addenda) and its forms."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from zaedno.audit.services import AuditContext
from zaedno.cases.access import case_for_user
from zaedno.cases.forms import apply_service_errors
from zaedno.core.errors import ConflictError
from zaedno.meetings import queries, services
from zaedno.meetings.forms import (
    AddendumForm,
    AttendanceForm,
    CancelForm,
    DecisionForm,
    GuestFormSet,
    InviteForm,
    MeetingScheduleForm,
    MinutesForm,
    ProgressForm,
    RescheduleForm,
)
from zaedno.meetings.models import DECISION_OPEN_STATES, Attendance, Decision, MeetingStatus


def _access(request, case_id, *, action: str):
    """GET is an audited read; a POST is audited by the service it calls."""
    ctx = AuditContext.from_request(request)
    access = case_for_user(request.user, case_id, ctx=ctx, action=action, audit=request.method == "GET")
    return ctx, access


def _writer(access):
    if not access.can_write:
        raise PermissionDenied(_("Emergency access is read-only."))


def _to_meeting(meeting):
    return redirect("meetings:detail", case_id=meeting.case_id, meeting_id=meeting.pk)


def _refused(request, exc: ValidationError) -> None:
    messages.error(request, " ".join(exc.messages))


def _guests(formset) -> list:
    return [g for f in formset.forms if f.is_valid() and (g := f.guest()) is not None]


@login_required
def meeting_list(request, case_id):
    """The case's meetings, upcoming and past."""
    _ctx, access = _access(request, case_id, action="meeting.list")
    meetings = queries.case_meetings(access)
    now = timezone.now()
    context = {
        "access": access,
        "case": access.case,
        "upcoming": [m for m in meetings if m.status == MeetingStatus.SCHEDULED and m.ends_at >= now][::-1],
        "past": [m for m in meetings if not (m.status == MeetingStatus.SCHEDULED and m.ends_at >= now)],
        "now": now,
    }
    return render(request, "meetings/meeting_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_schedule(request, case_id):
    """Schedule a meeting and invite the team and, where right, the family."""
    ctx, access = _access(request, case_id, action="meeting.schedule.form")
    _writer(access)
    if request.method == "POST":
        form = MeetingScheduleForm(request.POST, access=access)
        guests = GuestFormSet(request.POST, prefix="guest")
        if form.is_valid() and guests.is_valid():
            data = form.cleaned_data
            try:
                meeting = services.meeting_schedule(
                    ctx=ctx, access=access, kind=data["kind"], title=data["title"], starts_at=data["starts_at"],
                    ends_at=data["ends_at"], place=data["place"], agenda=data["agenda"], chair=data["chair"],
                    members=list(data["members"]), guests=_guests(guests),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The meeting was scheduled and the invitations are being sent."))
                return _to_meeting(meeting)
    else:
        form = MeetingScheduleForm(access=access, initial={"members": [access.user.pk]})
        guests = GuestFormSet(prefix="guest")
    return render(
        request,
        "meetings/meeting_schedule.html",
        {"access": access, "case": access.case, "form": form, "guests": guests},
        status=400 if request.method == "POST" else 200,
    )


def _meeting_context(request, access, meeting, **extra) -> dict:
    now = timezone.now()
    participants = list(meeting.participants.all())
    editable = access.can_write and meeting.status in (MeetingStatus.SCHEDULED, MeetingStatus.HELD)
    confirmers = services.minutes_confirmers(meeting) if meeting.was_held else []
    mine = next((p for p in confirmers if p.user_id == request.user.pk), None)
    held = meeting.status == MeetingStatus.HELD
    may_record_oral = held and access.can_write and request.user.pk in (meeting.chair_id, access.case.lead_id)
    for p in confirmers:
        p.needs_oral = held and p.confirmed_at is None and p.scope == services.SCOPE_ORAL and may_record_oral
    review = queries.review_decisions(access, meeting, now)
    reviewable = editable
    for d in review:
        d.can_update = reviewable and d.visible and d.is_open and services.can_update_decision(access, d)
        d.form = ProgressForm(decision=d, initial={"version": d.version}) if d.can_update else None
    return {
        "access": access,
        "case": access.case,
        "meeting": meeting,
        "participants": participants,
        "present": [p for p in participants if p.attendance == Attendance.PRESENT],
        "decisions": queries.meeting_decisions(access, meeting, now),
        "review": review,
        "addenda": queries.meeting_addenda(meeting),
        "editable": editable,
        "attendance_form": AttendanceForm(participants=participants) if editable else None,
        "addendum_form": AddendumForm()
        if meeting.status == MeetingStatus.LOCKED and access.can_write and meeting.minutes_visible
        else None,
        "confirmers": confirmers,
        "waiting": [p for p in confirmers if p.confirmed_at is None] if held else [],
        "my_confirmation": mine,
        "can_confirm": held
        and mine is not None
        and mine.confirmed_at is None
        and mine.scope != services.SCOPE_ORAL
        and access.via != "break_glass"
        and bool(meeting.minutes.strip()),
        "can_hold": access.can_write
        and meeting.status == MeetingStatus.SCHEDULED
        and meeting.starts_at <= now,
        "now": now,
        **extra,
    }


@login_required
def meeting_detail(request, case_id, meeting_id):
    """The meeting page: it opens with the review of the decisions still open."""
    _ctx, access = _access(request, case_id, action="meeting.view")
    meeting = queries.case_meeting(access, meeting_id)
    return render(request, "meetings/meeting_detail.html", _meeting_context(request, access, meeting))


@login_required
@require_http_methods(["GET", "POST"])
def meeting_reschedule(request, case_id, meeting_id):
    ctx, access = _access(request, case_id, action="meeting.view")
    _writer(access)
    meeting = queries.case_meeting(access, meeting_id)
    conflict = None
    if request.method == "POST":
        form = RescheduleForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_reschedule(
                    ctx=ctx, access=access, meeting=meeting, expected_version=data["version"],
                    starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
                form = RescheduleForm(initial={**data, "version": exc.current_version})
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The meeting was moved and everyone invited is told."))
                return _to_meeting(meeting)
    else:
        form = RescheduleForm(
            initial={"starts_at": timezone.localtime(meeting.starts_at), "ends_at": timezone.localtime(meeting.ends_at),
                     "place": meeting.place, "version": meeting.version}
        )  # fmt: skip
    context = {"access": access, "case": access.case, "meeting": meeting, "form": form, "conflict": conflict}
    return render(request, "meetings/meeting_reschedule.html", context, status=409 if conflict else 200)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_cancel(request, case_id, meeting_id):
    ctx, access = _access(request, case_id, action="meeting.view")
    _writer(access)
    meeting = queries.case_meeting(access, meeting_id)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_cancel(
                ctx=ctx, access=access, meeting=meeting, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            apply_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting was cancelled and everyone invited is told."))
            return _to_meeting(meeting)
    context = {"access": access, "case": access.case, "meeting": meeting, "form": form}
    return render(request, "meetings/meeting_cancel.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_invite(request, case_id, meeting_id):
    """Invite more people to a scheduled meeting."""
    ctx, access = _access(request, case_id, action="meeting.view")
    _writer(access)
    meeting = queries.case_meeting(access, meeting_id)
    invited = [p.user_id for p in meeting.participants.all() if p.user_id]
    if request.method == "POST":
        form = InviteForm(request.POST, access=access, exclude_ids=invited)
        guests = GuestFormSet(request.POST, prefix="guest")
        if form.is_valid() and guests.is_valid():
            try:
                services.participant_invite(
                    ctx=ctx, access=access, meeting=meeting, members=list(form.cleaned_data["members"]),
                    guests=_guests(guests),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The invitations are being sent."))
                return _to_meeting(meeting)
    else:
        form = InviteForm(access=access, exclude_ids=invited)
        guests = GuestFormSet(prefix="guest")
    context = {"access": access, "case": access.case, "meeting": meeting, "form": form, "guests": guests}
    return render(request, "meetings/meeting_invite.html", context)


@login_required
@require_POST
def meeting_attendance(request, case_id, meeting_id):
    ctx, access = _access(request, case_id, action="meeting.view")
    meeting = queries.case_meeting(access, meeting_id)
    form = AttendanceForm(request.POST, participants=list(meeting.participants.all()))
    if form.is_valid():
        try:
            services.meeting_attendance_record(
                ctx=ctx, access=access, meeting=meeting, entries=form.entries()
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Attendance saved."))
    else:
        messages.error(request, _("Choose present, excused or absent."))
    return _to_meeting(meeting)


@login_required
@require_http_methods(["GET", "POST"])
def meeting_minutes(request, case_id, meeting_id):
    """Write the minutes (before they are locked); a stale save shows what changed."""
    ctx, access = _access(request, case_id, action="meeting.minutes.form")
    _writer(access)
    meeting = queries.case_meeting(access, meeting_id)
    if not meeting.minutes_visible:
        raise PermissionDenied(_("Your sharing level does not cover these minutes."))
    conflict = None
    if request.method == "POST":
        form = MinutesForm(request.POST, access=access)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.meeting_minutes_save(
                    ctx=ctx, access=access, meeting=meeting, expected_version=data["version"],
                    minutes=data["minutes"], child_views=data["child_views"], parents_views=data["parents_views"],
                    sensitivity=data["sensitivity"],
                )  # fmt: skip
            except ConflictError as exc:
                conflict = exc
                form = MinutesForm(initial={**data, "version": exc.current_version}, access=access)
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The minutes were saved."))
                return _to_meeting(meeting)
    else:
        if meeting.status in (MeetingStatus.LOCKED, MeetingStatus.CANCELLED):
            messages.error(
                request,
                _("The minutes are confirmed and locked. Add an addendum to correct or complete them."),
            )
            return _to_meeting(meeting)
        form = MinutesForm(
            access=access,
            initial={"minutes": meeting.minutes, "child_views": meeting.child_views,
                     "parents_views": meeting.parents_views, "sensitivity": meeting.sensitivity,
                     "version": meeting.version},
        )  # fmt: skip
    context = {"access": access, "case": access.case, "meeting": meeting, "form": form, "conflict": conflict}
    return render(request, "meetings/meeting_minutes.html", context, status=409 if conflict else 200)


@login_required
@require_POST
def meeting_hold(request, case_id, meeting_id):
    ctx, access = _access(request, case_id, action="meeting.view")
    meeting = queries.case_meeting(access, meeting_id)
    try:
        services.meeting_hold(ctx=ctx, access=access, meeting=meeting)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        messages.success(
            request, _("The meeting is marked held. Those present are asked to confirm the minutes.")
        )
    return _to_meeting(meeting)


@login_required
@require_POST
def meeting_confirm(request, case_id, meeting_id):
    ctx, access = _access(request, case_id, action="meeting.view")
    meeting = queries.case_meeting(access, meeting_id)
    scope = request.POST.get("scope") or None
    try:
        meeting = services.minutes_confirm(ctx=ctx, access=access, meeting=meeting, expected_scope=scope)
    except ValidationError as exc:
        _refused(request, exc)
    else:
        if meeting.status == MeetingStatus.LOCKED:
            messages.success(request, _("Everyone present has confirmed: the minutes are locked."))
        elif scope == services.SCOPE_PART:
            messages.success(request, _("You confirmed the part of the minutes you may read."))
        else:
            messages.success(request, _("You confirmed the minutes."))
    return _to_meeting(meeting)


@login_required
@require_POST
def meeting_confirm_oral(request, case_id, meeting_id):
    """The chair records the oral confirmation of someone present who can no longer open the case."""
    ctx, access = _access(request, case_id, action="meeting.view")
    meeting = queries.case_meeting(access, meeting_id)
    participant = next(
        (p for p in meeting.participants.all() if str(p.pk) == request.POST.get("participant", "")), None
    )
    if participant is None:
        messages.error(request, _("Only a professional present at the meeting confirms its minutes."))
        return _to_meeting(meeting)
    try:
        meeting = services.minutes_confirm_oral(
            ctx=ctx, access=access, meeting=meeting, participant=participant, note=request.POST.get("note", ""),
        )  # fmt: skip
    except ValidationError as exc:
        _refused(request, exc)
    else:
        if meeting.status == MeetingStatus.LOCKED:
            messages.success(request, _("Everyone present has confirmed: the minutes are locked."))
        else:
            messages.success(request, _("The oral confirmation was recorded."))
    return _to_meeting(meeting)


@login_required
@require_POST
def addendum_add(request, case_id, meeting_id):
    ctx, access = _access(request, case_id, action="meeting.view")
    meeting = queries.case_meeting(access, meeting_id)
    form = AddendumForm(request.POST)
    if form.is_valid():
        try:
            services.addendum_add(ctx=ctx, access=access, meeting=meeting, text=form.cleaned_data["text"])
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The addendum was added to the minutes."))
    else:
        messages.error(request, _("The addendum is empty."))
    return _to_meeting(meeting)


def _supersede_choices(access, meeting) -> list[tuple[int, str]]:
    earlier = (
        Decision.objects.filter(
            case=access.case, status__in=DECISION_OPEN_STATES, meeting__starts_at__lt=meeting.starts_at
        )
        .exclude(meeting=meeting)
        .filter(sensitivity__lte=access.level)
        .select_related("meeting")
        .order_by("due_on", "id")
    )
    return [
        (d.pk, f"{timezone.localtime(d.meeting.starts_at):%d.%m.%Y} · {d.number}. {d.text[:90]}")
        for d in earlier
    ]


@login_required
@require_http_methods(["GET", "POST"])
def decision_add(request, case_id, meeting_id):
    """Record a decision of the meeting: what, who is responsible, by when."""
    ctx, access = _access(request, case_id, action="meeting.decision.form")
    _writer(access)
    meeting = queries.case_meeting(access, meeting_id)
    choices = _supersede_choices(access, meeting)
    if request.method == "POST":
        form = DecisionForm(request.POST, access=access, supersede_choices=choices)
        if form.is_valid():
            data = form.cleaned_data
            supersedes = list(Decision.objects.filter(case=access.case, pk__in=data.get("supersedes") or []))
            try:
                services.decision_record(
                    ctx=ctx, access=access, meeting=meeting, text=data["text"], kind=data["kind"] or "",
                    responsible_kind=data["responsible_kind"], responsible_user=data["responsible_user"],
                    responsible_organisation=data["responsible_organisation"],
                    responsible_name=data["responsible_name"], due_on=data["due_on"],
                    sensitivity=data["sensitivity"], supersedes=supersedes,
                    move_from=data.get("move_from", ""), move_to=data.get("move_to", ""),
                )  # fmt: skip
            except ValidationError as exc:
                apply_service_errors(form, exc)
            else:
                messages.success(request, _("The decision was recorded."))
                if "another" in request.POST:
                    return redirect("meetings:decision_add", case_id=access.case.pk, meeting_id=meeting.pk)
                return _to_meeting(meeting)
    else:
        form = DecisionForm(access=access, supersede_choices=choices)
    context = {"access": access, "case": access.case, "meeting": meeting, "form": form}
    return render(
        request, "meetings/decision_form.html", context, status=400 if request.method == "POST" else 200
    )


@login_required
@require_POST
def decision_review(request, case_id, meeting_id, decision_id):
    """The review of an open decision at this meeting: a progress note and/or a new status."""
    ctx, access = _access(request, case_id, action="meeting.view")
    meeting = queries.case_meeting(access, meeting_id)
    decision = queries.case_decision(access, decision_id)
    form = ProgressForm(request.POST, decision=decision)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.decision_progress(
                ctx=ctx, access=access, decision=decision, text=data["text"], status=data["status"],
                reason=data["reason"], meeting=meeting, expected_version=data.get("version"),
            )  # fmt: skip
        except ConflictError:
            messages.error(
                request, _("Someone else updated this decision after you opened the page. Look again.")
            )
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("The review of the decision was recorded."))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(f"{_to_meeting(meeting).url}#review-{decision.pk}")
