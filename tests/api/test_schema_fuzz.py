"""schemathesis against the API's own OpenAPI description, with every check: what it
accepts, refuses and answers is what it says (SQLite and PostgreSQL; bounded examples).
bench/probe.py runs the same with many more examples."""
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks

from tests import factories

load_all_checks()
EXAMPLES = 60


@pytest.fixture
def api_schema(app):
    """The live description, generated against a small published collection."""
    # The fuzzer is one very busy client.
    app.config.update(SEARCH_LIMIT="100000 per minute", SIMILAR_LIMIT="100000 per minute")
    factories.example(title="Mantelzorg in de wijk", themes=["mantelzorg"])
    factories.example(title="Samen koken tegen eenzaamheid", themes=["eenzaamheid"])
    factories.example("draft", title="Een concept")
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


def test_the_api_keeps_its_description(api_schema):
    checks = CHECKS.get_all()
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert {operation.label for operation in operations} == {
        "GET /api/v1/search", "GET /api/v1/examples/{id}", "GET /api/v1/similar",
        "GET /api/v1/taxonomy"}
    for operation in operations:  # a failure raises, naming the check and the request
        @settings(max_examples=EXAMPLES, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy())
        def run(case):
            case.call_and_validate(checks=checks)
        run()
