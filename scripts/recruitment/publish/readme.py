"""Text in README.md that is generated from the data, between markers, by one command.

A valid new row must never fail CI because a hand-written count went stale: the counts
table lives between ``<!-- BEGIN generated: counts … -->`` and ``<!-- END generated:
counts -->``, ``recruitment readme`` (run by ``make``) rewrites it, and the test suite
fails only when the committed README differs from a fresh render, naming that command.
"""

from __future__ import annotations

import re
from pathlib import Path

from .. import limits
from ..core.snapshot import FolderSource, Snapshot, load
from ..paths import read_published

README = "README.md"
REGENERATE = "recruitment readme"


def _block(name: str) -> re.Pattern:
    return re.compile(
        rf"(<!-- BEGIN generated: {name} [^\n]*-->\n)(.*?)(<!-- END generated: {name} -->)",
        re.S,
    )


def render_counts(snap: Snapshot) -> str:
    """One row per table, in descriptor order: the number of data rows in its CSV."""
    lines = ["| table | rows |", "| --- | --- |"]
    lines += [f"| {name} | {len(table.rows)} |" for name, table in snap.tables.items()]
    return "\n".join(lines) + "\n"


def render_facts(snap: Snapshot) -> str:
    """The sentences of 'What is in the data' that count rows (they would go stale by hand)."""
    events = snap.tables.get("events")
    if events is None or not events.rows:
        return "- The package has no events yet.\n"
    n = len(events.rows)
    basis = {b: sum(r.get("date_basis") == b for r in events.rows) for b in BASES}
    reports: dict[str, set[str]] = {}
    for r in events.rows:
        reports.setdefault(r.get("event_key", ""), set()).add(r.get("source_id", ""))
    shared = sum(len(s) > 1 for s in reports.values())
    return (
        f"- {basis['stated']} of {n} event dates are stated in the text; "
        f'{basis["relative"]} are resolved from relative words ("on Monday", "last '
        'autumn") by [one resolver](scripts/recruitment/checks/dates.py) and '
        f"{basis['inferred']} are inferred, each with its reasoning in `notes`.\n"
        f"- The {n} events rows report {len(reports)} happenings (`event_key`); {shared} of "
        "them are reported by more than one article (the `happenings` view lists them).\n"
    )


BASES = ("stated", "relative", "inferred")

BLOCKS = {"counts": render_counts, "facts": render_facts}
"""Generated blocks by name; README.md must hold the markers of each."""


def render(root: Path, text: str) -> str:
    """``text`` (README.md's content) with every generated block rendered afresh."""
    snap = load(FolderSource(Path(root)))
    for name, fn in BLOCKS.items():
        pattern = _block(name)
        if not pattern.search(text):
            raise ValueError(
                f"{README} has no '<!-- BEGIN generated: {name} -->' ... "
                f"'<!-- END generated: {name} -->' markers"
            )
        body = fn(snap)
        text = pattern.sub(lambda m, body=body: m[1] + body + m[3], text, count=1)
    return text


def read(root: Path) -> str:
    """README.md's text, read as the package's own file (no symlink, bounded)."""
    data = read_published(Path(root), README, limits.PUBLISHED_MAX_BYTES)
    if data is None:
        raise FileNotFoundError(f"{README} does not exist in {root}")
    return data.decode("utf-8")


def write(root: Path) -> tuple[Path, bool]:
    """Regenerate README.md's blocks; returns the path and whether anything changed.
    The new text replaces the file (written beside it, then renamed over it)."""
    path = Path(root) / README
    old = read(root)
    new = render(root, old)
    if new != old:
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.unlink(missing_ok=True)
        with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
            fh.write(new)
        tmp.replace(path)
    return path, new != old


RELEASE_README = """# {title}, version {version}

{description}

Every file is in this folder; every snippet below runs from it.

## What each file is

| file | what it is |
| --- | --- |
| `csv/<table>.csv` | each table as CSV: UTF-8, LF, a header, sorted by primary key |
| `parquet/<table>.parquet` | the same rows, typed (dates as DATE, integers as int64) |
| `recruitment.duckdb` | all tables, keys and comments; `seed_lines`, `changes`, `meta`; \
the views {views}; DuckDB {oldest} or newer |
| `datapackage.json` | the Data Package descriptor: Table Schemas, `sha256:` hashes, \
version, build commit |
| `codebook.md` | every table, column and code, with its meaning |
| `CHANGES.md` | what changed since the previous version, row by row first |
| `CITATION.cff` | how to cite this version |
| `LICENSE-DATA.md`, `LICENSE` | the data's licence (CC-BY-4.0) and the pipeline code's (MIT) |
| `SHA256SUMS` | the SHA-256 of every other file |

## Check the download

Every line must end in `OK`:

```sh
sha256sum -c SHA256SUMS            # macOS: shasum -a 256 -c SHA256SUMS
```

## Where the evidence lives

Every row cites a line of a news article with a verbatim `quote` (`source_id`, `line`).
The articles are not in this folder (they are third-party texts, under neither licence):
their lines are in `recruitment.duckdb`, table `seed_lines`, so the line a row cites is
one join away, and `quote_context(id)` shows the lines around it. The repository keeps
the articles themselves, pinned by SHA-256 (`sources.sha256`).

## Open it

DuckDB (command line):

```sh
duckdb -readonly recruitment.duckdb \\
  -c "SELECT key, value FROM meta WHERE key IN ('version', 'changes_note')" \\
  -c "SELECT figure_id, measure, qualifier, value, claimant FROM estimates LIMIT 5"
```

Python with DuckDB:

```python
import duckdb

con = duckdb.connect("recruitment.duckdb", read_only=True)
estimates = con.sql("SELECT * FROM estimates ORDER BY as_of_start").fetchall()
corrections = con.sql("SELECT * FROM changes").fetchall()
```

pandas (Parquet keeps the types):

```python
import pandas as pd

figures = pd.read_parquet("parquet/figures.parquet", dtype_backend="pyarrow")
```

polars:

```python
import polars as pl

figures = pl.read_parquet("parquet/figures.parquet")
```

R (untested; base R reads the CSV, the `arrow` package the Parquet files):

```r
figures <- read.csv("csv/figures.csv", na.strings = "", fileEncoding = "UTF-8")
str(figures)
```

A code misspelt in a `WHERE` (`measure = 'casualty'`) returns no rows rather than an
error: look the code up in its code list (`SELECT * FROM measures`) or in `codebook.md`.

## Cite it

{citation}

## Licence

The curated rows, schemas and metadata: CC-BY-4.0 (`LICENSE-DATA.md`). The pipeline code
that built them: MIT (`LICENSE`).
"""


def release_readme(pkg) -> str:
    """README.md of the release folder: what each file is, how to check and open it from
    that folder, where the evidence lives, how to cite it, the licences."""
    from ..core.views import view_sql
    from .export import DUCKDB_OLDEST_READER

    d = pkg.descriptor
    return RELEASE_README.format(
        title=" ".join(str(d.get("title", pkg.name)).split()),
        version=pkg.version,
        description=" ".join(str(d.get("description", "")).split()),
        views=", ".join(f"`{v}`" for v in view_sql(pkg)),
        oldest=DUCKDB_OLDEST_READER,
        citation=(
            f"Cite as `CITATION.cff` says, with the version ({pkg.version}); "
            f"`datapackage.json` names the package (`{pkg.name}`) and the commit it was "
            "built from."
        ),
    )
