"""Bad invocations of `grade`, refused before any work starts: one line with the reason, exit status 2.

  `Parser`                     argparse that reports a bad option in one line, without the usage text
  `positive_int/_float`        argparse types for counts and limits (--jobs, --memory-mb, --timeout, ...)
  `check_grade(...)`           raises BadInvocation for a submissions folder with no file in it, a --db that is
                               not a database URL or whose server does not answer, a --cluster whose scheduler
                               does not answer, an --out that is a file or cannot be written; a server gets
                               CONNECT_TIMEOUT seconds to answer. It creates --out (and nothing in it) when all is well.
A missing submissions folder is intake.collect's to report; a folder whose files hold no submission, grade_folder's.
"""
from __future__ import annotations

import argparse
import math
import socket
import tempfile
from pathlib import Path
from urllib.parse import urlsplit

CONNECT_TIMEOUT = 5  # seconds
DASK_PORT = 8786  # a scheduler's port when the address names none
TIMEOUT_ARGUMENT = {"psycopg": "connect_timeout", "psycopg2": "connect_timeout", "pg8000": "timeout",
                    "pymysql": "connect_timeout", "mysqldb": "connect_timeout"}  # driver -> its connect timeout


class BadInvocation(Exception):
    """A grade command that cannot start; str() is the one-line reason."""


class Parser(argparse.ArgumentParser):
    """An ArgumentParser (and its subcommands' parsers) whose errors are one line on stderr, exit status 2."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def positive_int(text: str) -> int:
    """argparse type: a whole number > 0."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive whole number, got {text!r}")
    return value


def positive_float(text: str) -> float:
    """argparse type: a finite number > 0."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (0 < value < math.inf):
        raise argparse.ArgumentTypeError(f"must be a positive number, got {text!r}")
    return value


def check_grade(submissions: Path, out: Path, db_url: str | None, cluster: str | None) -> None:
    """Raise BadInvocation with the reason if `grade` cannot start with these; on success `out` exists."""
    _check_submissions(Path(submissions))
    if db_url:
        _check_database(db_url)
    if cluster:
        _check_scheduler(cluster)
    _check_out(Path(out))


def _check_submissions(folder: Path) -> None:
    if folder.is_dir() and not any(path.is_file() for path in folder.rglob("*")
                                   if not any(part.startswith(".") for part in path.relative_to(folder).parts)):
        raise BadInvocation(f"no submissions found in {folder}")


def _check_database(text: str) -> None:
    """A URL SQLAlchemy understands, with its driver installed, and a server that lets us in."""
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

    try:
        url = make_url(text)
    except ArgumentError:
        raise BadInvocation(f"--db {text!r} is not a database URL (e.g. postgresql+psycopg://user@host/db)") from None
    shown = f"--db {url.render_as_string(hide_password=True)}"
    if url.get_backend_name() == "sqlite":  # a file: its folder must exist (SQLite makes the file, not the folder)
        folder = Path(url.database or ".").parent
        if url.database not in (None, "", ":memory:") and not folder.is_dir():
            raise BadInvocation(f"{shown}: the folder {folder} does not exist")
        return
    try:
        timeout = TIMEOUT_ARGUMENT.get(url.get_driver_name())
        engine = create_engine(url, connect_args={timeout: CONNECT_TIMEOUT} if timeout else {})
    except NoSuchModuleError:
        raise BadInvocation(f"{shown}: unknown kind of database {url.drivername!r}") from None
    except ImportError as error:
        raise BadInvocation(f"{shown}: its driver is not installed ({error})") from None
    try:
        with engine.connect():
            pass
    except DBAPIError as error:
        reason = str(error.orig).strip().splitlines()[0] if str(error.orig).strip() else type(error.orig).__name__
        raise BadInvocation(f"{shown}: cannot connect: {reason.removeprefix('connection failed: ')}") from None
    finally:
        engine.dispose()


def _check_scheduler(address: str) -> None:
    """Something listens at the Dask scheduler's address (tcp://HOST:PORT, HOST:PORT, tls://...)."""
    try:
        parts = urlsplit(address if "://" in address else f"tcp://{address}")
        host, port = parts.hostname, parts.port or DASK_PORT
    except ValueError:
        host = None
    if not host:
        raise BadInvocation(f"--cluster {address!r} is not a scheduler address (e.g. tcp://10.0.0.5:8786)")
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        reason = error.strerror or str(error) or type(error).__name__
        raise BadInvocation(f"--cluster {address}: cannot reach the scheduler ({reason})") from None


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise BadInvocation(f"--out {out} is a file, not a folder")
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as error:
        raise BadInvocation(f"--out {out}: cannot write there ({error.strerror or error})") from None
