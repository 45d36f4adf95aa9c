import sys

# jsonschema checks the "iri" string formats only when the optional rfc3987_syntax is importable, and importing
# it compiles 39 lark grammars (about 1 s of every command's start). No schema this process checks (nbformat's,
# nbgrader's cell metadata) uses a string format, so the grader's own process goes without it.
sys.modules.setdefault("rfc3987_syntax", None)

from autograder.cli import main  # noqa: E402

raise SystemExit(main())
