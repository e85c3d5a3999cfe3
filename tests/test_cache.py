"""The validation cache: a state that validated is not checked again, and nothing else is.

After a valid, cached validation, one changed byte in any input must bring back the full
validation with exactly the findings an uncached run gives; a forged or foreign entry, a
symlinked work folder or a symlink among the seeds means no cache at all.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from conftest import edit_json, snapshot
from recruitment.checks.validate import validate
from recruitment.core import cache


@pytest.fixture(autouse=True)
def private_cache_key(tmp_path, monkeypatch):
    """Each test signs its entries with a key of its own (never the user's)."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.delenv("RECRUITMENT_CACHE", raising=False)


def _validated(pkg: Path):
    first = validate(pkg)
    assert first.valid and not first.cached
    second = validate(pkg)
    assert second.valid and second.cached
    return second


def _flip_byte(path: Path, after: bytes = b"\n") -> None:
    """Change one letter of ``path`` (the first after ``after``) into another letter."""
    data = bytearray(path.read_bytes())
    start = data.index(after) + len(after) if after else 0
    at = next(i for i in range(start, len(data)) if chr(data[i]).isalpha())
    data[at] = ord("x") if data[at] != ord("x") else ord("y")
    path.write_bytes(bytes(data))


def test_a_valid_package_is_validated_once(pkg):
    result = _validated(pkg)
    assert result.findings == []
    entry = json.loads((pkg / ".recruitment" / "validated.json").read_text())
    assert set(entry["inputs"]) >= {"datapackage.json", "data/figures.csv", "schemas/figures.json"}


def _first_seed(pkg: Path) -> str:
    return sorted(p.relative_to(pkg).as_posix() for p in (pkg / "seeds").iterdir())[0]


CHANGES = {
    "descriptor": lambda pkg: _flip_byte(pkg / "datapackage.json", b'"description"'),
    "schema": lambda pkg: _flip_byte(pkg / "schemas" / "figures.json", b'"description"'),
    "schema-constraint": lambda pkg: (pkg / "schemas" / "events.json").write_text(
        re.sub(
            r'"maxLength": (\d+)',
            lambda m: f'"maxLength": {m.group(1)[:-1] or "1"}',
            (pkg / "schemas" / "events.json").read_text(encoding="utf-8"),
            count=1,
        ),
        encoding="utf-8",
    ),
    "data": lambda pkg: _flip_byte(pkg / "data" / "figures.csv"),
    "data-quote": lambda pkg: _flip_byte(pkg / "data" / "events.csv", b'"'),
    "seed": lambda pkg: _flip_byte(pkg / _first_seed(pkg)),
    "seed-added": lambda pkg: (pkg / "seeds" / "new-article.txt").write_text("1 2 3\n"),
    "seed-hidden": lambda pkg: (pkg / "seeds" / ".hidden.txt").write_text("x\n"),
}


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_one_changed_byte_brings_back_every_check(kind, pkg):
    _validated(pkg)
    CHANGES[kind](pkg)
    again = validate(pkg)
    assert not again.cached
    fresh = validate(pkg, use_cache=False)
    assert again.findings == fresh.findings


@pytest.mark.parametrize("kind", sorted(CHANGES))
def test_one_changed_byte_is_seen_when_file_identities_are_trusted(kind, pkg, monkeypatch):
    """With every file old enough to trust its identity (device, inode, size, mtime, ctime:
    the shortcut that spares reading unchanged files), a change is still seen."""
    monkeypatch.setattr(cache, "RACY_NS", -(10**12))
    _validated(pkg)
    assert validate(pkg).cached
    CHANGES[kind](pkg)
    again = validate(pkg)
    assert not again.cached
    assert again.findings == validate(pkg, use_cache=False).findings


def test_a_changed_byte_that_breaks_the_package_is_reported(pkg):
    _validated(pkg)
    _flip_byte(pkg / _first_seed(pkg))
    result = validate(pkg)
    assert not result.valid and "provenance/sha256" in {f.rule for f in result.findings}


def test_other_code_or_libraries_are_another_state(pkg, monkeypatch):
    _validated(pkg)
    monkeypatch.setattr(cache, "_versions", lambda: {"duckdb": "0.0.0"})
    assert not validate(pkg).cached
    monkeypatch.setattr(cache, "_code_digest", lambda: "another pipeline")
    assert not validate(pkg).cached


def test_an_invalid_package_is_never_remembered(pkg):
    _flip_byte(pkg / _first_seed(pkg))
    assert not validate(pkg).valid
    assert not (pkg / ".recruitment" / "validated.json").exists()
    assert not validate(pkg).cached


def test_a_forged_entry_is_ignored(pkg):
    """A contributor can commit .recruitment/validated.json with the right key: without the
    signature of the machine's own key it is not believed."""
    _flip_byte(pkg / _first_seed(pkg))
    stamp = cache.fingerprint(pkg)
    (pkg / ".recruitment").mkdir(exist_ok=True)
    entry = {"format": cache.FORMAT, "key": stamp.key, "mac": "0" * 64, "inputs": {}}
    entry |= {"stats": {}, "written_ns": 0}
    (pkg / ".recruitment" / "validated.json").write_text(json.dumps(entry))
    result = validate(pkg)
    assert not result.cached and not result.valid


def test_an_entry_signed_with_another_key_is_ignored(pkg, tmp_path, monkeypatch):
    _validated(pkg)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "another-machine"))
    assert not validate(pkg).cached


