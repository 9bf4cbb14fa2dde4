from . import matrix  # noqa: F401  (answers pulse segments asking for matrix quadrants)
