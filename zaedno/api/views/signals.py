"""Signals (сигнали) through the API: record one (any professional), my signals, the department's
queue, one signal, and the department's work on it — assign, check, link the child, decide, forward.
And the case lead: hand over, accept or decline, reassign, the deputy.

Reads go through ``zaedno.signals.queries`` (404 alike for missing and not allowed, audited);
writes through ``zaedno.signals.services`` and ``zaedno.cases.services``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from zaedno.api.serializers_signals import (
    AnswerInSerializer,
    AssignInSerializer,
    CheckInSerializer,
    DecideInSerializer,
    DeputyInSerializer,
    ForwardInSerializer,
    HandoverOutSerializer,
    IncomingItemSerializer,
    IncomingQuerySerializer,
    LeadInSerializer,
    LeadOutSerializer,
    LinkChildInSerializer,
    SignalCreateSerializer,
    SignalListItemSerializer,
    SignalOutSerializer,
    signal_out,
)
from zaedno.api.views.base import (
    READ_ERRORS,
    WRITE_ERRORS,
    InputFormsMixin,
    api_ctx,
    case_access,
    query_params,
)
from zaedno.cases import queries as case_queries
from zaedno.cases import services as case_services
from zaedno.cases.access import access_for
from zaedno.children.queries import child_found_by
from zaedno.signals import queries, services
from zaedno.signals.access import intake_department_ids
from zaedno.signals.choices import ReporterKind

TAGS = ["signals"]
LEAD_TAGS = ["cases"]


# The service's field names of a signal, as the API's input nests them (``child.first_name``).
NESTED_FIELDS = {
    **{f"child_{name}": ("child", name) for name in (
        "first_name", "middle_name", "last_name", "birth_date", "age", "sex", "egn", "settlement", "address", "school",
    )},
    "reporter_kind": ("reporter", "kind"), "reporter_name": ("reporter", "name"),
    "reporter_contact": ("reporter", "contact"), "reporter_organisation": ("reporter", "organisation"),
}  # fmt: skip


def _nested_errors(exc: DjangoValidationError) -> ValidationError:
    """A service's errors keyed as the request was: ``{"child": {"first_name": […]}}``."""
    if not hasattr(exc, "error_dict"):
        return ValidationError({"non_field_errors": exc.messages})
    out: dict = {}
    for field, messages in exc.message_dict.items():
        if field in NESTED_FIELDS:
            parent, name = NESTED_FIELDS[field]
            out.setdefault(parent, {})[name] = messages
        else:
            out[field] = messages
    return ValidationError(out)


def _out(request, access) -> dict:
    s = access.signal
    visible = bool(s.case_id) and access_for(request.user, s.case) is not None
    return signal_out(access, case_visible=visible)


def _signal(request, signal_id, *, audit=True):
    return queries.signal_for_user(request.user, signal_id, ctx=api_ctx(request), audit=audit)


