"""A stock nbgrader course on disk (`grade --course DIR`): its configuration, assignments, submissions and files.

The course is read as nbgrader reads it: DIR/nbgrader_config.py (if there is one) configures nbgrader's
CourseDirectory (root DIR unless it says otherwise; the gradebook `--db`, else its db_url, else
DIR/gradebook.db), assignments are source/<assignment>/*.ipynb and submissions submitted/<student>/<assignment>/
(or wherever its directory_structure puts them). An assignment the gradebook does not know yet is registered from
its source folder by nbgrader's own generate_assignment, as the instructor would before releasing it.

  open_course(DIR, db_url) -> ForeignCourse, or BadInvocation with a one-line reason (before any work starts)
  ForeignCourse.handed_in()   each (student, assignment) folder under submitted/ and the notebooks in it
  ForeignCourse.register(assignment) -> its notebooks as the gradebook has them (RegisteredNotebook), or why not
  ForeignCourse.source_cells(assignment, notebook) -> the code cells of the instructor's source (cell_placement)
  ForeignCourse.files(assignment, student) -> the files nbgrader puts beside the notebook when it runs it
"""
from __future__ import annotations

import base64
import glob
import os
import re
from dataclasses import dataclass
from pathlib import Path

from autograder.cell_placement import Cell
from autograder.contracts import RegisteredNotebook
from autograder.preflight import BadInvocation

CONFIG_FILE = "nbgrader_config.py"
MAX_FILES_BYTES = 32 << 20  # the files put beside one notebook (they travel with each task)


@dataclass
class HandedIn:
    """One student's folder of one assignment under submitted/: the notebooks in it, by name (without .ipynb)."""

    student: str
    assignment: str
    folder: Path
    notebooks: dict[str, Path]


class ForeignCourse:
    """A stock nbgrader course: `config` (nbgrader's traitlets Config, with the gradebook URL), `coursedir`."""

    def __init__(self, root: Path, config):
        from nbgrader.coursedir import CourseDirectory

        self.config = config
        self.coursedir = CourseDirectory(config=config)
        self.root = Path(self.coursedir.root)
        self.db_url = self.coursedir.db_url
        self._source_files: dict[str, dict[str, str]] = {}

    def folder(self, step: str, student: str, assignment: str) -> Path:
        """nbgrader's folder of a step (source, submitted, autograded, ...) for a student's assignment."""
        return Path(self.coursedir.format_path(step, student, assignment))

    def source_folder(self, assignment: str) -> Path:
        return self.folder(self.coursedir.source_directory, ".", assignment)

    def autograded_folder(self, student: str, assignment: str) -> Path:
        return self.folder(self.coursedir.autograded_directory, student, assignment)

    def handed_in(self) -> list[HandedIn]:
        """Every submitted/<student>/<assignment>/ folder that holds a notebook, in order."""
        step = self.coursedir.submitted_directory
        pattern = re.compile(self.coursedir.format_path(step, "(?P<student>[^/]+)", "(?P<assignment>[^/]+)",
                                                        escape=True) + "$")
        found = []
        for name in sorted(glob.glob(self.coursedir.format_path(step, "*", "*"))):
            folder, match = Path(name), pattern.match(name)
            if not (folder.is_dir() and match) or any(part.startswith(".") for part in match.groups()):
                continue
            notebooks = {path.stem: path for path in sorted(folder.glob("*.ipynb"))}
            if notebooks:
                found.append(HandedIn(match["student"], match["assignment"], folder, notebooks))
        return found

    def register(self, assignment: str) -> tuple[dict[str, RegisteredNotebook], str | None]:
        """The assignment's notebooks as the gradebook records them (grade ids, points, checksums): registered
        first by nbgrader's generate_assignment from source/<assignment>/ when the gradebook does not know it
        -> (notebook name -> RegisteredNotebook, None), or ({}, why it cannot be graded)."""
        from nbgrader.api import Gradebook, MissingEntry
        from nbgrader.apps import NbGraderAPI

        with Gradebook(self.db_url) as gradebook:
            try:
                known = bool(gradebook.find_assignment(assignment).notebooks)
            except MissingEntry:
                known = False
        if not known:
            if not any(self.source_folder(assignment).glob("*.ipynb")):
                return {}, f"unknown assignment {assignment!r}: not in the gradebook, and no notebook in " \
                           f"{self.source_folder(assignment)}"
            result = NbGraderAPI(coursedir=self.coursedir, config=self.config).generate_assignment(
                assignment, force=True, create=True)
            if not result["success"]:
                return {}, f"assignment {assignment!r} could not be registered by nbgrader generate_assignment: " \
                           f"{_last_error(result.get('log', ''))}"
        with Gradebook(self.db_url) as gradebook:
            return {nb.name: RegisteredNotebook(nb.name, assignment, "", "", float(nb.max_score),
                                                {cell.name: cell.cell_type for cell in nb.source_cells})
                    for nb in gradebook.find_assignment(assignment).notebooks}, None

    def source_cells(self, assignment: str, notebook: str) -> list[Cell] | None:
        """The code cells of the instructor's source notebook, each with its grade id if it is an autograded test;
        None when the source notebook is not there."""
        import nbformat

        path = self.source_folder(assignment) / f"{notebook}.ipynb"
        try:
            nb = nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            return None
        return [Cell(cell.metadata["nbgrader"]["grade_id"] if is_autograded_test(cell) else None, cell.source)
                for cell in nb.cells if cell.cell_type == "code"]

    def own_modules(self, assignment: str) -> set[str]:
        """The module names the assignment's source folder provides (its .py files and packages)."""
        folder = self.source_folder(assignment)
        return {path.stem for path in folder.glob("*.py")} | {path.parent.name for path in folder.glob("*/__init__.py")}

    def files(self, handed: HandedIn) -> tuple[dict[str, str], list[str]]:
        """The files nbgrader puts beside the notebooks when it runs them: the submission's own files that are not
        notebooks, then the assignment's source files that are not notebooks over them (but those the course's
        Autograde.exclude_overwriting names) -> (relative path -> base64 content, paths left out for their size)."""
        own = self._read_files(handed.folder)
        kept = set(self._config_value("Autograde", "exclude_overwriting", {}).get(handed.assignment, []))
        files = {**own, **{path: data for path, data in self.source_files(handed.assignment).items()
                          if not (path in kept and path in own)}}
        left_out, total = [], 0
        for path in sorted(files, key=lambda p: len(files[p])):
            total += len(files[path]) * 3 // 4
            if total > MAX_FILES_BYTES:
                left_out.append(path)
        return {path: data for path, data in files.items() if path not in left_out}, left_out

    def source_files(self, assignment: str) -> dict[str, str]:
        """The assignment's source files that are not notebooks: relative path -> base64 content (read once)."""
        if assignment not in self._source_files:
            self._source_files[assignment] = self._read_files(self.source_folder(assignment))
        return self._source_files[assignment]

    def creates_students(self) -> bool:
        """Whether grading may add a student the gradebook does not know (nbgrader's Autograde.create_student)."""
        return bool(self._config_value("Autograde", "create_student", True))

    def _config_value(self, section: str, name: str, default):
        values = self.config.get(section, {})
        return values[name] if name in values else default

    def _read_files(self, folder: Path) -> dict[str, str]:
        from nbgrader.utils import find_all_files

        limit = self.coursedir.max_file_size * 1024
        files = {}
        for name in find_all_files(str(folder), self.coursedir.ignore + ["*.ipynb"]):
            path = Path(name)
            if path.is_file() and not path.is_symlink() and path.stat().st_size <= limit:
                files[path.relative_to(folder).as_posix()] = base64.b64encode(path.read_bytes()).decode()
        return files


