"""A third round of hostile contributions, class by class (issue 19).

Each test reproduces one attack on a small input that reaches the code under attack, and
expects a finding (file, line, rule) or a refusal; where a whole package is validated, an
``export`` over an existing dist/ must leave it byte for byte as it was, and nothing
outside the package (files holding a canary string) may be read into any output.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest

from conftest import ROOT, copy_package, git, located, snapshot

CANARY = "CANARY-outside-the-package-19"
ROOT_FILES = ("CITATION.cff", "LICENSE", "LICENSE-DATA.md", "docs/codebook.md", "CHANGELOG.md")


def outside(tmp_path: Path) -> Path:
    """A file outside the package that holds the canary."""
    folder = tmp_path / "outside"
    folder.mkdir(exist_ok=True)
    secret = folder / "secret.txt"
    secret.write_text(f"version: {CANARY}\n{CANARY}\n")
    return secret


def with_root_files(pkg: Path) -> Path:
    """The package with the files a release ships beside the data."""
    for rel in ROOT_FILES:
        (pkg / rel).parent.mkdir(exist_ok=True)
        shutil.copy2(ROOT / rel, pkg / rel)
    return pkg


def validate(pkg: Path):
    from recruitment.checks.validate import validate as run

    return run(pkg, use_cache=False)


def refused_export(pkg: Path, published: Path) -> None:
    """An export of the broken package writes nothing: dist/ stays as it was."""
    from recruitment.publish.export import export

    before = snapshot(published)
    assert not export(pkg, published).valid
    assert snapshot(published) == before


# --- 1. files beside the data are read like data: no symlink, no FIFO, bounded -----------
@pytest.mark.parametrize("rel", ROOT_FILES)
@pytest.mark.parametrize("kind", ["symlink-out", "symlink-in", "fifo", "too-large"])
def test_a_published_file_that_is_no_regular_file_is_a_finding(tmp_path, rel, kind):
    from recruitment import limits
    from recruitment.checks.validate import check_published

    pkg = with_root_files(tmp_path / "pkg")
    path = pkg / rel
    path.unlink()
    if kind == "symlink-out":
        path.symlink_to(outside(tmp_path))
    elif kind == "symlink-in":  # inside the package, yet not the file a reviewer sees
        path.symlink_to(pkg / ROOT_FILES[0] if rel != ROOT_FILES[0] else pkg / "LICENSE")
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        with open(path, "wb") as fh:
            fh.truncate(limits.PUBLISHED_MAX_BYTES + 1)  # sparse
    rule = "file/size" if kind == "too-large" else "file/type"
    assert located(check_published(pkg)) == {(rel, None, None, rule)}


def test_a_linked_citation_fails_validation_and_never_reaches_the_site(pkg, published, tmp_path):
    from recruitment.paths import Unreadable
    from recruitment.publish.site.data import citation_text

    (pkg / "CITATION.cff").symlink_to(outside(tmp_path))
    result = validate(pkg)
    assert ("CITATION.cff", None, None, "file/type") in located(result.findings)
    refused_export(pkg, published)
    with pytest.raises(Unreadable):
        citation_text(result.package or type("P", (), {"root": pkg})())


def _gate(base: Path, head: Path):
    from recruitment.core.snapshot import FolderSource, load
    from recruitment.review import diff as d
    from recruitment.review.versioning import check

    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    return check(diff, FolderSource(head))


@pytest.mark.parametrize("rel", ["CITATION.cff", "CHANGELOG.md"])
@pytest.mark.parametrize("kind", ["symlink", "fifo"])
def test_the_version_gate_reports_a_file_it_may_not_read(tmp_path, rel, kind):
    base = with_root_files(copy_package(tmp_path / "base"))
    head = with_root_files(copy_package(tmp_path / "head"))
    (head / rel).unlink()
    if kind == "symlink":
        (head / rel).symlink_to(outside(tmp_path))
    else:
        os.mkfifo(head / rel)
    rule = "version/citation" if rel == "CITATION.cff" else "version/changelog"
    findings = _gate(base, head)
    assert (rel, None, None, rule) in located(findings)
    assert not any(CANARY in f.message for f in findings)


# --- release: only a dist/ a build of this state wrote, and only regular files -----------
@pytest.fixture(scope="module")
def build(tmp_path_factory) -> tuple[Path, Path]:
    """(package with its root files, a dist/ exported from it)."""
    from recruitment.publish.export import export

    base = tmp_path_factory.mktemp("release")
    pkg = with_root_files(copy_package(base / "pkg"))
    assert export(pkg, base / "dist").valid
    return pkg, base / "dist"


def _dist(build, tmp_path) -> Path:
    dist = tmp_path / "dist"
    shutil.copytree(build[1], dist, symlinks=True)
    return dist


def _release_refused(pkg: Path, dist: Path, says: str) -> None:
    from recruitment.publish.release import ReleaseError, release

    before = snapshot(dist)
    with pytest.raises(ReleaseError, match=says):
        release(pkg, dist)
    assert snapshot(dist) == before and not (dist / "release").exists()


def test_release_packs_a_build(build, tmp_path):
    from recruitment.publish.release import release

    archive, _ = release(build[0], _dist(build, tmp_path))
    assert archive.is_relative_to(tmp_path / "dist" / "release")


def test_release_refuses_a_dist_without_the_marker_of_a_build(build, tmp_path):
    dist = _dist(build, tmp_path)
    (dist / ".recruitment-export").unlink()
    _release_refused(build[0], dist, "holds no .recruitment-export")


@pytest.mark.parametrize("where", ["csv/actors.csv", "extra.txt", "site"])
def test_release_refuses_a_symlink_anywhere_in_dist(build, tmp_path, where):
    dist = _dist(build, tmp_path)
    if (dist / where).exists():
        (dist / where).unlink()
    (dist / where).symlink_to(outside(tmp_path).parent if where == "site" else outside(tmp_path))
    _release_refused(build[0], dist, "is a symlink")


def test_release_refuses_a_file_changed_since_the_build(build, tmp_path):
    dist = _dist(build, tmp_path)
    (dist / "csv" / "actors.csv").write_text(CANARY)
    _release_refused(build[0], dist, "not the file its build wrote")


def test_release_refuses_a_dist_built_from_another_commit(build, tmp_path):
    """A committed dist/ cannot name the commit that holds it: its commit never matches."""
    dist = _dist(build, tmp_path)
    doc = json.loads((dist / "datapackage.json").read_text())
    doc["commit"] = "0" * 40
    (dist / "datapackage.json").write_text(json.dumps(doc))
    _release_refused(build[0], dist, "was built from commit")


@pytest.mark.parametrize("rel", ["CITATION.cff", "LICENSE", "LICENSE-DATA.md"])
def test_release_never_ships_a_root_file_through_a_symlink(build, tmp_path, rel):
    """(The release's codebook is rendered from the schemas, never read from docs/.)"""
    pkg = with_root_files(copy_package(tmp_path / "pkg"))
    (pkg / rel).unlink()
    (pkg / rel).symlink_to(outside(tmp_path))
    _release_refused(pkg, _dist(build, tmp_path), "symlink")


# --- 2. the package name is a Data Package name: it can never name a path -------------------
@pytest.mark.parametrize(
    "name, ok",
    [
        ("russian-military-recruitment", True),
        ("a.b_c-1", True),
        ("0", True),
        ("x" * 100, True),
        ("x" * 101, False),
        ("../../../x", False),
        ("x/y", False),
        ("..", False),
        (".hidden", False),
        ("-x", False),
        ("Upper", False),
        ("", False),
        ("x\n::error::y", False),
        (42, False),
        (None, False),
    ],
)
def test_the_package_name_follows_the_data_package_standard(name, ok):
    from recruitment.core.package import check_descriptor

    doc = {"version": "1.0.0"} if name is None else {"name": name, "version": "1.0.0"}
    found = located(check_descriptor(doc))
    assert found == (set() if ok else {("datapackage.json", None, "name", "package/name")})


def test_a_name_that_climbs_out_is_a_finding_and_release_writes_nothing(build, tmp_path):
    from conftest import edit_json

    pkg = with_root_files(copy_package(tmp_path / "pkg"))
    edit_json(pkg, "datapackage.json", lambda d: d.update(name="../../../x"))
    assert ("datapackage.json", None, "name", "package/name") in located(validate(pkg).findings)
    _release_refused(pkg, _dist(build, tmp_path), "does not load")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "pkg"]


