"""Read a package as it stands in a folder or at a git commit, without trusting it.

``diff`` compares two packages, and the older one often exists only in git history. A
:class:`Source` reads files of one package: :class:`FolderSource` from a folder,
:class:`GitSource` from a commit through ``git cat-file`` (nothing is checked out, so a
hostile commit never writes to the work tree). Both refuse what a pull request could use
to reach outside the package: absolute paths, ``..``, symlinks, submodules, special files
and files over :data:`MAX_FILE_BYTES`.

A :class:`Snapshot` is what ``diff`` needs of a package: the descriptor, each table's
schema and rows (as the CSV's strings, keyed later by the schema's primary key) and the
SHA-256 of every seed. It is tolerant: a broken file becomes a note, not an exception,
since the package being compared may be invalid.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import stat
import subprocess
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath

from ..errors import RecruitmentError
from ..limits import SNAPSHOT_FILE_MAX_BYTES as MAX_FILE_BYTES
from ..limits import SNAPSHOT_JSON_MAX_BYTES as MAX_JSON_BYTES
from ..paths import SEEDS_DIR, safe_relative, sha256_file, walk
from .package import DESCRIPTOR
from .strict_json import unique_keys


class SourceError(RecruitmentError):
    """A package or ref cannot be read at all: a usage problem (exit 2)."""


class Source:
    """Files of one package, addressed by POSIX paths relative to the package root."""

    label: str

    def read(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        """The file's bytes, or None if it is missing. Raises SourceError if it is unsafe."""
        raise NotImplementedError

    def files_under(self, folder: str) -> dict[str, str]:
        """Every regular file below ``folder``: relative path -> SHA-256 (or a kind word)."""
        raise NotImplementedError

    def close(self) -> None:
        """Let go of what reading needed (a git process); reading again reopens it."""


def _check_rel(rel: str) -> str:
    if not safe_relative(rel):
        raise SourceError(f"refusing path {rel!r}: it leaves the package")
    return PurePosixPath(rel).as_posix()


def _too_big(rel: str, size: int, limit: int) -> SourceError:
    return SourceError(f"{rel} is {size} bytes, more than the {limit} bytes diff reads")


