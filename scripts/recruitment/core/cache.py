"""The validation cache: a package is validated once per state of its bytes, not per command.

A *fingerprint* is the SHA-256 of every input a finding can depend on: ``datapackage.json``,
every schema and data file it names, every file under ``seeds/``, the pipeline's own
source files, the versions of the libraries that run the checks, and the limits. When a
full validation finds nothing, the fingerprint is recorded in the package's ignored
``.recruitment/validated.json``; the next ``validate``, ``export`` or ``build`` that
computes the same fingerprint skips the checks (the typed tables are still loaded, from
the same bytes, for the commands that publish them). A changed byte anywhere is another
fingerprint, so the whole validation runs again.

What the cache never does:

- make an invalid package valid: only a validation with no finding is recorded, and an
  entry is signed (HMAC-SHA-256) with a key that lives outside the package, in the user's
  cache folder, so a ``.recruitment/validated.json`` committed by a contributor is
  ignored;
- skip the confinement of paths: the fingerprint is computed only when every input path
  is a regular file inside the package, reached without a symlink under ``seeds/``;
  otherwise there is no fingerprint and every check runs (and reports the path);
- read or write through a symlinked ``.recruitment`` (then it is not used at all).

A file whose device, inode, size, mtime and ctime all equal those recorded with the valid
state is not read again to know its SHA-256 (the rule git uses for its index, with the
same care for files changed just before the entry was written); any write changes ctime,
which no user can set back.

The same key signs derived data kept by :func:`store_blob` (the spans of each seed,
``coverage.seed_spans``), bound to the pipeline's code and library versions.

``RECRUITMENT_CACHE=off`` turns it off for one run.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import stat
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..paths import SEEDS_DIR, Refusal, confine, confined_dir, safe_relative, walk
from .strict_json import unique_keys  # a repeated key: no fingerprint (ValueError)

DESCRIPTOR = "datapackage.json"
WORK_DIR = ".recruitment"
ENTRY = "validated.json"
ENTRY_MAX_BYTES = 1 << 20
FORMAT = 2
LIBRARIES = ("duckdb", "polars", "pandera", "pyarrow", "frictionless")
"""Libraries whose versions are part of the fingerprint: each runs some check."""
HASH_BLOCK = 1 << 20
"""Bytes read at a time while hashing."""


@dataclass
class Fingerprint:
    key: str
    """SHA-256 over everything below: the cache entry's name for this state."""
    inputs: dict[str, str]
    """Package-relative path -> SHA-256 of its bytes (descriptor, schemas, data, seeds)."""
    texts: dict[str, bytes] = field(default_factory=dict, repr=False)
    """The exact bytes of the descriptor and schemas that were hashed (a few KiB)."""
    stats: dict[str, tuple] = field(default_factory=dict, repr=False)
    """(device, inode, size, mtime, ctime) of each input when it was hashed."""

    def unchanged(self, root: Path) -> bool:
        """Whether every input still has the size and modification time it was hashed with."""
        return self.stats == _stats(Path(root).resolve(), self.inputs)


def enabled() -> bool:
    return os.environ.get("RECRUITMENT_CACHE", "on").lower() not in ("off", "0", "no", "false")


def fingerprint(root: Path) -> Fingerprint | None:
    """The package's fingerprint, or None when some input is not a plain file inside it."""
    try:
        return _fingerprint(Path(root).resolve())
    except (OSError, ValueError, UnicodeDecodeError, RecursionError):
        return None


def _fingerprint(root: Path) -> Fingerprint | None:
    files: dict[str, Path] = {}

    def add(rel: object, max_bytes: int) -> bool:
        real = confine(root, rel, max_bytes)
        if isinstance(real, Refusal):
            return False
        files[str(rel)] = real
        return True

    if not add(DESCRIPTOR, limits.JSON_MAX_BYTES):
        return None
    texts = {DESCRIPTOR: _read(files[DESCRIPTOR], limits.JSON_MAX_BYTES)}
    descriptor = json.loads(texts[DESCRIPTOR], object_pairs_hook=unique_keys)
    resources = descriptor.get("resources") if isinstance(descriptor, dict) else None
    if not isinstance(resources, list):
        return None
    for res in resources:
        if not isinstance(res, dict):
            return None
        path, schema = res.get("path"), res.get("schema")
        if not (safe_relative(path) and safe_relative(schema)):
            return None
        if not (add(path, limits.CSV_MAX_BYTES) and add(schema, limits.JSON_MAX_BYTES)):
            return None
        texts[schema] = _read(files[schema], limits.JSON_MAX_BYTES)
    seeds = _seed_files(root)
    if seeds is None:
        return None
    for rel in seeds:
        if not add(rel, limits.SEED_MAX_BYTES):
            return None
    stats = _stats(root, files)
    memo = _memo(root)
    digests = {rel: memo[rel][1] for rel in files if rel in memo and memo[rel][0] == stats[rel]}
    order = sorted(set(files) - set(digests), key=lambda rel: -stats[rel][2])  # largest first
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        digests |= dict(zip(order, pool.map(lambda rel: _sha256(files[rel]), order), strict=True))
    inputs = {rel: digests[rel] for rel in sorted(files)}
    manifest = {
        "format": FORMAT,
        "inputs": inputs,
        "code": _code_digest(),
        "libraries": _versions(),
        "python": sys.version,
        "limits": {k: v for k, v in vars(limits).items() if k.isupper()},
    }
    key = hashlib.sha256(json.dumps(manifest, sort_keys=True).encode()).hexdigest()
    return Fingerprint(key, inputs, texts, stats)


