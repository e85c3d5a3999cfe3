"""Add a seed article: copy it into seeds/ byte for byte and append its ``sources`` row.

The article's path is the user's own (read as given); everything written stays inside the
package: seeds/ and the sources CSV must be real folders and files under the package root,
not symlinks, and the new seed is created exclusively (never over an existing file). The
sources row's columns come from the sources Table Schema; the publication date is filled
only where one of the first lines states it ("date 2023-03-30", "Published: March 30,
2023"), with the words as its citation.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..checks.provenance import seed_files
from ..core.package import load_package
from ..errors import RecruitmentError
from ..paths import SEEDS_DIR, Refusal, confine, read_bounded
from ..report import clean
from .ids import next_ids
from .spans import dates, quote_for

DATE_LINES = 5
"""How many non-blank lines at the top of an article may state its publication date."""
_DATE_LEAD = re.compile(r"\s*(?:(?:date|dated|published|posted|updated)\b:?\s*)?", re.I)


class Refused(RecruitmentError):
    """The article cannot be added; the message says why and what to do."""

    def message(self) -> str:
        return f"error: {clean(self)}. Nothing was added."


@dataclass
class Added:
    source_id: str
    seed_file: str
    sha256: str
    row: dict
    csv_line: int
    """Line of the new row in the sources CSV (the header is line 1)."""
    date_stated: bool


def add_source(root: Path, article: Path) -> Added:
    """Copy ``article`` into ``root``/seeds and append its sources row; raise Refused."""
    root = Path(root).resolve()
    _inside(root, "data", folder=True)  # a data/ linked out is refused before anything reads it
    pkg, findings = load_package(root)
    if pkg is None or "sources" not in pkg.resources:
        raise Refused("the package metadata does not load; run recruitment validate first")
    sources = pkg.resources["sources"]
    seeds_dir = _inside(root, SEEDS_DIR, folder=True)
    csv_path = _inside(root, sources.path, folder=False)
    data = _read_article(Path(article))
    digest = hashlib.sha256(data).hexdigest()
    header, rows = _read_sources(csv_path, sources.field_names)
    for rel in seed_files(root):
        real = confine(root, rel, limits.SEED_MAX_BYTES)  # a FIFO or link out is not read
        if isinstance(real, Refusal):
            continue
        if hashlib.sha256(read_bounded(real, limits.SEED_MAX_BYTES)).hexdigest() == digest:
            raise Refused(f"the article is already in the package as {rel}")
    for row in rows:
        if row.get("sha256") == digest:
            raise Refused(f"the article is already pinned by {row.get('source_id')}")

    numbered = [re.match(r"(\d+)_", Path(f).name) for f in seed_files(root)]
    floor = max((int(m.group(1)) + 1 for m in numbered if m), default=0)
    ids = [r.get("source_id") for r in rows]
    source_id = next(
        next_ids(sources.field("source_id").constraints.get("pattern", ""), ids, floor, True)
    )
    number = int(re.search(r"\d+$", source_id).group()) if source_id else floor
    name = f"{number:03d}_{digest[:16]}.txt"
    rel = f"{SEEDS_DIR}/{name}"

    text = data.decode("utf-8")
    row = dict.fromkeys(sources.field_names)
    row.update(source_id=source_id, seed_file=rel, sha256=digest)
    stated = _stated_date(text, row)
    if not stated:
        _first_line_citation(text, row)

    _create(seeds_dir / name, data)
    try:
        _append(csv_path, header, row)
    except BaseException:
        (seeds_dir / name).unlink()
        raise
    return Added(source_id, rel, digest, row, len(rows) + 2, stated)


def left_to_record(root: Path, seed_file: str) -> tuple[dict[int, list[str]], int]:
    """What ``recruitment coverage`` reports for one seed: {line: spans (numbers, dates and
    statements) in reading order}, and how many other problems the package has."""
    from ..checks.coverage import uncovered
    from ..checks.validate import validate
    from .suggest import loaded_tables

    result = validate(root)
    spans = (
        uncovered(result.con, result.package, loaded_tables(result))
        if result.package is not None and result.con is not None
        else []
    )
    left: dict[int, list[str]] = {}
    for span in sorted(spans, key=lambda s: (s.line, s.start)):
        if span.seed_file == seed_file:
            left.setdefault(span.line, []).append(span.text)
    others = result.findings.select(lambda rule: not rule.startswith("coverage/"))
    return dict(sorted(left.items())), others.total


def _inside(root: Path, rel: str, folder: bool) -> Path:
    """``root/rel``, refusing a symlink on the way or a place outside the package."""
    path = root
    for part in Path(rel).parts:
        path = path / part
        if path.is_symlink():
            raise Refused(
                f"{path.relative_to(root)} is a symlink; the package writes only into "
                "its own folders (replace the link with a real folder)"
            )
    if not path.resolve().is_relative_to(root):
        raise Refused(f"{rel} resolves outside the package")
    if folder:
        path.mkdir(exist_ok=True)
    elif not path.is_file():
        raise Refused(f"{rel} does not exist; restore it (git checkout) first")
    return path


def _read_article(path: Path) -> bytes:
    """The article's bytes: a regular file (a FIFO or device is refused, never waited on)."""
    try:  # O_NONBLOCK: opening a FIFO returns at once, and fstat then refuses it
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise Refused(f"{path} cannot be opened ({err.strerror})") from err
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{path} is not a regular file (a FIFO, device or folder)")
        if st.st_size > limits.SEED_MAX_BYTES:
            raise Refused(
                f"{path} is {st.st_size:,} bytes, over the seed limit of "
                f"{limits.SEED_MAX_BYTES:,}; a news article is a few kilobytes: is this the "
                "right file?"
            )
        data = fh.read(limits.SEED_MAX_BYTES + 1)
    if len(data) > limits.SEED_MAX_BYTES:
        raise Refused(f"{path} is over the seed limit of {limits.SEED_MAX_BYTES:,} bytes")
    if not data.strip():
        raise Refused(f"{path} is empty; a seed is the text of an article")
    if data.startswith(b"\xef\xbb\xbf"):
        raise Refused(f"{path} starts with a byte-order mark; save it as UTF-8 without BOM")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise Refused(
            f"{path} is not UTF-8 text (byte {err.start}); convert it first, e.g. "
            "iconv -f latin1 -t utf-8"
        ) from err
    if "\x00" in text:
        raise Refused(f"{path} holds NUL bytes: it is not a text file")
    return data