class FolderSource(Source):
    """A package folder on disk; files are confined to it and symlinks are not followed."""

    def __init__(self, root: Path, label: str | None = None):
        self.root = Path(root).resolve()
        self.label = label or str(root)

    def _path(self, rel: str) -> Path:
        rel = _check_rel(rel)
        path = self.root.joinpath(*PurePosixPath(rel).parts)
        parent = path.parent.resolve()
        if parent != self.root and self.root not in parent.parents:
            raise SourceError(f"refusing path {rel!r}: it leads out of the package")
        return parent / path.name

    def read(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        path = self._path(rel)
        try:
            # O_NONBLOCK: opening a FIFO must not wait for a writer (fstat refuses it below)
            flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
            fd = os.open(path, flags)
        except FileNotFoundError:
            return None
        except OSError as err:  # ELOOP: the last component is a symlink
            raise SourceError(f"refusing {rel}: not a regular file ({err.strerror})") from err
        with os.fdopen(fd, "rb") as fh:
            st = os.fstat(fh.fileno())
            if not stat.S_ISREG(st.st_mode):
                raise SourceError(f"refusing {rel}: not a regular file")
            if st.st_size > limit:
                raise _too_big(rel, st.st_size, limit)
            return fh.read(limit + 1)[:limit]

    def files_under(self, folder: str) -> dict[str, str]:
        base = self._path(folder)
        out: dict[str, str] = {}
        if not base.is_dir() or base.is_symlink():
            return out
        for rel, entry in walk(base, folder):  # never follows a link
            path = Path(entry.path)
            st = path.lstat()
            if not stat.S_ISREG(st.st_mode):
                out[rel] = "symlink" if stat.S_ISLNK(st.st_mode) else "special file"
            elif st.st_size > MAX_FILE_BYTES:
                out[rel] = f"too large ({st.st_size} bytes)"
            else:
                out[rel] = sha256_file(path)
        return out


def git(repo: Path, *args: str, check: bool = True, binary: bool = False):
    """Run git in ``repo``; arguments are never parsed by a shell."""
    done = subprocess.run(
        ["git", "-C", str(repo), *args],
        capture_output=True,
        check=False,
        env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
    )
    if check and done.returncode != 0:
        raise SourceError(f"git {' '.join(args)}: {done.stderr.decode(errors='replace').strip()}")
    return done if binary else done.stdout.decode("utf-8", errors="replace")


REGULAR_MODES = ("100644", "100755")
BLOB_CHUNK = 1 << 20


class _Blobs:
    """One ``git cat-file --batch`` process that every blob a snapshot reads streams
    through, so a diff starts a fixed number of git processes however many seeds it
    compares, and hashes each seed a chunk at a time."""

    def __init__(self, repo: Path) -> None:
        self.proc = subprocess.Popen(
            ["git", "-C", str(repo), "cat-file", "--batch"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0", "LC_ALL": "C"},
        )

    def chunks(self, oid: str):
        """The blob's bytes, a chunk at a time (each must be read to the end)."""
        self.proc.stdin.write(oid.encode("ascii") + b"\n")
        self.proc.stdin.flush()
        header = self.proc.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise SourceError(f"git cannot read object {oid}")
        left = int(header[2])
        while left:
            chunk = self.proc.stdout.read(min(left, BLOB_CHUNK))
            if not chunk:
                raise SourceError(f"git stopped reading object {oid}")
            left -= len(chunk)
            yield chunk
        self.proc.stdout.read(1)  # the newline after each object

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.stdin.close()
            self.proc.wait()
        self.proc.stdout.close()


class GitSource(Source):
    """The package at ``prefix`` inside ``repo`` as of ``commit``, read from git's objects."""

    def __init__(self, repo: Path, commit: str, prefix: str = "", label: str | None = None):
        self.repo, self.commit, self.prefix = Path(repo), commit, prefix.strip("/")
        self.label = label or commit[:12]
        self._tree: dict[str, tuple[str, str, int]] | None = None
        self._blobs: _Blobs | None = None

    def _cat(self) -> _Blobs:
        if self._blobs is None:
            self._blobs = _Blobs(self.repo)
        return self._blobs

    def close(self) -> None:
        """End the cat-file process (a later read starts another)."""
        if self._blobs is not None:
            self._blobs.close()
            self._blobs = None

    def _index(self) -> dict[str, tuple[str, str, int]]:
        """path -> (mode, object id, size) of every entry under the package, one git call."""
        if self._tree is None:
            args = ["ls-tree", "-r", "-l", "-z", "--full-tree", self.commit]
            if self.prefix:
                args += ["--", f"{self.prefix}/"]
            out = git(self.repo, *args, binary=True).stdout.decode("utf-8", errors="replace")
            tree = {}
            for entry in filter(None, out.split("\0")):
                meta, _, path = entry.partition("\t")
                mode, _kind, oid, size = meta.split()
                if self.prefix:
                    path = path[len(self.prefix) + 1 :]
                tree[path] = (mode, oid, int(size) if size.isdigit() else -1)
            self._tree = tree
        return self._tree

    def read(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        rel = _check_rel(rel)
        entry = self._index().get(rel)
        if entry is None:
            return None
        mode, oid, size = entry
        if mode not in REGULAR_MODES:
            raise SourceError(f"refusing {rel} at {self.label}: not a regular file (mode {mode})")
        if size > limit:
            raise _too_big(rel, size, limit)
        return b"".join(self._cat().chunks(oid))

    def files_under(self, folder: str) -> dict[str, str]:
        folder = _check_rel(folder).rstrip("/") + "/"
        out = {}
        for rel, (mode, oid, size) in sorted(self._index().items()):
            if not rel.startswith(folder):
                continue
            if mode not in REGULAR_MODES:
                out[rel] = "symlink" if mode == "120000" else f"not a file (mode {mode})"
            elif size > MAX_FILE_BYTES:
                out[rel] = f"too large ({size} bytes)"
            else:
                h = hashlib.sha256()
                for chunk in self._cat().chunks(oid):
                    h.update(chunk)
                out[rel] = h.hexdigest()
        return out


class EmptySource(Source):
    """No package at all: the base of a first release."""

    label = "(nothing)"

    def read(self, rel: str, limit: int = MAX_FILE_BYTES) -> bytes | None:
        return None

    def files_under(self, folder: str) -> dict[str, str]:
        return {}


# --- resolving BASE and HEAD -------------------------------------------------------------


def repo_top(path: Path) -> Path | None:
    done = git(path, "rev-parse", "--show-toplevel", check=False, binary=True)
    if done.returncode != 0:
        return None
    return Path(done.stdout.decode().strip())


def build_info(root: Path) -> dict[str, str]:
    """``created`` (ISO 8601, UTC) and ``commit`` for the package at ``root``."""
    info: dict[str, str] = {}
    top = repo_top(Path(root))
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "")
    if epoch.isdigit():
        info["created"] = _iso(datetime.fromtimestamp(int(epoch), UTC))
    if top is None:
        return info
    done = git(top, "log", "-1", "--format=%H %ct", check=False).split()
    if len(done) != 2:
        return info
    commit, seconds = done
    info.setdefault("created", _iso(datetime.fromtimestamp(int(seconds), UTC)))
    dirty = git(top, "status", "--porcelain", "--untracked-files=no", "--", str(root), check=False)
    info["commit"] = commit + ("-dirty" if dirty.strip() else "")
    return info


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _commit_of(repo: Path, ref: str) -> str | None:
    done = git(
        repo, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}",
        check=False, binary=True,
    )  # fmt: skip
    return done.stdout.decode().strip() if done.returncode == 0 else None


def _fetch(repo: Path, ref: str) -> str | None:
    """Fetch ``ref`` from origin (a shallow CI checkout lacks the base); its commit or None."""
    if "origin" not in git(repo, "remote", check=False).split():
        return None
    branch = ref.removeprefix("origin/")
    done = git(
        repo, "fetch", "--quiet", "--no-tags", "--depth=50", "origin", "--end-of-options", branch,
        check=False, binary=True,
    )  # fmt: skip
    return _commit_of(repo, "FETCH_HEAD") if done.returncode == 0 else None


def _check_ref(ref: str) -> None:
    if not ref or ref.startswith("-") or any(c in ref for c in "\0\n\r"):
        raise SourceError(f"not a git ref: {ref!r}")


def resolve_commit(repo: Path, ref: str) -> str:
    _check_ref(ref)
    commit = _commit_of(repo, ref) or _fetch(repo, ref)
    if commit is None:
        raise SourceError(f"{ref!r} is neither a package folder nor a commit in {repo}")
    return commit


def merge_base(repo: Path, branch: str = "main") -> tuple[str, str]:
    """The commit where HEAD left ``branch`` (or origin/branch), fetching it if needed."""
    for ref in (branch, f"origin/{branch}"):
        tip = _commit_of(repo, ref)
        if tip:
            done = git(repo, "merge-base", "HEAD", tip, check=False)
            if done.strip():
                return done.strip(), f"merge base with {ref}"
    tip = _fetch(repo, branch)
    if tip:
        done = git(repo, "merge-base", "HEAD", tip, check=False)
        return (done.strip() or tip), f"merge base with origin/{branch}"
    raise SourceError(
        f"no {branch!r} branch to compare with: name BASE (a git ref or a package folder)"
    )


def open_source(spec: str | None, root: Path, *, default_base: bool = False) -> Source:
    """A package folder (holding datapackage.json) or a git ref of the repository at ``root``.

    ``None`` is the working tree at ``root``, or with ``default_base`` the merge base of
    HEAD with ``main``.
    """
    root = Path(root)
    if spec is None and not default_base:
        return FolderSource(root, "working tree")
    top = repo_top(root)
    if top is not None:
        prefix = Path(root).resolve().relative_to(top.resolve()).as_posix()
        prefix = "" if prefix == "." else prefix
        if spec is None:
            commit, how = merge_base(top)
            return GitSource(top, commit, prefix, f"{how} ({commit[:12]})")
        _check_ref(spec)
        commit = _commit_of(top, spec)  # a name git knows is a ref, whatever folder shares it
        if commit is not None:
            return GitSource(top, commit, prefix, f"{spec} ({commit[:12]})")
    if spec is not None and (Path(spec) / DESCRIPTOR).is_file():
        if top is not None and _in_work_tree(top, Path(spec)):
            raise SourceError(
                f"{spec!r} is a folder inside the repository, which a pull request can commit "
                "under a ref's name: give a git ref, or a package folder outside the repository"
            )
        return FolderSource(Path(spec), spec)
    if top is None:
        raise SourceError(f"{root} is not in a git repository: give BASE and HEAD as folders")
    commit = resolve_commit(top, spec)  # fetched from origin, if it has it
    return GitSource(top, commit, prefix, f"{spec} ({commit[:12]})")


def _in_work_tree(top: Path, folder: Path) -> bool:
    """Whether ``folder``, as written or resolved, lies inside the work tree ``top``."""
    real_top = top.resolve()
    return any(
        p == real_top or p.is_relative_to(real_top)
        for p in (Path(os.path.abspath(folder)), folder.resolve())
    )


# --- a package's content -----------------------------------------------------------------


@dataclass
class Table:
    name: str
    path: str
    schema: dict
    header: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)

    @property
    def fields(self) -> list[dict]:
        fields = self.schema.get("fields")
        return [f for f in fields if isinstance(f, dict)] if isinstance(fields, list) else []

    @property
    def field_names(self) -> list[str]:
        return [str(f.get("name")) for f in self.fields]

    @property
    def primary_key(self) -> list[str]:
        pk = self.schema.get("primaryKey") or []
        return [pk] if isinstance(pk, str) else [str(k) for k in pk]