def _seed_files(root: Path) -> list[str] | None:
    """Every file under seeds/ (dot files too), or None if any entry is a symlink or special."""
    base = confined_dir(root, SEEDS_DIR)
    if isinstance(base, Refusal):
        return [] if base.kind == "missing" else None
    found: list[str] = []
    for rel, entry in walk(base, SEEDS_DIR):
        if entry.is_symlink() or not entry.is_file(follow_symlinks=False):
            return None
        found.append(rel)
        if len(found) > limits.MAX_SEED_FILES:
            return None
    return sorted(found)


def _stats(root: Path, files) -> dict[str, tuple]:
    out = {}
    for rel in files:
        st = os.stat(root / rel)
        out[rel] = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return out


def _open(real: Path) -> int:
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(real, flags)
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise OSError(f"{real.name} is not a regular file")
    return fd


def _read(real: Path, max_bytes: int) -> bytes:
    fd = _open(real)
    with os.fdopen(fd, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ValueError(f"{real.name} grew past its limit")
    return data


def _sha256(real: Path) -> str:
    """SHA-256 of a confined file, read through one reusable buffer (a memory map would
    count the whole file in the process's resident memory); hashlib releases the GIL, so
    files hash in parallel."""
    fd = _open(real)
    h = hashlib.sha256()
    buf = bytearray(HASH_BLOCK)
    view = memoryview(buf)
    with os.fdopen(fd, "rb", buffering=0) as fh:
        while n := fh.readinto(buf):
            h.update(view[:n])
    return h.hexdigest()


def _code_digest() -> str:
    """SHA-256 of the pipeline's own source files (this package, every module)."""
    base = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    for path in sorted(base.rglob("*.py")):
        h.update(path.relative_to(base).as_posix().encode() + b"\0")
        h.update(hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


@functools.cache
def _versions() -> dict[str, str]:
    """The installed version of each of LIBRARIES (read once per process: importlib's
    metadata lookups cost about 10 ms each)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for name in LIBRARIES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "-"
    return out


# --- the entry ----------------------------------------------------------------------------


def _work_dir(root: Path, create: bool) -> Path | None:
    """ROOT/.recruitment, or None when it is a symlink or not a folder (or absent)."""
    work = Path(root).resolve() / WORK_DIR
    if work.is_symlink() or (os.path.lexists(work) and not work.is_dir()):
        return None
    if not work.exists():
        if not create:
            return None
        work.mkdir(exist_ok=True)
    return work


def _secret(create: bool) -> bytes | None:
    """The key that signs entries: kept in the user's cache folder, never in a package."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "recruitment"
    path = base / "cache-key"
    try:
        if not path.exists() and create:
            base.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as fh:
                fh.write(os.urandom(32))
        fd = _open(path)
        with os.fdopen(fd, "rb") as fh:
            key = fh.read(64)
    except OSError:
        return None
    return key if len(key) >= 32 else None


def _mac(secret: bytes, entry: dict) -> str:
    """The signature of an entry: its key, digests, file identities and time."""
    signed = {k: entry.get(k) for k in ("format", "key", "inputs", "stats", "written_ns")}
    payload = json.dumps(signed, sort_keys=True).encode()
    return hmac.new(secret, b"recruitment-valid:" + payload, "sha256").hexdigest()


def _entry(root: Path) -> dict | None:
    """The package's entry, if its signature is this machine's."""
    work = _work_dir(root, create=False)
    secret = _secret(create=False)
    if work is None or secret is None:
        return None
    try:
        entry = json.loads(_read(work / ENTRY, ENTRY_MAX_BYTES))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(entry, dict) or entry.get("format") != FORMAT:
        return None
    mac = entry.get("mac")
    if not (isinstance(mac, str) and hmac.compare_digest(mac, _mac(secret, entry))):
        return None
    return entry


RACY_NS = 3_000_000_000
"""A file changed less than this before its entry was written is hashed again next time
(as git treats "racily clean" files): its timestamps might not show a later change."""


def _memo(root: Path) -> dict[str, tuple[tuple, str]]:
    """Digests of the last valid state, by file identity: a file whose device, inode,
    size, mtime and ctime are all unchanged (ctime cannot be set back by a user) need
    not be read again to know its SHA-256."""
    if not enabled():
        return {}
    entry = _entry(root)
    if entry is None:
        return {}
    inputs, stats, written = entry.get("inputs"), entry.get("stats"), entry.get("written_ns")
    if not (isinstance(inputs, dict) and isinstance(stats, dict) and isinstance(written, int)):
        return {}
    return {
        rel: (tuple(stat), inputs[rel])
        for rel, stat in stats.items()
        if rel in inputs
        and isinstance(stat, list)
        and len(stat) == 5
        and max(stat[3], stat[4]) < written - RACY_NS
    }


def is_valid(root: Path, stamp: Fingerprint) -> bool:
    """Whether a full validation of exactly this state found nothing (a signed entry says so)."""
    entry = _entry(root)
    return entry is not None and entry.get("key") == stamp.key


def remember_valid(root: Path, stamp: Fingerprint) -> None:
    """Record that this state is valid (best effort: a cache that cannot be written is none)."""
    import time

    try:
        work = _work_dir(root, create=True)
        secret = _secret(create=True)
        if work is None or secret is None:
            return
        entry = {
            "format": FORMAT,
            "key": stamp.key,
            "inputs": stamp.inputs,
            "stats": {rel: list(st) for rel, st in stamp.stats.items()},
            "written_ns": time.time_ns(),
        }
        entry["mac"] = _mac(secret, entry)
        _replace_file(work, ENTRY, json.dumps(entry, indent=1, sort_keys=True).encode())
    except OSError:
        return


def _replace_file(work: Path, name: str, data: bytes) -> None:
    """Write ``work/name`` whole or not at all: a temporary file (never through a link),
    then an atomic rename over the old one."""
    tmp = work / f".{name}.{os.getpid()}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, work / name)


# --- signed derived data (the spans of each seed) ----------------------------------------

BLOB_MAX_BYTES = 256 << 20
"""The most a kept blob may hold: a committed file larger than this is not even read (the
spans of 1M benchmark rows take 4 MB)."""


def _blob_mac(secret: bytes, name: str, data: bytes) -> bytes:
    label = f"recruitment-blob:{FORMAT}:{name}:{_code_digest()}:{json.dumps(_versions())}:"
    return hmac.new(secret, label.encode() + data, "sha256").hexdigest().encode()


def load_blob(root: Path, name: str) -> bytes | None:
    """The bytes :func:`store_blob` kept under ``name`` for this package, if their signature
    is this machine's for this pipeline code and these library versions (else None: a file
    a contributor committed, or one written by other code, is never believed)."""
    if not enabled():
        return None
    work, secret = _work_dir(root, create=False), _secret(create=False)
    if work is None or secret is None:
        return None
    try:
        raw = _read(work / name, BLOB_MAX_BYTES)
    except (OSError, ValueError):
        return None
    mac, _, data = raw.partition(b"\n")
    return data if hmac.compare_digest(mac, _blob_mac(secret, name, data)) else None


def store_blob(root: Path, name: str, data: bytes) -> None:
    """Keep ``data`` under ``name`` in the package's work folder, signed (best effort)."""
    if not enabled() or len(data) > BLOB_MAX_BYTES:
        return
    try:
        work, secret = _work_dir(root, create=True), _secret(create=True)
        if work is None or secret is None:
            return
        _replace_file(work, name, _blob_mac(secret, name, data) + b"\n" + data)
    except OSError:
        return


# --- the frictionless check of each schema -----------------------------------------------

SCHEMAS = "schemas-checked.json"
SCHEMAS_KEPT = 256


def _schema_mac(secret: bytes, text: bytes) -> str:
    digest = hashlib.sha256(text).hexdigest()
    label = f"recruitment-schema:{FORMAT}:{_versions().get('frictionless', '-')}:{digest}"
    return hmac.new(secret, label.encode(), "sha256").hexdigest()


def _schema_macs(work: Path) -> list[str]:
    try:
        macs = json.loads(_read(work / SCHEMAS, ENTRY_MAX_BYTES))
    except (OSError, ValueError, UnicodeDecodeError):
        return []
    return [m for m in macs if isinstance(m, str)] if isinstance(macs, list) else []


def schema_passed(root: Path, text: bytes) -> bool:
    """Whether frictionless's descriptor check passed on exactly this schema text (signed)."""
    if not enabled():
        return False
    work, secret = _work_dir(root, create=False), _secret(create=False)
    if work is None or secret is None:
        return False
    mac = _schema_mac(secret, text)
    return any(hmac.compare_digest(mac, m) for m in _schema_macs(work))


def remember_schema(root: Path, text: bytes) -> None:
    """Record that frictionless's descriptor check passed on this schema text (best effort)."""
    if not enabled():
        return
    try:
        work, secret = _work_dir(root, create=True), _secret(create=True)
        if work is None or secret is None:
            return
        macs = _schema_macs(work)
        mac = _schema_mac(secret, text)
        if mac in macs:
            return
        macs = [*macs, mac][-SCHEMAS_KEPT:]
        _replace_file(work, SCHEMAS, json.dumps(macs).encode())
    except OSError:
        return
