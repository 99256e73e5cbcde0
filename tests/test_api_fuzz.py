"""Property-based fuzzing of the partner API from its own OpenAPI document: no input may cause a server error."""

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from copvn.intake.keys import issue
from copvn.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture(autouse=True)
def keep_the_test_connection():
    """As Django's test client does: requests must not close the connection that holds the test transaction."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(make_org):
    return {"Authorization": f"Bearer {issue(make_org('fuzz', kind='platform'), 'fuzz', 'normal')[1]}"}


@schema.parametrize()
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail(case, bearer, db):
    response = case.call(headers=bearer)
    case.validate_response(response, checks=[not_a_server_error])
    assert response.status_code < 500
