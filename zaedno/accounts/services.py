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
