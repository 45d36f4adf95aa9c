"""Does a student's code use the course's reference implementations? A syntax-tree scan, not a word search.

What counts as use (`reference_use` returns the reason):
  - a module `mitdl_utils.labs.<lab>.reference_<framework>` (or anything inside it) reached through
    `import`, `from ... import` (`from mitdl_utils.labs.dense import reference_torch` too), an attribute
    chain (`mitdl_utils.labs.dense.reference_torch`, also from an alias: `import mitdl_utils.labs as L`,
    `L.dense.reference_torch`), `__import__(...)`, `importlib.import_module(...)` (with a constant
    `package=` for a relative name) or `sys.modules[...]`;
  - the `reference` attribute of a lab object: `lab.reference`, `getattr(lab, "reference")`,
    `vars(lab)["reference"]`, `lab.__dict__["reference"]`.
    A lab object is the name `lab` (what the course's setup cell binds; a student's own object called
    `lab` counts too), whatever `open_lab(...)` or `Lab(...)` returns, and every name assigned one of
    these (`l = lab`, `a, l = 1, lab`, `(l := lab)`), followed through any number of assignments.
    `reference` on anything else (`self.reference = x` in a student's class, `config.reference`) is honest.
Names and constant strings are followed the same way through `getattr`, string concatenation and
f-strings of constants, `exec`/`eval`/`compile` of a constant string and IPython magics (`%time ...`).
Everything else is honest: "reference" in names, comments, strings, docstrings, dict keys, attributes.
Not followed (a static scan cannot follow every path): names built at run time, a lab object passed through
a function's argument (other than one called `lab`), a container or another object's attribute.
"""
from __future__ import annotations

import ast
import re
from collections.abc import Iterable

LAB = "<lab>"  # the path of a lab object; every value is a dotted path such as "mitdl_utils.labs.dense"
REFERENCE = re.compile(r"^(?:mitdl_utils\.labs\.[^.]+\.reference_|<lab>\.reference(?:\.|$))")
OPENERS = {"mitdl_utils.open_lab", "mitdl_utils.lab.open_lab", "mitdl_utils.Lab", "mitdl_utils.lab.Lab"}
IMPORTERS = {"__import__", "builtins.__import__", "importlib.__import__", "importlib.import_module"}
CODE_RUNNERS = {"exec", "eval", "compile", "run_line_magic", "run_cell_magic", "run_cell"}  # also IPython's
MAX_DEPTH = 12  # segments of a path; keeps `x = x.a` from growing for ever


def reference_use(sources: Iterable[str]) -> str | None:
    """The reason, e.g. "the code uses the course's reference implementation: lab.reference", when the code
    in `sources` (a notebook's code cells, read as one program) uses a reference implementation, else None."""
    trees = [tree for source in sources for tree in _trees(source)]
    scope = _Scope(trees)
    for tree in trees:
        for path in scope.touched(tree):
            if REFERENCE.match(path):
                return f"the code uses the course's reference implementation: {path.replace(LAB, 'lab')}"
    return None


def _python(source: str) -> str:
    """A cell's source as plain Python (IPython's magics and shell escapes become calls)."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # IPython gives up on some malformed cells; ast.parse decides then
        return source


def _parse(source: str) -> ast.AST | None:
    """The cell's syntax tree, read as IPython runs it; None if it does not parse (then it runs nothing).
    Code that is already plain Python is what IPython runs (its transforms change only magics, shell escapes,
    `?` help and prompts, none of them Python), so only a cell that does not parse is transformed first."""
    try:
        return ast.parse(source)
    except (SyntaxError, ValueError):
        pass
    try:
        return ast.parse(_python(source))
    except (SyntaxError, ValueError):
        return None


def _trees(source: str) -> list[ast.AST]:
    """The cell's syntax tree and those of the constant code it runs (exec, eval, magics); [] if it
    does not parse (then it runs nothing)."""
    tree = _parse(source)
    if tree is None:
        return []
    trees = [tree]
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and _called(node) in CODE_RUNNERS:
            for argument in node.args:
                text = _constant_string(argument)
                if text is not None:
                    trees.extend(_trees(text))
    return trees


def _called(call: ast.Call) -> str:
    """The called function's own name: "exec" for exec(...), "run_line_magic" for get_ipython().run_line_magic(...)."""
    return call.func.id if isinstance(call.func, ast.Name) else getattr(call.func, "attr", "")


