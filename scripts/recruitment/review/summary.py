"""The pull request's job summary: every finding, the data diff and the version gate.

GitHub shows at most 10 error annotations per step, so later findings of
``validate --format github`` vanish without a hint. The job summary
(``$GITHUB_STEP_SUMMARY``) has no such cap: :func:`render` lists the counts and the first
1,000 findings (the rest counted by rule) with file, line, column, rule and fix, then the
Markdown diff against the base and the version gate's verdict. GitHub drops a step
summary over 1 MiB whole, so the text is cut at :data:`SUMMARY_MAX_BYTES`, with a count
of the lines it leaves out; the counts and the gate's verdict are always kept. Contributor
text is escaped as in :mod:`recruitment.diff`: no raw HTML, no line a workflow command
could start.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..findings import Finding, Findings, as_findings
from ..report import as_text, left_out
from .diff import PackageDiff, as_markdown, compare, md, md_code

SUMMARY_MAX_BYTES = 1_000_000
"""Largest job summary written: GitHub refuses a step summary over 1 MiB (1,048,576 bytes)."""
MESSAGE_LIMIT = 2_000
"""Characters of one finding's message shown in the summary."""


def finding_line(f: Finding) -> str:
    where = md_code(f"{f.file}:{f.line}" if f.line else f.file)
    column = f" column {md_code(f.column)}" if f.column else ""
    return (
        f"- {where}{column} **{md(f.rule)}** {md(f.title)}: {md(f.message, MESSAGE_LIMIT)} "
        f"**Fix:** {md(f.fix)}"
    )


def render_findings(findings: Iterable[Finding], package: str) -> list[str]:
    head, listing = _findings_parts(as_findings(findings), package)
    return head + listing


def _findings_parts(findings: Findings, package: str) -> tuple[list[str], list[str]]:
    """(the heading and the counts by rule, which are always shown; the listing)."""
    if not findings:
        return ["## Validation: valid", "", f"{md(package)} passed every check.", ""], []
    head = [
        f"## Validation: {findings.total} problem(s) in {len(findings.files)} file(s)",
        "",
        "| rule | problems |",
        "| --- | ---: |",
    ]
    head += [f"| {md(rule)} | {n} |" for rule, n in sorted(findings.counts.items())]
    listed, rest = left_out(findings)
    what = (
        f"Every finding ({findings.total})"
        if rest is None
        else f"The first {len(listed):,} findings of {findings.total:,}"
    )
    listing = ["", f"{what}; the annotations on the files stop at 10 a step:", ""]
    listing += [finding_line(f) for f in listed]
    if rest:
        listing += ["", md(rest)]
    return head, [*listing, ""]


def render_gate(gate: list[Finding], required: str) -> list[str]:
    if not gate:
        return ["## Version gate: passed", "", f"Required bump: {required}.", ""]
    out = [f"## Version gate: {len(gate)} problem(s)", ""]
    out += [finding_line(f) for f in gate]
    return [*out, ""]


def gate_report(findings: list[Finding], fmt: str, required: str) -> str:
    """The version gate's verdict after ``recruitment diff --check-version``'s text or
    Markdown output (the Markdown is :func:`render_gate`'s, as in the job summary)."""
    if fmt == "markdown":  # the job summary's section, after the diff's
        return "\n" + "\n".join(render_gate(findings, required))
    if not findings:
        return f"\nversion gate: passed (required bump: {required}).\n"
    return "\nversion gate:\n" + as_text(findings, "")


def compared(base: str | None, root: Path) -> tuple[PackageDiff | None, list | None, str | None]:
    """(the diff of the working tree against ``base``, its version gate, None), or (None,
    None, why) when a side cannot be read: the summary then says so instead of failing."""
    from ..core.snapshot import SourceError, load, open_source
    from .versioning import check

    try:
        base_src, head_src = open_source(base, root, default_base=True), open_source(None, root)
        diff = compare(load(base_src), load(head_src))
        return diff, check(diff, head_src), None
    except SourceError as err:
        return None, None, str(err)


def render(
    findings: Iterable[Finding],
    package: str,
    diff: PackageDiff | None,
    gate: list[Finding] | None,
    problem: str | None = None,
    limit: int = 100,
) -> str:
    head, body = _findings_parts(as_findings(findings), package)
    if diff is not None:
        body += as_markdown(diff, limit).split("\n")
    if problem:
        body += ["## Data changes", "", f"Not compared: {md(problem)}", ""]
    tail = render_gate(gate, diff.required_bump) if gate is not None and diff is not None else []
    return fit(head, body, tail, SUMMARY_MAX_BYTES)


def _size(lines: list[str]) -> int:
    return sum(len(x.encode()) + 1 for x in lines)


def fit(head: list[str], body: list[str], tail: list[str], budget: int) -> str:
    """``head``, as many lines of ``body`` as fit in ``budget`` bytes, then ``tail``: the
    lines left out are counted in a note, and a ``<details>`` they would have closed is
    closed, so the tail never ends up folded inside it."""
    room = budget - _size(head) - _size(tail) - 400  # the note and a closing tag
    kept: list[str] = []
    for i, line in enumerate(body):
        room -= len(line.encode()) + 1
        if room < 0:
            left = body[i:]
            opened = sum(x.startswith("<details>") for x in kept)
            opened -= sum(x.startswith("</details>") for x in kept)
            kept += ["", "</details>", ""] * max(opened, 0)
            kept += [
                "",
                f"**{len(left):,} more line(s) of this summary ({_size(left):,} bytes) are left "
                "out**: GitHub shows at most 1 MiB. Run `recruitment validate` and "
                "`recruitment diff` to see everything.",
                "",
            ]
            break
        kept.append(line)
    return "\n".join([*head, *kept, *tail]).rstrip("\n") + "\n"
