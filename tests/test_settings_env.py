import pytest

from dunwell.env import EnvError, env_bool, env_int


def test_bad_boolean_names_the_variable() -> None:
    with pytest.raises(EnvError, match="DUNWELL_DEBUG"):
        env_bool("DUNWELL_DEBUG", False, {"DUNWELL_DEBUG": "maybe"})


def test_boolean_words_are_parsed() -> None:
    assert env_bool("X", False, {"X": "Yes"}) is True
    assert env_bool("X", True, {"X": "off"}) is False
    assert env_bool("X", True, {}) is True


def test_integer_below_minimum_is_refused() -> None:
    with pytest.raises(EnvError, match="at least 1"):
        env_int("N", 5, {"N": "0"}, minimum=1)
    with pytest.raises(EnvError, match="whole number"):
        env_int("N", 5, {"N": "five"})
