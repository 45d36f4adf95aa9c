"""Predictions and the bug museum (mitdl_utils.prediction): answers committed before a cell shows them, checked
like any exercise, each wrong answer told why."""
import pytest

from mitdl_utils.checking import FAILED, NOT_ATTEMPTED, PASSED, Exercise, run_exercise
from mitdl_utils.frameworks import get_framework
from mitdl_utils.prediction import Choice, Estimate, prediction_test

SINGLE_LOGIT = Choice("the loss of softmax cross-entropy on one logit", options={
    "a": "0, whatever the logit", "b": "ln 2", "c": "it grows with the logit"}, answer="a", why={
    "b": "ln 2 is the loss of a 50/50 guess between two classes; with one class softmax gives probability 1",
    "c": "softmax divides the one exponential by itself: the probability is 1 for every logit"})
HALF_LIFE = Estimate("the steps until the loss halves", truth=69.0, rtol=0.05, atol=0.0,
                     mistakes={"that is 1 / learning rate, the time constant; halving takes ln 2 of it": 100.0})


def outcome(question, answer, hidden=False):
    exercise = Exercise("predict", "A prediction", 1, prediction_test("predict", question))
    namespace = {} if answer is None else {"predict": answer}
    return run_exercise(exercise, namespace, get_framework("torch"), None, hidden=hidden)


def not_yet():
    raise NotImplementedError()


@pytest.mark.parametrize("written", ["a", "A", " (a) ", "a)", "a."])
def test_the_right_letter_passes_however_it_is_written(written):
    assert outcome(SINGLE_LOGIT, lambda: written).status == PASSED


def test_a_wrong_letter_fails_with_why_it_is_wrong():
    result = outcome(SINGLE_LOGIT, lambda: "b")
    assert result.status == FAILED and "not (b)" in result.message and "50/50 guess" in result.message


def test_an_answer_that_is_no_letter_says_which_letters_there_are():
    assert "'a', 'b', 'c'" in outcome(SINGLE_LOGIT, lambda: "zero").message
    result = outcome(SINGLE_LOGIT, lambda: 0)
    assert result.status == FAILED and "as a string, got int" in result.message


def test_an_untouched_or_missing_prediction_is_not_attempted():
    assert outcome(SINGLE_LOGIT, not_yet).status == NOT_ATTEMPTED
    assert outcome(SINGLE_LOGIT, None).status == NOT_ATTEMPTED


def test_a_question_must_explain_every_wrong_option():
    with pytest.raises(ValueError, match="every other option needs a why"):
        Choice("q", options={"a": "x", "b": "y"}, answer="a", why={})
    with pytest.raises(ValueError, match="the answer must be an option"):
        Choice("q", options={"a": "x"}, answer="b", why={"a": "no"})


def test_the_options_are_listed_with_their_letters():
    assert SINGLE_LOGIT.markdown().splitlines() == ["- **a)** 0, whatever the logit", "- **b)** ln 2",
                                                    "- **c)** it grows with the logit"]


def test_an_estimate_passes_within_its_tolerance_and_names_a_known_slip():
    assert outcome(HALF_LIFE, lambda: 70).status == PASSED
    slip = outcome(HALF_LIFE, lambda: 100.0)
    assert slip.status == FAILED and "time constant" in slip.message
    far = outcome(HALF_LIFE, lambda: 10.0)
    assert far.status == FAILED and "69" in far.message


def test_an_estimate_wants_a_number():
    assert "Python float" in outcome(HALF_LIFE, lambda: "69").message


def test_a_museum_asks_one_letter_per_exhibit():
    museum = {"single_logit": SINGLE_LOGIT, "again": SINGLE_LOGIT}
    assert outcome(museum, lambda: {"single_logit": "a", "again": "A"}).status == PASSED
    wrong = outcome(museum, lambda: {"single_logit": "a", "again": "c"})
    assert wrong.status == FAILED and "['again']" in wrong.message and "divides the one exponential" in wrong.message
    assert "keys ['again', 'single_logit']" in outcome(museum, lambda: {"single_logit": "a"}).message