@dataclass
class Snapshot:
    label: str
    descriptor: dict
    tables: dict[str, Table]
    seeds: dict[str, str]
    notes: list[str] = field(default_factory=list)
    """What could not be read (a broken CSV, a schema that is not JSON), in words."""

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    @property
    def name(self) -> str:
        return str(self.descriptor.get("name", ""))


def _json(source: Source, rel: str, notes: list[str]) -> dict:
    try:
        data = source.read(rel, MAX_JSON_BYTES)
    except SourceError as err:
        notes.append(str(err))
        return {}
    if data is None:
        notes.append(f"{rel} is missing")
        return {}
    try:
        doc = json.loads(data.decode("utf-8"), object_pairs_hook=unique_keys)
    except (UnicodeDecodeError, ValueError) as err:  # a repeated key too (DuplicateKey)
        notes.append(f"{rel} is not valid JSON ({err})")
        return {}
    return doc if isinstance(doc, dict) else {}


def parse_csv(data: bytes) -> tuple[list[str], list[dict[str, str]], list[str]]:
    """Header, rows (cells as strings, missing cells empty) and notes on what was off."""
    notes = []
    text = data.decode("utf-8", errors="replace")
    if "\ufffd" in text and b"\xef\xbf\xbd" not in data:
        notes.append("not UTF-8 (undecodable bytes shown as U+FFFD)")
    text = text.removeprefix("\ufeff")
    old_limit = csv.field_size_limit()
    csv.field_size_limit(MAX_FILE_BYTES)
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        return [], [], [f"not readable as CSV ({err})"]
    finally:
        csv.field_size_limit(old_limit)
    if not records:
        return [], [], ["empty"]
    header, body = records[0], [r for r in records[1:] if r]
    ragged = sum(len(r) != len(header) for r in body)
    if ragged:
        notes.append(f"{ragged} row(s) with the wrong number of cells")
    rows = [dict(zip(header, r + [""] * (len(header) - len(r)), strict=False)) for r in body]
    return header, rows, notes


