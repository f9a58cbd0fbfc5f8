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
