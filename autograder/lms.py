"""Who handed in what, read from an LMS's "download all submissions" the way each LMS writes it.

Canvas      loose files  <name>[_LATE]_<user id>_<file id>_<file name>[-N].ipynb  (.zip alike)
Moodle      one folder per submission  <Full Name>_<participant id>_assignsubmission_file[_]/<files>,
            or (not "in folders") loose files  <Full Name>_<participant id>_assignsubmission_file_<file name>
Gradescope  submission_metadata.yml beside one folder per submission, submission_<id>/<files>

Each reader returns HandedIn records: the student's id for the grader, the file, its name without the LMS's
decoration, and when known an order (a later hand-in sorts higher) for picking the latest resubmission.
Files are only read.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

NOTEBOOK_SUFFIXES = (".ipynb", ".zip")  # a notebook, or a zip of notebooks
GRADESCOPE_METADATA = "submission_metadata.yml"


@dataclass(frozen=True)
class HandedIn:
    """One file of an export (a notebook or a zip of them), or an entry that cannot be graded (`problem`)."""

    student: str  # the grader's id for the student (nbgrader-safe), chosen per LMS: see each reader
    path: Path
    stem: str  # the file's own name without the LMS's decoration, without .ipynb/.zip
    order: tuple | None = None  # a later hand-in of the same notebook sorts higher; None: the export does not say
    problem: str = ""  # why this entry cannot be graded ("" when it can)


def safe_student_id(raw: str) -> str:
    """nbgrader-safe id: accents dropped (José -> Jose), then only letters, digits, '.', '_', '-'."""
    ascii_text = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return (re.sub(r"[^A-Za-z0-9._-]+", "_", ascii_text).strip("._") or "unknown")[:64]


def _resubmission(stem: str) -> tuple[str, int]:
    """'perceptron_torch-2' -> ('perceptron_torch', 2): Canvas numbers a file handed in again under the same name."""
    match = re.fullmatch(r"(.+?)-(\d+)", stem)
    return (match.group(1), int(match.group(2))) if match else (stem, 0)


# ------------------------------------------------------------------ Canvas
# canvas-lms app/models/content_zipper.rb names each file of an assignment's "Download Submissions" zip
#   [sortable name, 'LATE' if late, user id].compact.join('_'), sanitized to [[:word:]] and downcased,
#   then "_<attachment id>_<display name>"  (e.g. leekim_223344_5566778_perceptron_torch.ipynb);
# the sortable name has any "_<digits>_" collapsed, so the first "_<digits>_<digits>_" holds the ids. A file handed
# in again under the same name gets Canvas's "-1", "-2" before its extension. Attachment ids grow over time.
_CANVAS = re.compile(r"(?:(?P<name>\w*?)_)??(?:(?P<late>late)_)?(?P<user>\d+)_(?P<attachment>\d+)_(?P<file>.+)",
                     re.IGNORECASE)


def canvas_file(path: Path) -> HandedIn | None:
    """A file of a Canvas download, or None if its name is not Canvas's.

    Student id: '<name>_<user id>' (e.g. leekim_223344): Canvas's user id is unique and stable across
    assignments, its name field makes the id readable. Order: (attachment id, resubmission number)."""
    match = _CANVAS.fullmatch(path.name)
    if not match or not path.name.lower().endswith(NOTEBOOK_SUFFIXES):
        return None
    stem, again = _resubmission(Path(match["file"]).stem)
    student = safe_student_id(f"{match['name']}_{match['user']}" if match["name"] else match["user"])
    return HandedIn(student, path, stem, order=(int(match["attachment"]), again))


# ------------------------------------------------------------------ Moodle
# mod/assign/classes/downloader.php (get_student_prefix, load_submissionplugin_filelist): the prefix is the full
# name with '_' replaced by ' ' ("Participant" under blind marking), '_' and the participant's unique id for this
# assignment; in folders: "<prefix>_assignsubmission_file" + the file's path (Moodle 3.x wrote a trailing '_'
# before the '/'), else "<prefix>_assignsubmission_file_<file name>". Text entries come as
# "<prefix>_assignsubmission_onlinetext". Moodle exports only each student's latest attempt.
_MOODLE = re.compile(r"(?P<name>.+)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)(?:_(?P<file>.*))?")


def is_moodle(path: Path) -> bool:
    return _MOODLE.fullmatch(path.name) is not None


def moodle_files(entries: list[Path]) -> list[HandedIn]:
    """The notebooks in Moodle's folders and prefixed files (`entries` are those is_moodle accepts).

    Student id: the full name (e.g. Kim_Lee), the same in every assignment's export; where two participants of
    one export share a name (blind marking: all are "Participant"), '<name>_<participant id>' for them, since
    Moodle's participant id is unique within an assignment only. No order: there are no resubmissions."""
    parsed = [(entry, _MOODLE.fullmatch(entry.name)) for entry in entries]
    ids_by_name: dict[str, set[str]] = {}
    for _, match in parsed:
        ids_by_name.setdefault(match["name"], set()).add(match["id"])
    handed = []
    for entry, match in parsed:
        name, participant = match["name"], match["id"]
        student = safe_student_id(name if len(ids_by_name[name]) == 1 else f"{name}_{participant}")
        if match["plugin"] != "file":
            continue  # online text, comments: nothing to grade
        if entry.is_dir():
            handed += _folder(entry, student) or [HandedIn(student, entry, "", problem=_EMPTY)]
        elif entry.name.lower().endswith(NOTEBOOK_SUFFIXES):
            handed.append(HandedIn(student, entry, Path(match["file"] or entry.name).stem))
    return handed


