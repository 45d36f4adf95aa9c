"""nbgrader's gradebook, tuned for grading whole batches in one process (`tune()`, once, before grading).

nbgrader opens the gradebook anew in each preprocessor and commits once per graded cell; what it stores and
how is unchanged, only the cost per submission goes down.
"""
from __future__ import annotations

import functools


@functools.cache
def tune() -> None:
    """Apply the three tunings below (later calls do nothing)."""
    _fast_sqlite_commits()
    _one_engine_per_database()
    _alembic_head_in_process()


def _fast_sqlite_commits() -> None:
    """SQLite gradebooks in write-ahead-log mode with synchronous=NORMAL: a commit no longer waits for the disk.
    Each commit stays atomic and survives the grader being killed (the operating system has it); the journal,
    fsync'd, stays the record of what is finished. nbgrader commits once per graded cell, so this is most of
    the gradebook's cost per submission."""
    import sqlite3

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "connect")
    def _pragmas(connection, _record):
        if isinstance(connection, sqlite3.Connection):
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()


def _one_engine_per_database() -> None:
    """nbgrader opens a new Gradebook, and with it a new SQLAlchemy engine, in each of its preprocessors:
    several per submission. Sharing one engine per database URL keeps SQLAlchemy's cache of compiled
    statements from one to the next, instead of compiling the same queries again for every submission.
    `Gradebook.close()` still closes its connections (the engine's pool is disposed, then made anew)."""
    import nbgrader.api
    from sqlalchemy import create_engine

    engines: dict = {}

    def shared_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    nbgrader.api.create_engine = shared_engine


def _alembic_head_in_process() -> None:
    """A new gradebook is stamped with the newest alembic revision of nbgrader's schema. nbgrader finds it by
    running the `alembic` command, a new Python process (about 5 s); alembic's own API reads the same revision
    from the same migration scripts in this one."""
    import nbgrader.api

    def alembic_head() -> str:
        from alembic.config import Config
        from alembic.script import ScriptDirectory
        from nbgrader.dbutil import _temp_alembic_ini

        with _temp_alembic_ini("sqlite:///unused.db") as alembic_ini:
            return ScriptDirectory.from_config(Config(alembic_ini)).get_current_head()

    nbgrader.api.get_alembic_version = alembic_head
