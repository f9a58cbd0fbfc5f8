"""The ``zaedno`` console script: Django management with the project's settings.

``zaedno demo``, ``zaedno seed``, ``zaedno token``, ``zaedno audit verify``, ``zaedno worker``,
``zaedno migrate`` and every other Django command (``zaedno help`` lists them).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaedno.settings")
    if len(argv) > 1 and argv[1] in ("demo", "seed"):
        # The demo and synthetic seeding run without a configured secret key or HTTPS (the key is
        # kept in the data directory); set before settings load.
        os.environ.setdefault("ZAEDNO_DEMO", "true")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
