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
    ("nbgrader.nbgraderformat.common.jsonschema = object()", "metadata_schema_compiled_once"),
])
def test_a_tuning_whose_nbgrader_internals_changed_is_skipped_and_named(change, tuning):
    out = _run(f"""
        import nbgrader.api, nbgrader.dbutil, nbgrader.nbgraderformat.common
        {change}
        touched = {{"one_engine_per_database": (nbgrader.api, "create_engine"),
                   "alembic_head_in_process": (nbgrader.api, "get_alembic_version"),
                   "metadata_schema_compiled_once": (nbgrader.nbgraderformat.common, "jsonschema")}}["{tuning}"]
        before = getattr(*touched, None)
        from autograder import gradebook_speed
        notes = gradebook_speed.tune()
        print(notes)
        print(gradebook_speed.APPLIED["_{tuning}"])
        print(getattr(*touched, None) is before)
    """)
    notes, applied, untouched = out.split("\n")[:3]
    assert tuning in notes and "stock nbgrader behaviour kept" in notes
    assert applied == "False" and untouched == "True"


def test_cell_metadata_is_accepted_and_rejected_as_stock_nbgrader_does():
    out = _run("""
        import jsonschema
        from nbformat.v4 import new_code_cell
        from nbgrader.nbgraderformat.v3 import MetadataValidatorV3

        good = {"grade": True, "grade_id": "x", "locked": False, "points": 1, "schema_version": 3,
                "solution": True, "task": False}
        cases = [good, {**good, "points": "many"}, {**good, "grade_id": 7}, {k: v for k, v in good.items() if k != "locked"}]

        def verdicts():
            said = []
            for meta in cases:
                try:
                    MetadataValidatorV3().validate_cell(new_code_cell(metadata={"nbgrader": dict(meta)}))
                    said.append("ok")
                except jsonschema.ValidationError as error:
                    said.append(error.message)
            return said

        stock = verdicts()
        from autograder import gradebook_speed
        assert gradebook_speed.tune() == []
        print(stock == verdicts(), stock[0], len(set(stock)))
    """)
    assert out.split() == ["True", "ok", "4"]


def test_no_schema_the_grader_checks_uses_a_string_format_so_leaving_out_the_iri_checker_changes_nothing():
    """`python -m autograder` and `mitdl-autograder` leave out jsonschema's optional IRI checker (autograder/cli.py,
    which both start from): that is only safe while nbformat's notebook schemas and nbgrader's cell-metadata schemas ask for no string format."""
    import json
    from pathlib import Path

    import nbformat
    import nbgrader.nbgraderformat

    def formats(node) -> list:
        if isinstance(node, dict):
            return ([node["format"]] if isinstance(node.get("format"), str) else []) + \
                [f for value in node.values() for f in formats(value)]
        return [f for value in node for f in formats(value)] if isinstance(node, list) else []

    schemas = [*Path(nbformat.__file__).parent.glob("v*/*.json"),
               *Path(nbgrader.nbgraderformat.__file__).parent.glob("v*.json")]
    assert len(schemas) >= 5
    assert {path.name: formats(json.loads(path.read_text())) for path in schemas} == \
        {path.name: [] for path in schemas}
    out = _run("""
        import sys
        import autograder.cli  # what the installed mitdl-autograder command runs, and python -m autograder too
        import nbformat
        print("rfc3987_syntax" in sys.modules and sys.modules["rfc3987_syntax"] is None)
    """)
    assert out.strip().endswith("True")
