"""The small adapter where engine differences live (principle 7 of the architecture)."""

from __future__ import annotations


def configure_connection(sender, connection, **kwargs) -> None:
    """SQLite pragmas are applied by ``init_command``; nothing else needs per-connection set-up."""
    return None


def is_postgresql(connection) -> bool:
    return connection.vendor == "postgresql"