def _constant_string(node: ast.AST) -> str | None:
    """The value of a string made of constants only ("a", "a" + "b", f"{'a'}b"), else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _constant_string(node.left), _constant_string(node.right)
        return left + right if left is not None and right is not None else None
    if isinstance(node, ast.JoinedStr):
        parts = [_constant_string(v.value if isinstance(v, ast.FormattedValue) else v) for v in node.values]
        return "".join(parts) if None not in parts else None
    return None


class _Scope:
    """What each name may hold, as dotted paths, over the whole program (flow-insensitive, all cells)."""

    def __init__(self, trees: list[ast.AST]):
        self.names: dict[str, set[str]] = {"lab": {LAB}}
        self.star_modules: set[str] = set()  # `from M import *`: an unbound name n may be M.n
        bindings = [node for tree in trees for node in ast.walk(tree)
                    if isinstance(node, (ast.Assign, ast.AnnAssign, ast.NamedExpr, ast.Import, ast.ImportFrom))]
        for _ in range(10):  # until nothing new is learnt (alias chains in any order)
            before = {name: set(paths) for name, paths in self.names.items()}
            for node in bindings:
                self._bind(node)
            if self.names == before:
                break

    def _bind(self, node: ast.AST) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    self._add(alias.asname, {alias.name})
                else:
                    top = alias.name.split(".")[0]
                    self._add(top, {top})
        elif isinstance(node, ast.ImportFrom):
            if node.level or not node.module:
                return
            for alias in node.names:
                if alias.name == "*":
                    self.star_modules.add(node.module)
                else:
                    self._add(alias.asname or alias.name, {f"{node.module}.{alias.name}"})
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                self._assign(target, node.value)
        elif node.value is not None:  # AnnAssign, NamedExpr
            self._assign(node.target, node.value)

    def _assign(self, target: ast.AST, value: ast.AST) -> None:
        if isinstance(target, ast.Name):
            self._add(target.id, self.resolve(value))
        elif isinstance(target, (ast.Tuple, ast.List)) and isinstance(value, (ast.Tuple, ast.List)) \
                and len(target.elts) == len(value.elts):
            for one_target, one_value in zip(target.elts, value.elts):
                self._assign(one_target, one_value)

    def _add(self, name: str, paths: set[str]) -> None:
        paths = {p for p in paths if p.count(".") < MAX_DEPTH}
        if paths:
            self.names.setdefault(name, set()).update(paths)

    def resolve(self, node: ast.AST) -> set[str]:
        """The paths an expression may evaluate to (empty when it is none the scan follows)."""
        if isinstance(node, ast.Name):
            return self.names.get(node.id) or {node.id} | {f"{m}.{node.id}" for m in self.star_modules}
        if isinstance(node, ast.Attribute):
            return self._member(self.resolve(node.value), node.attr)
        if isinstance(node, ast.NamedExpr):
            return self.resolve(node.value)
        if isinstance(node, ast.IfExp):
            return self.resolve(node.body) | self.resolve(node.orelse)
        if isinstance(node, ast.BoolOp):
            return set().union(*(self.resolve(v) for v in node.values))
        if isinstance(node, ast.Subscript):
            key, container = _constant_string(node.slice), self.resolve(node.value)
            if key is None:
                return set()
            modules = {key} if "sys.modules" in container else set()
            return modules | {p[: -len(".__dict__")] + "." + key for p in container if p.endswith(".__dict__")}
        if isinstance(node, ast.Call):
            return self._call(node)
        return set()

    def _member(self, paths: set[str], name: str) -> set[str]:
        return {f"{p}.{name}" for p in paths}

    def _call(self, call: ast.Call) -> set[str]:
        function = self.resolve(call.func)
        if function & OPENERS:
            return {LAB}
        args = [_constant_string(a) for a in call.args]
        if "getattr" in function and len(call.args) >= 2 and args[1] is not None:
            return self._member(self.resolve(call.args[0]), args[1])
        if "vars" in function and len(call.args) == 1:
            return self._member(self.resolve(call.args[0]), "__dict__")
        if function & IMPORTERS and args and args[0] is not None:
            if "importlib.import_module" in function:
                module = _absolute(args[0], args[1] if len(args) > 1 else _keyword(call, "package"))
            else:
                module = args[0]
            return {module, module.split(".")[0]}  # __import__("a.b") returns the package a
        return set()

    def touched(self, tree: ast.AST):
        """Every path the code in `tree` reaches: imported modules and names, and each expression's value."""
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                yield from (alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
                yield from (f"{node.module}.{alias.name}" for alias in node.names)
            elif isinstance(node, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
                yield from self.resolve(node)
                if isinstance(node, ast.Call) and self.resolve(node.func) & IMPORTERS:
                    yield from self._imported_names(node)

    def _imported_names(self, call: ast.Call):
        """`__import__("m", fromlist=["reference_torch"])`: the names it takes from the module."""
        args = [_constant_string(a) for a in call.args]
        module = args[0] if args else None
        fromlist = next((k.value for k in call.keywords if k.arg == "fromlist"), call.args[3] if len(call.args) > 3
                        else None)
        if module and isinstance(fromlist, (ast.List, ast.Tuple)):
            for element in fromlist.elts:
                name = _constant_string(element)
                if name is not None:
                    yield f"{module}.{name}"


def _keyword(call: ast.Call, name: str) -> str | None:
    """The constant string passed as keyword `name`, else None."""
    for keyword in call.keywords:
        if keyword.arg == name:
            return _constant_string(keyword.value)
    return None


def _absolute(name: str, package: str | None) -> str:
    """importlib's relative names: ".reference_torch" in package "mitdl_utils.labs.dense"."""
    if not name.startswith(".") or not package:
        return name
    dots = len(name) - len(name.lstrip("."))
    base = package.split(".")[: len(package.split(".")) - dots + 1]
    return ".".join(base + [name.lstrip(".")])
