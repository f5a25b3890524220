"""The comment register: one row per returned comment or change, with an ID that survives re-saving, in a
file that stays the team's.

- :mod:`.columns` declares the register's columns, and which of them the tool owns;
- :mod:`.rows` makes the rows of returned files (stable IDs) and counts them;
- :mod:`.table` decides what an import changes (the tool's cells of known rows, appended rows);
- :mod:`.csvfile`, :mod:`.xlsxfile`, :mod:`.jsonfile` read each format and apply those changes to the
  file's own bytes;
- :mod:`.update` updates a file safely (office locks, a lock per register, backups, atomic replacement).

The public entry points are :func:`update_register`, :func:`read_register` and :func:`check_register`.
"""

from strategy_builder.review.register.columns import (
    COLUMNS, COMMENTS_SCHEMA, COMMENTS_SCHEMA_VERSION, DISPOSITIONS, ID_COLUMN, Column, RegisterRow,
    normalise_disposition,
)
from strategy_builder.review.register.rows import identity, rows_from_returns, summarise
from strategy_builder.review.register.table import RegisterRefused
from strategy_builder.review.register.update import (
    BACKUP_DIR, FORMATS, OfficeLock, RegisterRows, RegisterUpdate, check_register, office_lock, open_in_office,
    read_register, update_register,
)

__all__ = ["BACKUP_DIR", "COLUMNS", "COMMENTS_SCHEMA", "COMMENTS_SCHEMA_VERSION",
           "Column", "DISPOSITIONS", "FORMATS", "ID_COLUMN", "OfficeLock",
           "RegisterRefused", "RegisterRow", "RegisterRows", "RegisterUpdate", "check_register", "identity",
           "normalise_disposition", "office_lock", "open_in_office", "read_register", "rows_from_returns", "summarise",
           "update_register"]
