"""Where each test cell of a foreign nbgrader course runs: in the clean judge, or in the student's process.

A test cell runs in the judge (autograder.cell_judge) unless it cannot run there as it would in the student's
kernel. That is decided from the assignment's own notebook (the instructor's source), never from a submission, so
no student can move a test into their own process. A test cell runs in the student's process when

  - it is not plain Python (IPython magics, `get_ipython()`);
  - it imports a module that is one of the assignment's own files (the judge never runs those);
  - it deletes a name, or rebinds one that the notebook's own cells bind (`del squares`; a mock in its place):
    the student's code would have to see that change;
  - a later cell running in the student's process uses a name that it binds and that no other cell binds;
  - run in the judge on the instructor's solution, it does not pass (`calibrated`): it needs something of the
    student's objects that is not data (their truth value, `len`, `isinstance`, equality with data).

Also read off the assignment's notebook: the names it binds by an import (the judge imports them itself) and the
builtins' names it defines (those are the student's).
"""
from __future__ import annotations

import ast
import builtins
from dataclasses import dataclass, field

IPYTHON_NAMES = frozenset({"get_ipython", "display"})  # names only a kernel has


@dataclass
class CellNames:
    """The names one code cell binds, deletes, reads and imports."""

    python: bool = True  # plain Python: it parses, and uses none of IPYTHON_NAMES
    binds: set[str] = field(default_factory=set)  # at the top level, by any statement
    imported: dict[str, list] = field(default_factory=dict)  # the top-level names it binds by an import -> target
    assigned: set[str] = field(default_factory=set)  # the top-level names it binds otherwise (=, def, class, for...)
    deleted: set[str] = field(default_factory=set)  # `del NAME` at the top level
    reads: set[str] = field(default_factory=set)  # every name it reads, at any depth
    modules: set[str] = field(default_factory=set)  # the top-level packages of what it imports


class _TopLevel(ast.NodeVisitor):
    """Collects a cell's top-level bindings; function, class and comprehension bodies are scopes of their own."""

    def __init__(self, names: CellNames):
        self.names = names

    def visit_FunctionDef(self, node):
        self.names.assigned.add(node.name)
        for decorator in node.decorator_list:
            self.visit(decorator)

    visit_AsyncFunctionDef = visit_ClassDef = visit_FunctionDef

    def visit_Lambda(self, node):
        pass

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_Lambda

    def visit_Name(self, node):
        if isinstance(node.ctx, ast.Store):
            self.names.assigned.add(node.id)
        elif isinstance(node.ctx, ast.Del):
            self.names.deleted.add(node.id)

    def visit_Import(self, node):
        for alias in node.names:
            top = alias.name.split(".")[0]
            self.names.imported[alias.asname or top] = [alias.name if alias.asname else top, None]
            self.names.modules.add(top)

    def visit_ImportFrom(self, node):
        if node.level or not node.module:
            return  # a relative import: of the assignment's own files
        self.names.modules.add(node.module.split(".")[0])
        for alias in node.names:
            if alias.name != "*":
                self.names.imported[alias.asname or alias.name] = [node.module, alias.name]


def names_of(source: str) -> CellNames:
    """What one code cell's source binds, deletes, reads and imports."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return CellNames(python=False)
    names = CellNames()
    _TopLevel(names).visit(tree)
    names.reads = {node.id for node in ast.walk(tree) if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load)}
    names.binds = names.assigned | set(names.imported)
    names.python = not (names.reads & IPYTHON_NAMES)
    return names


@dataclass
class Cell:
    """A code cell of the assignment's notebook: its test's grade id (None: not an autograded test) and source."""

    test: str | None
    source: str


def place(cells: list[Cell], own_modules: set[str], calibrated: dict[str, str] | None = None) -> dict[str, str]:
    """-> grade id -> why that test cell runs in the student's process, for each that does (the others run in the
    judge). `own_modules`: the modules that are files of the assignment; `calibrated`: grade id -> why it failed
    in the judge on the assignment's own solution."""
    names = [names_of(cell.source) for cell in cells]
    bound_by_notebook = set().union(*(n.binds for c, n in zip(cells, names) if c.test is None))
    assigned_by_notebook = set().union(*(n.assigned for c, n in zip(cells, names) if c.test is None))
    placed: dict[str, str] = {}
    for cell, found in zip(cells, names):
        if cell.test is None:
            continue
        reason = None
        if not found.python:
            reason = "it is not plain Python (IPython magics or get_ipython)"
        elif found.modules & own_modules:
            reason = f"it imports {sorted(found.modules & own_modules)[0]}, a file of the assignment"
        elif found.deleted:
            reason = f"it deletes the notebook's name {sorted(found.deleted)[0]!r}"
        elif found.assigned & assigned_by_notebook:
            reason = f"it rebinds the notebook's name {sorted(found.assigned & assigned_by_notebook)[0]!r}"
        elif calibrated and cell.test in calibrated:
            reason = f"on the assignment's own solution it does not pass in the judge ({calibrated[cell.test]})"
        if reason:
            placed[cell.test] = reason
    changed = True
    while changed:  # a test cell whose names a later cell in the student's process uses goes there too
        changed = False
        for i, (cell, found) in enumerate(zip(cells, names)):
            if cell.test is None or cell.test in placed:
                continue
            used = {name for later, later_names in zip(cells[i + 1:], names[i + 1:])
                    if later.test is None or later.test in placed
                    for name in found.binds & later_names.reads} - bound_by_notebook
            if used:
                placed[cell.test] = f"the notebook's later cells use its name {sorted(used)[0]!r}"
                changed = True
    return placed


def judge_imports(cells: list[Cell], own_modules: set[str]) -> dict[str, list]:
    """The names the assignment's notebook binds only by an import of a module that is not one of its files
    -> [module, attribute or None]: the judge imports them itself."""
    names = [names_of(cell.source) for cell in cells]
    assigned = set().union(*(n.assigned for n in names))
    imports: dict[str, list] = {}
    for found in names:
        for name, target in found.imported.items():
            if name not in assigned and target[0].split(".")[0] not in own_modules:
                imports.setdefault(name, target)
    return imports


def builtins_defined(cells: list[Cell]) -> list[str]:
    """The builtins' names the assignment's own cells (not its tests) define: there the student's are used."""
    defined = set().union(*(names_of(cell.source).assigned for cell in cells if cell.test is None))
    return sorted(defined & set(dir(builtins)))
