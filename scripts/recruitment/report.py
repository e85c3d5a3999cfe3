"""Render findings for people (text), programs (JSON) and GitHub Actions (annotations).

The JSON shape is stable and documented in README.md::

    {"valid": bool, "package": str, "version": str, "counts": {rule: n}, "total": n,
     "listed": n,
     "findings": [{"file", "line", "column", "rule", "message", "row", "title", "fix"}]}

Every string a contribution controls (paths, cells, names, library messages quoting them)
goes through :func:`clean` before it is printed, and every line this module prints goes
through :func:`guard`, so no output line can start a GitHub workflow command (``::…``) or
a legacy one (``##[…``), in any format. At most :data:`limits.MAX_LISTED` findings are
listed; the rest are counted by rule, so the counts stay exact.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from itertools import groupby

from .findings import Finding, as_findings
from .limits import MAX_LISTED

FORMAT_CHARACTERS = (
    "\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f"
)
"""Every Unicode format character (category Cf: zero-width, joiners, direction overrides and
isolates, byte-order mark, soft hyphen, tags), as the body of a regex character class;
the validator reports each as ``text/format-character`` and every output escapes it, so
a name never displays as something else than it is. A test checks it against unicodedata."""
UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f\u2028\u2029{FORMAT_CHARACTERS}]")
"""Characters no output line shows raw: controls, line separators, format characters."""
_RAW_IN_JSON = re.compile(f"[\x7f-\x9f\u2028\u2029{FORMAT_CHARACTERS}]")


def escape_char(ch: str) -> str:
    """``ch`` as \\uXXXX (\\UXXXXXXXX beyond the BMP): how diff and validate show it."""
    return f"\\u{ord(ch):04x}" if ord(ch) <= 0xFFFF else f"\\U{ord(ch):08x}"


def json_escape(ch: str) -> str:
    """``ch`` as JSON's \\uXXXX escape (a surrogate pair beyond the BMP)."""
    if ord(ch) <= 0xFFFF:
        return f"\\u{ord(ch):04x}"
    n = ord(ch) - 0x10000
    return f"\\u{0xD800 + (n >> 10):04x}\\u{0xDC00 + (n & 0x3FF):04x}"


def _escape(match: re.Match) -> str:
    ch = match.group()
    return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(ch) or (
        f"\\x{ord(ch):02x}" if ord(ch) < 0xA0 else escape_char(ch)
    )


def visible(text: object) -> str:
    """``text`` on one line, every control, line-break and format (direction-changing,
    zero-width) character spelled out as an escape: the one escape of every line the
    pipeline prints (Markdown, JSON and workflow commands add their own syntax on top)."""
    return UNSAFE.sub(_escape, str(text))


def clean(text: object) -> str:
    """:func:`visible`, and ``##[`` broken so the line cannot start a workflow command."""
    return visible(text).replace("##[", "##\\[")


def guard(line: str) -> str:
    """A printed line that would read as a workflow command is prefixed so it cannot."""
    return f"| {line}" if line.lstrip().startswith(("::", "##[")) else line


def _lines(lines: list[str]) -> str:
    """Lines whose contributor parts are already clean(ed), each guarded."""
    return "".join(guard(clean(line)) + "\n" for line in lines)


def left_out(
    findings: Iterable[Finding], limit: int | None = None
) -> tuple[list[Finding], str | None]:
    """The findings to list (at most ``limit``, :data:`MAX_LISTED` by default), and a
    sentence counting the others by rule (None if none)."""
    findings = as_findings(findings)
    limit = MAX_LISTED if limit is None else limit
    listed = findings.listed[:limit]
    if findings.total <= len(listed):
        return listed, None
    rest = findings.counts - Counter(f.rule for f in listed)
    by_rule = ", ".join(f"{rule} {n:,}" for rule, n in sorted(rest.items()))
    return listed, (
        f"{findings.total - len(listed):,} more finding(s) not listed ({by_rule}); "
        f"the first {len(listed):,} are shown. Fix these and run again."
    )


def as_text(findings: Iterable[Finding], package: str = "") -> str:
    findings = as_findings(findings)
    if not findings:
        return _lines([f"valid: {package or 'the package'} passed every check."])
    listed, rest = left_out(findings)
    out = []
    for file, group in groupby(listed, key=lambda f: f.file):
        items = list(group)
        out.append(f"{clean(file)}: {len(items)} problem(s)")
        for f in items:
            where = f"line {f.line}" if f.line else "file"
            where += f" ({clean(f.row)})" if f.row else ""
            col = f", column {clean(f.column)}" if f.column else ""
            out.append(f"  {where}{col}: [{f.rule}] {f.title}")
            out.append(f"      {clean(f.message)}")
            out.append(f"      fix: {f.fix}")
    if rest:
        out.append(f"\n... {rest}")
    out.append(f"\ninvalid: {findings.total} problem(s) in {len(findings.files)} file(s).")
    return _lines("\n".join(out).split("\n"))


def as_json(findings: Iterable[Finding], package: str = "", version: str = "", **extra) -> str:
    findings = as_findings(findings)
    listed, _ = left_out(findings)
    doc = {
        "valid": not findings and not extra.get("other_problems"),
        "package": package,
        "version": version,
        "counts": dict(sorted(findings.counts.items())),
        "total": findings.total,
        "listed": len(listed),
        **extra,
        "findings": [f.to_dict() for f in listed],
    }
    return json_dumps(doc)


def json_dumps(doc: object) -> str:
    """The one JSON writer of command output: indented, UTF-8, and every character that
    could break a line or hide (json escapes C0 controls but leaves C1 controls, U+2028,
    U+2029 and format characters raw) as a \\u escape; the document reads the same."""
    text = json.dumps(doc, indent=2, ensure_ascii=False)
    return _RAW_IN_JSON.sub(lambda m: json_escape(m.group()), text) + "\n"


def _escape_data(text: str) -> str:
    return clean(text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: Iterable[Finding], package: str = "") -> str:
    """One ``::error`` workflow command per finding, escaped as @actions/core escapes them."""
    findings = as_findings(findings)
    listed, rest = left_out(findings)
    lines = []
    for f in listed:
        props = [f"file={_escape_property(f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        place = ", ".join(x for x in (f.row, f.column) if x)
        title = f"{f.rule}" + (f" ({place})" if place else "") + f": {f.title}"
        props.append(f"title={_escape_property(title)}")
        lines.append(f"::error {','.join(props)}::{_escape_data(f'{f.message} Fix: {f.fix}')}")
    if rest:
        lines.append(f"::error title=more findings::{_escape_data(rest)}")
    if not findings:
        lines.append(f"::notice title=valid::{_escape_data(package)} passed every check.")
    return "\n".join(lines) + "\n"


FORMATS = {"text": as_text, "json": as_json, "github": as_github}