# --- 3. a ref is a ref: a committed folder named like one is never the base ----------------
@pytest.fixture
def pull_request(tmp_path) -> Path:
    """A repository whose last commit changes a row without a version bump, and commits a
    copy of itself as the folder ``HEAD^1/`` (and ``origin/main/``, a ref git cannot
    resolve here): a base that would show no change."""
    from conftest import set_cells

    repo = with_root_files(copy_package(tmp_path / "repo"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "base")
    set_cells(repo, "actors", 2, name="A renamed actor")
    for decoy in ("HEAD^1", "origin/main"):
        copy_package(repo / decoy)
        for rel in ("CHANGELOG.md", "CITATION.cff"):
            shutil.copy2(repo / rel, repo / decoy / rel)
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "a contribution")
    return repo


def test_the_version_gate_takes_a_ref_before_a_folder_of_its_name(pull_request, monkeypatch):
    from click.testing import CliRunner

    from recruitment.cli import main

    monkeypatch.chdir(pull_request)  # where CI runs it: HEAD^1 is also a folder here
    result = CliRunner().invoke(main, ["diff", "HEAD^1", "--check-version", "--format", "json"])
    assert result.exit_code == 1, result.output
    doc = json.loads(result.stdout)
    assert doc["base"]["label"].startswith("HEAD^1 (") and doc["required_bump"] != "none"
    assert ("datapackage.json", "version/bump") in {
        (f["file"], f["rule"]) for f in doc["version_check"]["findings"]
    }
    summary = CliRunner().invoke(main, ["summary", "HEAD^1"])
    assert "No change" not in summary.output and "Version gate: 1 problem" in summary.output


