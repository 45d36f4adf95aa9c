"""solutions/ -> labs/: build the solution notebooks from their sources, then nbgrader's generate_assignment."""
from __future__ import annotations

import tempfile
from pathlib import Path

from nbgrader.apps import NbGraderAPI

from autograder.build import build
from autograder.course import REPO, Lab, find_labs, nbgrader_config


class ReleaseError(RuntimeError):
    """nbgrader could not generate a student version."""


def release(labs: list[Lab] | None = None, solutions: Path = REPO / "solutions", out: Path = REPO / "labs",
            rebuild_solutions: bool = True) -> list[Path]:
    """Regenerate the student notebooks of `labs` under `out/<lab>/`; returns the notebooks written."""
    labs = labs or find_labs(solutions)
    if rebuild_solutions:
        build(labs)
    with tempfile.TemporaryDirectory(prefix="mitdl-release-") as tmp:
        config = nbgrader_config(Path(tmp), f"sqlite:///{tmp}/gradebook.db", source=solutions, release=out)
        api = NbGraderAPI(config=config)
        for lab in labs:
            result = api.generate_assignment(lab.name, force=True, create=True)
            if not result["success"]:
                raise ReleaseError(f"{lab.name}: {result.get('log')}\n{result.get('error')}")
    return sorted(path for lab in labs for path in (out / lab.name).glob("*.ipynb"))
