"""Diagnosis (mitdl_utils/diagnosis.py): each relation between a wrong answer and the right one is named, with
its numbers; a right answer, an unrelated wrong one, and a relation any number would satisfy get no made-up
relation; and assert_close says it, with what the run has seen, when no hand-written mistake of the exercise
matches."""
import numpy as np
import pytest

from mitdl_utils.checking import CheckFailed, Exercise, assert_close, attempt, run_exercise
from mitdl_utils.diagnosis import Evidence, describe

RIGHT = np.array([0.5, 1.5, -2.0, 3.25, 0.75, 2.0])
MATRIX = np.arange(1.0, 7.0).reshape(2, 3)
SEQUENCE = np.array([3.0, 1.0, 4.0, 1.5, 9.0, 2.6])
Z = np.array([-3.0, -1.0, 0.5, 2.0, 4.0, -0.25])
X = np.arange(12.0).reshape(4, 3) / 7


@pytest.mark.parametrize("got,expected,says", [
    (-RIGHT, RIGHT, "opposite sign"),
    (2 * RIGHT, RIGHT, "2 times the expected one: a factor 2"),
    (RIGHT / 2, RIGHT, "1/2 times"),
    (RIGHT * 6, RIGHT, "6 times"),
    (RIGHT * 1.37, RIGHT, "1.37 times"),
    (RIGHT + 0.25, RIGHT, "off by the same +0.25"),
    (np.arange(1.0, 9.0), np.arange(0.0, 8.0), "one more than expected: counting from 1 instead of 0"),
    (np.array(4.0), np.array(5.0), "the result is one less than expected"),
    (np.array(4.5), np.array(0.9), "the result is 5 times the expected one"),
    (1 / RIGHT, RIGHT, "reciprocal"),
    (RIGHT ** 2, RIGHT, "square of"),
    (np.sqrt(np.abs(RIGHT)), np.abs(RIGHT), "square root"),
    (np.clip(RIGHT, -1, 2.5), RIGHT, "cut off to [-1, 2.5]"),
    (RIGHT[[1, 0, 2, 3, 5, 4]], RIGHT, "another order"),
    (np.r_[SEQUENCE[1:], 5.0], SEQUENCE, "shifted one step along the first axis"),
    (np.c_[MATRIX[:, 1:], [[0.0], [0.0]], [[7.0], [8.0]]][:, :3], np.c_[MATRIX, [[7.0], [8.0]]][:, :3],
     "shifted one step along axis 1"),
    (np.where(np.arange(6) == 4, 9.0, RIGHT), RIGHT, "1 of 6 values differ, the first at index 4 (expected 0.75"),
    (np.array([1.0, np.nan, 2.0]), np.array([1.0, 0.0, 2.0]), "NaN"),
    (np.array([1.0, np.inf, 2.0]), np.array([1.0, 5.0, 2.0]), "infinite"),
    (np.array([1.0, -np.inf, 2.0]), np.array([1.0, -5.0, 2.0]), "log(0) is -inf"),
    (np.array([0, 1, 1]), np.array([0.25, 0.5, 0.75]), "integers"),
    (np.array([False, True, True]), np.array([0.25, 0.5, 0.75]), "booleans"),
    (MATRIX.T, MATRIX, "transposed"),
    (RIGHT[:, None], RIGHT, "extra axis of size 1"),
    (RIGHT[:, None] + 0 * RIGHT, RIGHT, "an (n, 1) and an (n,) array were combined"),
    (RIGHT.reshape(2, 3).sum(axis=1), RIGHT.reshape(2, 3), "the expected values summed over axis 1"),
    (RIGHT.reshape(2, 3).mean(axis=0), RIGHT.reshape(2, 3), "averaged over axis 0"),
    (np.array(RIGHT.mean()), RIGHT, "one number, the mean of the 6 expected values"),
    (np.array(RIGHT.sum()), RIGHT, "one number, the sum"),
    (RIGHT[:-1], RIGHT, "one item too few: 5 where 6 are expected, and the last one"),
    (RIGHT[1:], RIGHT, "the first one is the one missing"),
    (np.r_[RIGHT, 1.0], RIGHT, "one item too many"),
    (np.r_[RIGHT, 1.0, 2.0], RIGHT, "2 items too many"),
    (RIGHT[:2], RIGHT, "the first 2 values are right and the other 4 are missing"),
])
def test_each_relation_is_named_with_its_numbers(got, expected, says):
    assert says in (describe(got, expected) or ""), describe(got, expected)


def test_an_n_by_n_table_from_broadcasting_is_named_only_when_its_diagonal_is_the_answer():
    y, p = RIGHT, RIGHT - 0.5
    table = (y[:, None] - p) ** 2  # (y - p)^2 with y of shape (6, 1) and p of shape (6,)
    assert "an (n, 1) and an (n,) array were combined" in describe(table, (y - p) ** 2)
    assert describe(np.ones((6, 6)), RIGHT) is None


