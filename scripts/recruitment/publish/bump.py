"""``recruitment bump``: one command for a data version bump and all of its paperwork.

It sets ``version`` in ``datapackage.json`` and ``version``/``date-released`` in
``CITATION.cff``, opens the ``CHANGELOG.md`` entry (a ``## <version> — <date>`` heading with
the row-level summary of the change), and regenerates every generated text that carries
the version or counts the data (README.md's generated blocks, ``docs/codebook.md``), so
that the version gate and the staleness checks pass with nothing else to do.

The new version is counted from the *base* (the merge base with ``main``, as ``recruitment
diff`` compares), not from the working tree, so running the command twice gives the same
version; without a level it is the bump the change requires. Outside a git checkout the
version is counted from the working tree's.

Every file is read confined to the package (a regular file, no symlink, bounded) and
replaced through a temporary file beside it, never written through a link.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..core.package import DESCRIPTOR, VERSION
from ..errors import RecruitmentError
from ..paths import Refusal, confine, read_bounded
from ..review.versioning import CHANGELOG, CITATION, next_version, parse

LEVELS = ("patch", "minor", "major")
VERSION_LINE = re.compile(r'^(\s*"version"\s*:\s*)"[^"\n]*"', re.M)


class BumpError(RecruitmentError):
    """The bump cannot be made (no version, a file refused, nothing to bump)."""


@dataclass
class Bumped:
    old: str
    new: str
    level: str
    reasons: list[str] = field(default_factory=list)
    written: list[str] = field(default_factory=list)


def _read(root: Path, rel: str) -> str | None:
    real = confine(root, rel, limits.JSON_MAX_BYTES)
    if isinstance(real, Refusal):
        if real.kind == "missing":
            return None
        raise BumpError(f"{rel}: {real.message}")
    try:
        return read_bounded(real, limits.JSON_MAX_BYTES).decode("utf-8")
    except UnicodeDecodeError as err:
        raise BumpError(f"{rel} is not UTF-8 ({err})") from err


def _write(root: Path, rel: str, text: str) -> None:
    """Replace ``rel`` by ``text`` through a temporary file in the same (confined) folder."""
    path = Path(root) / rel
    if not path.parent.resolve().is_relative_to(Path(root).resolve()):
        raise BumpError(f"{rel}'s folder resolves outside the package; nothing was written")
    tmp = path.with_name(f".{path.name}.bump-tmp")
    tmp.unlink(missing_ok=True)
    with open(tmp, "x", encoding="utf-8", newline="\n") as fh:
        fh.write(text)
    os.replace(tmp, path)


def set_descriptor_version(text: str, version: str) -> str:
    """The descriptor's text with its top-level version set, all else byte for byte."""
    doc = json.loads(text)
    if not isinstance(doc, dict) or "version" not in doc:
        raise BumpError(f"{DESCRIPTOR} has no version to bump")
    for match in VERSION_LINE.finditer(text):
        new = text[: match.start()] + f'{match[1]}"{version}"' + text[match.end() :]
        try:
            if json.loads(new).get("version") == version:
                return new
        except json.JSONDecodeError:
            continue
    raise BumpError(f"{DESCRIPTOR}: the top-level version line could not be found")


def set_citation(text: str, version: str, date: str) -> str:
    text, n = re.subn(r"^version:.*$", f"version: {version}", text, count=1, flags=re.M)
    if not n:
        raise BumpError(f"{CITATION} has no 'version:' line")
    if re.search(r"^date-released:", text, re.M):
        text = re.sub(r"^date-released:.*$", f"date-released: {date}", text, count=1, flags=re.M)
    return text


def open_entry(text: str, version: str, date: str, reasons: list[str], replaces: str) -> str:
    """CHANGELOG.md with a ``## <version> — <date>`` entry above the newest released one.

    An entry already there is kept; one for ``replaces`` (an earlier, unreleased bump of
    the same change) is renamed rather than left beside the new one.
    """
    if re.search(rf"^## \[?{re.escape(version)}\b", text, re.M):
        return text
    if replaces and replaces != version:
        renamed, n = re.subn(
            rf"^## \[?{re.escape(replaces)}\]? — .*$",
            f"## {version} — {date}",
            text,
            count=1,
            flags=re.M,
        )
        if n:
            return renamed
    body = "\n".join(f"- {r}." for r in reasons) or "- (Say what changed in the data.)"
    entry = f"## {version} — {date}\n\n{body}\n\n"
    m = re.search(rf"^## \[?{VERSION.pattern}", text, re.M)
    if m is None:
        return text.rstrip("\n") + "\n\n" + entry.rstrip("\n") + "\n"
    return text[: m.start()] + entry + text[m.start() :]


def bump(
    root: Path,
    level: str | None = None,
    base: str | None = None,
    today: dt.date | None = None,
) -> Bumped:
    """Bump the package at ``root`` by ``level`` (patch, minor, major; None: what the change
    against ``base`` requires) and regenerate what carries the version."""
    from ..core.snapshot import SourceError, load, open_source
    from ..review.diff import compare
    from . import codebook, readme

    root = Path(root)
    if level is not None and level not in LEVELS:
        raise BumpError(f"level {level!r}: say patch, minor or major")
    text = _read(root, DESCRIPTOR)
    if text is None:
        raise BumpError(f"no {DESCRIPTOR} in {root}")
    try:
        current = str(json.loads(text).get("version", ""))
    except (json.JSONDecodeError, AttributeError) as err:
        raise BumpError(f"{DESCRIPTOR} is not a JSON object ({err})") from err
    reasons: list[str] = []
    try:
        base_snap = load(open_source(base, root, default_base=True))
        diff = compare(base_snap, load(open_source(None, root)))
        start, required = base_snap.version, diff.required_bump
        reasons = [why for _, why in diff.reasons()]
    except SourceError:
        if level is None:
            raise
        start, required = current, level
    old = parse(start or "") or parse(current)
    if old is None:
        raise BumpError(f"version {current!r} is not MAJOR.MINOR.PATCH")
    level = level or required
    if level not in LEVELS:
        raise BumpError(
            f"nothing in this change needs a bump (against version {start}); "
            "say `recruitment bump patch` to bump anyway"
        )
    new = next_version(old, level)
    date = (today or dt.date.today()).isoformat()
    done = Bumped(current, new, level, reasons)
    # Everything is rendered before anything is written: a package whose metadata does not
    # load (the codebook needs it) is refused with nothing changed.
    try:
        package = codebook.loadable(root)
    except ValueError as err:
        raise BumpError(f"{err}; run `recruitment validate`") from err
    package.descriptor["version"] = new
    texts = {DESCRIPTOR: set_descriptor_version(text, new)}
    citation = _read(root, CITATION)
    if citation is not None:
        texts[CITATION] = set_citation(citation, new, date)
    changelog = _read(root, CHANGELOG) or "# Changelog\n\n"
    unreleased = current if parse(current) and parse(current) > old else ""
    texts[CHANGELOG] = open_entry(changelog, new, date, reasons, unreleased)
    readme_text = _read(root, readme.README)
    if readme_text is not None:
        try:
            texts[readme.README] = readme.render(root, readme_text)
        except ValueError as err:
            raise BumpError(str(err)) from err
    for rel, new_text in texts.items():
        _write(root, rel, new_text)
        done.written.append(rel)
    codebook.write(root, package)
    done.written.append(codebook.CODEBOOK.as_posix())
    return done