def test_a_folder_inside_the_repository_is_never_compared(pull_request, monkeypatch):
    """A name git cannot resolve as a ref is not then read as the committed folder."""
    from recruitment.core.snapshot import SourceError, open_source

    monkeypatch.chdir(pull_request)
    for spec in ("origin/main", str(pull_request / "origin/main"), "."):
        with pytest.raises(SourceError, match="inside the repository"):
            open_source(spec, pull_request, default_base=True)


# --- 4. findings are counted and streamed: only what a report lists is ever built -----------
def test_findings_keep_the_first_in_report_order_and_count_every_one():
    from recruitment.findings import Finding, Findings, order

    made = [Finding("b.csv", n % 97, None, "standard/required", str(n)) for n in range(5_000)]
    made += [Finding("a.csv", n, "c", "standard/type", "x") for n in range(3)]
    found = Findings(limit=10)
    for f in made:
        found.add(f)
        assert len(found._kept) <= 2 * 10 + 1  # never more than twice the limit in memory
    assert found.listed == sorted(made, key=order)[:10]
    assert found.total == len(found) == 5_003 and found.counts["standard/required"] == 5_000
    assert dict(found.files) == {"a.csv": 3, "b.csv": 5_000}
    merged = Findings(limit=10)
    merged += Findings.of(made[:10], {("b.csv", "standard/required"): 4_000})
    merged += [made[-1]]
    assert merged.total == 4_001 and merged.listed[0] == made[-1]


def _many(pkg: Path, table: str, n: int, edit) -> None:
    """Append ``n`` copies of the table's first row, each changed by ``edit(row, i)``."""
    import csv
    import io

    path = pkg / "data" / f"{table}.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    extra = [edit(dict(rows[0]), i) for i in range(n)]
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows + extra)
    path.write_text(out.getvalue(), encoding="utf-8")


N = 3_000


def _rows_with(**cells):
    def edit(row, i):
        row.update({k: (v(i) if callable(v) else v) for k, v in cells.items()})
        return row

    return edit


MANY = {
    # rule: (table, how each of the N rows breaks it)
    "standard/required": ("figures", _rows_with(figure_id=lambda i: f"fig-{90000 + i}", unit="")),
    "standard/primary-key": ("actors", _rows_with()),
    "standard/foreign-key": (
        "figures",
        _rows_with(figure_id=lambda i: f"fig-{90000 + i}", claimed_by="act-nobody"),
    ),
    "rules/date-order": (
        "events",
        _rows_with(
            event_id=lambda i: f"evt-{90000 + i}",
            date_start="2024-01-02",
            date_end="2024-01-01",
            date_basis="inferred",
            notes="n",
        ),
    ),  # fmt: skip
    "provenance/quote": (
        "actors",
        _rows_with(actor_id=lambda i: f"act-x{i}", quote="words that stand nowhere"),
    ),
}


@pytest.mark.parametrize("rule", sorted(MANY))
def test_a_flood_of_findings_is_counted_exactly_and_only_the_listed_are_built(
    rule, pkg, monkeypatch
):
    from recruitment import limits
    from recruitment.findings import Finding

    table, edit = MANY[rule]
    _many(pkg, table, N, edit)
    monkeypatch.setattr(limits, "MAX_LISTED", 50)
    built = []
    init = Finding.__init__

    def counted(self, *args, **kwargs):
        built.append(1)
        init(self, *args, **kwargs)

    monkeypatch.setattr(Finding, "__init__", counted)
    found = validate(pkg).findings
    assert found.counts[rule] >= N and len(found.listed) == 50
    assert len(built) < 20 * 50  # a few checks' first 50, never one per failing row


def test_many_blank_lines_ragged_rows_and_line_breaks_are_counted_not_listed(pkg, monkeypatch):
    from recruitment import limits
    from recruitment.checks.csvfile import read_csv
    from recruitment.core.package import load_package

    monkeypatch.setattr(limits, "MAX_LISTED", 20)
    package, _ = load_package(pkg)
    header = (pkg / "data/actors.csv").read_text().split("\n")[0]
    cases = {
        "csv/blank-line": header + "\n" + "\n" * N,
        "csv/ragged-row": header + "\n" + "a,b\n" * N,
        "csv/newline-in-field": header + "\n" + '"a\nb",x,person,,,src-001,1,long enough\n' * N,
    }
    for rule, text in cases.items():
        (pkg / "data/actors.csv").write_text(text)
        found = read_csv(pkg, package.resources["actors"]).findings
        assert found.counts[rule] == N and len(found.listed) == 20, (rule, found.counts)
        assert [f.line for f in found.listed] == sorted(f.line for f in found.listed)


def add_seed(pkg: Path, text: str, source_id: str = "src-900") -> str:
    """A new seed with its sources row, citing its first line; returns the seed's path."""
    import hashlib

    rel = f"seeds/{source_id[4:]}_new.txt"
    (pkg / rel).write_text(text, encoding="utf-8")
    first = text.split("\n")[0]
    _many(
        pkg,
        "sources",
        1,
        _rows_with(
            source_id=source_id,
            seed_file=rel,
            sha256=hashlib.sha256(text.encode()).hexdigest(),
            title="",
            published_start="",
            published_end="",
            published_precision="",
            published_text="",
            published_basis="",
            notes="",
            line="1",
            quote=first[:40],
        ),
    )
    return rel