def test_a_symlink_among_the_seeds_means_no_cache(pkg):
    seed = _first_seed(pkg)
    os.symlink(Path(seed).name, pkg / "seeds" / "alias.txt")
    assert cache.fingerprint(pkg) is None
    first = validate(pkg)
    assert not validate(pkg).cached
    assert first.findings == validate(pkg).findings


def test_a_linked_work_folder_is_neither_read_nor_written(pkg, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    os.symlink(elsewhere, pkg / ".recruitment")
    with pytest.raises(OSError):
        validate(pkg)
    assert list(elsewhere.iterdir()) == []


def test_the_cache_can_be_turned_off(pkg, monkeypatch):
    _validated(pkg)
    monkeypatch.setenv("RECRUITMENT_CACHE", "off")
    assert not validate(pkg).cached


def test_export_after_validate_publishes_the_same_files(pkg, tmp_path):
    from recruitment.publish.export import export

    cold = export(
        pkg,
        tmp_path / "cold",
    )
    assert cold.valid and not cold.cached
    warm = export(pkg, tmp_path / "warm")
    assert warm.valid and warm.cached
    a, b = snapshot(tmp_path / "cold"), snapshot(tmp_path / "warm")
    assert sorted(a) == sorted(b)
    for name in a:
        if name.endswith((".csv", ".parquet")):
            assert a[name] == b[name], name


def test_data_changed_after_the_cache_was_consulted_is_not_loaded(pkg):
    _validated(pkg)
    result = validate(pkg)
    assert result.cached
    _flip_byte(pkg / "data" / "figures.csv")
    with pytest.raises(OSError, match="changed since it was validated"):
        result.con  # noqa: B018 - the tables load on first use


def test_remembered_schema_checks_never_hide_a_changed_schema(pkg):
    """The schemas' frictionless check is remembered per exact text: a schema changed after
    that gets the findings a package that never had the memo gets."""
    assert validate(pkg, use_cache=False).valid  # remembers the schema texts that passed
    assert validate(pkg, use_cache=False).valid
    # a field title that is no string: a finding of frictionless' descriptor check
    edit_json(pkg, "schemas/figures.json", lambda d: d["fields"][0].update(title=5))
    remembered = validate(pkg, use_cache=False).findings
    for memo in (pkg / ".recruitment").iterdir():
        memo.unlink()
    assert remembered and remembered == validate(pkg, use_cache=False).findings
