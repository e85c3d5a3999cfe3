"""The publication folder (``--out``, ``dist/`` by default): guarded, and swapped atomically.

``--out`` is replaced whole, so it must be a folder this pipeline wrote: every export
carries :data:`MARKER`, and an existing folder without it is refused, as are the package
root, its ancestors and every folder the package reads. A new export is written into a
temporary folder beside ``--out`` and exchanged with it in one atomic step (Linux
``renameat2(RENAME_EXCHANGE)``), under a lock on the parent folder, so a kill at any
instant leaves ``--out`` a complete earlier or newer export, two exports at once queue,
and the next run removes whatever temporary folders a killed run left.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import fcntl
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from ..errors import RecruitmentError
from ..paths import SEEDS_DIR

MARKER = ".recruitment-export"
MARKER_TEXT = (
    "This folder was written by `recruitment export`; the next export replaces it whole.\n"
)
PACKAGE_FOLDERS = (
    "data", "schemas", SEEDS_DIR, "docs", "scripts", "tests", "bench", ".git", ".github",
    ".recruitment",
)  # fmt: skip
"""Folders of the package that an export must never replace (it reads or keeps them)."""


class OutRefused(RecruitmentError):
    """``--out`` names a folder the export must not replace: a usage problem (exit 2)."""

    def message(self) -> str:
        return f"error: --out refused: {self}"


def check_out(root: Path, out: Path) -> None:
    """Refuse an ``--out`` that is not a previous export, or that the package needs."""
    root_real = Path(root).resolve()
    out_abs = Path(os.path.abspath(out))
    if out_abs.is_symlink():
        raise OutRefused(f"{out} is a symlink; --out must be a real folder.")
    out_real = out_abs.resolve()
    if root_real.is_relative_to(out_real):
        raise OutRefused(f"{out} is the package folder or holds it; choose a folder such as dist.")
    for name in PACKAGE_FOLDERS:
        needed = (root_real / name).resolve()
        if out_real == needed or out_real.is_relative_to(needed):
            raise OutRefused(f"{out} is inside {name}/, which the package needs.")
    if not os.path.lexists(out_abs):
        return
    if not out_abs.is_dir():
        raise OutRefused(f"{out} exists and is not a folder.")
    marker = out_abs / MARKER
    if marker.is_symlink() or not marker.is_file():
        raise OutRefused(
            f"{out} exists but is not an export of this pipeline (no {MARKER} in it); "
            "remove it yourself or choose another --out."
        )
    for folder in (out_abs, out_abs.parent):
        if not os.stat(folder).st_mode & stat.S_IWUSR or not os.access(folder, os.W_OK):
            raise OutRefused(f"{folder} is read-only; nothing was replaced.")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """An exclusive lock on ``folder`` itself (no lock file is left behind)."""
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _leftovers(parent: Path, name: str) -> list[Path]:
    return sorted(
        p
        for p in parent.iterdir()
        if p.name.startswith((f".{name}-new-", f".{name}-old-")) and not p.is_symlink()
    )


def clean_leftovers(out: Path) -> None:
    """Remove temporary folders a killed export left; restore ``out`` if only its old copy is
    left (a kill between the two renames of the fallback swap). Call under the lock."""
    old = [p for p in _leftovers(out.parent, out.name) if p.name.startswith(f".{out.name}-old-")]
    if not os.path.lexists(out) and old:
        old[-1].rename(out)
    for p in _leftovers(out.parent, out.name):
        shutil.rmtree(p, ignore_errors=True)


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(new: Path, out: Path) -> None:
    """Put ``new`` in place of ``out`` in one step; afterwards ``new`` holds the old folder
    (or nothing, when there was no ``out``)."""
    if not os.path.lexists(out):
        os.rename(new, out)
        return
    if atomic_exchange(new, out):
        return
    # No atomic exchange on this system: two renames; clean_leftovers repairs a kill between.
    aside = out.with_name(f".{out.name}-old-{os.getpid()}")
    out.rename(aside)
    new.rename(out)
    aside.rename(new)


def atomic_exchange(a: Path, b: Path) -> bool:
    """Swap two paths with renameat2(RENAME_EXCHANGE); False where the system cannot."""
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def replace_folder(out: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a fresh folder beside ``out`` and swap it in only if it succeeds."""
    out = Path(os.path.abspath(out))
    out.parent.mkdir(parents=True, exist_ok=True)
    with _locked(out.parent):
        clean_leftovers(out)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
        try:
            tmp.chmod(0o755)
            write(tmp)
            exchange(tmp, out)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)  # the failed attempt, or the old folder
