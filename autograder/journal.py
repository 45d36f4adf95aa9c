"""DIR/journal.jsonl: what a rerun of the same batch skips, and what it grades again.

One fsync'd line per finished submission: its key (student/lab/notebook), a fingerprint of its content and its
Result. A rerun after a crash or `kill -9` skips every submission whose fingerprint is unchanged, so each ends
with exactly one grade record; a submission whose notebook changed since (a corrected resubmission) is graded again.
A line cut short by a crash is ignored: that submission is graded again.
"""
from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from autograder.contracts import Result
from autograder.intake import Rejected, Submission, Superseded


def key(item: Submission | Rejected | Superseded) -> str:
    """The journal's key for an item: a graded submission by student, lab and notebook; anything not graded
    (a rejected file, a superseded hand-in) by where it came from too, since a student may have several."""
    base = f"{item.student}/{item.lab}/{item.notebook}"
    return base if isinstance(item, Submission) else base + "#" + hashlib.sha1(item.origin.encode()).hexdigest()[:8]


def fingerprint(item: Submission | Rejected | Superseded) -> str:
    """A hash of the item's notebook (for one that is not graded, of the reason why): what tells a change."""
    text = json.dumps(item.content, sort_keys=True) if isinstance(item, Submission) else item.reason
    return hashlib.sha256(text.encode()).hexdigest()[:16]


@dataclass
class Recorded:
    """One journal line: the fingerprint of what was graded ('' in a journal older than fingerprints) and its result."""

    content: str
    result: Result


class Journal:
    """The journal file, read once when opened; `add` appends and fsyncs one line."""

    def __init__(self, path: Path):
        self.path = path
        self.done: dict[str, Recorded] = {}
        if path.exists():
            for line in path.read_text().splitlines():
                try:
                    entry = json.loads(line)
                    self.done[entry["key"]] = Recorded(entry.get("content", ""), Result.from_json(entry["result"]))
                except (ValueError, KeyError, TypeError):
                    continue  # cut short by a crash, or from an older grader: that submission is graded again
        self._handle = open(path, "a")

    def add(self, key: str, content: str, result: Result) -> None:
        self._handle.write(json.dumps({"key": key, "content": content, "result": result.to_json()}) + "\n")
        self._handle.flush()
        os.fsync(self._handle.fileno())
        self.done[key] = Recorded(content, result)

    def close(self) -> None:
        self._handle.close()
