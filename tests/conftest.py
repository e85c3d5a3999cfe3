"""Fixtures: a private copy of the real package, and editors that break it in one place.

The suite is hermetic: it installs nothing and reaches no network (``no_network``), and
every cache it fills lives in a temporary folder (``private_caches``): the validation
cache's signing key (``XDG_CACHE_HOME``), each package's ``.recruitment/`` (tests validate
copies, never the repository itself) and hypothesis' files (no example database).
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import configuration, settings

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("datapackage.json", "schemas", "data", "seeds")

settings.register_profile("hermetic", database=None)  # no example database
settings.load_profile("hermetic")


def pytest_configure(config):
    """Hypothesis' own files (it writes some as test modules are collected) in a temporary
    folder, not in .hypothesis/ of the repository."""
    folder = Path(tempfile.mkdtemp(prefix="recruitment-hypothesis-"))
    configuration.set_hypothesis_home_dir(folder)
    config.add_cleanup(lambda: shutil.rmtree(folder, ignore_errors=True))


def plain_id(text) -> str:
    """A test id pytest keeps as it is: every character that is not printable ASCII, and the
    backslash, written as its Unicode name ("18{EM DASH}30").

    pytest escapes any other id, and caches the escaped id on the parametrize mark; a second
    run in the same process (mutmut runs the tests several times in one process) escapes it
    again, so the id it reports no longer selects the test (``not found``, exit code 4).
    """
    return "".join(
        c
        if c.isascii() and c.isprintable() and c != "\\"
        else "{" + unicodedata.name(c, f"U+{ord(c):04X}") + "}"
        for c in str(text)
    )


SHARED_SETUP = {"batches", "committed", "committed_dist", "published"}
"""Fixtures that validate or export whole packages once per module or session."""


def pytest_collection_modifyitems(config, items):
    """Under mutmut: refuse an id pytest would escape (see ``plain_id``), before mutmut's own
    clean run stops with only 'Failed to run pytest'; and run the tests that share an
    expensive setup last. mutmut orders a mutant's tests by their call time alone, so a
    test whose fixture validated a dozen packages came first, and every mutant paid for
    that setup before the fast test that kills it ran."""
    if "MUTANT_UNDER_TEST" not in os.environ:
        return
    escaped = [item.nodeid for item in items if "\\" in item.nodeid]
    if escaped:
        raise pytest.UsageError(
            "these test ids hold characters pytest escapes, and mutmut cannot select them "
            "again; give the parametrize ids=[plain_id(...)] (tests/conftest.py): "
            + ", ".join(escaped[:5])
        )
    items.sort(key=lambda item: bool(SHARED_SETUP & set(getattr(item, "fixturenames", ()))))


@pytest.fixture(scope="session", autouse=True)
def private_caches(tmp_path_factory):
    """The user's cache folder (the validation cache's key) replaced by a temporary one for
    the whole session, subprocesses included."""
    saved = os.environ.get("XDG_CACHE_HOME")
    os.environ["XDG_CACHE_HOME"] = str(tmp_path_factory.mktemp("xdg-cache"))
    yield
    if saved is None:
        os.environ.pop("XDG_CACHE_HOME", None)
    else:
        os.environ["XDG_CACHE_HOME"] = saved


def copy_package(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for part in PACKAGE_PARTS:
        src = ROOT / part
        if src.is_dir():
            shutil.copytree(src, dest / part)
        else:
            shutil.copy2(src, dest / part)
    return dest


@pytest.fixture
def pkg(tmp_path: Path) -> Path:
    """A copy of the committed package that a test may break."""
    return copy_package(tmp_path / "pkg")


GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (failing the test, with git's message, if git fails); its
    output, stripped. A fixed author, no user or system configuration."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **GIT_ENV},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def make_repo(path: Path) -> Path:
    """A git repository holding the committed package on main."""
    copy_package(path)
    for name in ("CHANGELOG.md", "CITATION.cff"):
        shutil.copy2(ROOT / name, path / name)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "base")
    return path


def load_model(root: Path = ROOT):
    """The package model (descriptor and schemas) of ``root``, the committed package by
    default, loaded without remembering anything in its .recruitment/ (for module-level
    constants, which no fixture can give)."""
    from recruitment.core.package import load_package

    saved = os.environ.get("RECRUITMENT_CACHE")
    os.environ["RECRUITMENT_CACHE"] = "off"
    try:
        model, findings = load_package(root)
    finally:
        if saved is None:
            del os.environ["RECRUITMENT_CACHE"]
        else:
            os.environ["RECRUITMENT_CACHE"] = saved
    assert model is not None, findings
    return model


def rows(root: Path, table: str) -> list[dict]:
    with (root / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def append_row(root: Path, table: str, **values) -> dict:
    """Append a copy of the table's last row with ``values`` changed."""
    path = root / "data" / f"{table}.csv"
    row = {**rows(root, table)[-1], **{k: str(v) for k, v in values.items()}}
    out = io.StringIO()
    csv.DictWriter(out, fieldnames=list(row), lineterminator="\n").writerow(row)
    with path.open("a", encoding="utf-8", newline="") as fh:
        fh.write(out.getvalue())
    return row


