"""Read one CSV resource as a table of strings, or say precisely why its structure is broken.

Row checks need exact line numbers: a finding must name the physical line a contributor sees
in their editor. That holds when every record is one line, so blank lines, line breaks
inside cells and ragged rows are reported here, with their lines, and the file's rows are
then not checked further (a contributor fixes the structure first). Byte-level problems
(encoding, BOM, NUL, CRLF) are found with whole-buffer operations; parsing is pyarrow's.
"""

from __future__ import annotations

import csv
import hashlib
from array import array
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from .. import limits
from ..core.package import Resource, refusal_finding
from ..core.sqltypes import ARROW_TYPE, FALSE_VALUES, TRUE_VALUES
from ..findings import Finding, Findings
from ..paths import Refusal, confine, read_bounded

RAGGED = "csv/ragged-row"
LINE_COLUMN = "__line"
"""Column added to every loaded table: the physical CSV line of the row (header is line 1)."""


@dataclass
class CsvTable:
    table: object | None
    """A pyarrow Table of strings with :data:`LINE_COLUMN`, or None when rows cannot be checked."""
    findings: Findings | list[Finding]
    partial: bool = False
    """True when ragged rows were left out of ``table`` (the findings name them): the other
    rows are checked, but no reference to this table is judged missing."""


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _byte_findings(rel: str, data: bytes) -> tuple[list[Finding], bool]:
    """Findings about the raw bytes, and whether parsing can go on."""
    out: list[Finding] = []
    if data.startswith(b"\xef\xbb\xbf"):
        out.append(Finding(rel, 1, None, "csv/bom", "The file starts with a UTF-8 BOM."))
    nul = data.find(b"\x00")
    if nul >= 0:
        out.append(Finding(rel, _line_of(data, nul), None, "csv/nul", "NUL byte; is it UTF-16?"))
        return out, False
    if b"\r" in data and data.replace(b"\r\n", b"").find(b"\r") >= 0:
        at = data.find(b"\r", 0)
        while data[at : at + 2] == b"\r\n":
            at = data.find(b"\r", at + 1)
        out.append(
            Finding(
                rel,
                _line_of(data, at),
                None,
                "csv/line-ending",
                "A carriage return inside the line.",
            )
        )
        return out, False
    crlf = data.find(b"\r\n")
    if crlf >= 0:
        n = data.count(b"\r\n")
        out.append(
            Finding(
                rel,
                _line_of(data, crlf),
                None,
                "csv/line-ending",
                f"{n} line(s) end with CRLF, the first is this one.",
            )
        )
    return out, True


