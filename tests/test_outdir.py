"""The swap of dist/ survives a kill at any instant, and two exports at once.

Each kill test runs ``export`` in a subprocess whose swap is patched to SIGKILL the
process at one instant (before the exchange, right after it, halfway through removing the
old folder, between the two renames of the fallback swap), then checks that dist/ is a
complete export, and that the next export leaves no temporary folder behind. Only the killed
export and the two concurrent ones need a process of their own; the export before and the
one after run in the test's process (the same code, without a second interpreter start).
"""

from __future__ import annotations

import hashlib
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from conftest import copy_package, set_cells
from recruitment.checks.validate import validate
from recruitment.publish.export import export
from recruitment.publish.outdir import MARKER

KILLER = textwrap.dedent(
    """
    import os, shutil, signal, sys
    from pathlib import Path
    from recruitment.publish import export, outdir

    root, out, point = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    real_exchange, real_rmtree = outdir.exchange, shutil.rmtree
    if point == "before-exchange":
        outdir.exchange = die
    elif point == "after-exchange":
        def exchange(new, old):
            real_exchange(new, old)
            die()
        outdir.exchange = exchange
    elif point == "mid-remove":
        def rmtree(path, ignore_errors=False):
            files = sorted(p for p in Path(path).rglob("*") if p.is_file())
            for p in files[: len(files) // 2]:
                p.unlink()
            die()
        outdir.shutil.rmtree = rmtree
    elif point == "between-renames":
        outdir.atomic_exchange = lambda a, b: False
        real_rename = Path.rename
        def rename(self, target):
            result = real_rename(self, target)
            if self == out:
                die()
            return result
        Path.rename = rename
    export.export(root, out)
    """
)


def complete(out: Path) -> bool:
    """dist/ holds an export whose every file matches SHA256SUMS, and only those files."""
    if not (out / MARKER).is_file() or not (out / "SHA256SUMS").is_file():
        return False
    listed = {}
    for line in (out / "SHA256SUMS").read_text().splitlines():
        digest, name = line.split("  ", 1)
        listed[name] = digest
    present = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    if present - {"SHA256SUMS"} != set(listed):
        return False
    return all(hashlib.sha256((out / n).read_bytes()).hexdigest() == d for n, d in listed.items())


def leftovers(out: Path) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}-"))


def run_export(root: Path, out: Path, point: str = "none") -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", KILLER, str(root), str(out), point])


@pytest.fixture
def exported(tmp_path):
    """A package, an existing dist/ from it, and the package changed so the next differs."""
    root = copy_package(tmp_path / "pkg")
    out = tmp_path / "dist"
    assert export(root, out).valid and complete(out)
    set_cells(root, "events", 2, summary="A changed summary, so the next export differs")
    # Recorded in the package's validation cache: the exports in subprocesses skip the checks
    # and reach the swap sooner.
    assert validate(root).valid
    return root, out


@pytest.mark.parametrize(
    "point", ["before-exchange", "after-exchange", "mid-remove", "between-renames"]
)
def test_a_kill_at_any_instant_leaves_a_complete_dist(exported, point):
    root, out = exported
    old = (out / "csv" / "events.csv").read_bytes()
    assert run_export(root, out, point).wait() == -signal.SIGKILL
    if point == "between-renames":
        # Without an atomic exchange, dist/ is aside for an instant; the next run restores it.
        assert not out.exists() and leftovers(out)
    else:
        assert complete(out)
        new = (out / "csv" / "events.csv").read_bytes()
        assert new == old if point == "before-exchange" else new != old
    assert export(root, out).valid
    assert complete(out) and leftovers(out) == []
    assert (out / "csv" / "events.csv").read_bytes() != old


def test_two_exports_at_once_never_leave_dist_missing_or_mixed(exported):
    root, out = exported
    first, second = run_export(root, out), run_export(root, out)
    assert first.wait() == 0 and second.wait() == 0
    assert complete(out) and leftovers(out) == []