def test_a_seed_of_numbers_floods_coverage_with_counted_findings(pkg, monkeypatch):
    from recruitment import limits
    from recruitment.findings import Finding

    rel = add_seed(pkg, "Numbers: " + " ".join(str(i) for i in range(N)) + "\n")
    monkeypatch.setattr(limits, "MAX_LISTED", 50)
    built = []
    init = Finding.__init__
    monkeypatch.setattr(Finding, "__init__", lambda s, *a: (built.append(1), init(s, *a))[1])
    found = validate(pkg).findings
    assert found.counts == {"coverage/uncovered": N} and found.files == {rel: N}
    assert len(found.listed) == 50 and len(built) <= 50


# --- 5. every diagnosis and page is bounded by its input -------------------------------------
def test_the_closest_text_of_a_huge_quote_costs_a_bounded_search():
    """difflib over a 40 MB quote took 4 GB; the diagnosis now searches prefixes and
    suffixes of at most DIAGNOSIS_QUOTE_CHARS with str.find, allocating next to nothing."""
    import tracemalloc

    from recruitment.checks.provenance import _quote_message

    line = "The West estimates that Putin’s war has cost up to 200,000 Russian casualties."
    quote = "Putin's war has cost up to 200,000 Russian casualties" + " and more" * 200_000
    tracemalloc.start()
    try:
        message = _quote_message("src-001", 23, quote, line, [], detail=True)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 256 * 1024, peak  # the quote alone is 1.8 MB
    assert "Closest text on the line: 'Putin’s war" in message
    assert "First difference at character 6" in message and len(message) < 1_000


@pytest.mark.parametrize(
    "line, quote, at",
    [
        ("abc def ghi", "abc dXf ghi", 0),  # prefix and suffix agree
        ("xx abc def ghi", "Zbc def ghi", 3),  # only a suffix occurs
        ("abc def ghi yy", "abc def ghZ", 0),  # only a prefix occurs
        ("nothing in common", "QQQQ", 0),
        ("short", "a much longer quote than the line", 0),
    ],
)
def test_closest_start_aligns_on_the_longest_prefix_or_suffix(line, quote, at):
    from recruitment.checks.provenance import closest_start

    assert closest_start(line, quote) == at


def test_a_huge_misquote_is_a_finding_on_its_row(pkg):
    from conftest import edit_json, schema_field, set_cells

    edit_json(
        pkg,
        "schemas/actors.json",
        lambda d: schema_field(d, "quote")["constraints"].pop("maxLength"),
    )
    line = set_cells(pkg, "actors", 2, quote="no such words " * 100_000)
    found = validate(pkg).findings
    assert ("data/actors.csv", line, "quote", "provenance/quote") in located(found)
    assert all(len(f.message) < 2_000 for f in found)


def _grow_seed(pkg: Path, source_id: str, extra: str) -> int:
    """Append ``extra`` to a source's seed and re-pin it; returns the seed's size."""
    import csv
    import hashlib
    import io

    path = pkg / "data/sources.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows if r["source_id"] == source_id)
    seed = pkg / row["seed_file"]
    seed.write_bytes(seed.read_bytes() + extra.encode())
    row["sha256"] = hashlib.sha256(seed.read_bytes()).hexdigest()
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return seed.stat().st_size


def test_an_evidence_page_shows_its_line_in_context_not_the_whole_seed(pkg):
    """Every evidence page embedded its whole seed (2 MB in, 176 MB of site); now it holds
    its row and at most 2 × EVIDENCE_LINES + 1 lines of EVIDENCE_CHARS around the quote."""
    from recruitment.publish.site import render
    from recruitment.publish.site.data import collect

    size = _grow_seed(pkg, "src-001", "A long line without a single number in it. " * 2_000 + "\n")
    result = validate(pkg)
    assert result.valid, result.findings
    files = render(collect(result, None))
    prov = {rel: text for rel, text in files.items() if rel.startswith("prov/")}
    assert prov and max(len(t.encode()) for t in prov.values()) < 64 * 1024
    assert len(files["articles/src-001.html"].encode()) > size  # the article, once
    for text in prov.values():
        assert re.search(r'<li id="L(\d+)" value="\1" class="cited">', text)