def add_row(root: Path, table: str, row: dict) -> int:
    """Append ``row`` to the table (columns it does not name left empty; a column the table
    lacks fails); returns its CSV line."""
    path = root / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        header, data = reader.fieldnames, list(reader)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\n")
    writer.writeheader()
    writer.writerows([*data, row])
    path.write_text(out.getvalue(), encoding="utf-8")
    return len(data) + 2


def next_source(root: Path) -> tuple[str, str]:
    """(source id, seed-file prefix) that the next article added to ``root`` gets: one more
    than the highest number among its source ids and seed files, e.g. ("src-003", "003_").
    Derived from the package, so a test stays right when articles are added."""
    numbers = [int(r["source_id"].rsplit("-", 1)[1]) for r in rows(root, "sources")]
    numbers += [int(p.name[:3]) for p in (root / "seeds").iterdir() if p.name[:3].isdigit()]
    n = max(numbers, default=-1) + 1
    return f"src-{n:03d}", f"{n:03d}_"


def find_row(root: Path, table: str, **where) -> tuple[int, dict]:
    """The first row matching ``where`` (callables are predicates): (CSV line, row)."""
    for i, row in enumerate(rows(root, table)):
        if all(v(row[k]) if callable(v) else row[k] == v for k, v in where.items()):
            return i + 2, row
    raise LookupError(f"no {table} row with {where}")


def set_cells(root: Path, table: str, at: int, /, **values) -> int:
    """Rewrite one row's cells (by CSV line); returns the line."""
    path = root / "data" / f"{table}.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        data = list(csv.DictReader(fh))
        header = list(data[0].keys()) if data else []
    data[at - 2].update({k: str(v) for k, v in values.items()})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(data)
    path.write_text(out.getvalue(), encoding="utf-8")
    return at


def bump_version(repo: Path, version: str) -> None:
    """Set the package's version in datapackage.json and CITATION.cff (if it has one)."""
    edit_json(repo, "datapackage.json", lambda doc: doc.update(version=version))
    citation = repo / "CITATION.cff"
    if citation.exists():
        text = citation.read_text(encoding="utf-8")
        old = next(line for line in text.splitlines() if line.startswith("version:"))
        citation.write_text(text.replace(old, f"version: {version}"), encoding="utf-8")


def edit_bytes(root: Path, rel: str, fn) -> None:
    path = root / rel
    path.write_bytes(fn(path.read_bytes()))


def at_line(data: bytes, line: int, insert: bytes) -> bytes:
    """``data`` with ``insert`` placed at the start of physical line ``line``."""
    parts = data.split(b"\n")
    parts[line - 1] = insert + parts[line - 1]
    return b"\n".join(parts)


def edit_json(root: Path, rel: str, fn) -> None:
    path = root / rel
    doc = json.loads(path.read_text(encoding="utf-8"))
    fn(doc)
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def schema_field(doc: dict, name: str) -> dict:
    return next(f for f in doc["fields"] if f["name"] == name)


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: compared before and after a bad export."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


@pytest.fixture(scope="session")
def committed(tmp_path_factory) -> Path:
    """A copy of the committed package, in a git repository of its own, for the tests that
    only read or publish it: its validation cache goes to the copy, never to the
    repository's .recruitment/."""
    return make_repo(tmp_path_factory.mktemp("committed") / "pkg")


@pytest.fixture(scope="session")
def committed_dist(committed, tmp_path_factory) -> Path:
    """The committed package exported once per session (CSV, Parquet, DuckDB, descriptor,
    checksums; no site): for tests that read the published files and change nothing."""
    from recruitment.publish.export import export

    out = tmp_path_factory.mktemp("committed-dist") / "dist"
    assert export(committed, out).valid
    return out


@pytest.fixture(scope="session")
def published(tmp_path_factory):
    """A dist/ built from the good package, to be left untouched by every bad export."""
    from recruitment.publish.export import export

    base = tmp_path_factory.mktemp("published")
    out = base / "dist"
    assert export(copy_package(base / "good"), out).valid
    return out


def located(findings) -> set[tuple]:
    return {(f.file, f.line, f.column, f.rule) for f in findings}


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    """Fail any test that opens a network connection; loopback and local sockets stay open
    (the browser tests serve the site on 127.0.0.1 and talk to Chromium over a pipe)."""
    import ipaddress
    import socket

    real_connect = socket.socket.connect

    def guarded(self, address):
        if self.family in (socket.AF_INET, socket.AF_INET6):
            host = address[0]
            try:
                loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
            except ValueError:
                loopback = False
            if not loopback:
                raise OSError(f"tests make no network requests (tried {host})")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)
