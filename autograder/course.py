"""Where things are: the repository's labs, their notebooks, and nbgrader's configuration."""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config

REPO = Path(__file__).resolve().parent.parent  # the checkout, when this package is not installed from a wheel
COURSE_ENV = "MITDL_COURSE"  # names the course folder (the one with solutions/) where nothing else does
SOURCE_SUFFIX = ".lab.py"
FRAMEWORKS = {"tensorflow": "tf", "torch": "torch"}  # framework -> notebook-name suffix
FRAMEWORK_LABELS = {"tensorflow": "TensorFlow", "torch": "PyTorch"}
# stderr lines from the frameworks that must not count as output of a graded cell
# (framework logs, and tqdm progress bars, which print to stderr when no widget can be shown)
IGNORED_STDERR = r"(?:[^\n]*(?:tensorflow|cuda|oneDNN|cpu_feature_guard|absl|XLA|TF-TRT|rebuild TensorFlow|"\
    r"WARNING: All log messages|computation placer|Unable to register|it/s\]|s/it\]|\d+%\|)[^\n]*\n)+"


@dataclass(frozen=True)
class Repository:
    """Where Colab badges open the notebooks and what the Colab setup cell installs: the project's one setting,
    `[project.urls] Repository` and `[tool.mitdl-labs] colab-ref` in pyproject.toml (a fork changes those two
    lines and runs `python -m autograder release`)."""

    url: str  # https://github.com/<owner>/<name>
    ref: str  # the tag or commit the badges open and the setup cell installs (a release's, not a moving branch)

    @property
    def owner_name(self) -> str:
        return self.url.removeprefix("https://github.com/").strip("/")


def repository(pyproject: Path | None = None) -> Repository:
    """The Repository that `pyproject` (default: the checkout's pyproject.toml) declares."""
    import tomllib

    project = tomllib.loads((pyproject or REPO / "pyproject.toml").read_text())
    return Repository(url=project["project"]["urls"]["Repository"], ref=project["tool"]["mitdl-labs"]["colab-ref"])


@dataclass(frozen=True)
class Lab:
    """One lab: `solutions/<name>/<stem>.lab.py` -> one notebook per framework."""

    name: str  # assignment name, e.g. "01_perceptron"
    source: Path  # the single source file

    @property
    def stem(self) -> str:
        return self.source.name[: -len(SOURCE_SUFFIX)]

    def notebook_name(self, framework: str) -> str:
        return f"{self.stem}_{FRAMEWORKS[framework]}"

    @property
    def notebook_names(self) -> list[str]:
        return [self.notebook_name(fw) for fw in FRAMEWORKS]


def find_labs(solutions: Path = REPO / "solutions") -> list[Lab]:
    """Every lab under `solutions/`, in order."""
    return [Lab(path.parent.name, path) for path in sorted(solutions.glob(f"*/*{SOURCE_SUFFIX}"))]


class CourseNotFound(FileNotFoundError):
    """No folder with the course's sources (solutions/*/*.lab.py) was named or found."""


def course_root(explicit: Path | None = None) -> Path:
    """The course folder, whose solutions/*/*.lab.py (and solution notebooks) the grader reads: `explicit`
    (`grade --source`), else $MITDL_COURSE, else the checkout holding this package, else the current folder
    or the nearest parent of it that has them. The sources never ship in the wheel students install."""
    for named, how in ((explicit, "--source"), (os.environ.get(COURSE_ENV), f"${COURSE_ENV}")):
        if named:
            if not find_labs(Path(named) / "solutions"):
                raise CourseNotFound(f"{how} {named}: no solutions/*/*{SOURCE_SUFFIX} there")
            return Path(named).resolve()
    for folder in (REPO, Path.cwd(), *Path.cwd().parents):
        if find_labs(folder / "solutions"):
            return folder
    raise CourseNotFound(f"no course sources (solutions/*/*{SOURCE_SUFFIX}) beside the installed package, in the "
                         f"current folder or its parents: name the course folder with --source DIR or ${COURSE_ENV}")


def lab_of_notebook(notebook_name: str, labs: list[Lab] | None = None) -> Lab | None:
    """The lab that has a notebook called `notebook_name` (without .ipynb), or None."""
    for lab in labs or find_labs():
        if notebook_name in lab.notebook_names:
            return lab
    return None


def nbgrader_config(root: Path, db_url: str, source: Path = REPO / "solutions", release: Path = REPO / "labs",
                    cell_timeout: int = 120) -> Config:
    """nbgrader's settings for a course rooted at `root` (its submitted/, autograded/, feedback/)."""
    _put_environment_tools_on_path()
    c = Config()
    c.CourseDirectory.root = str(root)
    c.CourseDirectory.course_id = "mitdl-labs"
    c.CourseDirectory.db_url = db_url
    c.CourseDirectory.source_directory = str(source)
    c.CourseDirectory.release_directory = str(release)
    c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", f"*{SOURCE_SUFFIX}"]
    c.GenerateAssignment.create_assignment = True
    c.Autograde.create_student = True
    c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    c.Execute.timeout = cell_timeout
    c.Execute.allow_errors = True
    c.Execute.interrupt_on_timeout = True
    c.IgnorePattern.pattern = IGNORED_STDERR
    return c


def _put_environment_tools_on_path() -> None:
    """nbgrader runs `alembic` (gradebook migrations) from PATH: make it this environment's."""
    bin_dir = str(Path(sys.executable).parent)
    if bin_dir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = bin_dir + os.pathsep + os.environ.get("PATH", "")