def test_a_code_added_to_the_precision_list_is_a_finding_not_a_rule_switched_off(pkg, published):
    """A new precision 'eon' on every inferred event (0001..9999) passed the span rule and
    gave a 72 MB timeline; now each such row is a rules/unknown-code finding."""
    import csv
    import io

    from conftest import edit_json, schema_field

    def add(doc):
        f = schema_field(doc, "date_precision")
        f["constraints"]["enum"].append("eon")
        f["enumDescriptions"]["eon"] = "Any time at all."

    edit_json(pkg, "schemas/events.json", add)
    path = pkg / "data/events.csv"
    rows = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    lines = []
    for i, row in enumerate(rows):
        if row["date_basis"] == "inferred":
            row.update(date_start="0001-01-01", date_end="9999-12-31", date_precision="eon")
            lines.append(i + 2)
    out = io.StringIO()
    writer = csv.DictWriter(out, list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    found = located(validate(pkg).findings)
    assert {("data/events.csv", n, "date_precision", "rules/unknown-code") for n in lines} <= found
    refused_export(pkg, published)


def test_the_job_summary_stays_under_githubs_limit_and_counts_what_it_leaves_out():
    """GitHub drops a step summary over 1 MiB whole (58 MB were written): the summary is
    cut to SUMMARY_MAX_BYTES, says how much it left out, and keeps the counts and the
    version gate's verdict."""
    from recruitment.core.snapshot import Snapshot, Table
    from recruitment.findings import Finding, Findings
    from recruitment.review import diff as d
    from recruitment.review.diff import md
    from recruitment.review.summary import SUMMARY_MAX_BYTES, render
    from recruitment.review.versioning import RULES, VersionFinding

    found = Findings(
        Finding("data/events.csv", n, "summary", "text/whitespace", "x" * 5_000 + str(n))
        for n in range(2, 5_000)
    )
    schema = {"fields": [{"name": "id"}, {"name": "note"}], "primaryKey": ["id"]}
    rows = [{"id": str(n), "note": "<b>" * 100} for n in range(3_000)]
    base = Snapshot("base", {"version": "1.0.0"}, {"t": Table("t", "t.csv", schema, ["id"])}, {})
    head = Snapshot(
        "head", {"version": "1.0.0"}, {"t": Table("t", "t.csv", schema, ["id", "note"], rows)}, {}
    )
    diff = d.compare(base, head)
    gate = [VersionFinding("datapackage.json", 3, "version", "version/bump", "Bump it.")]
    text = render(found, "pkg", diff, gate, limit=3_000)
    assert len(text.encode()) <= SUMMARY_MAX_BYTES < 1024**2
    assert "| text/whitespace | 4998 |" in text and "The first 1,000 findings of 4,998" in text
    assert re.search(r"\*\*[\d,]+ more line\(s\) of this summary \([\d,]+ bytes\) are left", text)
    bump = RULES["version/bump"]
    assert text.rstrip().endswith(
        f"version/bump** {md(bump.title)}: Bump it. **Fix:** {md(bump.fix)}"
    )  # the gate's verdict is kept whole, at the end
    assert text.count("<details>") == text.count("</details>")


def test_a_diff_starts_a_fixed_number_of_git_processes_however_many_seeds(tmp_path, monkeypatch):
    """diff started one `git cat-file` per seed; now every blob streams through one."""
    import subprocess

    from recruitment.core.snapshot import GitSource, load

    repo = copy_package(tmp_path / "repo")
    for n in range(300):
        (repo / "seeds" / f"x{n:03d}.txt").write_text(f"Seed {n}.\n")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "many seeds")
    started = []
    real = subprocess.Popen.__init__

    def counted(self, *args, **kwargs):
        started.append(args[0] if args else kwargs.get("args"))
        real(self, *args, **kwargs)

    monkeypatch.setattr(subprocess.Popen, "__init__", counted)
    snap = load(GitSource(repo, git(repo, "rev-parse", "HEAD")))
    assert len([k for k in snap.seeds if k.startswith("seeds/x")]) == 300
    assert len(started) <= 3, started


@pytest.mark.parametrize(
    "pattern, size",
    [
        ("act-[a-z0-9]+(-[a-z0-9]+)*", 7),
        ("[0-9a-f]{64}", 64),
        ("fig-[0-9]{4,}", 8),
        (r"\p{L}{10}", 10),
        (r"[]\]a]{4}", 4),
        ("(?:ab|cd){2}", 8),
        ("(?i)(?P<x>ab){3}", 6),
        ("(.{0,100}){0,10}z", 1_001),
        ("((a{2}){3}){4}", 24),
        ("(a|aa){0,999}z", 2_998),
    ],
)
def test_a_patterns_size_counts_its_repetitions_expanded(pattern, size):
    from recruitment.patterns import pattern_size

    assert pattern_size(pattern) == size


def test_a_valid_but_slow_pattern_is_a_finding_on_its_schema(pkg, published):
    """(.{0,100}){0,10}z is valid RE2 and matches at about 25 KiB/s."""
    from conftest import edit_json, schema_field

    edit_json(
        pkg,
        "schemas/actors.json",
        lambda d: schema_field(d, "aliases")["constraints"].update(pattern="(.{0,100}){0,10}z"),
    )
    found = validate(pkg).findings
    assert located(found) == {("schemas/actors.json", None, "aliases", "package/constraint")}
    assert "too costly to match" in found[0].message
    refused_export(pkg, published)


# --- 6. published output cannot mislead its readers ------------------------------------------
HOSTILE_PROSE = (
    "![pixel](http://127.0.0.1:9/p.png) [click](https://example.invalid/x) "
    "<img src=x onerror=alert(1)> <https://example.invalid> **bold** `code` ~~gone~~ a|b"
)