def encoding_finding(rel: str, data: bytes) -> Finding | None:
    """Where the bytes stop being UTF-8, if they do (only called once pyarrow said so)."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 4]
        return Finding(
            rel,
            _line_of(data, err.start),
            None,
            "csv/encoding",
            f"Bytes {bad!r} are not UTF-8 (Latin-1 or Windows-1252 text?).",
        )
    return None


def _blank_lines(rel: str, data: bytes) -> Findings:
    """The first MAX_LISTED blank lines as findings, and how many there are in all."""
    kept, at, line = [], 0, 1
    start = data.find(b"\n\n")
    while start >= 0 and len(kept) < limits.MAX_LISTED:
        line += data.count(b"\n", at, start)  # counted from the previous one: linear
        at = start
        kept.append(Finding(rel, line + 1, None, "csv/blank-line", "Blank line."))
        start = data.find(b"\n\n", start + 1)
    total = len(kept) if start < 0 else _newline_pairs(data)
    return Findings.of(kept, {(rel, "csv/blank-line"): total})


def _newline_pairs(data: bytes, chunk: int = 1 << 26) -> int:
    """How many newlines are followed by another (each is a blank line), counted with numpy
    a chunk at a time (memory stays at a few times ``chunk``, whatever the file's size)."""
    import numpy as np

    bytes_ = np.frombuffer(data, dtype=np.uint8)
    total = 0
    for start in range(0, max(len(bytes_) - 1, 0), chunk):
        newline = bytes_[start : start + chunk + 1] == 10
        total += int(np.count_nonzero(newline[:-1] & newline[1:]))
    return total


HEADER_NAMES_SHOWN = 10


def _listed(names: list[str], show=str) -> str:
    """At most HEADER_NAMES_SHOWN names, then how many more: a 100,000-column header stays short."""
    shown = ", ".join(show(n[:60]) for n in names[:HEADER_NAMES_SHOWN])
    more = len(names) - HEADER_NAMES_SHOWN
    return shown + (f" and {more:,} more" if more > 0 else "")


def _header_findings(rel: str, header: list[str], expected: list[str]) -> list[Finding]:
    """Compare the header with the schema's fields in linear time, however wide it is."""
    if header == expected:
        return []
    parts = []
    have, want = set(header), set(expected)
    missing = [n for n in expected if n not in have]
    unknown = [n for n in header if n not in want]
    twice = sorted(n for n, k in Counter(header).items() if k > 1)
    if missing:
        parts.append(f"missing {_listed(missing)}")
    if unknown:
        parts.append(f"unknown {_listed(unknown, repr)}")
    if twice:
        parts.append(f"repeated {_listed(twice, repr)}")
    if not parts:
        parts.append("columns are in another order")
    return [
        Finding(
            rel,
            1,
            None,
            "csv/header",
            f"Header {'; '.join(parts)}. Expected: {','.join(expected)}",
        )
    ]


def read_csv(root: Path, resource: Resource, sha256: str | None = None) -> CsvTable:
    """Parse ``resource``'s CSV into strings; empty cells become null.

    With ``sha256`` (a validated state's, from the cache) the bytes read must hash to it:
    a file that changed since it was validated raises OSError rather than be loaded.
    """
    rel = resource.path
    real = confine(root, rel, limits.CSV_MAX_BYTES)
    if isinstance(real, Refusal):
        return CsvTable(None, [refusal_finding(rel, real)])
    data = read_bounded(real, limits.CSV_MAX_BYTES)
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        raise OSError(f"{rel} changed since it was validated; run the command again")
    byte_findings, parsable = _byte_findings(rel, data)
    findings = Findings(byte_findings)
    if not parsable:
        return CsvTable(None, findings)
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    end = data.find(b"\n")
    try:
        first = data[: end if end >= 0 else len(data)].rstrip(b"\r").decode("utf-8")
    except UnicodeDecodeError:
        findings.add(encoding_finding(rel, data))
        return CsvTable(None, findings)
    if not first:
        findings.add(Finding(rel, 1, None, "csv/empty", "No header line."))
        return CsvTable(None, findings)
    try:
        header = next(csv.reader([first]))
    except csv.Error as err:
        findings.add(Finding(rel, 1, None, "csv/header", f"The header cannot be read: {err}."))
        return CsvTable(None, findings)
    findings += _header_findings(rel, header, resource.field_names)
    if findings.counts["csv/header"]:
        findings += _blank_lines(rel, data)
        return CsvTable(None, findings)
    if end < 0:  # the header and nothing else, with no final newline (pyarrow cannot skip it)
        findings.add(Finding(rel, 1, None, "csv/no-rows", "Only a header line."))
        return CsvTable(None, findings)
    table, parse_findings, one_line_each = _parse(rel, data, resource)
    # Every newline ends a row of the table: there is no blank line to look for.
    blanks = Findings() if one_line_each else _blank_lines(rel, data)
    findings += blanks
    findings += parse_findings
    if blanks or table is None:
        return CsvTable(None, findings)
    return CsvTable(table, findings, partial=bool(parse_findings))


def read_typed(root: Path, resource: Resource, sha256: str):
    """A CSV of a state that validated, parsed straight into its types (no checks).

    Every cell is then one of the lexical forms the validation accepted, which pyarrow
    parses to the values DuckDB's casts give. The bytes read must hash to ``sha256``,
    else the file changed since it was validated and OSError is raised.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    rel = resource.path
    real = confine(root, rel, limits.CSV_MAX_BYTES)
    if isinstance(real, Refusal):
        raise OSError(f"{rel}: {real.message}")
    data = read_bounded(real, limits.CSV_MAX_BYTES)
    if hashlib.sha256(data).hexdigest() != sha256:
        raise OSError(f"{rel} changed since it was validated; run the command again")
    names = resource.field_names
    types = {f.name: pa.type_for_alias(ARROW_TYPE[f.type]) for f in resource.fields}
    block = 1 << 20
    while True:
        try:
            table = pcsv.read_csv(
                pa.BufferReader(data),
                read_options=pcsv.ReadOptions(block_size=block, column_names=names, skip_rows=1),
                parse_options=pcsv.ParseOptions(newlines_in_values=False),
                convert_options=pcsv.ConvertOptions(
                    column_types=types,
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                    true_values=list(TRUE_VALUES),
                    false_values=list(FALSE_VALUES),
                ),
            )
        except pa.ArrowInvalid as err:
            if "straddling" in str(err) and block < len(data) + 1:
                block = len(data) + 1
                continue
            raise OSError(f"{rel} changed since it was validated ({err})") from err
        break
    lines = pa.array(range(2, 2 + table.num_rows), type=pa.int64())
    return table.append_column(LINE_COLUMN, lines)


def _clear(invalid: list, counts: Counter, ragged: array) -> None:
    """Forget the invalid rows of a parse that is done again."""
    invalid.clear()
    counts.clear()
    del ragged[:]


def _parse(rel: str, data: bytes, resource: Resource):
    """(table or None, findings, whether every line of the file is one row of the table).

    The first parse assumes what is true of almost every file: no cell holds a line break,
    so pyarrow may cut its blocks at any newline (faster). If that parse is not clean
    (an invalid row, an error, or fewer rows than lines), the file is parsed again allowing
    line breaks in quoted cells, and its findings come from that parse alone.
    """
    import pyarrow as pa
    import pyarrow.csv as pcsv

    invalid: list[Finding] = []
    """The first MAX_LISTED invalid rows (pyarrow reports them in line order when parsing
    on one thread); ``invalid_counts`` counts all of them."""
    invalid_counts: Counter[tuple[str, str]] = Counter()
    ragged = array("q")
    """The line of every ragged row (8 bytes each), so the rows kept can be numbered."""

    def on_invalid(row) -> str:
        text = row.text or ""
        if text.count('"') % 2:
            rule, what = "csv/unclosed-quote", "A quote opened on this line is never closed."
        else:
            rule = RAGGED
            what = f"{row.actual_columns} cells, expected {row.expected_columns}."
            if row.number is not None:  # a threaded parse numbers no row; it is redone
                ragged.append(row.number)
        invalid_counts[(rel, rule)] += 1
        if len(invalid) < limits.MAX_LISTED:
            invalid.append(Finding(rel, row.number, None, rule, what))
        return "skip"

    names = resource.field_names
    lines_in_file = data.count(b"\n") - (1 if data.endswith(b"\n") else 0)
    block = 1 << 22
    threads = True
    newlines_in_values = False
    while True:
        try:
            table = pcsv.read_csv(
                pa.BufferReader(data),
                read_options=pcsv.ReadOptions(
                    use_threads=threads, block_size=block, column_names=names, skip_rows=1
                ),
                parse_options=pcsv.ParseOptions(
                    newlines_in_values=newlines_in_values, invalid_row_handler=on_invalid
                ),
                convert_options=pcsv.ConvertOptions(
                    column_types={n: pa.string() for n in names},
                    null_values=[""],
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                ),
            )
        except pa.ArrowInvalid as err:
            if not newlines_in_values:
                newlines_in_values = True
                _clear(invalid, invalid_counts, ragged)
                continue
            bad_bytes = encoding_finding(rel, data) if "UTF8" in str(err) else None
            if bad_bytes:
                return None, [bad_bytes], False
            if "straddling" in str(err) and block < len(data) + 1:
                block = len(data) + 1  # a very long line: read it in one block
                _clear(invalid, invalid_counts, ragged)
                continue
            return (
                None,
                [Finding(rel, None, None, "csv/parse", str(err).splitlines()[0])],
                False,
            )
        if not newlines_in_values and (invalid or table.num_rows != lines_in_file):
            newlines_in_values = True
            _clear(invalid, invalid_counts, ragged)
            continue
        if invalid and threads:
            # Row numbers are only known to a single-threaded parse: redo it, on this
            # error path only, so the findings name their lines.
            threads = False
            _clear(invalid, invalid_counts, ragged)
            continue
        break

    findings = Findings.of(invalid, invalid_counts)
    one_line_each = table.num_rows + len(ragged) + invalid_counts[(rel, "csv/unclosed-quote")] == (
        lines_in_file
    )
    if invalid:
        if one_line_each and table.num_rows and not invalid_counts[(rel, "csv/unclosed-quote")]:
            # Every record is one line, so the rows kept are the lines not skipped: they
            # are checked as usual, and the ragged rows are reported beside them.
            import pyarrow.compute as pc

            every = pa.array(range(2, 2 + lines_in_file), pa.int64())
            kept = every.filter(pc.invert(pc.is_in(every, pa.array(ragged, pa.int64()))))
            return table.append_column(LINE_COLUMN, kept), findings, True
        return None, findings, False
    if not one_line_each:  # some cell spans lines: find which
        import pyarrow.compute as pc

        joined = pc.binary_join_element_wise(*[table[m].fill_null("") for m in names], "")
        before = pc.subtract(
            pc.cumulative_sum(pc.count_substring(joined, "\n")), pc.count_substring(joined, "\n")
        )
        for n in names:
            hits = pc.match_substring_regex(table[n].fill_null(""), r"\r|\n")
            first = pc.indices_nonzero(hits).slice(0, limits.MAX_LISTED).to_pylist()
            findings += Findings.of(
                (
                    Finding(
                        rel,
                        2 + i + before[i].as_py(),
                        n,
                        "csv/newline-in-field",
                        "The cell holds a line break.",
                    )
                    for i in first
                ),
                {(rel, "csv/newline-in-field"): pc.sum(hits).as_py() or 0},
            )
        return None, findings, False
    if table.num_rows == 0 and not findings:
        findings.add(Finding(rel, 1, None, "csv/no-rows", "Only a header line."))
        return None, findings, one_line_each
    lines = pa.array(range(2, 2 + table.num_rows), type=pa.int64())
    return table.append_column(LINE_COLUMN, lines), findings, one_line_each