class SignalListView(InputFormsMixin, APIView):
    input_serializers = {"POST": SignalCreateSerializer}

    @extend_schema(
        operation_id="signals_list",
        summary="The signals you recorded, newest first, with their state",
        description="No child's name or content in the list: open a signal to read it (the read is audited).",
        responses={200: SignalListItemSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        rows = queries.my_signals(request.user)
        queries.audit_signal_list(api_ctx(request), rows, action="signal.list")
        return Response(SignalListItemSerializer(rows, many=True).data)

    @extend_schema(
        operation_id="signals_create",
        summary="Record a signal about a child at risk (any professional)",
        description=(
            "The signal is routed at once to the Child Protection Department (ОЗД) of the child's "
            "municipality (of yours when the child's address is unknown) and, by the protocols, to "
            "the police (violence, immediate danger) and ДАЗД (crisis). Everyone routed to is "
            "notified; notices name no child. `routes` says who was informed and who could not be "
            "(then phone them). Who reported is protected."
        ),
        request=SignalCreateSerializer,
        responses={201: SignalOutSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request):
        s = SignalCreateSerializer(data=request.data, context={"request": request})
        s.is_valid(raise_exception=True)
        d = s.validated_data
        child, reporter = d.get("child") or {}, d.get("reporter") or {}
        try:
            signal = services.signal_record(
            ctx=api_ctx(request),
            data=services.SignalInput(
                kind=d["kind"], category=d["category"], description=d["description"], received_at=d["received_at"],
                occurred=d["occurred"], learned_at=d["learned_at"], learned_how=d["learned_how"], urgency=d["urgency"],
                immediate_danger=d["immediate_danger"], child=d["child_id"],
                child_first_name=child.get("first_name", ""), child_middle_name=child.get("middle_name", ""),
                child_last_name=child.get("last_name", ""), child_birth_date=child.get("birth_date"),
                child_age=child.get("age"), child_sex=child.get("sex", ""), child_egn=child.get("egn", ""),
                child_settlement=child.get("settlement"), child_address=child.get("address", ""),
                child_school=child.get("school", ""), reporter_kind=reporter.get("kind", ReporterKind.PROFESSIONAL),
                reporter_is_me=reporter.get("is_me", True), reporter_name=reporter.get("name", ""),
                reporter_contact=reporter.get("contact", ""), reporter_organisation=reporter.get("organisation"),
            ),
            )  # fmt: skip
        except DjangoValidationError as exc:
            raise _nested_errors(exc) from exc
        access = _signal(request, signal.pk, audit=False)
        return Response(_out(request, access), status=status.HTTP_201_CREATED)


class IncomingView(APIView):
    @extend_schema(
        operation_id="signals_incoming",
        summary="The department's queue: its signals with their clocks, newest urgent first",
        description="For the staff of a department that receives signals (ОЗД); 404 for anyone else.",
        parameters=[IncomingQuerySerializer],
        responses={200: IncomingItemSerializer(many=True), **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request):
        ids = intake_department_ids(request.user)
        if not ids:
            raise Http404
        params = query_params(IncomingQuerySerializer, request)
        rows = queries.queue(request.user, decided=params["state"] == "decided", departments=ids)
        queries.audit_signal_list(api_ctx(request), rows, action="signal.queue")
        return Response(IncomingItemSerializer(rows, many=True).data)


class SignalDetailView(APIView):
    @extend_schema(
        operation_id="signals_retrieve",
        summary="One signal, as far as you may see it",
        description=(
            "The department sees it all; an informed institution never sees who reported; the reporter "
            "sees what they reported and its state, not the check or the case; the case team sees it "
            "up to their sharing level. The read is audited."
        ),
        responses={200: SignalOutSerializer, **READ_ERRORS},
        tags=TAGS,
    )
    def get(self, request, signal_id: int):
        return Response(_out(request, _signal(request, signal_id)))


class _SignalAction(InputFormsMixin, APIView):
    serializer_class = None

    def _run(self, request, signal_id, fn):
        access = _signal(request, signal_id, audit=False)
        s = self.serializer_class(data=request.data)
        s.is_valid(raise_exception=True)
        fn(access, s.validated_data)
        return Response(_out(request, _signal(request, signal_id, audit=False)))


class SignalAssignView(_SignalAction):
    serializer_class = AssignInSerializer
    input_serializers = {"POST": AssignInSerializer}

    @extend_schema(
        operation_id="signals_assign",
        summary="Name who checks the signal (the head or the worker on intake duty)",
        request=AssignInSerializer, responses={200: SignalOutSerializer, **WRITE_ERRORS}, tags=TAGS,
    )  # fmt: skip
    def post(self, request, signal_id: int):
        return self._run(
            request, signal_id,
            lambda a, d: services.signal_assign(ctx=api_ctx(request), signal=a.signal, assignee=d["assignee"] or request.user),
        )  # fmt: skip


class SignalCheckView(_SignalAction):
    serializer_class = CheckInSerializer
    input_serializers = {"POST": CheckInSerializer}

    @extend_schema(
        operation_id="signals_check",
        summary="Record the check: what was done, when, what was found",
        request=CheckInSerializer, responses={200: SignalOutSerializer, **WRITE_ERRORS}, tags=TAGS,
    )  # fmt: skip
    def post(self, request, signal_id: int):
        return self._run(
            request, signal_id,
            lambda a, d: services.signal_check(
                ctx=api_ctx(request), signal=a.signal, actions=d["actions"], findings=d["findings"],
                checked_at=d["checked_at"],
            ),
        )  # fmt: skip


class SignalChildView(_SignalAction):
    serializer_class = LinkChildInSerializer
    input_serializers = {"POST": LinkChildInSerializer}

    @extend_schema(
        operation_id="signals_child",
        summary="Say which registered child the signal is about",
        description="A child you can see, or one your duplicate check (`POST /api/v1/children/duplicates/`) found.",
        request=LinkChildInSerializer, responses={200: SignalOutSerializer, **WRITE_ERRORS}, tags=TAGS,
    )  # fmt: skip
    def post(self, request, signal_id: int):
        def link(access, data):
            child = child_found_by(request.user, data["child"])
            services.signal_link_child(ctx=api_ctx(request), signal=access.signal, child=child)

        return self._run(request, signal_id, link)


class SignalDecideView(_SignalAction):
    serializer_class = DecideInSerializer
    input_serializers = {"POST": DecideInSerializer}

    @extend_schema(
        operation_id="signals_decide",
        summary="Decide: open a case, attach to the child's open case, or no case needed",
        description=(
            "`open_case`: the lead is you or another professional of the department (`lead`), the "
            "reporting professional is added to the team unless `add_reporter` is false. `attach`: "
            "to the child's open case (`case`, or the latest), whose lead is notified. `no_case`: "
            "`reason` required, `service` optional. Attaching and no case need the check first."
        ),
        request=DecideInSerializer, responses={200: SignalOutSerializer, **WRITE_ERRORS}, tags=TAGS,
    )  # fmt: skip
    def post(self, request, signal_id: int):
        def decide(access, d):
            case = None
            if d["case"] is not None:
                candidates = services.open_cases_of(access.signal.child) if access.signal.child_id else []
                case = next((c for c in candidates if c.pk == d["case"]), None)
                if case is None:
                    from rest_framework.exceptions import ValidationError

                    raise ValidationError({"case": [_("Choose one of the child's open cases.")]})
            services.signal_decide(
                ctx=api_ctx(request), signal=access.signal, decision=d["decision"], lead=d["lead"], summary=d["summary"],
                add_reporter=d["add_reporter"], reporter_level=int(d["reporter_level"]), case=case, reason=d["reason"],
                service=d["service"], reporter_note=d["reporter_note"],
            )  # fmt: skip

        return self._run(request, signal_id, decide)


class SignalForwardView(_SignalAction):
    serializer_class = ForwardInSerializer
    input_serializers = {"POST": ForwardInSerializer}

    @extend_schema(
        operation_id="signals_forward",
        summary="Send the signal to another department (the child lives elsewhere)",
        request=ForwardInSerializer, responses={200: SignalOutSerializer, **WRITE_ERRORS}, tags=TAGS,
    )  # fmt: skip
    def post(self, request, signal_id: int):
        access = _signal(request, signal_id, audit=False)
        s = ForwardInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        services.signal_forward(
            ctx=api_ctx(request), signal=access.signal, organisation=s.validated_data["organisation"],
            reason=s.validated_data["reason"],
        )  # fmt: skip
        access.signal.refresh_from_db()
        from zaedno.signals.access import access_for_signal

        after = access_for_signal(request.user, access.signal)
        if after is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(_out(request, _signal(request, signal_id, audit=False)))


# --- the case lead -------------------------------------------------------------------------------


def _lead_out(access) -> dict:
    case = access.case
    deputy = case_queries.case_deputy(access)
    pending = case_queries.pending_handover(access)
    return LeadOutSerializer(
        {"lead": case.lead, "lead_organisation": case.lead_organisation, "deputy": deputy.user if deputy else None,
         "pending": pending}
    ).data  # fmt: skip


class CaseLeadView(InputFormsMixin, APIView):
    input_serializers = {"POST": LeadInSerializer}

    @extend_schema(
        operation_id="cases_lead_retrieve",
        summary="The case lead, the deputy and a handover waiting for an answer",
        responses={200: LeadOutSerializer, **READ_ERRORS}, tags=LEAD_TAGS,
    )  # fmt: skip
    def get(self, request, case_id: int):
        return Response(_lead_out(case_access(request, case_id, action="case.lead.view")))

    @extend_schema(
        operation_id="cases_lead_create",
        summary="Hand the case lead over (the lead), or reassign it (a manager, `reassign: true`)",
        description=(
            "The lead proposes a new lead, who answers at `…/lead/accept/` or `…/lead/decline/`; until "
            "then the lead stays. A manager of the lead organisation reassigns at once to one of its "
            "professionals. Who may lead follows the protocols (a child-protection case stays with "
            "ОЗД): a refused organisation is a 400 on `to_organisation` that says why."
        ),
        request=LeadInSerializer, responses={201: HandoverOutSerializer, 200: HandoverOutSerializer, **WRITE_ERRORS},
        tags=LEAD_TAGS,
    )  # fmt: skip
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = LeadInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        d = s.validated_data
        if d["reassign"]:
            h = case_services.lead_reassign(
                ctx=api_ctx(request), access=access, to_user=d["to_user"], reason=d["reason"]
            )
            return Response(HandoverOutSerializer(h).data)
        h = case_services.lead_handover_propose(
            ctx=api_ctx(request), access=access, to_user=d["to_user"], to_organisation=d["to_organisation"],
            reason=d["reason"],
        )  # fmt: skip
        return Response(HandoverOutSerializer(h).data, status=status.HTTP_201_CREATED)


class LeadAnswerView(InputFormsMixin, APIView):
    input_serializers = {"POST": AnswerInSerializer}
    accept = True

    def post(self, request, case_id: int):
        handover = case_queries.handover_to_answer(request.user, case_id)
        s = AnswerInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        fn = case_services.lead_handover_accept if self.accept else case_services.lead_handover_decline
        handover = fn(ctx=api_ctx(request), handover=handover, note=s.validated_data["note"])
        return Response(HandoverOutSerializer(handover).data)


class LeadAcceptView(LeadAnswerView):
    accept = True

    @extend_schema(
        operation_id="cases_lead_accept",
        summary="Accept to lead the case (the professional asked to take over)",
        description="404 for anyone but the professional a pending handover asks.",
        request=AnswerInSerializer, responses={200: HandoverOutSerializer, **WRITE_ERRORS}, tags=LEAD_TAGS,
    )  # fmt: skip
    def post(self, request, case_id: int):
        return super().post(request, case_id)


class LeadDeclineView(LeadAnswerView):
    accept = False

    @extend_schema(
        operation_id="cases_lead_decline",
        summary="Decline to lead the case, saying why (`note`)",
        request=AnswerInSerializer, responses={200: HandoverOutSerializer, **WRITE_ERRORS}, tags=LEAD_TAGS,
    )  # fmt: skip
    def post(self, request, case_id: int):
        return super().post(request, case_id)


class CaseDeputyView(InputFormsMixin, APIView):
    input_serializers = {"POST": DeputyInSerializer}

    @extend_schema(
        operation_id="cases_deputy_set",
        summary="Name the deputy lead (receives the lead's deadline notices while the lead is away), or none",
        request=DeputyInSerializer, responses={200: LeadOutSerializer, **WRITE_ERRORS}, tags=LEAD_TAGS,
    )  # fmt: skip
    def post(self, request, case_id: int):
        access = case_access(request, case_id, audit=False)
        s = DeputyInSerializer(data=request.data)
        s.is_valid(raise_exception=True)
        user = s.validated_data["user"]
        if user is None:
            case_services.case_deputy_clear(ctx=api_ctx(request), access=access)
        else:
            case_services.case_deputy_set(ctx=api_ctx(request), access=access, user=user)
        return Response(_lead_out(case_access(request, case_id, audit=False)))
