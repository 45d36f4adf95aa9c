"""One sub-package per lab: `EXERCISES` (framework-neutral tests and hints) and
`reference_tensorflow` / `reference_torch` (reference implementations)."""
