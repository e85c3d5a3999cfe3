"""Fixtures: a private copy of the real package, and editors that break it in one place."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE_PARTS = ("datapackage.json", "schemas", "data", "seeds")


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


def rows(root: Path, table: str) -> list[dict]:
    with (root / "data" / f"{table}.csv").open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


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


@pytest.fixture(scope="module")
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


GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "GIT_CONFIG_GLOBAL": "/dev/null",
    "GIT_CONFIG_NOSYSTEM": "1",
}
"""git as a test runs it: a fixed author, no user or system configuration."""


def git(repo: Path, *args: str) -> str:
    """Run git in ``repo`` (failing the test if git fails); its output, stripped."""
    import os
    import subprocess

    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, **GIT_ENV},
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()
