"""Paths are data, not trust: every file the package names is checked before it is opened.

A contributor controls every path in the package (resource and schema paths, seed files)
and can turn any file or folder into a symlink, a FIFO or a device. So a path is first
read as text (relative, POSIX, no '..', no URL), then resolved with symlinks followed and
confined to the package root, then checked to be a regular file under its size limit, and
only then opened, with a bounded read. Nothing here hands a path to anything that expands
globs.
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://|[A-Za-z][A-Za-z0-9+.-]*:[^/]")


def is_url(rel: object) -> bool:
    return isinstance(rel, str) and bool(_URL.match(rel))


def safe_relative(rel: object) -> bool:
    """A path we may join to the root: relative, POSIX, and never climbing out with '..'."""
    if not isinstance(rel, str) or not rel or "\\" in rel or "\x00" in rel or is_url(rel):
        return False
    if re.match(r"[A-Za-z]:", rel):
        return False
    p = PurePosixPath(rel)
    return not p.is_absolute() and ".." not in p.parts


@dataclass(frozen=True)
class Refusal:
    """Why a path was not opened: ``kind`` is one of url, path, missing, outside, type, size."""

    kind: str
    message: str


def confine(root: Path, rel: object, max_bytes: int, *, links: bool = False) -> Path | Refusal:
    """The real path of ``rel`` under ``root``, or why it may not be opened.

    ``root`` is resolved here; the path must resolve (symlinks in its folders followed)
    inside it, be a regular file (not a FIFO, device or folder) and hold at most
    ``max_bytes``. The file itself may not be a symlink, even to a file inside the package:
    what is read is the file a reviewer sees in the pull request, never what a link points
    at. (``links=True`` would allow one; no caller does.)
    """
    if is_url(rel):
        return Refusal("url", f"{shown_path(rel)} is a URL; the package only reads its own files.")
    if not safe_relative(rel):
        return Refusal("path", f"{shown_path(rel)} is not a relative path inside the package.")
    real_root = Path(root).resolve()
    path = real_root / str(rel)
    if not os.path.lexists(path):
        return Refusal("missing", f"{rel} does not exist.")
    if not links and path.is_symlink():
        return Refusal("type", f"{rel} is a symlink; only the regular file itself is read.")
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):  # a dangling or looping symlink
        return Refusal("outside", f"{rel} is a symlink that leads nowhere.")
    if not real.is_relative_to(real_root):
        return Refusal("outside", f"{rel} resolves outside the package.")
    try:
        st = os.stat(real)
    except OSError as err:
        return Refusal("missing", f"{rel} cannot be read ({err.strerror}).")
    if not stat.S_ISREG(st.st_mode):
        kind = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
        return Refusal("type", f"{rel} is {kind} (FIFO, device or folder), not a file.")
    if st.st_size > max_bytes:
        return Refusal("size", f"{rel} has {st.st_size:,} bytes; the limit is {max_bytes:,} bytes.")
    return real


def confined_dir(root: Path, rel: str) -> Path | Refusal:
    """The real path of the folder ``rel`` (e.g. seeds), which must resolve inside ``root``."""
    real_root = Path(root).resolve()
    path = real_root / rel
    if not os.path.lexists(path):
        return Refusal("missing", f"{rel}/ does not exist.")
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return Refusal("outside", f"{rel}/ is a symlink that leads nowhere.")
    if not real.is_relative_to(real_root):
        return Refusal("outside", f"{rel}/ resolves outside the package.")
    if not real.is_dir():
        return Refusal("type", f"{rel} is not a folder.")
    return real


def read_bounded(real: Path, max_bytes: int) -> bytes:
    """Read a confined file, never more than ``max_bytes`` (+1 to notice growth)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(real, flags)
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{real.name} is not a regular file")
        chunks, left = [], max_bytes + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1 << 24))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


PUBLISHED_FILES = ("CITATION.cff", "CHANGELOG.md", "LICENSE", "LICENSE-DATA.md", "docs/codebook.md")
"""Files beside the data that the site, the release or the version gate copy or read: read
like data (confined, bounded, regular), and never through a symlink."""


class Unreadable(OSError):
    """A file the package publishes was refused (a symlink, FIFO, too large, outside)."""


def read_published(root: Path, rel: str, max_bytes: int) -> bytes | None:
    """The bytes of ``rel``, one of the package's own files, or None when it does not exist.

    Raises :class:`Unreadable` when it may not be read (see :func:`confine`).
    """
    real = confine(root, rel, max_bytes)
    if isinstance(real, Refusal):
        if real.kind == "missing":
            return None
        raise Unreadable(real.message)
    return read_bounded(real, max_bytes)[:max_bytes]


def shown_path(rel: object, limit: int = 120) -> str:
    """A contributor's path as printed: repr, so control characters show as escapes."""
    text = repr(rel)
    return text if len(text) <= limit else text[:limit] + "…'"


SEEDS_DIR = "seeds"
"""The package's folder of seed articles."""


def walk(
    folder: Path, rel: str, hidden: bool = True, more: Callable[[], bool] | None = None
) -> Iterator[tuple[str, os.DirEntry]]:
    """(``rel``/path, entry) of every entry under ``folder`` that is not a folder (files,
    symlinks, special files), never following a link; without ``hidden``, names starting
    with a dot are passed over (a dot folder is not entered). ``more()``, asked before each
    folder is read, stops the walk when it turns false. The one walker of seeds/: the
    callers decide what a link, a special file or too many files mean."""
    stack = [(folder, rel)]
    while stack and (more is None or more()):
        here, prefix = stack.pop()
        with os.scandir(here) as entries:
            for entry in entries:
                if not hidden and entry.name.startswith("."):
                    continue
                if entry.is_dir(follow_symlinks=False):
                    stack.append((Path(entry.path), f"{prefix}/{entry.name}"))
                else:
                    yield f"{prefix}/{entry.name}", entry


def sha256_file(path: Path) -> str:
    """SHA-256 of a file, in hex, read a block at a time."""
    h = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
