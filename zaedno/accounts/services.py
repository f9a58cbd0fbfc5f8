"""Writes of users, memberships and API tokens."""

from __future__ import annotations

from django.db import transaction

from zaedno.accounts.models import ApiToken, Membership, Role, User
from zaedno.audit.services import AuditContext, audit_record


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str = "",
    password: str | None = None,
    profession: str = "other",
    organisation=None,
    role: str = Role.PRACTITIONER,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a professional, optionally with a membership in ``organisation``."""
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        profession=profession,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    if organisation is not None:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


@transaction.atomic
def token_create(*, user: User, label: str = "", ctx: AuditContext) -> str:
    """Issue an API token; return the raw value (shown once, stored only as a hash)."""
    raw = ApiToken.generate()
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash(raw), prefix=raw[3:11], label=label)
    audit_record(ctx=ctx, action="token.create", object_type="user", object_id=str(user.pk))
    return raw


@transaction.atomic
def duty_set(*, ctx: AuditContext, membership: Membership, on_duty: bool) -> Membership:
    """Put a professional of a department on intake duty, or take them off it.

    The department's managers decide who is on duty; a professional may also take themself off.
    """
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    actor = ctx.actor
    is_manager = Membership.objects.filter(
        user=actor, organisation_id=membership.organisation_id, role=Role.MANAGER, is_active=True
    ).exists()
    if not (is_manager or (membership.user_id == actor.pk and not on_duty)):
        raise PermissionDenied(_("Only a manager of the department decides who is on intake duty."))
    if not membership.is_active or membership.role == Role.ADMINISTRATOR:
        raise PermissionDenied(_("Only an active professional of the department can be on duty."))
    Membership.objects.filter(pk=membership.pk).update(on_duty=on_duty)
    membership.on_duty = on_duty
    audit_record(
        ctx=ctx, action="duty.set", object_type="membership", object_id=membership.pk,
        details={"user": membership.user_id, "organisation": membership.organisation_id, "on_duty": on_duty},
    )  # fmt: skip
    return membership


@transaction.atomic
def absence_add(*, ctx: AuditContext, user: User, starts_on, ends_on, note: str = ""):
    """Record that a professional is away; themself, or a manager of one of their organisations."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from zaedno.accounts.models import Absence

    actor = ctx.actor
    if actor.pk != user.pk and not manages(actor, user):
        raise PermissionDenied(_("You can record your own absence; a manager can record a colleague's."))
    errors: dict[str, list[str]] = {}
    if starts_on is None:
        errors["starts_on"] = [_("Give the first day of the absence.")]
    if ends_on is None:
        errors["ends_on"] = [_("Give the last day of the absence.")]
    if starts_on and ends_on and ends_on < starts_on:
        errors["ends_on"] = [_("The last day cannot be before the first.")]
    if ends_on and ends_on < timezone.localdate():
        errors["ends_on"] = [_("This absence is already over; record only current and future absences.")]
    if errors:
        raise ValidationError(errors)
    absence = Absence(
        user=user, starts_on=starts_on, ends_on=ends_on, note=(note or "").strip(), created_by=actor
    )
    absence.full_clean()
    absence.save()
    audit_record(
        ctx=ctx, action="absence.add", object_type="absence", object_id=absence.pk,
        details={"user": user.pk, "from": starts_on.isoformat(), "until": ends_on.isoformat()},
    )  # fmt: skip
    return absence


@transaction.atomic
def absence_end(*, ctx: AuditContext, absence):
    """End an absence early (back at work today): the last day becomes yesterday, or it is removed
    when it had not started."""
    import datetime as dt

    from django.core.exceptions import PermissionDenied
    from django.utils import timezone
    from django.utils.translation import gettext as _

    from zaedno.accounts.models import Absence

    actor = ctx.actor
    if actor.pk != absence.user_id and not manages(actor, absence.user):
        raise PermissionDenied(_("You can end your own absence; a manager can end a colleague's."))
    today = timezone.localdate()
    if absence.starts_on >= today:
        Absence.objects.filter(pk=absence.pk).delete()
    else:
        Absence.objects.filter(pk=absence.pk).update(
            ends_on=max(absence.starts_on, today - dt.timedelta(days=1))
        )
    audit_record(ctx=ctx, action="absence.end", object_type="absence", object_id=absence.pk)


def manages(manager: User, user: User) -> bool:
    """Whether ``manager`` is an active manager of one of ``user``'s organisations."""
    orgs = Membership.objects.filter(user=user, is_active=True).values("organisation_id")
    return Membership.objects.filter(
        user=manager, role=Role.MANAGER, is_active=True, organisation_id__in=orgs
    ).exists()
