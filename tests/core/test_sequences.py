import pytest

from loyaldesk.core.services import reserve_numbers


def test_numbers_are_consecutive_and_never_reused(db):
    assert list(reserve_numbers("invoice")) == [1]
    assert list(reserve_numbers("invoice", 3)) == [2, 3, 4]
    assert list(reserve_numbers("other")) == [1]
    assert list(reserve_numbers("invoice")) == [5]


def test_reserving_nothing_is_an_error(db):
    with pytest.raises(ValueError, match="at least 1"):
        reserve_numbers("invoice", 0)
