"""Student answers written as notebook code, the way students write them, for every lab, framework and exercise.

Each `Variant` is the source of one exercise's solution cell as a student might hand it in: a plausible
MISTAKE, which the exercise's visible check is meant to catch (so it must fail the check in the notebook and
lose the exercise's points in grading), or a correct ALTERNATIVE written differently from the solution (so it
must pass the check and get full points). A HIDDEN_ONLY mistake is one the visible check does not test for: it
passes the check, and the hidden tests, which decide the grade, take the exercise's points.
`tests/test_one_verdict.py` runs every variant through the notebook's own check, `validate` and `grade`, and
asserts one verdict. A variant whose paths disagree today names the disagreement in `known_disagreement`; the
test expects it to fail (strict xfail) until the grader is fixed.

A variant is a whole cell: it defines every name the solution cell defines, so that a notebook holding it is
graded as a student's notebook holding it would be.
"""