def _read_sources(path: Path, fields: list[str]) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        rows = list(reader)
        header = reader.fieldnames or []
    if header != fields:
        raise Refused(f"{path.name}'s header is not the schema's; run recruitment validate")
    return header, rows


def _stated_date(text: str, row: dict) -> bool:
    """Fill the published_* columns from a date one of the first lines states."""
    lines = [(n, line) for n, line in enumerate(text.split("\n"), 1) if line.strip()]
    for n, line in lines[:DATE_LINES]:
        lead = _DATE_LEAD.match(line)
        for expr in dates(line):
            if expr.start != lead.end() or expr.facts.get("basis") != "stated":
                continue
            start = len(line) - len(line.lstrip())
            quoted = line[start : expr.end]
            if len(quoted) < 8:
                quoted, _ = quote_for(line, expr.start, expr.end) or (None, 0)
            if quoted is None:
                continue
            row.update(
                published_start=expr.facts["start"],
                published_end=expr.facts["end"],
                published_precision=expr.facts["precision"],
                published_text=expr.text,
                published_basis="stated",
                line=n,
                quote=quoted,
            )
            return True
    return False


def _first_line_citation(text: str, row: dict) -> None:
    """Cite the first line that has a quotable clause (line and quote are required)."""
    for n, line in enumerate(text.split("\n"), 1):
        stripped = line.strip()
        if not stripped:
            continue
        at = line.find(stripped[0])
        quoted = quote_for(line, at, at + 1)
        if quoted:
            row.update(line=n, quote=quoted[0])
            return
    raise Refused("no line of the article has a clause of 8 characters or more to cite")


def _create(path: Path, data: bytes) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def _append(path: Path, header: list[str], row: dict) -> None:
    """Append one row, written as the validator wants it (UTF-8, LF), via a new file that
    replaces the old one whole."""
    old = path.read_bytes()
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(
        ["" if row[h] is None else str(row[h]) for h in header]
    )
    new = old + (b"" if old.endswith(b"\n") else b"\n") + out.getvalue().encode("utf-8")
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    _create(tmp, new)
    os.replace(tmp, path)


def report_lines(root: Path, added: Added) -> Iterator[tuple[str, bool]]:
    """What ``recruitment add-source`` prints, as (line, on stderr) in order: the row added,
    then what :func:`left_to_record` finds still to record (read after the first lines are
    out, so they are shown even if that read fails)."""
    row = added.row
    yield (
        f"added {added.seed_file} as {added.source_id} (sha256 {added.sha256}); "
        f"its sources row is line {added.csv_line} of the sources CSV.",
        False,
    )
    if added.date_stated:
        yield (
            f"publication date: {row['published_start']} ({row['published_precision']}, "
            f"stated on line {row['line']}: {clean(repr(row['quote']))}).",
            False,
        )
    else:
        yield (
            "publication date: not stated in the first lines; fill published_start, "
            "published_end, published_precision, published_basis (inferred, with notes) "
            "where the text allows, and set line/quote to the words you cite "
            f"(now line {row['line']}).",
            False,
        )
    left, others = left_to_record(root, added.seed_file)
    if left:
        count = sum(map(len, left.values()))
        yield f"left to record or exclude ({count} span(s), as recruitment coverage says):", False
        for line, spans in left.items():
            yield f"  line {line}: {', '.join(clean(repr(s)) for s in spans)}", False
    else:
        yield (
            "coverage: every number, date and statement in the new seed is recorded or excluded.",
            False,
        )
    if others:
        yield f"note: {others} other problem(s); run recruitment validate.", True
    yield f"next: recruitment suggest {added.source_id}", False
