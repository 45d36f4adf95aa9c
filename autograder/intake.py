"""Find the submissions in a folder and check each one before it goes anywhere near a kernel.

Two layouts are understood:
  nbgrader's   SUBMISSIONS/<student>/<lab>/<notebook>.ipynb
  an LMS dump  SUBMISSIONS/<student>[_<notebook>].ipynb  or  SUBMISSIONS/<student>.zip (notebooks inside)
Every item becomes either a Submission (a parsed, valid notebook) or a Rejected (with a one-line reason).
Input files are only ever read.
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import nbformat

from autograder.course import Lab

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024


@dataclass
class Submission:
    student: str
    lab: str
    notebook: str  # notebook name without .ipynb
    origin: str  # where it came from, for messages
    content: nbformat.NotebookNode


@dataclass
class Rejected:
    student: str
    lab: str
    notebook: str
    origin: str
    reason: str


def safe_student_id(raw: str) -> str:
    """nbgrader-safe id: letters, digits, '.', '_', '-'."""
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", raw).strip("._") or "unknown"
    return cleaned[:64]


def parse_notebook(data: bytes) -> nbformat.NotebookNode:
    """Bytes -> a valid v4 notebook, or ValueError with a one-line reason."""
    if not data.strip():
        raise ValueError("empty file")
    if len(data) > MAX_NOTEBOOK_BYTES:
        raise ValueError(f"notebook is larger than {MAX_NOTEBOOK_BYTES // 2**20} MiB")
    try:
        raw = json.loads(data)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ValueError(f"not a notebook: invalid JSON ({error})") from None
    if not isinstance(raw, dict) or "cells" not in raw and "worksheets" not in raw:
        raise ValueError("not a notebook: JSON without cells")
    try:
        notebook = nbformat.reads(json.dumps(raw), as_version=4)
        nbformat.validate(notebook)
    except Exception as error:  # nbformat raises several kinds for malformed notebooks
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise ValueError(f"invalid notebook: {first_line}") from None
    return notebook


def _identify(name: str, notebook: nbformat.NotebookNode | None, labs: list[Lab]) -> tuple[str, Lab | None, str]:
    """File stem -> (student, lab, notebook name): the notebook name is a suffix of the stem or in metadata."""
    for lab in labs:
        for nb_name in lab.notebook_names:
            if name == nb_name:
                return "", lab, nb_name
            if name.endswith(nb_name) and len(name) > len(nb_name):
                return name[: -len(nb_name)].rstrip("_- "), lab, nb_name
    meta = (notebook or {}).get("metadata", {}).get("mitdl", {}) if notebook else {}
    for lab in labs:
        if meta.get("notebook") in lab.notebook_names:
            return name, lab, meta["notebook"]
    return name, None, ""


def _check_lab(notebook, lab: Lab, nb_name: str) -> str | None:
    """A reason if the notebook's own metadata says it belongs to another lab or framework."""
    meta = notebook.metadata.get("mitdl", {})
    if meta and meta.get("notebook") != nb_name:
        return f"wrong notebook: this is {meta.get('notebook')!r} ({meta.get('lab')}), submitted as {nb_name!r}"
    return None


def _from_bytes(data: bytes, stem: str, origin: str, labs: list[Lab], student: str = "",
                lab: Lab | None = None) -> Submission | Rejected:
    try:
        notebook = parse_notebook(data)
    except ValueError as error:
        notebook, reason = None, str(error)
    else:
        reason = None
    name_student, found_lab, nb_name = _identify(stem, notebook, labs)
    student = safe_student_id(student or name_student or stem)
    if lab is not None and found_lab is not None and found_lab != lab:
        reason = reason or f"wrong lab: {nb_name!r} belongs to {found_lab.name}, found under {lab.name}"
    found_lab = found_lab or lab
    if found_lab is None:
        known = ", ".join(n for lab in labs for n in lab.notebook_names)
        reason = reason or f"unknown notebook {stem!r}: expected a name ending in one of {known}"
    elif notebook is not None:
        reason = reason or _check_lab(notebook, found_lab, nb_name)
    lab_name = found_lab.name if found_lab else ""
    if reason:
        return Rejected(student, lab_name, nb_name, origin, reason)
    return Submission(student, lab_name, nb_name, origin, notebook)