_EMPTY = "no .ipynb notebook (or zip of them) in this submission"


def _folder(folder: Path, student: str, order: tuple | None = None) -> list[HandedIn]:
    """Every notebook or zip under `folder` (a submission's own subfolders kept), checkpoints left out."""
    files = sorted(p for p in folder.rglob("*") if p.is_file() and p.name.lower().endswith(NOTEBOOK_SUFFIXES)
                   and not any(part.startswith(".") or part == "__MACOSX" for part in p.relative_to(folder).parts))
    return [HandedIn(student, path, path.stem, order) for path in files]


# ------------------------------------------------------------------ Gradescope
# Gradescope's "Export Submissions" zip holds assignment_<id>_export/ with submission_metadata.yml and one folder per
# submission. The metadata maps each folder name to Ruby-symbol keys, e.g.
#   submission_409194023:
#     :submitters:
#     - :name: First Last
#       :sid: '123456789'
#       :email: first@berkeley.edu
#     :created_at: 2026-04-26 17:34:00.861687000 Z
#     :score: 2.0
# (a group submission lists several submitters; earlier attempts appear under :history, without their files).


def gradescope_root(folder: Path) -> Path | None:
    """The folder holding submission_metadata.yml: `folder` itself or its one subfolder (the unzipped export)."""
    if (folder / GRADESCOPE_METADATA).is_file():
        return folder
    inner = [p for p in folder.iterdir() if p.is_dir() and not p.name.startswith((".", "__MACOSX"))]
    if len(inner) == 1 and (inner[0] / GRADESCOPE_METADATA).is_file():
        return inner[0]
    return None


def gradescope_files(root: Path) -> list[HandedIn]:
    """Every submitter's notebooks, one HandedIn per submitter of a group submission (each gets the grade).

    Student id: the submitter's sid (student id), or the email where the roster has no sid.
    Order: (:created_at, the number in submission_<id>)."""
    import yaml

    metadata_path = root / GRADESCOPE_METADATA
    try:
        metadata = yaml.safe_load(metadata_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        return [HandedIn("unknown", metadata_path, "", problem=f"cannot read {GRADESCOPE_METADATA}: {first_line}")]
    if not isinstance(metadata, dict):
        return [HandedIn("unknown", metadata_path, "", problem=f"{GRADESCOPE_METADATA} is not a mapping of submissions")]
    handed = []
    for folder in sorted(p for p in root.iterdir() if not p.name.startswith((".", "__MACOSX"))):
        if folder.name == GRADESCOPE_METADATA:
            continue
        entry = metadata.get(folder.name)
        students = _submitters(entry)
        if not folder.is_dir() or not students:
            why = "not a submission folder" if not folder.is_dir() else f"no submitter in {GRADESCOPE_METADATA}"
            handed.append(HandedIn(safe_student_id(folder.stem), folder, "", problem=why))
            continue
        order = (_timestamp(entry.get(":created_at")), int(re.sub(r"\D", "", folder.name) or 0))
        for student in students:
            handed += _folder(folder, student, order) or [HandedIn(student, folder, "", order, problem=_EMPTY)]
    return handed


def _submitters(entry) -> list[str]:
    if not isinstance(entry, dict) or not isinstance(entry.get(":submitters"), list):
        return []
    ids = []
    for submitter in entry[":submitters"]:
        if isinstance(submitter, dict):
            raw = str(submitter.get(":sid") or "").strip() or str(submitter.get(":email") or "").strip()
            if raw:
                ids.append(safe_student_id(raw))
    return ids


def _timestamp(value) -> float:
    """:created_at (YAML gives a datetime; a string if the format is unusual) -> seconds; 0 when unknown."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip().replace(" Z", "+00:00").replace("Z", "+00:00"))
        except ValueError:
            return 0.0
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp()
    return 0.0