def test_descriptions_are_plain_text_in_the_codebook_page(pkg):
    from conftest import edit_json, set_cells
    from recruitment.core.package import load_package
    from recruitment.publish.site.data import SiteData
    from recruitment.publish.site.pages import codebook_page

    def hostile(doc):
        doc["fields"][1]["description"] = HOSTILE_PROSE
        doc["fields"][1]["title"] = "# " + HOSTILE_PROSE

    edit_json(pkg, "schemas/actors.json", hostile)
    set_cells(pkg, "actor_kinds", 2, description=HOSTILE_PROSE)  # a code's description
    edit_json(
        pkg,
        "datapackage.json",
        lambda d: d["resources"][1].update(description="- " + HOSTILE_PROSE),
    )
    package, findings = load_package(pkg)
    assert findings == []
    page = codebook_page(SiteData(package))
    body = page[page.index('<div class="codebook">') :]
    assert "<img" not in body and "<strong>" not in body and "<del>" not in body
    assert not re.search(r'href="(?!#)', body)  # links only to the codebook's own anchors
    assert "![pixel](http://127.0.0.1:9/p.png)" in body  # the words stay, as text
    assert body.count("&lt;img src=x onerror=alert(1)&gt;") == 4


def test_images_and_remote_links_never_survive_the_codebook_renderer():
    from markdown_it import MarkdownIt

    from recruitment.publish.site.pages import own_links_only

    md = MarkdownIt("commonmark")
    tokens = md.parse("![a](http://x/p.png) [b](http://x) [c](#own)")
    for t in tokens:
        if t.type == "inline":
            t.children = own_links_only(t.children)
    html = md.renderer.render(tokens, md.options, {})
    assert html == '<p>a b <a href="#own">c</a></p>\n'


@pytest.mark.parametrize(
    "a, b",
    [("a/b", "a_b"), ("a b", "a_b"), ("Fig-1", "fig-1"), ("a~2fb", "a/b"), ("é", "~c3~a9"),
     ("x" * 300, "x" * 299 + "y"), ("x" * 300, "x" * 80 + "~~")],
)  # fmt: skip
def test_two_keys_never_share_a_page_and_no_page_name_is_too_long(a, b):
    from recruitment.publish.site.pages import page_name

    assert page_name(a) != page_name(b)
    for key in (a, b):
        name = page_name(key)
        assert re.fullmatch(r"[a-z0-9._~-]{1,146}", name), name


def test_ids_differing_only_in_a_replaced_character_get_their_own_evidence(pkg):
    """'act-a/b' and 'act-a_b' shared prov/actors-act-a_b.html: one row showed another's
    evidence. An id too long for a file name failed the build without a finding."""
    from conftest import edit_json, schema_field
    from recruitment.publish.site import render
    from recruitment.publish.site.data import collect

    def loosen(doc):
        schema_field(doc, "actor_id")["constraints"].pop("pattern")
        schema_field(doc, "actor_id")["constraints"].pop("maxLength")

    edit_json(pkg, "schemas/actors.json", loosen)
    ids = ["act-a/b", "act-a_b", "act-" + "x" * 400]
    _many(pkg, "actors", 3, _rows_with(actor_id=lambda i: ids[i], name=lambda i: f"Actor {i}"))
    result = validate(pkg)
    assert result.valid, result.findings
    files = render(collect(result, None))
    pages = [rel for rel in files if rel.startswith("prov/actors-act-")]
    mine = {rel: text for rel, text in files.items() if rel in pages and "Actor " in text}
    assert len(mine) == 3 and all(len(rel) < 200 for rel in mine)
    for i in range(3):
        assert sum(f"Actor {i}<" in text for text in mine.values()) == 1


def test_an_id_longer_than_the_schema_allows_is_a_finding(pkg):
    from conftest import set_cells

    line = set_cells(pkg, "actors", 2, actor_id="act-" + "x" * 61)
    found = located(validate(pkg).findings)
    assert ("data/actors.csv", line, "actor_id", "standard/max-length") in found


@pytest.mark.parametrize("words, value, ok", [
    ("9007199254740993", "9007199254740992", False),  # equal as doubles, not as integers
    ("9007199254740993", "9007199254740993", True),
    ("9,007,199,254,740,993", "9007199254740992", False),
    ("999999999999999999", "999999999999999998", False),  # 18 digits, the most an integer has
])  # fmt: skip
def test_integer_words_are_compared_as_integers(pkg, words, value, ok):
    add_seed(pkg, f"The agency counted {words} recruits in all.\n")
    _many(
        pkg,
        "figures",
        1,
        _rows_with(
            figure_id="fig-9999", value_text=words, value=value, qualifier="exact",
            value_low="", value_high="", period_start="", period_end="", period_precision="",
            period_text="", period_basis="", event_id="", claim_key="big-count", notes="",
            source_id="src-900", line="1", quote=f"counted {words} recruits",
        ),
    )  # fmt: skip
    found = located(validate(pkg).findings)
    last = len((pkg / "data/figures.csv").read_text().splitlines())
    expected = set() if ok else {("data/figures.csv", last, "value_text", "provenance/value-text")}
    assert found == expected


