"""Find the submissions in a folder and check each one before it goes anywhere near a kernel.

Layouts understood:
  nbgrader's   SUBMISSIONS/<student>/<lab>/<notebook>.ipynb
  loose files  SUBMISSIONS/<student>[_<notebook>].ipynb  or  SUBMISSIONS/<student>.zip (notebooks inside)
  LMS exports  Canvas's, Moodle's and Gradescope's downloads (autograder.lms reads who handed in what),
               as a folder or as the zip the LMS gives (SUBMISSIONS is then the .zip)
Every item becomes a Submission (a parsed, valid notebook), a Rejected (with a one-line reason), or a Superseded
(an LMS resubmission replaced by a later one of the same student and notebook, which is the one graded).
Input files are only read.
"""
from __future__ import annotations

import json
import tempfile
import zipfile
from dataclasses import dataclass, fields, replace
from pathlib import Path, PurePosixPath

import nbformat

from autograder import lms
from autograder.course import Lab
from autograder.lms import safe_student_id

MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024
MAX_EXPORT_BYTES = 8 * 1024**3  # an LMS export zip, unpacked


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


@dataclass
class Superseded:
    """An earlier hand-in of a notebook that the same student handed in again later (`by`): not graded."""

    student: str
    lab: str
    notebook: str
    origin: str
    by: str  # the origin of the later hand-in, the one graded

    @property
    def reason(self) -> str:
        return f"superseded by {self.by}"


Item = Submission | Rejected | Superseded


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


def _from_zip(path: Path, labs: list[Lab], student: str = "") -> list[Submission | Rejected]:
    student = student or safe_student_id(path.stem)
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


def collect(folder: Path, labs: list[Lab]) -> list[Item]:
    """Every submission under `folder` (a folder, or an LMS's export .zip), in a stable order; raises
    FileNotFoundError if it is neither, or is a zip that cannot be unpacked safely."""
    folder = Path(folder)
    if folder.is_file() and folder.suffix.lower() == ".zip":
        return _from_export_zip(folder, labs)
    if not folder.is_dir():
        raise FileNotFoundError(f"submissions folder not found: {folder}")
    gradescope = lms.gradescope_root(folder)
    if gradescope is not None:  # the whole folder is one Gradescope export
        return _drop_duplicates(_keep_latest([pair for handed in lms.gradescope_files(gradescope)
                                              for pair in _from_handed(handed, labs)]))
    entries = sorted(entry for entry in folder.iterdir() if not entry.name.startswith(".") and entry.name != "__MACOSX")
    pairs = [pair for handed in lms.moodle_files([e for e in entries if lms.is_moodle(e)])
             for pair in _from_handed(handed, labs)]
    by_name = {lab.name: lab for lab in labs}
    for entry in entries:
        if lms.is_moodle(entry):
            continue  # read above, all of them at once
        canvas = lms.canvas_file(entry) if entry.is_file() else None
        if canvas is not None:
            pairs += _from_handed(canvas, labs)
        elif entry.is_dir():  # nbgrader layout: <student>/<lab>/<notebook>.ipynb
            for lab_dir in sorted(p for p in entry.iterdir() if p.is_dir() and not p.name.startswith(".")):
                lab = by_name.get(lab_dir.name)
                for path in sorted(lab_dir.glob("*.ipynb")):
                    if lab is None:
                        pairs.append((Rejected(safe_student_id(entry.name), lab_dir.name, path.stem, str(path),
                                               f"unknown lab folder {lab_dir.name!r}"), None))
                        continue
                    pairs.append((_from_path(path, labs, student=entry.name, lab=lab), None))
        elif entry.suffix == ".ipynb":
            pairs.append((_from_path(entry, labs), None))
        elif entry.suffix == ".zip":
            pairs += [(item, None) for item in _from_zip(entry, labs)]
        else:
            pairs.append((Rejected(safe_student_id(entry.stem), "", "", str(entry),
                                   f"not a notebook or zip: {entry.name}"), None))
    return _drop_duplicates(_keep_latest(pairs))


def _from_export_zip(path: Path, labs: list[Lab]) -> list[Item]:
    """The LMS's download as it comes: unpacked into a private temporary folder, read, and deleted; each item
    names its member, e.g. `submissions.zip:kimlee_223344_5566778_perceptron_torch.ipynb`."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise FileNotFoundError(f"cannot read the export {path}: not a zip archive ({error})") from None
    with archive, tempfile.TemporaryDirectory(prefix="mitdl-export-") as unpacked:
        members = archive.infolist()
        escaping = [m.filename for m in members
                    if PurePosixPath(m.filename).is_absolute() or ".." in PurePosixPath(m.filename).parts]
        if escaping:
            raise FileNotFoundError(f"cannot read the export {path}: a path escapes its folder: {escaping[0]}")
        if sum(m.file_size for m in members) > MAX_EXPORT_BYTES:
            raise FileNotFoundError(f"cannot read the export {path}: over {MAX_EXPORT_BYTES >> 30} GiB unpacked")
        archive.extractall(unpacked)
        items = collect(Path(unpacked), labs)
    return [_renamed(item, f"{unpacked}/", f"{path}:") for item in items]


def _renamed(item: Item, old: str, new: str) -> Item:
    """The item with the path prefix `old` in its origin (and the origins named in its reason) replaced."""
    return replace(item, **{f.name: getattr(item, f.name).replace(old, new) for f in fields(item)
                            if f.name in ("origin", "by", "reason")})


def _from_handed(handed: lms.HandedIn, labs: list[Lab]) -> list[tuple[Submission | Rejected, tuple | None]]:
    """One file of an LMS export -> its items, each with the export's order of hand-ins (None: not known)."""
    if handed.problem:
        items = [Rejected(handed.student, "", "", str(handed.path), handed.problem)]
    elif handed.path.suffix.lower() == ".zip":
        items = _from_zip(handed.path, labs, student=handed.student)
    else:
        items = [_from_path(handed.path, labs, student=handed.student, stem=handed.stem)]
    return [(item, handed.order) for item in items]


def _keep_latest(pairs: list[tuple[Submission | Rejected, tuple | None]]) -> list[Item]:
    """Of a student's hand-ins of one notebook that the export orders, the latest is kept (graded, or rejected with
    its reason: the latest wins even if it is broken, as in the LMS); each earlier one becomes Superseded by it."""
    latest: dict[tuple[str, str], tuple[Submission | Rejected, tuple]] = {}
    for item, order in pairs:
        key = (item.student, item.notebook)
        if order is not None and item.notebook and (key not in latest or order > latest[key][1]):
            latest[key] = (item, order)
    result: list[Item] = []
    for item, order in pairs:
        kept, _ = latest.get((item.student, item.notebook), (item, None))
        if order is not None and item.notebook and kept is not item:
            result.append(Superseded(item.student, item.lab, item.notebook, item.origin, by=kept.origin))
        else:
            result.append(item)
    return result


def _from_path(path: Path, labs: list[Lab], student: str = "", lab: Lab | None = None,
               stem: str = "") -> Submission | Rejected:
    try:
        data = path.read_bytes()
    except OSError as error:
        return Rejected(safe_student_id(student or path.stem), lab.name if lab else "", path.stem, str(path),
                        f"cannot read file: {error.strerror}")
    return _from_bytes(data, stem or path.stem, str(path), labs, student=student, lab=lab)


def _drop_duplicates(items: list[Item]) -> list[Item]:
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
