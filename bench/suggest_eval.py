"""How well ``recruitment suggest`` drafts what a curator records, field by field, on
articles it was not built on and on the seeds it was.

Three sets, reported apart:

* **unseen** — ``bench/suggest_eval/unseen/*.txt``, written with their expected rows
  (``*.csv`` beside each) before suggest was tuned on them;
* **held-out** — ``bench/suggest_eval/heldout/``, written after tuning on the unseen set,
  expected rows first (their first run is kept in ``bench/suggest_eval/HISTORY.md``;
  suggest was then fixed on their failures);
* **final held-out** — ``bench/suggest_eval/final/``, written after those fixes, expected
  rows first: the honest figure for articles nobody tuned on;
* **seeds** — the package's own seeds, each with its curated ``figures``, ``events`` and
  ``exclusions`` rows removed (suggest was built on these).

Each article is added to a copy of the package with ``add-source`` (the copy gets the code
list entries of ``bench/suggest_eval/codes.csv`` the package lacks, so the expected codes
exist), ``suggest`` runs on it as a contributor runs it, and every expected row is looked
for among the drafts: the draft on the same line whose words overlap where the expected
words stand (the n-th expected row with the same words on a line is their n-th occurrence
there, as whole words).

A field is *right* when the draft holds the expected value (empty when nothing is
expected), *empty* when the draft leaves it for a person while something is expected, and
*wrong* when the draft fills it with anything else: a wrong field is the one that costs,
since ``validate`` does not stop it. ``value`` compares the number(s) read (the ends of a
range); ``period`` the figure's period_start..period_end; ``dates`` the interval of a date
that is no figure's period (an event's date). Claimants are actor ids, or ``new:Name``: right
when the draft proposes a new actor whose name or an alias holds those words.

    .venv/bin/python bench/suggest_eval.py                              # print the report
    .venv/bin/python bench/suggest_eval.py --write bench/suggest_eval.md  # make suggest-eval
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import shutil
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "bench" / "suggest_eval"
PARTS = ("datapackage.json", "schemas", "data", "seeds")
FIGURE_FIELDS = ("value", "qualifier", "unit", "measure", "claimed_by", "reported_by", "period")
FIELDS = (*FIGURE_FIELDS, "dates")
SETS = (("unseen", "unseen"), ("held-out", "heldout"), ("final held-out", "final"))
"""(name in the report, folder of bench/suggest_eval/) of the article sets, in the order
they were written."""
CODE_COLUMNS = {"measures": "measure", "units": "unit"}
"""Code list (bench/suggest_eval/codes.csv ``list``) → the figures column it codes."""


@dataclass
class Expected:
    kind: str
    """figure | date | exclusion"""
    label: str
    line: int
    text: str
    at: int
    """Where the words start on the line (0-based)."""
    want: dict


@dataclass
class Outcome:
    label: str
    line: int
    text: str
    kind: str
    drafted: bool
    marks: dict[str, str] = field(default_factory=dict)
    """field → right | wrong | empty (only the fields that apply to the row's kind)."""
    got: dict[str, str] = field(default_factory=dict)
    """field → what the draft says, where it is not right (for the report)."""


# ---------------------------------------------------------------- packages


def _read(path: Path) -> tuple[list[str], list[dict]]:
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(path: Path, header: list[str], rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def copy_package(root: Path, dest: Path) -> Path:
    dest.mkdir(parents=True)
    for part in PARTS:
        src = root / part
        (shutil.copytree if src.is_dir() else shutil.copy2)(src, dest / part)
    return dest


def ensure_codes(pkg: Path, codes: Path = EVAL / "codes.csv") -> list[str]:
    """Give the package copy every code of ``codes`` it lacks: a row of its code list
    (``data/measures.csv``, ``data/units.csv``) where it has one, else an entry of the
    figures schema's enum. Returns the codes added."""
    _, wanted = _read(codes)
    added = []
    schema_path = pkg / "schemas" / "figures.json"
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    for name, column in CODE_COLUMNS.items():
        mine = [r for r in wanted if r["list"] == name]
        table = pkg / "data" / f"{name}.csv"
        if table.is_file():
            header, rows = _read(table)
            have = {r.get("code") for r in rows}
            new = [r for r in mine if r["code"] not in have]
            rows += [{k: r.get(k, "") for k in header} for r in new]
            _write(table, header, rows)
        else:
            spec = next(f for f in schema["fields"] if f["name"] == column)
            enum = spec.setdefault("constraints", {}).setdefault("enum", [])
            described = spec.setdefault("enumDescriptions", {})
            new = [r for r in mine if r["code"] not in enum]
            for r in new:
                enum.append(r["code"])
                described[r["code"]] = r["description"]
        added += [f"{name}.{r['code']}" for r in new]
    schema_path.write_text(json.dumps(schema, indent=2, ensure_ascii=False) + "\n", "utf-8")
    return added


def _without_source(pkg: Path, source_id: str) -> None:
    """Drop a source's figures, events and exclusions rows: what a curator records."""
    for table in ("figures", "events", "exclusions"):
        path = pkg / "data" / f"{table}.csv"
        header, rows = _read(path)
        _write(path, header, [r for r in rows if r["source_id"] != source_id])


# ---------------------------------------------------------------- expected rows


def _occurrence(text: str, words: str, nth: int) -> int:
    """Where the n-th occurrence of ``words`` as whole words starts ("3" is not in "35")."""
    found = list(re.finditer(rf"(?<![\w.,]){re.escape(words)}(?![\w]|[.,]\d)", text))
    if len(found) <= nth:
        raise ValueError(f"{words!r} does not stand {nth + 1} time(s) on: {text}")
    return found[nth].start()


def expected_rows(article: Path, expected: Path) -> list[Expected]:
    lines = article.read_text(encoding="utf-8").split("\n")
    _, rows = _read(expected)
    seen: Counter = Counter()
    out = []
    for r in rows:
        line = int(r["line"])
        nth = seen[line, r["text"]]
        seen[line, r["text"]] += 1
        at = _occurrence(lines[line - 1], r["text"], nth)
        label = f"{article.stem}:{line}"
        out.append(Expected(r["kind"], label, line, r["text"], at, r))
    return out


def _seed_rows(root: Path, source_id: str, seed_file: str) -> list[Expected]:
    """The curated figures and events (their dates) of one seed, as expected rows."""
    lines = (root / seed_file).read_text(encoding="utf-8").split("\n")
    out = []
    _, figures = _read(root / "data" / "figures.csv")
    for f in (f for f in figures if f["source_id"] == source_id):
        line = int(f["line"])
        at = lines[line - 1].index(f["quote"]) + f["quote"].index(f["value_text"])
        want = {k: f[k] for k in f} | {"text": f["value_text"]}
        out.append(Expected("figure", f["figure_id"], line, f["value_text"], at, want))
    _, events = _read(root / "data" / "events.csv")
    for e in (e for e in events if e["source_id"] == source_id and e["date_text"]):
        line = int(e["line"])
        text = lines[line - 1]
        if e["date_text"] in e["quote"]:
            at = text.index(e["quote"]) + e["quote"].index(e["date_text"])
        else:  # a date_text that is not in the quote (none in the seeds): first on the line
            at = text.find(e["date_text"])
        if at < 0:
            continue
        out.append(Expected("date", e["event_id"], line, e["date_text"], at, e))
    return out


# ---------------------------------------------------------------- scoring


def _norm(text: str) -> str:
    text = text.casefold().replace("’", "'")
    return re.sub(r"^(?:the|a|an)\s+", "", " ".join(re.findall(r"[\w'-]+", text)))


def _actor_right(got: str, want: str, new_actors: dict[str, list[str]]) -> bool:
    for option in (o.strip() for o in want.split("|")):
        option, _, unwanted = option.partition(";not:")
        if option.startswith("new:"):
            names = [_norm(n) for n in new_actors.get(got, [])]
            words = _norm(option[4:])
            if any(re.search(rf"(?:^| ){re.escape(words)}(?: |$)", n) for n in names) and not (
                unwanted and any(_norm(unwanted) in n for n in names)
            ):
                return True
        elif got == option:
            return True
    return False


def _value(row: dict, qualifier: str) -> tuple:
    if qualifier == "range":
        return ("range", str(row.get("value_low") or ""), str(row.get("value_high") or ""))
    return ("value", str(row.get("value") or ""))


def _cell(v) -> str:
    return "" if v is None else str(v)


def _mark(got: str, want: str, right: bool) -> str:
    if right:
        return "right"
    return "empty" if got == "" else "wrong"


def score(exp: Expected, draft, new_actors: dict[str, list[str]]) -> Outcome:
    out = Outcome(exp.label, exp.line, exp.text, exp.kind, draft is not None)
    want = exp.want
    row = {k: _cell(v) for k, v in (draft.row.items() if draft is not None else ())}
    if exp.kind == "date":
        got = f"{row.get('date_start', '')}..{row.get('date_end', '')}".strip(".")
        wanted = f"{want['date_start']}..{want['date_end']}".strip(".")
        out.marks["dates"] = _mark(got, wanted, got == wanted)
        if got != wanted:
            out.got["dates"] = got or "-"
        return out
    checks = {
        "value": (_value(row, want["qualifier"]), _value(want, want["qualifier"])),
        "qualifier": (row.get("qualifier", ""), want["qualifier"]),
        "unit": (row.get("unit", ""), want["unit"]),
        "measure": (row.get("measure", ""), want["measure"]),
        "period": (
            f"{row.get('period_start', '')}..{row.get('period_end', '')}".strip("."),
            f"{want['period_start']}..{want['period_end']}".strip("."),
        ),
    }
    for name, (got, wanted) in checks.items():
        empty = got in ("", ("value", ""), ("range", "", ""))
        out.marks[name] = "right" if got == wanted else "empty" if empty else "wrong"
        if got != wanted:
            out.got[name] = "-" if empty else str(got[-1] if isinstance(got, tuple) else got)
    for name in ("claimed_by", "reported_by"):
        got, wanted = row.get(name, ""), want[name]
        right = _actor_right(got, wanted, new_actors) if wanted else got == ""
        out.marks[name] = _mark(got, wanted, right)
        if not right:
            names = new_actors.get(got)
            out.got[name] = f"new:{names[0]}" if names else got or "-"
    return out


def _new_actors(drafts) -> dict[str, list[str]]:
    """actor_id → name and aliases of every actors row the drafts propose."""
    out = {}
    for d in drafts:
        if d.table == "actors":
            names = [d.row.get("name") or "", *(d.row.get("aliases") or "").split(" | ")]
            out[d.row["actor_id"]] = [n for n in names if n]
    return out


def _match(drafts, exp: Expected):
    table = {"figure": "figures", "date": "events", "exclusion": "exclusions"}[exp.kind]
    return next(
        (
            d
            for d in drafts
            if d.table == table
            and d.row.get("line") == exp.line
            and d.start < exp.at + len(exp.text)
            and exp.at < d.end
        ),
        None,
    )


def _drafts_for(pkg: Path, source_id: str):
    from recruitment.curate.suggest import suggest

    return suggest(pkg, source_id).drafts


def _score_all(expected: list[Expected], drafts) -> list[Outcome]:
    new_actors = _new_actors(drafts)
    return [score(e, _match(drafts, e), new_actors) for e in expected if e.kind != "exclusion"]


def evaluate_article(root: Path, article: Path, expected: Path, work: Path) -> list[Outcome]:
    """Add ``article`` to a copy of the package at ``root``, suggest, score."""
    from recruitment.curate.add_source import add_source

    pkg = copy_package(root, work / article.stem)
    ensure_codes(pkg)
    added = add_source(pkg, article)
    return _score_all(expected_rows(article, expected), _drafts_for(pkg, added.source_id))


def evaluate_seeds(root: Path, work: Path) -> list[Outcome]:
    """Each seed of the package at ``root`` with its curated rows removed, suggested again."""
    _, sources = _read(root / "data" / "sources.csv")
    out = []
    for src in sources:
        pkg = copy_package(root, work / src["source_id"])
        ensure_codes(pkg)
        expected = _seed_rows(root, src["source_id"], src["seed_file"])
        _without_source(pkg, src["source_id"])
        out += _score_all(expected, _drafts_for(pkg, src["source_id"]))
    return out


def articles(folder: Path) -> list[tuple[Path, Path]]:
    return [(t, t.with_suffix(".csv")) for t in sorted(folder.glob("*.txt"))]


def evaluate(root: Path = ROOT, folder: Path = EVAL) -> dict[str, list[Outcome]]:
    """Outcomes by set: unseen, held-out (when there are such articles), seeds."""
    sets: dict[str, list[Outcome]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name, sub in SETS:
            pairs = articles(folder / sub)
            if pairs:
                (work / sub).mkdir()
                sets[name] = [o for t, e in pairs for o in evaluate_article(root, t, e, work / sub)]
        (work / "seeds").mkdir()
        sets["seeds"] = evaluate_seeds(root, work / "seeds")
    return sets


# ---------------------------------------------------------------- report


def summary(outcomes: list[Outcome]) -> dict[str, Counter]:
    """field → Counter(right, wrong, empty) over the rows the field applies to."""
    out = {f: Counter() for f in FIELDS}
    for o in outcomes:
        for name, mark in o.marks.items():
            out[name][mark] += 1
    return out


def _share(c: Counter) -> str:
    total = sum(c.values())
    return f"{c['right']}/{total} ({100 * c['right'] / total:.0f}%)" if total else "-"


def table(sets: dict[str, list[Outcome]]) -> str:
    names = list(sets)
    lines = [
        "| field | " + " | ".join(names) + " |",
        "| --- " * (1 + len(names)) + "|",
    ]
    sums = {n: summary(o) for n, o in sets.items()}
    for f in FIELDS:
        cells = [f"{_share(sums[n][f])}, {sums[n][f]['wrong']} wrong" for n in names]
        lines.append(f"| {f} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def detail(name: str, outcomes: list[Outcome]) -> str:
    lines = [
        f"### {name}: every expected row",
        "",
        "`ok` right; `—` left empty for a person; otherwise what the draft says instead.",
        "",
        "| row | words | drafted | " + " | ".join(FIELDS) + " |",
        "| --- " * (3 + len(FIELDS)) + "|",
    ]
    for o in outcomes:
        cells = []
        for f in FIELDS:
            mark = o.marks.get(f)
            cells.append(
                ""
                if mark is None
                else "ok"
                if mark == "right"
                else "—"
                if mark == "empty"
                else o.got[f].replace("|", "\\|")
            )
        drafted = "yes" if o.drafted else "no"
        lines.append(f"| {o.label} | {o.text} | {drafted} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def report(sets: dict[str, list[Outcome]]) -> str:
    counts = ", ".join(f"{n}: {len(o)} rows" for n, o in sets.items())
    parts = [
        "# recruitment suggest, field by field",
        "",
        "Written by `make suggest-eval` (`bench/suggest_eval.py`; the method is in its "
        "docstring and in `bench/suggest_eval/README.md`). Each cell: right out of the "
        "expected rows the field applies to, and how many the draft filled *wrong* (the "
        "rest it left empty for a person, which `validate` then stops). "
        f"Rows: {counts}. Earlier runs (before any tuning, the first run of each held-out "
        "set) are in `bench/suggest_eval/HISTORY.md`.",
        "",
        table(sets),
    ]
    parts += [detail(n, o) for n, o in sets.items()]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write", type=Path, help="also write the report to this file")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(ROOT / "scripts"))
    sets = evaluate(ROOT)
    text = report(sets)
    print(text)
    if args.write:
        args.write.write_text(text, encoding="utf-8")
    missed = [o for o in sets.get("unseen", []) if o.marks.get("value") != "right"]
    missed = [o for o in missed if o.kind == "figure"]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
