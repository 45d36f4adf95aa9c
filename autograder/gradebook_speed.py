"""nbgrader's gradebook and cell-metadata checks, tuned for grading whole batches in one process: `tune()`,
called by the grader.

nbgrader opens the gradebook anew in each preprocessor, commits once per graded cell and checks each cell's
metadata against its JSON schema by compiling that schema again; what it stores, accepts and rejects is
unchanged, only the cost per submission goes down. Each tuning replaces or hooks one piece of nbgrader's
internals; each first checks that the piece is what it expects and then that its change took effect, and where
either fails (a newer nbgrader) it leaves nbgrader as it is and says so: grading stays correct, only slower.
"""
from __future__ import annotations

APPLIED: dict[str, bool] = {}  # tuning -> whether it took effect (absent: not tried yet)
SKIPPED: dict[str, str] = {}  # tuning -> why it was not applied


class TuningSkipped(Exception):
    """nbgrader's internals are not what a tuning expects: it is not applied."""


def tune() -> list[str]:
    """Apply the four tunings below (each once) -> a line for each that could not be applied."""
    for tuning in (_fast_sqlite_commits, _one_engine_per_database, _alembic_head_in_process,
                   _metadata_schema_compiled_once):
        if tuning.__name__ not in APPLIED:
            try:
                tuning()
                APPLIED[tuning.__name__] = True
            except TuningSkipped as why:
                APPLIED[tuning.__name__] = False
                SKIPPED[tuning.__name__] = str(why)
    return [f"gradebook tuning {name.strip('_')} not applied: {why} (stock nbgrader behaviour kept)"
            for name, why in SKIPPED.items()]


def _expect(condition: bool, what: str) -> None:
    if not condition:
        raise TuningSkipped(what)


def _fast_sqlite_commits() -> None:
    """SQLite gradebooks in write-ahead-log mode with synchronous=NORMAL: a commit no longer waits for the disk.
    Each commit stays atomic and survives the grader being killed (the operating system has it); the journal,
    fsync'd, stays the record of what is finished. nbgrader commits once per graded cell, so this is most of
    the gradebook's cost per submission."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    def _pragmas(connection, _record):
        if isinstance(connection, sqlite3.Connection):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    event.listen(Engine, "connect", _pragmas)
    _expect(event.contains(Engine, "connect", _pragmas), "SQLAlchemy did not take the connect listener")


def _one_engine_per_database() -> None:
    """nbgrader opens a new Gradebook, and with it a new SQLAlchemy engine, in each of its preprocessors:
    several per submission. Sharing one engine per database URL keeps SQLAlchemy's cache of compiled
    statements from one to the next, instead of compiling the same queries again for every submission.
    `Gradebook.close()` still closes its connections (the engine's pool is disposed, then made anew)."""
    import nbgrader.api
    from sqlalchemy import create_engine

    _expect(getattr(nbgrader.api, "create_engine", None) is create_engine,
            "nbgrader.api no longer opens its engines with sqlalchemy.create_engine")
    engines: dict = {}

    def shared_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    nbgrader.api.create_engine = shared_engine
    _expect(nbgrader.api.create_engine is shared_engine, "nbgrader.api.create_engine could not be replaced")


def _alembic_head_in_process() -> None:
    """A new gradebook is stamped with the newest alembic revision of nbgrader's schema. nbgrader finds it by
    running the `alembic` command, a new Python process (about 5 s); alembic's own API reads the same revision
    from the same migration scripts in this one."""
    import nbgrader.api
    import nbgrader.dbutil

    _expect(callable(getattr(nbgrader.api, "get_alembic_version", None)),
            "nbgrader.api has no get_alembic_version to replace")
    temp_ini = getattr(nbgrader.dbutil, "_temp_alembic_ini", None)
    _expect(callable(temp_ini), "nbgrader.dbutil has no _temp_alembic_ini to find its migrations with")

    def alembic_head() -> str:
        from alembic.config import Config
        from alembic.script import ScriptDirectory

        with temp_ini("sqlite:///unused.db") as alembic_ini:
            return ScriptDirectory.from_config(Config(alembic_ini)).get_current_head()

    try:
        head = alembic_head()
    except Exception as error:
        raise TuningSkipped(f"alembic's API could not read nbgrader's schema head ({type(error).__name__})") from None
    _expect(isinstance(head, str) and head != "", "alembic's API gave no schema head")
    nbgrader.api.get_alembic_version = alembic_head


def _metadata_schema_compiled_once() -> None:
    """nbgrader checks the `nbgrader` metadata of every cell with `jsonschema.validate(metadata, schema)`, which
    checks the schema itself and builds a validator each time (about 0.5 ms a cell, twice per notebook in
    `CheckCellMetadata`). A validator built once per schema raises the same `ValidationError` (jsonschema's
    `best_match` of the same errors) for the same metadata, in a few hundredths of that."""
    import json
    import types

    import jsonschema
    import nbgrader.nbgraderformat.common as common

    _expect(getattr(common, "jsonschema", None) is jsonschema,
            "nbgrader.nbgraderformat.common no longer calls jsonschema.validate")
    validators: dict[str, object] = {}  # the schema's text -> its validator (nbgrader reads it anew each time)

    def validate(instance, schema) -> None:
        key = json.dumps(schema, sort_keys=True)
        if key not in validators:
            cls = jsonschema.validators.validator_for(schema)
            cls.check_schema(schema)
            validators[key] = cls(schema)
        error = jsonschema.exceptions.best_match(validators[key].iter_errors(instance))
        if error is not None:
            raise error

    common.jsonschema = types.SimpleNamespace(validate=validate)
    _expect(common.jsonschema.validate is validate, "nbgrader's jsonschema could not be replaced")
