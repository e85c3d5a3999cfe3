"""Render findings for people (text), programs (JSON) and GitHub Actions (annotations).

The JSON shape is stable and documented in README.md::

    {"valid": bool, "package": str, "version": str, "counts": {rule: n},
     "findings": [{"file", "line", "column", "rule", "title", "message", "fix"}]}
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import groupby

from .findings import Finding


def as_text(findings: list[Finding], package: str = "") -> str:
    if not findings:
        return f"valid: {package or 'the package'} passed every check.\n"
    out = []
    for file, group in groupby(findings, key=lambda f: f.file):
        items = list(group)
        out.append(f"{file}: {len(items)} problem(s)")
        for f in items:
            where = f"line {f.line}" if f.line else "file"
            col = f", column {f.column}" if f.column else ""
            out.append(f"  {where}{col}: [{f.rule}] {f.title}")
            out.append(f"      {f.message}")
            out.append(f"      fix: {f.fix}")
    total = len(findings)
    files = len({f.file for f in findings})
    out.append(f"\ninvalid: {total} problem(s) in {files} file(s).")
    return "\n".join(out) + "\n"


def as_json(findings: list[Finding], package: str = "", version: str = "") -> str:
    doc = {
        "valid": not findings,
        "package": package,
        "version": version,
        "counts": dict(sorted(Counter(f.rule for f in findings).items())),
        "findings": [f.to_dict() for f in findings],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(findings: list[Finding], package: str = "") -> str:
    """One ``::error`` workflow command per finding, escaped as @actions/core escapes them."""
    lines = []
    for f in findings:
        props = [f"file={_escape_property(f.file)}"]
        if f.line:
            props.append(f"line={f.line}")
        title = f"{f.rule}" + (f" ({f.column})" if f.column else "") + f": {f.title}"
        props.append(f"title={_escape_property(title)}")
        lines.append(f"::error {','.join(props)}::{_escape_data(f'{f.message} Fix: {f.fix}')}")
    if not findings:
        lines.append(f"::notice title=valid::{_escape_data(package)} passed every check.")
    return "\n".join(lines) + "\n"


FORMATS = {"text": as_text, "json": as_json, "github": as_github}
