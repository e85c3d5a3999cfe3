"""How well ``recruitment suggest`` drafts the curated figures of the real seeds.

For each source: a copy of the package without that source's curated ``figures`` rows,
then ``suggest`` for that source. Every curated figure whose words hold a coverage span is
looked for among the drafts (same line, the draft's words standing where the curated
``value_text`` stands), and its value, qualifier, unit and measure are compared.

Two passes: ``uncovered`` drafts only the spans ``recruitment coverage`` reports once the
rows are gone (a span another row also quotes, e.g. an event's "in the past 24 hours",
stays covered and gets no draft); ``every span`` drafts as if nothing covered any span, so
every curated figure is measured.

    .venv/bin/python bench/suggest_eval.py          # or: make suggest-eval
"""

from __future__ import annotations

import csv
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PARTS = ("datapackage.json", "schemas", "data", "seeds")
COMPARED = ("value", "qualifier", "unit", "measure")


@dataclass
class Outcome:
    figure_id: str
    source_id: str
    line: int
    value_text: str
    drafted: bool
    spans: bool
    """False when the curated words hold no coverage span ("a", "an")."""
    covered: bool
    """True when another row still quotes the words once the figures are gone."""
    right: dict[str, bool]


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _without(root: Path, work: Path, source_id: str) -> Path:
    pkg = work / source_id
    pkg.mkdir()
    for part in PARTS:
        src = root / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, pkg / part)
    header, rows = _read(pkg / "data" / "figures.csv")
    with (pkg / "data" / "figures.csv").open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(r for r in rows if r["source_id"] != source_id)
    return pkg


def _seed_line(root: Path, seed_file: str, line: int) -> str:
    return (root / seed_file).read_text(encoding="utf-8").split("\n")[line - 1]


def _same(draft, curated: dict, column: str) -> bool:
    if column == "value" and curated["qualifier"] == "range":
        got = (draft.row["value_low"], draft.row["value_high"])
        return got == (int(curated["value_low"]), int(curated["value_high"]))
    got = draft.row[column]
    want = curated[column]
    return str(got) == want if got is not None else want == ""


def evaluate(root: Path = ROOT, every_span: bool = False) -> list[Outcome]:
    from recruitment.checks.validate import validate
    from recruitment.curate.spans import SPAN_RE
    from recruitment.curate.suggest import outstanding, suggest

    _, figures = _read(root / "data" / "figures.csv")
    _, sources = _read(root / "data" / "sources.csv")
    seed_of = {s["source_id"]: s["seed_file"] for s in sources}
    out: list[Outcome] = []
    with tempfile.TemporaryDirectory() as tmp:
        for source_id in sorted({f["source_id"] for f in figures}):
            pkg = _without(root, Path(tmp), source_id)
            left = {(line, span) for _, line, span in outstanding(validate(pkg))}
            drafts = [
                d
                for d in suggest(pkg, source_id, every_span=every_span).drafts
                if d.table == "figures"
            ]
            for fig in (f for f in figures if f["source_id"] == source_id):
                line = int(fig["line"])
                text = _seed_line(root, seed_of[source_id], line)
                at = text.index(fig["quote"]) + fig["quote"].index(fig["value_text"])
                match = next(
                    (d for d in drafts if d.row["line"] == line and d.start <= at < d.end), None
                )
                right = {c: match is not None and _same(match, fig, c) for c in COMPARED}
                words = SPAN_RE.findall(fig["value_text"])
                covered = not every_span and not any((line, w) in left for w in words)
                out.append(
                    Outcome(
                        fig["figure_id"],
                        source_id,
                        line,
                        fig["value_text"],
                        bool(match),
                        bool(words),
                        covered and bool(words),
                        right,
                    )
                )
    return out


def summary(outcomes: list[Outcome]) -> dict[str, tuple[int, int]]:
    """(right, out of) for drafted and each compared column, over the figures whose words
    hold a span no other row covers."""
    measured = [o for o in outcomes if o.spans and not o.covered]
    drafted = [o for o in measured if o.drafted]
    return {
        "drafted": (len(drafted), len(measured)),
        **{c: (sum(o.right[c] for o in drafted), len(drafted)) for c in COMPARED},
    }


def report(outcomes: list[Outcome], title: str) -> str:
    lines = [
        f"## {title}",
        "",
        "| figure | source | line | words | drafted | " + " | ".join(COMPARED) + " |",
        "| --- " * (5 + len(COMPARED)) + "|",
    ]
    for o in outcomes:
        marks = " | ".join("yes" if o.right[c] else "no" for c in COMPARED)
        drafted = (
            "yes"
            if o.drafted
            else "no span"
            if not o.spans
            else "covered by another row"
            if o.covered
            else "no"
        )
        lines.append(
            f"| {o.figure_id} | {o.source_id} | {o.line} | {o.value_text} | {drafted} | {marks} |"
        )
    lines.append("")
    for key, (n, total) in summary(outcomes).items():
        share = f"{100 * n / total:.0f}%" if total else "-"
        lines.append(f"- {key}: {n}/{total} ({share})")
    return "\n".join(lines) + "\n"


def main() -> int:
    sys.path.insert(0, str(ROOT / "scripts"))
    uncovered = evaluate(ROOT)
    every = evaluate(ROOT, every_span=True)
    print(report(uncovered, "suggest on the spans coverage reports (curated figures removed)"))
    print(report(every, "suggest on every span (as if nothing covered them)"))
    missed = [o for o in uncovered + every if o.spans and not o.covered and not o.right["value"]]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
