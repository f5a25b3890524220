"""Reading and validating inputs/: strict YAML, pydantic models, cross-file and policy checks."""