def test_number_words_read_exactly_past_two_to_the_53():
    from recruitment.numbers import parse_number_text

    assert parse_number_text("9007199254740993") == (9007199254740993, 9007199254740993)
    assert parse_number_text("1.5 million") == (1_500_000, 1_500_000)
    assert parse_number_text("9" * 40) is None  # too large to read: a finding, not an error
    assert parse_number_text("99999999999999999999999999999999 billion") is None


@pytest.mark.parametrize("rel", ["datapackage.json", "schemas/actors.json"])
def test_a_key_repeated_in_a_json_file_is_a_finding_on_its_line(pkg, published, rel):
    """Python keeps the last of two "version" keys, other readers the first."""
    text = (pkg / rel).read_text(encoding="utf-8")
    key = '"version"' if rel == "datapackage.json" else '"name"'
    at = next(n for n, t in enumerate(text.splitlines(), 1) if t.lstrip().startswith(key))
    lines = text.splitlines()
    lines.insert(at, lines[at - 1])  # the same key again, on the next line
    (pkg / rel).write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = validate(pkg).findings
    assert (rel, at + 1, None, "package/json") in located(found)
    assert "appears twice in one object" in found[0].message
    refused_export(pkg, published)


def test_the_diff_notes_a_json_file_with_a_repeated_key(tmp_path):
    from recruitment.core.snapshot import FolderSource, load

    pkg = copy_package(tmp_path / "pkg")
    (pkg / "schemas/actors.json").write_text('{"fields": [], "fields": [{"name": "x"}]}')
    snap = load(FolderSource(pkg))
    assert any("appears twice" in n for n in snap.notes) and snap.tables["actors"].schema == {}


@pytest.mark.parametrize(
    "old, new, bump",
    [(0, "abc", "major"), ("abc", 0, "major"), (0, None, "minor"), ([1], {"a": 1}, "major"),
     (0, 1e300, "major")],
)  # fmt: skip
def test_a_malformed_bound_never_crashes_the_diff_or_the_summary(tmp_path, old, new, bump):
    """`minimum: "abc"` crashed diff and summary, so the gate printed nothing."""
    from conftest import edit_json, schema_field
    from recruitment.core.snapshot import FolderSource, load
    from recruitment.review import diff as d
    from recruitment.review.summary import render
    from recruitment.review.versioning import check

    base, head = copy_package(tmp_path / "base"), copy_package(tmp_path / "head")
    for root, value in ((base, old), (head, new)):

        def bound(doc, v=value):
            schema_field(doc, "value")["constraints"].update(minimum=v)

        edit_json(root, "schemas/figures.json", bound)
    diff = d.compare(load(FolderSource(base)), load(FolderSource(head)))
    assert diff.required_bump == bump
    gate = check(diff, FolderSource(head))
    assert "version/bump" in {f.rule for f in gate}
    assert "Version gate" in render([], "pkg", diff, gate)
    for fmt in d.FORMATS.values():
        assert "minimum" in fmt(diff)


@pytest.fixture
def no_hang():
    """Turn a hang (a FIFO opened for reading with no writer) into a failure, not a stall."""
    import signal

    def stuck(*_):
        raise TimeoutError("blocked on a file that is not a regular file")

    old = signal.signal(signal.SIGALRM, stuck)
    signal.alarm(60)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


def test_add_source_refuses_a_fifo_instead_of_waiting_on_it(pkg, tmp_path, no_hang):
    from recruitment.curate.add_source import Refused, add_source

    fifo = tmp_path / "article.txt"
    os.mkfifo(fifo)
    before = [snapshot(pkg / "seeds"), snapshot(pkg / "data")]
    with pytest.raises(Refused, match="not a regular file"):
        add_source(pkg, fifo)
    assert [snapshot(pkg / "seeds"), snapshot(pkg / "data")] == before


def test_add_source_never_reads_a_fifo_under_seeds(pkg, tmp_path, no_hang):
    from recruitment.curate.add_source import add_source

    os.mkfifo(pkg / "seeds" / "stray.txt")
    article = tmp_path / "article.txt"
    article.write_text("Dated 2024-05-01. A new article with 12 numbers in it.\n")
    added = add_source(pkg, article)
    assert (pkg / added.seed_file).read_bytes() == article.read_bytes()


# --- item 2: invisible and direction-changing characters --------------------------------------
def test_every_format_character_is_in_the_escaped_class():
    import sys
    import unicodedata

    from recruitment.report import UNSAFE

    cf = [chr(c) for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c)) == "Cf"]
    assert len(cf) > 150 and all(UNSAFE.fullmatch(ch) for ch in cf)


FORMAT_CHARS = ["\u202e", "\u2066", "\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\U000e0041"]


