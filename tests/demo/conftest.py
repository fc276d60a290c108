from datetime import UTC, datetime

import pytest

from loyaldesk.demo.build import generate
from loyaldesk.demo.parameters import YEAR, GeneratorParameters

END = datetime(2026, 11, 1, tzinfo=UTC).timestamp()


def generate_small(customers: int = 400, seed: int = 11, **overrides):
    parameters = GeneratorParameters(customers=customers, years=2.0, seed=seed, **overrides)
    return generate(parameters, start=END - 2 * YEAR, end=END)


@pytest.fixture
def generated(db):
    return generate_small()
