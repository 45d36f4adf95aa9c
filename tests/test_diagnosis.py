"""Diagnosis (mitdl_utils/diagnosis.py): each relation between a wrong answer and the right one is named, with
its numbers; a right answer and an unrelated wrong one get no made-up relation; and assert_close says it when no
hand-written mistake of the exercise matches."""
import numpy as np
import pytest

from mitdl_utils.checking import CheckFailed, assert_close
from mitdl_utils.diagnosis import describe

RIGHT = np.array([0.5, 1.5, -2.0, 3.25, 0.75, 2.0])
MATRIX = np.arange(1.0, 7.0).reshape(2, 3)
SEQUENCE = np.array([3.0, 1.0, 4.0, 1.5, 9.0, 2.6])


@pytest.mark.parametrize("got,expected,says", [
    (-RIGHT, RIGHT, "opposite sign"),
    (2 * RIGHT, RIGHT, "2 times"),
    (RIGHT / 2, RIGHT, "1/2 times"),
    (RIGHT * 6, RIGHT, "6 times"),
    (RIGHT + 1, RIGHT, "+1"),
    (1 / RIGHT, RIGHT, "reciprocal"),
    (RIGHT ** 2, RIGHT, "square of"),
    (np.sqrt(np.abs(RIGHT)), np.abs(RIGHT), "square root"),
    (np.clip(RIGHT, -1, 2.5), RIGHT, "cut off to [-1, 2.5]"),
    (RIGHT[[1, 0, 2, 3, 5, 4]], RIGHT, "another order"),
    (np.arange(1.0, 9.0), np.arange(0.0, 8.0), "off by the same +1"),
    (np.r_[SEQUENCE[1:], 5.0], SEQUENCE, "shifted one step"),
    (np.where(np.arange(6) == 4, 9.0, RIGHT), RIGHT, "1 of 6 values differ, the first at index 4"),
    (np.array([1.0, np.nan, 2.0]), np.array([1.0, 0.0, 2.0]), "NaN"),
    (np.array([1.0, np.inf, 2.0]), np.array([1.0, 5.0, 2.0]), "infinite"),
    (np.array([0, 1, 1]), np.array([0.25, 0.5, 0.75]), "integers"),
    (MATRIX.T, MATRIX, "transposed"),
    (RIGHT[:, None], RIGHT, "extra axis of size 1"),
    (RIGHT.reshape(2, 3).sum(axis=1), RIGHT.reshape(2, 3), "an axis that should stay was reduced"),
    (np.array(RIGHT.mean()), RIGHT, "one number where"),
    (RIGHT[:-1], RIGHT, "one item too few"),
    (np.r_[RIGHT, 1.0], RIGHT, "one item too many"),
])
def test_each_relation_is_named_with_its_numbers(got, expected, says):
    assert says in (describe(got, expected) or ""), describe(got, expected)


def test_no_relation_is_made_up_for_an_unrelated_answer():
    rng = np.random.default_rng(0)
    assert describe(rng.normal(size=8), rng.normal(size=8)) is None


def test_assert_close_adds_the_diagnosis_when_no_hand_written_mistake_matches():
    with pytest.raises(CheckFailed, match="What the numbers say: every value is 3 times"):
        assert_close(3 * RIGHT, RIGHT, "loss")
    with pytest.raises(CheckFailed, match="Likely mistake: summed") as caught:
        assert_close(3 * RIGHT, RIGHT, "loss", mistakes={"summed instead of averaged": 3 * RIGHT})
    assert "What the numbers say" not in str(caught.value)  # the exercise's own words come first
    with pytest.raises(CheckFailed, match="wrong shape.*extra axis"):
        assert_close(RIGHT[:, None], RIGHT, "probabilities")
