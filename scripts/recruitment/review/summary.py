"""The pull request's job summary: every finding, the data diff and the version gate.

GitHub shows at most 10 error annotations per step, so later findings of
``validate --format github`` vanish without a hint. The job summary
(``$GITHUB_STEP_SUMMARY``) has no such cap: :func:`render` lists the counts and *every*
finding with its file, line, column, rule and fix, then the Markdown diff against the
base and the version gate's verdict. Contributor text is escaped as in
:mod:`recruitment.diff`: no raw HTML, no line a workflow command could start.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..findings import Finding, as_findings
from ..report import left_out
from .diff import PackageDiff, as_markdown, md, md_code


def finding_line(f: Finding) -> str:
    where = md_code(f"{f.file}:{f.line}" if f.line else f.file)
    column = f" column {md_code(f.column)}" if f.column else ""
    return f"- {where}{column} **{md(f.rule)}** {md(f.title)}: {md(f.message)} **Fix:** {md(f.fix)}"


def render_findings(findings: Iterable[Finding], package: str) -> list[str]:
    findings = as_findings(findings)
    if not findings:
        return ["## Validation: valid", "", f"{md(package)} passed every check.", ""]
    out = [
        f"## Validation: {findings.total} problem(s) in {len(findings.files)} file(s)",
        "",
        "| rule | problems |",
        "| --- | ---: |",
    ]
    out += [f"| {md(rule)} | {n} |" for rule, n in sorted(findings.counts.items())]
    listed, rest = left_out(findings)
    what = (
        f"Every finding ({findings.total})"
        if rest is None
        else (f"The first {len(listed):,} findings of {findings.total:,}")
    )
    out += ["", f"{what}; the annotations on the files stop at 10 a step:", ""]
    out += [finding_line(f) for f in listed]
    if rest:
        out += ["", md(rest)]
    out.append("")
    return out


def render_gate(gate: list[Finding], required: str) -> list[str]:
    if not gate:
        return ["## Version gate: passed", "", f"Required bump: {required}.", ""]
    out = [f"## Version gate: {len(gate)} problem(s)", ""]
    out += [finding_line(f) for f in gate]
    return [*out, ""]


def render(
    findings: list[Finding],
    package: str,
    diff: PackageDiff | None,
    gate: list[Finding] | None,
    problem: str | None = None,
    limit: int = 100,
) -> str:
    out = render_findings(findings, package)
    if diff is not None:
        out.append(as_markdown(diff, limit))
    if problem:
        out += ["## Data changes", "", f"Not compared: {md(problem)}", ""]
    if gate is not None and diff is not None:
        out += render_gate(gate, diff.required_bump)
    return "\n".join(out).rstrip("\n") + "\n"
