"""Models of this app (see its docstrings)."""
