"""The limits that keep validation bounded in time and memory, whatever a contribution holds.

Each is documented in README.md ("Limits"); a file over its limit is a finding, never read.
"""

from __future__ import annotations

CSV_MAX_BYTES = 2 * 1024**3
"""Largest data/*.csv file read (2 GiB: about 6 million figure rows)."""

SEED_MAX_BYTES = 8 * 1024**2
"""Largest seed article read or added by `add-source` (8 MiB; a news article is a few KiB)."""

CODELIST_MAX_BYTES = 1024**2
"""Largest code list (data/measures.csv, units.csv, …) read (1 MiB: thousands of codes).
Code lists are read whole by the codebook, the site, suggest and the messages."""

JSON_MAX_BYTES = 4 * 1024**2
"""Largest datapackage.json or Table Schema read (4 MiB)."""

JSON_MAX_DEPTH = 32
"""Deepest nesting of objects and arrays accepted in a descriptor or schema."""

PUBLISHED_MAX_BYTES = 4 * 1024**2
"""Largest CITATION.cff, CHANGELOG.md, licence or codebook read to publish it (4 MiB)."""

DIST_FILE_MAX_BYTES = 16 * 1024**3
"""Largest file of a built dist/ that `release` packs (16 GiB; the DuckDB file of 1M figure
rows is a few hundred MiB)."""

MAX_COLUMNS = 1_000
"""Most fields a Table Schema may declare (and so most columns a header may have)."""

PATTERN_MAX_LENGTH = 1_000
"""Most characters of a schema pattern's text."""

PATTERN_MAX_SIZE = 256
"""Most characters a schema pattern may match with its counted repetitions expanded
(``[0-9a-f]{64}`` is 64; ``(.{0,100}){0,10}`` is 1,001): RE2 matches in linear time, but
its factor grows with that size (see patterns.py), from over 100 MiB/s to about 25 KiB/s."""

SNAPSHOT_FILE_MAX_BYTES = 256 * 1024**2
"""Largest file a snapshot of the package at a git ref reads for ``diff`` (a CSV of about
half a million rows)."""

SNAPSHOT_JSON_MAX_BYTES = 16 * 1024**2
"""Largest descriptor or Table Schema a snapshot reads."""

MAX_SEED_FILES = 100_000
"""Most files looked at under seeds/ when listing them."""

MAX_LISTED = 1_000
"""Findings listed in full by a report; the rest are counted, by rule, never dropped silently."""
