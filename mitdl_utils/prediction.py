"""Predict, then run; and the bug museum: exercises where the student commits to an answer before a cell shows it.

A Choice is a multiple-choice question (which output will this cell print? why does this slide's code go
wrong?); an Estimate asks for a number. Either one is answered by a function the student fills in, and checked
like every other exercise: a wrong answer fails with the sentence that explains it (mistakes as data), so the
student learns why before the next cell shows what happens.

    QUESTION = Choice("what the single-logit loss is", options={"a": "0", "b": "ln 2", ...}, answer="a",
                      why={"b": "ln 2 is the loss of a 50/50 guess over two classes; ..."})
    Exercise("predict_single_logit", "...", 1, prediction_test("predict_single_logit", QUESTION), hints, QUESTION)

The notebook's text lists a Choice's options with {{choices:<exercise>}} (autograder.build), from the spec:
the letters a student answers with and the ones the check knows are the same by construction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from mitdl_utils.checking import CheckFailed, Trial, assert_close, expect


@dataclass(frozen=True)
class Choice:
    """A question with lettered options. options: letter -> text (markdown); why: each wrong letter -> why it is
    wrong, in the student's terms; answer: the right letter (the notebook's next cells show and explain it)."""

    question: str
    options: dict[str, str]
    answer: str
    why: dict[str, str]

    def __post_init__(self):
        wrong = set(self.options) - {self.answer}
        if self.answer not in self.options or set(self.why) != wrong:
            raise ValueError(f"{self.question!r}: the answer must be an option, and every other option needs a why")

    def markdown(self) -> str:
        """The options as the notebook lists them: `- **a)** text`."""
        return "\n".join(f"- **{letter})** {text}" for letter, text in self.options.items())

    def judge(self, given, what: str) -> None:
        """CheckFailed unless `given` is the right letter ("b", "B", "(b)" and "b)" all mean b)."""
        letters = ", ".join(repr(letter) for letter in self.options)
        expect(isinstance(given, str), f"{what} should return one of the letters {letters} as a string, got "
                                       f"{type(given).__name__} {given!r}")
        letter = given.strip().strip("().").lower()
        expect(letter in self.options, f"{what} returned {given!r}: answer with one of the letters {letters}")
        if letter != self.answer:
            why = self.why[letter]
            raise CheckFailed(f"{what}: not ({letter}). {why[:1].upper()}{why[1:]}")


@dataclass(frozen=True)
class Estimate:
    """A number to predict. truth: the number the next cell shows; mistakes: why -> the number a slip gives."""

    question: str
    truth: float
    rtol: float = 0.02
    atol: float = 1e-3
    mistakes: dict[str, float] = field(default_factory=dict)

    def judge(self, t: Trial, given, what: str) -> None:
        value = t.require_number(given, what)
        assert_close(value, self.truth, f"{what} ({self.question})", rtol=self.rtol, atol=self.atol,
                     mistakes=self.mistakes)


def prediction_test(function: str, question: Choice | Estimate | dict[str, Choice]) -> Callable[[Trial], None]:
    """The test of a prediction: the student's `function()` returns the answer (a letter, a number, or for a dict
    of questions a dict of letters, one per key)."""

    def test(t: Trial) -> None:
        given = t.call(function)
        what = f"`{function}()`"
        if isinstance(question, Estimate):
            question.judge(t, given, what)
        elif isinstance(question, Choice):
            question.judge(given, what)
        else:
            expect(isinstance(given, dict) and set(given) == set(question),
                   f"{what} should return a dict with the keys {sorted(question)}, one letter each, got "
                   f"{sorted(given) if isinstance(given, dict) else type(given).__name__}")
            for key, choice in question.items():
                choice.judge(given[key], f"{what}[{key!r}]")

    test.__name__ = f"test_{function}"
    return test
