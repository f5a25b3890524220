"""The only layer that reads or writes raw OOXML: packages, bookmarks, revisions, comments, properties.

Everything above it handles pydantic models, ``str`` and ``Path``.
"""
