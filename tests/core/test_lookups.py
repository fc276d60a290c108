import pytest

from loyaldesk.desk.models import Message


def test_an_id_list_finds_exactly_the_rows_listed(case):
    ids = sorted(case.messages.values_list("pk", flat=True))
    assert ids
    missing = ids[-1] + 1000
    assert (
        sorted(Message.objects.filter(pk__in_list=[*ids, missing]).values_list("pk", flat=True))
        == ids
    )
    assert not Message.objects.filter(pk__in_list=[]).exists()
    assert Message.objects.exclude(pk__in_list=ids).filter(case=case).count() == 0


def test_an_id_list_takes_only_whole_numbers(case):
    with pytest.raises(ValueError, match="invalid literal"):
        list(Message.objects.filter(pk__in_list=["1; DROP TABLE desk_message"]))
