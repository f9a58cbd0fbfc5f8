import pytest

from zaedno.core.testing import build_world


@pytest.fixture
def world(db):
    """Organisations, personas and one case (see ``zaedno.core.testing``)."""
    return build_world()


@pytest.fixture
def bare_world(db):
    """Organisations and personas, no case."""
    return build_world(with_case=False)


@pytest.fixture
def clock():
    """A fake clock: ``timezone.now()`` returns ``clock.at`` (set it, or ``clock.advance(...)``)."""
    from zaedno.core.testing import FakeClock

    with FakeClock().patched() as c:
        yield c


@pytest.fixture
def protocols(db):
    """The shipped protocol definitions, loaded."""
    from zaedno.audit.services import AuditContext
    from zaedno.protocols.services import protocol_sync

    result = protocol_sync(ctx=AuditContext.system())
    assert not result.errors, result.errors
    return {v.definition.code: v for v in result.loaded}


@pytest.fixture
def browser(monkeypatch):
    """A headless Chromium (see ``zaedno.core.browser``); skipped without one, except in CI."""
    from zaedno.core.browser import launch_chromium

    yield from launch_chromium(monkeypatch)


@pytest.fixture(scope="session", autouse=True)
def audit_identifier_watch():
    """No valid ЕГН in any audit event's details, in the whole run (issue 13, item 4).

    The audit can never be erased, so a test that makes the code write an ЕГН there fails the
    run. Per session, so per pytest-xdist worker; the finding names the test that wrote it.
    """
    from zaedno.audit.testing import AuditWatch

    watch = AuditWatch()
    watch.start()
    yield watch
    watch.stop()
    if watch.findings:
        pytest.fail(watch.report(), pytrace=False)


@pytest.fixture(autouse=True)
def _audit_watch_names_the_test(request, audit_identifier_watch):
    audit_identifier_watch.current_test = request.node.nodeid
