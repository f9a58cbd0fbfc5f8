"""``zaedno token USERNAME [--label L]``: issue an API token; the token is the last line printed.

Only its SHA-256 is stored, so this is the one moment it can be read. The issue is audited
(channel "cli", with the operating-system account that ran the command).
"""

from __future__ import annotations

import getpass

from django.core.management.base import BaseCommand, CommandError

from zaedno.accounts.models import User
from zaedno.accounts.services import token_create
from zaedno.audit.models import Channel
from zaedno.audit.services import AuditContext


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no passwd entry (e.g. some containers)
        return "unknown"


class Command(BaseCommand):
    help = "Print a new API token for USERNAME (last line of output; shown once, stored as a hash)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--label", default="", help="what the token is for (e.g. the system using it)")

    def handle(self, *, username: str, label: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user with the username {username!r}")
        if not user.is_active:
            raise CommandError(f"The account {username!r} is deactivated; no token issued")
        ctx = AuditContext(channel=Channel.CLI, user_agent=f"zaedno token (os user: {_os_user()})"[:300])
        raw = token_create(user=user, label=label.strip()[:100], ctx=ctx)
        self.stdout.write(
            f"API token for {user.username} ({user}). It is shown only now; send it as "
            "'Authorization: Bearer <token>':"
        )
        self.stdout.write(raw)