@pytest.mark.parametrize("got,expected,evidence,says", [
    (Z, np.maximum(Z, 0), Evidence(inputs={"`z`": Z}), "the result is `z` itself, unchanged"),
    (8 * RIGHT, RIGHT, Evidence(inputs={"`y`": np.zeros(8)}), "8 times the expected one (8 is the length of `y`)"),
    (np.array(3 * 0.7), np.array(0.7), Evidence(inputs={"`X`": X}), "(3 is the number of columns of `X`"),
    (np.array(0.7 / 4), np.array(0.7), Evidence(inputs={"`X`": X}), "1/4 times the expected one (one over the "
                                                                     "number of rows of `X` (its examples))"),
    (RIGHT * 0.1, RIGHT, Evidence(inputs={"`lr`": np.array(0.1)}), "(0.1 is `lr` = 0.1): `lr` applied"),
    (RIGHT * 0.01, RIGHT, Evidence(constants={"the learning rate": 0.01}), "0.01 is the learning rate"),
    (np.array(0.0123), np.array(0.123), Evidence(constants={"the learning rate": 0.1}), "0.1 is the learning rate"),
    (RIGHT - 1.0 * (RIGHT - 5), RIGHT - 0.1 * (RIGHT - 5), Evidence(inputs={"`w`": RIGHT, "`lr`": np.array(0.1)}),
     "the change from `w` is 10 times the expected change (one over `lr` = 0.1)"),
    (RIGHT + 0.1 * (RIGHT - 5), RIGHT - 0.1 * (RIGHT - 5), Evidence(inputs={"`w`": RIGHT}),
     "the step from `w` goes the wrong way"),
    (np.array([7.0, 8.0, 9.0]), np.array([1.0, 2.0, 4.0]), Evidence(answers={"the visible example": [7, 8, 9]}),
     "this is exactly the answer to the visible example, not to these inputs"),
    (np.array([7.0, 8.0]), np.array([1.0, 2.0, 4.0]), Evidence(answers={"the visible example": [7, 8]}),
     "the answer to the visible example"),
    (X.mean(axis=1), X.mean(axis=0), Evidence(inputs={"`X`": X}),
     "shape (4,) is the shape (4, 3) of `X` without axis 1, and the expected (3,) is it without axis 0"),
    (np.array([1.0, np.inf, np.nan, 0.3]), np.tanh(np.array([0.2, 100.0, -95.0, 0.31])),
     Evidence(inputs={"`z`": np.array([0.2, 100.0, -95.0, 0.31], np.float32)}),
     "exactly where |`z`| is largest (from 95 up, e.g. `z` = 100): an exp overflows there"),
    (np.array([0.1, -np.inf, 0.2, np.nan]), np.array([0.1, -13.8, 0.2, -13.8]),
     Evidence(inputs={"`p`": np.array([0.3, 0.0, 0.6, 1.0])}), "exactly where `p` is 0 or 1: log(0) is -inf"),
])
def test_what_the_check_knows_names_the_relation(got, expected, evidence, says):
    assert says in (describe(got, expected, evidence) or ""), describe(got, expected, evidence)


@pytest.mark.parametrize("got,expected,evidence", [
    (np.array(0.412), np.array(0.7), None),  # one number is always some multiple of another
    (np.array(1.5), np.array(0.7), None),  # ... and some other number plus a constant
    (np.array(49.0), np.array(54.0), None),  # ... whole numbers too, unless one off
    (np.array(1.0), np.array(3.0), Evidence(inputs={"`t`": np.array(1.0)})),  # a step count of 1 is no "input back"
    (np.full(6, 1.5), RIGHT, None),  # a constant result is not RIGHT "cut off to [1.5, 1.5]"
    (np.array([0.3, 0.8]), np.array([0.5, 0.9]), None),
    (np.abs(Z), np.maximum(Z, 0), Evidence(inputs={"`z`": Z})),  # |z| is "z + 2 (relu(z) - z)": no step
    (np.array([0.3, 0.1, 0.7]), np.array([1.0, 2.0, 4.0]), Evidence(answers={"the case checked before": np.zeros(3)})),
    (np.zeros(3), np.array([1.0, 2.0, 4.0]), Evidence(answers={"the case checked before": np.zeros(3)})),
    (np.array([1.0, np.nan]), np.array([1.0, 2.0]), None),  # NaN, but no input to blame
    (np.array([np.nan, 1.0]), np.array([0.5, 1.0]), Evidence(inputs={"`y`": np.array([0.0, 1.0])})),  # labels
    (np.arange(4.0), np.arange(3.0) + 10, None),  # too long, but not the right values plus one
    (X.sum(axis=1)[:3], X.mean(axis=0), Evidence(inputs={"`X`": X})),  # same shape: no axis story
])
def test_no_relation_is_made_up(got, expected, evidence):
    said = describe(got, expected, evidence)
    generic_nan = said is not None and "typically" in said
    assert said is None or generic_nan, said


