"""The test suite's watch over the audit: no valid ЕГН in any event's details, ever.

``zaedno/conftest.py`` starts one :class:`AuditWatch` per test session (so per pytest-xdist
worker: each worker checks the events it wrote) and fails the run at its end if any event's
details held a valid ЕГН. It wraps :func:`zaedno.audit.services.compute_hash`, which every event
passes through once before it is stored (``audit_record`` and ``audit_record_many`` alike), so
events rolled back with their test are seen too.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field

from zaedno.audit import services as audit_services
from zaedno.audit.pii import egns_in


@dataclass
class Finding:
    action: str
    egns: list[str]
    test: str


@dataclass
class AuditWatch:
    findings: list[Finding] = field(default_factory=list)
    current_test: str = ""
    _original: object = None

    def start(self) -> None:
        self._original = audit_services.compute_hash
        original = self._original

        def watched(event):
            found = egns_in(event.details) if event.details else []
            if found:
                self.findings.append(Finding(event.action, found, self.current_test))
            return original(event)

        audit_services.compute_hash = watched

    def stop(self) -> None:
        if self._original is not None:
            audit_services.compute_hash = self._original
            self._original = None

    @contextlib.contextmanager
    def planted(self):
        """For the watch's own test: what is found inside the block is returned, not reported."""
        before = len(self.findings)
        caught: list[Finding] = []
        try:
            yield caught
        finally:
            caught.extend(self.findings[before:])
            del self.findings[before:]

    def report(self) -> str:
        lines = [f"{len(self.findings)} audit event(s) with a valid ЕГН in their details:"]
        lines += [f"  {f.action} ({', '.join(f.egns)}) written by {f.test}" for f in self.findings[:50]]
        return "\n".join(lines)