def _from_zip(path: Path, labs: list[Lab]) -> list[Submission | Rejected]:
    student = safe_student_id(path.stem)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        return [Rejected(student, "", "", str(path), f"not a zip archive ({error})")]
    with archive:
        members = [m for m in archive.infolist() if not m.is_dir() and "__MACOSX" not in m.filename]
        escaping = [m.filename for m in members
                    if PurePosixPath(m.filename).is_absolute() or ".." in PurePosixPath(m.filename).parts]
        if escaping:
            return [Rejected(student, "", "", str(path), f"zip has paths that escape its folder: {escaping[0]}")]
        notebooks = [m for m in members if m.filename.endswith(".ipynb") and ".ipynb_checkpoints" not in m.filename]
        if not notebooks:
            return [Rejected(student, "", "", str(path), "zip holds no .ipynb notebook")]
        items = []
        for member in notebooks:
            if member.file_size > MAX_NOTEBOOK_BYTES:
                items.append(Rejected(student, "", "", f"{path}:{member.filename}", "notebook too large"))
                continue
            stem = PurePosixPath(member.filename).stem
            items.append(_from_bytes(archive.read(member), stem, f"{path}:{member.filename}", labs, student=student))
        return items


def collect(folder: Path, labs: list[Lab]) -> list[Submission | Rejected]:
    """Every submission under `folder`, in a stable order; raises FileNotFoundError if it does not exist."""
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"submissions folder not found: {folder}")
    by_name = {lab.name: lab for lab in labs}
    items: list[Submission | Rejected] = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_dir():  # nbgrader layout: <student>/<lab>/<notebook>.ipynb
            for lab_dir in sorted(p for p in entry.iterdir() if p.is_dir() and not p.name.startswith(".")):
                lab = by_name.get(lab_dir.name)
                for path in sorted(lab_dir.glob("*.ipynb")):
                    if lab is None:
                        items.append(Rejected(safe_student_id(entry.name), lab_dir.name, path.stem, str(path),
                                              f"unknown lab folder {lab_dir.name!r}"))
                        continue
                    items.append(_from_path(path, labs, student=entry.name, lab=lab))
        elif entry.suffix == ".ipynb":
            items.append(_from_path(entry, labs))
        elif entry.suffix == ".zip":
            items.extend(_from_zip(entry, labs))
        else:
            items.append(Rejected(safe_student_id(entry.stem), "", "", str(entry),
                                  f"not a notebook or zip: {entry.name}"))
    return _drop_duplicates(items)


def _from_path(path: Path, labs: list[Lab], student: str = "", lab: Lab | None = None) -> Submission | Rejected:
    try:
        data = path.read_bytes()
    except OSError as error:
        return Rejected(safe_student_id(student or path.stem), lab.name if lab else "", path.stem, str(path),
                        f"cannot read file: {error.strerror}")
    return _from_bytes(data, path.stem, str(path), labs, student=student, lab=lab)


def _drop_duplicates(items: list[Submission | Rejected]) -> list[Submission | Rejected]:
    """A second submission of the same student and notebook is rejected, naming the one kept (the first)."""
    seen: dict[tuple[str, str], str] = {}
    result = []
    for item in items:
        key = (item.student, item.notebook)
        if isinstance(item, Submission) and key in seen:
            result.append(Rejected(item.student, item.lab, item.notebook, item.origin,
                                   f"duplicate submission: already graded {seen[key]}"))
            continue
        if isinstance(item, Submission):
            seen[key] = item.origin
        result.append(item)
    return result