def test_an_unrelated_answer_gets_no_relation():
    rng = np.random.default_rng(0)
    assert describe(rng.normal(size=8), rng.normal(size=8)) is None
    assert describe(rng.normal(size=(3, 4)), rng.normal(size=(4, 3))) is None


def test_an_answer_off_by_a_hair_is_called_nearly_right_not_a_factor_or_a_shift():
    said = describe(RIGHT * (1 + 2e-5 * np.arange(1, 7)), RIGHT)
    assert "not within the check's tolerance" in said and "times" not in said and "off by" not in said


def test_a_relation_holds_within_the_checks_own_tolerance_only():
    nearly_double = 2 * RIGHT * (1 + 1e-3 * np.arange(6))
    assert describe(nearly_double, RIGHT) is None  # 0.5% off being "2 times": not a relation at rtol 1e-4
    assert "2 times" in describe(nearly_double, RIGHT, rtol=1e-2)


def test_assert_close_adds_the_diagnosis_when_no_hand_written_mistake_matches():
    with pytest.raises(CheckFailed, match="What the numbers say: every value is 3 times"):
        assert_close(3 * RIGHT, RIGHT, "loss")
    with pytest.raises(CheckFailed, match="Likely mistake: summed") as caught:
        assert_close(3 * RIGHT, RIGHT, "loss", mistakes={"summed instead of averaged": 3 * RIGHT})
    assert "What the numbers say" not in str(caught.value)  # the exercise's own words come first
    with pytest.raises(CheckFailed, match="wrong shape.*extra axis"):
        assert_close(RIGHT[:, None], RIGHT, "probabilities")
    with pytest.raises(CheckFailed, match=r"0.01 is the learning rate"):
        assert_close(0.01 * RIGHT, RIGHT, "update", constants={"the learning rate": 0.01})
    with pytest.raises(CheckFailed, match="the answer to the visible example"):
        assert_close([0.25, 0.5], [0.1, 0.9], "p", visible=np.array([0.25, 0.5]))


def _run(test, namespace):
    exercise = Exercise("relations", "", 1, test)
    return run_exercise(exercise, namespace, fw=None, ref=None, hidden=True)


def test_the_run_remembers_the_inputs_of_the_students_call():
    def test(t):
        z = np.array([-2.0, -0.5, 1.0, 3.0])
        assert_close(attempt("`relu`", t.function("relu"), z), np.maximum(z, 0), "relu(z)")

    outcome = _run(test, {"relu": lambda z: z})
    assert "the result is `z` itself, unchanged" in outcome.message, outcome.message

    def mean_test(t):
        y = np.array([1.0, 0.0, 1.0, 1.0, 0.0])
        got = attempt("`loss`", t.function("loss"), y, np.full(5, 0.5))
        assert_close(got, np.mean((y - 0.5) ** 2), "loss")

    outcome = _run(mean_test, {"loss": lambda y, p: ((y - p) ** 2).sum()})
    assert "5 times the expected one (5 is the length of `y`): a sum where a mean is asked" in outcome.message


def test_an_answer_typed_in_is_named_on_fresh_inputs():
    def test(t):
        for x in (np.array([1.0, 2.0, 3.0]), np.array([0.5, -1.0, 4.0])):  # the visible case first, then a fresh one
            assert_close(t.call("double", x), 2 * x, f"double({x})")

    outcome = _run(test, {"double": lambda x: np.array([2.0, 4.0, 6.0])})
    assert "exactly the answer to the case checked before (double([1. 2. 3.]))" in outcome.message, outcome.message
    assert _run(test, {"double": lambda x: x + x}).passed


def test_gradients_that_add_up_across_calls_are_named():
    import torch

    def gradient(W, X):
        (X @ W).sum().backward()  # W.grad is never zeroed: the second call returns twice the gradient
        return W.grad.clone()

    def test(t):
        W, X = torch.ones(3, requires_grad=True), torch.arange(6.0).reshape(2, 3)
        for call in ("first", "second"):
            assert_close(t.call("gradient", W, X), X.sum(0).numpy(), f"dJ/dW, {call} call")

    outcome = _run(test, {"gradient": gradient})
    assert ("2 times the expected one (2 is the number of calls so far with these same inputs): gradients add up in "
            ".grad") in outcome.message, outcome.message
