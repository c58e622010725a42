from datetime import date

import pytest

from dunwell.correspondence.models import Direction
from dunwell.correspondence.services import register_letter


@pytest.fixture
def debtor(make_counterparty):
    return make_counterparty(name="Buyer SRL")


def test_register_numbers_follow_per_direction_and_year(debtor):
    def register(direction, on):
        return register_letter(
            company=debtor.company,
            counterparty=debtor,
            direction=direction,
            on=on,
            party="Buyer SRL",
            subject="Pretension",
            by=None,
        ).our_number

    assert register(Direction.OUTGOING, date(2026, 11, 30)) == "OUT-2026-0001"
    assert register(Direction.OUTGOING, date(2026, 12, 1)) == "OUT-2026-0002"
    assert register(Direction.INCOMING, date(2026, 12, 1)) == "IN-2026-0001"
    assert register(Direction.OUTGOING, date(2027, 1, 2)) == "OUT-2027-0001"