def test_a_format_character_is_a_finding_in_every_cell_and_escaped_in_every_output(pkg):
    from conftest import set_cells
    from recruitment.report import FORMATS

    lines = {
        char: set_cells(
            pkg, "actors", 2 + i, name=f"UK Ministry of{char} Defence", country=f"GB{char}R"
        )
        for i, char in enumerate(FORMAT_CHARS)
    }
    found = validate(pkg).findings
    for char, line in lines.items():
        for column in ("name", "country"):
            assert ("data/actors.csv", line, column, "text/format-character") in located(found)
        (message,) = {
            f.message for f in found if f.line == line and f.rule == "text/format-character"
            and f.column == "name"
        }  # fmt: skip
        assert f"U+{ord(char):04X} " in message and "at character 15" in message
    for fmt, render in FORMATS.items():  # what `validate --format FMT` prints
        out = render(found, "pkg")
        for char in FORMAT_CHARS:
            assert char not in out and f"U+{ord(char):04X}" in out, (fmt, char)
            if fmt != "json" and ord(char) > 0xFF:  # as diff shows it (U+00AD may read \xad)
                assert f"\\u{ord(char):04x}" in out or f"\\U{ord(char):08x}" in out


# --- item 3: references stay inside one article -----------------------------------------------
def test_every_figure_event_reference_of_another_article_is_a_finding(pkg, published):
    import csv
    import io

    from recruitment.checks.curation import reports
    from recruitment.core.package import load_package

    path = pkg / "data/figures.csv"
    figures = list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))
    events = list(csv.DictReader(io.StringIO((pkg / "data/events.csv").read_text("utf-8"))))
    moved = {}
    for i, fig in enumerate(figures):
        other = next((e for e in events if e["source_id"] != fig["source_id"]), None)
        if fig["event_id"] and other:
            fig["event_id"] = other["event_id"]
            moved[i + 2] = other["source_id"]
    out = io.StringIO()
    writer = csv.DictWriter(out, list(figures[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(figures)
    path.write_text(out.getvalue(), encoding="utf-8")
    found = validate(pkg).findings
    assert {f.line for f in found if f.rule == "curation/other-source"} == set(moved)
    assert located(found) == {
        ("data/figures.csv", n, "event_id", "curation/other-source") for n in moved
    }
    refused_export(pkg, published)
    package, _ = load_package(ROOT)  # reports (events, figures) vs things named across them
    assert [r for r in package.resources if reports(package.resources[r])] == ["events", "figures"]


# --- item 4: CI runs the base branch's pipeline on the pull request's data --------------------
def _workflow(name: str) -> dict:
    import yaml

    path = ROOT / ".github" / "workflows" / name
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader)


def test_the_check_that_decides_a_pull_request_runs_the_base_pipeline():
    doc = _workflow("validate.yml")
    assert "pull_request" in doc["on"] and "pull_request_target" not in doc["on"]
    assert doc["permissions"] == {"contents": "read"}
    steps = doc["jobs"]["validate"]["steps"]
    checkouts = {s["with"]["path"]: s["with"] for s in steps if "checkout" in s.get("uses", "")}
    assert set(checkouts) == {"pr", "base"} and "ref" not in checkouts["pr"]
    assert "github.event.pull_request.base.sha" in checkouts["base"]["ref"]
    runs = [s for s in steps if "run" in s]
    assert any(s["run"] == "make -C base venv" for s in runs)
    for step in runs:
        if "recruitment" in step["run"]:  # every check: the base's program, on pr/'s files
            assert step["run"].startswith("../base/.venv/bin/recruitment "), step["run"]
            assert step["working-directory"] == "pr"
    assert not any("pr/" in s["run"] for s in runs)  # nothing of the pull request is run
    assert all(s["run"].startswith("make -C base ") for s in runs if "make" in s["run"])


def test_code_owners_review_the_pipeline_and_what_runs_it():
    text = (ROOT / ".github" / "CODEOWNERS").read_text(encoding="utf-8")
    owned = {line.split()[0] for line in text.splitlines() if line and not line.startswith("#")}
    assert {"/scripts/", "/tests/", "/.github/", "/Makefile", "/requirements.lock"} <= owned
    assert all(len(line.split()) >= 2 for line in text.splitlines() if line and line[0] != "#")


def test_a_pull_request_that_edits_scripts_with_invalid_data_still_fails(pkg):
    """The pull request's scripts/ say everything is valid; the installed (base) pipeline,
    run in the pull request's folder as CI runs it, never imports them."""
    import subprocess
    import sys

    from conftest import set_cells

    poisoned = pkg / "scripts" / "recruitment"
    shutil.copytree(ROOT / "scripts" / "recruitment", poisoned)
    marker = pkg / "pr-code-ran"
    (poisoned / "checks" / "validate.py").write_text(
        f"open({str(marker)!r}, 'w').close()\n"
        "def validate(root, use_cache=True):\n    raise SystemExit(0)\n",
        encoding="utf-8",
    )
    line = set_cells(pkg, "figures", 2, measure="not_a_measure")
    done = subprocess.run(
        [str(Path(sys.executable).parent / "recruitment"), "validate", "--format", "github"],
        cwd=pkg,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1, done.stdout + done.stderr
    assert f"::error file=data/figures.csv,line={line}," in done.stdout
    assert not marker.exists()