def is_autograded_test(cell) -> bool:
    """An nbgrader autograder test: a graded code cell that is not the student's answer."""
    from nbgrader import utils

    return cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell)


def open_course(folder: Path, db_url: str | None = None) -> ForeignCourse:
    """The course in `folder` (its nbgrader_config.py read as nbgrader reads it); BadInvocation (one line) when it
    is not a folder, its configuration cannot be read, or nothing is handed in under its submitted folder."""
    from traitlets.config import Config
    from traitlets.config.loader import PyFileConfigLoader

    folder = Path(folder)
    if not folder.is_dir():
        raise BadInvocation(f"--course {folder}: no such folder")
    config = Config()
    if (folder / CONFIG_FILE).is_file():
        here = os.getcwd()
        try:
            os.chdir(folder)  # nbgrader runs from the course folder: relative paths in it are relative to it
            config = PyFileConfigLoader(CONFIG_FILE, path=str(folder.resolve())).load_config()
        except Exception as error:
            raise BadInvocation(f"--course {folder}: its {CONFIG_FILE} cannot be read "
                                f"({type(error).__name__}: {str(error).strip().splitlines()[0][:200]})") from None
        finally:
            os.chdir(here)
    root = Path(config.CourseDirectory.root) if "root" in config.CourseDirectory else Path(".")
    config.CourseDirectory.root = str((folder / root).resolve())
    if db_url:
        config.CourseDirectory.db_url = db_url
    course = ForeignCourse(Path(config.CourseDirectory.root), config)
    if not course.handed_in():
        raise BadInvocation(f"--course {folder}: no submissions found in "
                            f"{course.folder(course.coursedir.submitted_directory, '<student>', '<assignment>')}")
    return course


def _last_error(log: str) -> str:
    lines = [line for line in log.splitlines() if "[ERROR]" in line or "Error" in line]
    return (lines[-1] if lines else (log.strip().splitlines() or ["unknown error"])[-1]).strip()[:300]
