"""The code's shape: no import cycles, no private names across modules, and the README's walk of a grade true."""
import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PACKAGES = ("autograder", "mitdl_utils")


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (REPO / package).rglob("*.py"):
            parts = path.relative_to(REPO).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module, names imported from it) for every import in the file, at any depth (function-level too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [alias.name for alias in node.names]))
    return found


def _own(name: str) -> str | None:
    """The repository module `name` is, or is inside of (None for third-party modules)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _graph() -> dict[str, set[str]]:
    graph = {}
    for module, path in MODULES.items():
        targets = set()
        for imported, names in _imports(path):
            for name in [f"{imported}.{n}" for n in names] + [imported]:
                own = _own(name)
                if own and own != module and not module.startswith(own + "."):
                    targets.add(own)
                    break
        graph[module] = targets
    return graph


def _cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                return path + [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def test_the_cycle_finder_finds_a_cycle():
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": set()}) is None


def test_no_module_of_the_packages_imports_itself_back_through_others():
    assert _cycle(_graph()) is None


def test_no_private_name_is_imported_from_another_module():
    offenders = []
    for module, path in MODULES.items():
        for imported, names in _imports(path):
            if _own(imported) and _own(imported) != module:
                offenders += [f"{module}: from {imported} import {n}" for n in names
                              if n.startswith("_") and not n.startswith("__")]
    assert offenders == []


def _module_aliases(path: Path, module: str) -> set[str]:
    """Names in the file bound to another repository module (`from autograder import sandbox`, `import x as y`)."""
    aliases = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            aliases |= {alias.asname or alias.name for alias in node.names
                        if f"{node.module}.{alias.name}" in MODULES and f"{node.module}.{alias.name}" != module}
        elif isinstance(node, ast.Import):
            aliases |= {alias.asname for alias in node.names if alias.asname and alias.name in MODULES}
    return aliases


def test_no_private_name_of_another_module_is_used_through_its_module():
    offenders = []
    for module, path in MODULES.items():
        aliases = _module_aliases(path, module)
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases \
                    and node.attr.startswith("_") and not node.attr.startswith("__"):
                offenders.append(f"{module}: {node.value.id}.{node.attr}")
    assert offenders == []


def _walk_table() -> list[tuple[str, str]]:
    text = (REPO / "README.md").read_text()
    section = text.split("## How a grade is made", 1)[1].split("\n## ", 1)[0]
    rows = [line.split("|") for line in section.splitlines() if line.startswith("| ") and "`" in line]
    return [(row[1].strip(), re.search(r"`([^`]+)`", row[2]).group(1)) for row in rows]


def test_the_readme_walks_a_grade_through_at_most_eight_files_that_exist():
    files = [file for _, file in _walk_table()]
    assert 5 <= len(set(files)) <= 8
    for file in files:
        concrete = file.replace("NN_name/name", "01_perceptron/perceptron").replace("labs/name", "labs/perceptron")
        assert (REPO / concrete).exists(), file


def test_each_step_of_the_walk_lives_in_the_file_the_readme_names():
    table = dict(_walk_table())
    where = {"sanitize": ("sanitize", "autograder.sanitize"), "run and judge": ("judge", "autograder.engine"),
             "the wire": ("RemoteNamespace", "autograder.remote"),
             "the checks": ("run_exercise", "mitdl_utils.checking"),
             "apply verdicts, save grades": ("apply_verdicts", "autograder.record")}
    import importlib

    for step, (name, module) in where.items():
        assert table[step] == module.replace(".", "/") + ".py"
        assert hasattr(importlib.import_module(module), name)
    from autograder import record

    for name in ("save_grades", "write_grades_csv"):
        assert hasattr(record, name)