def load(source: Source) -> Snapshot:
    """Read the package ``source`` holds; raises SourceError if it has no descriptor at all."""
    try:
        return _load(source)
    finally:
        source.close()


def _load(source: Source) -> Snapshot:
    notes: list[str] = []
    if source.read(DESCRIPTOR, MAX_JSON_BYTES) is None and not isinstance(source, EmptySource):
        raise SourceError(f"{source.label} has no {DESCRIPTOR}")
    descriptor = _json(source, DESCRIPTOR, notes) if not isinstance(source, EmptySource) else {}
    tables: dict[str, Table] = {}
    resources = descriptor.get("resources")
    for res in resources if isinstance(resources, list) else []:
        if not isinstance(res, dict) or not isinstance(res.get("name"), str):
            continue
        name, path, schema_ref = res["name"], res.get("path"), res.get("schema")
        schema = res.get("schema") if isinstance(schema_ref, dict) else {}
        if isinstance(schema_ref, str):
            schema = _json(source, schema_ref, notes)
        table = Table(name, str(path), schema)
        tables[name] = table
        try:
            data = source.read(path) if isinstance(path, str) else None
        except SourceError as err:
            notes.append(str(err))
            continue
        if data is None:
            notes.append(f"{path!s} is missing")
            continue
        table.header, table.rows, problems = parse_csv(data)
        notes += [f"{path}: {p}" for p in problems]
    return Snapshot(source.label, descriptor, tables, source.files_under(SEEDS_DIR), notes)
