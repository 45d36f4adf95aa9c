"""The gradebook tunings (autograder/gradebook_speed.py) take effect on today's nbgrader, and where nbgrader's
internals are not what a tuning expects, that tuning is left out and named, with stock behaviour kept.

Each case runs in a fresh interpreter: the tunings change nbgrader for the rest of the process."""
import subprocess
import sys
import textwrap

import pytest


def _run(code: str) -> str:
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_every_tuning_takes_effect_on_this_nbgrader(tmp_path):
    out = _run(f"""
        import sqlalchemy, nbgrader.api
        from autograder import gradebook_speed
        print(gradebook_speed.tune())
        print(nbgrader.api.create_engine is not sqlalchemy.create_engine)
        with nbgrader.api.Gradebook("sqlite:///{tmp_path / 'gb.db'}") as gradebook:
            print(gradebook.db.execute(sqlalchemy.text("PRAGMA journal_mode")).scalar())
    """)
    assert out.split("\n")[:3] == ["[]", "True", "wal"]


@pytest.mark.parametrize("change,tuning", [
    ("nbgrader.api.create_engine = lambda *args, **kwargs: None", "one_engine_per_database"),
    ("del nbgrader.api.get_alembic_version", "alembic_head_in_process"),
    ("del nbgrader.dbutil._temp_alembic_ini", "alembic_head_in_process"),
])
def test_a_tuning_whose_nbgrader_internals_changed_is_skipped_and_named(change, tuning):
    out = _run(f"""
        import nbgrader.api, nbgrader.dbutil
        {change}
        before = getattr(nbgrader.api, "create_engine", None), getattr(nbgrader.api, "get_alembic_version", None)
        from autograder import gradebook_speed
        notes = gradebook_speed.tune()
        print(notes)
        print(gradebook_speed.APPLIED["_{tuning}"])
        after = getattr(nbgrader.api, "create_engine", None), getattr(nbgrader.api, "get_alembic_version", None)
        print(before[{0 if "engine" in tuning else 1}] is after[{0 if "engine" in tuning else 1}])
    """)
    notes, applied, untouched = out.split("\n")[:3]
    assert tuning in notes and "stock nbgrader behaviour kept" in notes
    assert applied == "False" and untouched == "True"
