"""Read datapackage.json and its Table Schemas into a small typed model, checking the metadata.

The Table Schemas are the one definition of every column. Everything downstream (the
checks, DuckDB DDL, the Parquet schema, the codebook, the messages) reads them through
this model, so the metadata is checked here first: names that will go into SQL must be
plain identifiers, keys must name real tables and fields, and every enum needs a codebook.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from .. import limits
from ..errors import RecruitmentError
from ..findings import Finding
from ..paths import Refusal, confine, is_url, read_bounded, safe_relative, shown_path
from ..patterns import pattern_size
from .sqltypes import LEXICAL
from .strict_json import DuplicateKey, unique_keys

DESCRIPTOR = "datapackage.json"
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")
SUPPORTED_TYPES = ("string", "integer", "number", "date", "boolean")


class PackageNotFound(RecruitmentError):
    """The folder holds no datapackage.json: a usage problem, not a data problem."""

    def message(self) -> str:
        return f"error: {self}. Run from the package folder or pass --package."


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    title: str
    description: str
    constraints: dict
    enum_descriptions: dict[str, str]

    @property
    def required(self) -> bool:
        return bool(self.constraints.get("required"))

    @property
    def enum(self) -> list | None:
        return self.constraints.get("enum")


@dataclass(frozen=True)
class ForeignKey:
    fields: list[str]
    resource: str
    reference_fields: list[str]


@dataclass(frozen=True)
class Resource:
    name: str
    title: str
    description: str
    path: str
    schema_path: str
    fields: list[Field]
    primary_key: list[str]
    foreign_keys: list[ForeignKey]
    role: str = "evidence"
    """``evidence`` (every row cites a seed line) or ``codelist`` (the codes of a coded
    column: code, label, description; see :data:`CODELIST`)."""

    @property
    def is_codelist(self) -> bool:
        return self.role == "codelist"

    @property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def has(self, *names: str) -> bool:
        return all(n in self.field_names for n in names)


@dataclass
class Package:
    root: Path
    descriptor: dict
    resources: dict[str, Resource] = field(default_factory=dict)
    _codelists: dict[str, list[dict[str, str]]] = field(default_factory=dict, repr=False)
    _meanings: dict[tuple[str, str], dict[str, str] | None] = field(
        default_factory=dict, repr=False
    )

    @property
    def name(self) -> str:
        return self.descriptor.get("name", "")

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

    def codelist_of(self, res: Resource, name: str) -> Resource | None:
        """The code list that field ``name`` of ``res`` takes its codes from (by foreign key)."""
        for fk in res.foreign_keys:
            target = self.resources.get(fk.resource)
            if fk.fields == [name] and target is not None and target.is_codelist:
                return target
        return None

    @property
    def evidence(self) -> list[Resource]:
        """The resources whose rows cite seed lines (all but the code lists)."""
        return [r for r in self.resources.values() if not r.is_codelist]

    def code_meanings(self, res: Resource, name: str) -> dict[str, str] | None:
        """Code → meaning of a coded field: its enum's descriptions, or the rows of the
        code list it references (read once); None for a field that is not coded."""
        key = (res.name, name)
        if key not in self._meanings:
            f = res.field(name)
            codelist = self.codelist_of(res, name)
            self._meanings[key] = (
                {str(code): f.enum_descriptions.get(str(code), "") for code in f.enum}
                if f.enum is not None
                else None
                if codelist is None
                else {row["code"]: row["description"] for row in self.codelist_rows(codelist)}
            )
        return self._meanings[key]

    def codelist_rows(self, res: Resource) -> list[dict[str, str]]:
        """The rows of a code list, as text, in file order (read once, confined and bounded
        by :data:`limits.CODELIST_MAX_BYTES`); raises ValueError if they cannot be read
        (validate reports why)."""
        if res.name not in self._codelists:
            self._codelists[res.name] = _read_codelist(self.root, res)
        return self._codelists[res.name]

    def in_dependency_order(self) -> list[Resource]:
        """Resources ordered so every table comes after the tables it references."""
        done: dict[str, Resource] = {}

        def visit(res: Resource, seen: tuple[str, ...]) -> None:
            if res.name in done or res.name in seen:
                return
            for fk in res.foreign_keys:
                if fk.resource != res.name:
                    visit(self.resources[fk.resource], (*seen, res.name))
            done[res.name] = res

        for res in self.resources.values():
            visit(res, ())
        return list(done.values())


REFUSAL_RULE = {
    "url": "package/path",
    "path": "package/path",
    "outside": "package/path",
    "missing": "package/missing-file",
    "type": "file/type",
    "size": "file/size",
}
"""The rule a refused descriptor, schema or data path is reported under."""


def refusal_finding(rel: str, refusal: Refusal) -> Finding:
    """A refused path is reported on itself when it exists, else on the descriptor naming it."""
    exists = safe_relative(rel) and refusal.kind not in ("missing", "url", "path")
    file = rel if exists else DESCRIPTOR
    return Finding(file, None, None, REFUSAL_RULE[refusal.kind], refusal.message)


class _BadConstant(ValueError):
    pass


def _no_constant(name: str):
    raise _BadConstant(f"{name} is not valid JSON")


def _second_key_line(text: str, key: str) -> int | None:
    """The line of the second ``"key":`` in ``text`` (where the repeat most likely is)."""
    hits = list(re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text))
    return text.count("\n", 0, hits[1].start()) + 1 if len(hits) > 1 else None


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadConstant(f"the number {text[:40]} is too large for a double")
    return value


def _depth(value, limit: int) -> int:
    """Nesting depth of a parsed JSON value, counted without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, d = stack.pop()
        if isinstance(item, dict | list):
            deepest = max(deepest, d)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((c, d + 1) for c in children)
    return deepest


def _read_json(
    root: Path, rel: str, known: dict[str, bytes] | None = None
) -> tuple[dict | None, list[Finding]]:
    """Read a descriptor or schema: confined, bounded, strict JSON (no NaN), bounded depth.

    ``known`` holds bytes already read (and confined) by the validation cache's fingerprint.
    """
    if known is not None and rel in known:
        raw = known[rel]
    else:
        real = confine(root, rel, limits.JSON_MAX_BYTES)
        if isinstance(real, Refusal) and real.kind == "missing":
            return None, [Finding(rel, None, None, "package/missing-file", real.message)]
        if isinstance(real, Refusal):
            return None, [refusal_finding(rel, real)]
        raw = read_bounded(real, limits.JSON_MAX_BYTES)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [Finding(rel, None, None, "package/json", f"{rel} is not UTF-8 ({err}).")]
    try:
        data = json.loads(
            text,
            parse_constant=_no_constant,
            parse_float=_finite_float,
            object_pairs_hook=unique_keys,
        )
    except DuplicateKey as err:
        line = _second_key_line(text, err.key)
        return None, [Finding(rel, line, None, "package/json", f"{str(err).capitalize()}.")]
    except json.JSONDecodeError as err:
        return None, [
            Finding(rel, err.lineno, None, "package/json", f"{err.msg} at column {err.colno}.")
        ]
    except _BadConstant as err:
        return None, [Finding(rel, None, None, "package/json", f"{err}.")]
    except RecursionError:
        return None, [Finding(rel, None, None, "package/json", "Nested too deeply to read.")]
    if not isinstance(data, dict):
        return None, [Finding(rel, 1, None, "package/json", "The top level must be a JSON object.")]
    if _depth(data, limits.JSON_MAX_DEPTH) > limits.JSON_MAX_DEPTH:
        msg = f"Objects and arrays nest deeper than {limits.JSON_MAX_DEPTH} levels."
        return None, [Finding(rel, None, None, "package/json", msg)]
    return data, []


def _frictionless_findings(rel: str, report) -> list[Finding]:
    return [
        Finding(rel, None, None, "package/descriptor", message)
        for (message,) in report.flatten(["message"])
    ]


def _frictionless_check(root: Path, rel: str, schema: dict) -> list[Finding]:
    """frictionless's descriptor check of a schema, remembered (signed, in .recruitment/)
    for the exact text it passed on, so a later run need not import frictionless."""
    from . import cache

    text = json.dumps(schema, sort_keys=True, ensure_ascii=False).encode("utf-8")
    if cache.schema_passed(root, text):
        return []
    from frictionless import Schema  # imported here: only metadata checks need it

    errors = _frictionless_findings(rel, Schema.validate_descriptor(schema))
    if not errors:
        cache.remember_schema(root, text)
    return errors


def load_package(
    root: Path, known: dict[str, bytes] | None = None
) -> tuple[Package | None, list[Finding]]:
    """Load and check the descriptor and schemas; return no package if they are unusable.

    ``known`` (from the validation cache) holds the exact bytes of the descriptor and the
    schemas of a state that validated: they are read from it, and the frictionless
    descriptor check, which passed on those bytes, is not run again.
    """
    root = Path(root)
    if not os.path.lexists(root / DESCRIPTOR):
        raise PackageNotFound(f"no {DESCRIPTOR} in {root}")
    descriptor, findings = _read_json(root, DESCRIPTOR, known)
    if descriptor is None:
        return None, findings
    findings += check_descriptor(descriptor)
    resources_in = descriptor.get("resources")
    if not isinstance(resources_in, list) or not resources_in:
        return None, [
            *findings,
            Finding(DESCRIPTOR, None, None, "package/descriptor", "No resources."),
        ]

    pkg = Package(root, descriptor)
    names: list[str] = []
    for i, res in enumerate(resources_in):
        if not isinstance(res, dict):
            findings.append(
                Finding(
                    DESCRIPTOR, None, None, "package/descriptor", f"resources[{i}] is no object"
                )
            )
            continue
        name = res.get("name")
        if not isinstance(name, str) or not IDENTIFIER.fullmatch(name):
            findings.append(
                Finding(DESCRIPTOR, None, None, "package/name", f"Resource name {name!r}.")
            )
            continue
        if name in names:
            findings.append(
                Finding(
                    DESCRIPTOR, None, None, "package/name", f"Resource {name} is declared twice."
                )
            )
            continue
        names.append(name)
        if reserved(name):
            findings.append(
                Finding(
                    DESCRIPTOR,
                    None,
                    None,
                    "package/reserved",
                    f"Resource name {name} is taken by the pipeline's own tables and views.",
                )
            )
            continue
        errors = check_resource_settings(name, res)
        findings += errors
        if errors:
            continue
        path, schema_path = res.get("path"), res.get("schema")
        for key, rel in (("path", path), ("schema", schema_path)):
            if not safe_relative(rel):
                what = "a URL" if is_url(rel) else repr(rel)
                findings.append(
                    Finding(DESCRIPTOR, None, None, "package/path", f"{name}.{key} is {what}.")
                )
        if not (safe_relative(path) and safe_relative(schema_path)):
            continue
        codelist = res.get("role") == "codelist"
        data = confine(root, path, limits.CODELIST_MAX_BYTES if codelist else limits.CSV_MAX_BYTES)
        if isinstance(data, Refusal):
            findings.append(refusal_finding(path, data))
        schema, errors = _read_json(root, schema_path, known)
        findings += errors
        if schema is None:
            continue
        # the bytes of a validated state passed these checks: do not redo them
        errors = check_schema(schema_path, schema) if known is None else []
        if not errors and known is None:
            errors = _frictionless_check(root, schema_path, schema)
        findings += errors
        if not errors and not isinstance(data, Refusal):
            pkg.resources[name] = _resource(res, schema)

    declared = set(names)
    for res in pkg.resources.values():
        findings += _check_resource(pkg, res, declared)
    findings += check_citation_contract(pkg, declared)
    if findings:
        return None, findings
    return pkg, []


# --- what the pipeline honours, checked before anything else reads the metadata ----------

PROFILES = {
    "https://specs.frictionlessdata.io/schemas/data-package.json",
    "https://specs.frictionlessdata.io/schemas/tabular-data-package.json",
    "https://specs.frictionlessdata.io/schemas/table-schema.json",
    "https://datapackage.org/profiles/2.0/datapackage.json",
    "https://datapackage.org/profiles/2.0/dataresource.json",
    "https://datapackage.org/profiles/2.0/tableschema.json",
    "https://datapackage.org/profiles/2.0/tabledialect.json",
    "data-package",
    "tabular-data-package",
    "tabular-data-resource",
    "data-resource",
    "table-schema",
}
"""The only ``$schema``/``profile`` values accepted: standard ones, never fetched by anyone."""

VERSION = re.compile(r"(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})\.(0|[1-9][0-9]{0,5})")
"""MAJOR.MINOR.PATCH (each at most six digits): the one version pattern (the descriptor's check,
the version gate, the CHANGELOG headings)."""

RESOURCE_KEYS = {
    "name", "path", "schema", "title", "description", "format", "mediatype", "encoding",
    "dialect", "type", "$schema", "profile", "licenses", "sources", "role",
}  # fmt: skip
ROLES = ("evidence", "codelist")
"""A resource's ``role`` (a property of ours, default ``evidence``): rows that cite seed
lines, or a code list whose codes other tables take by foreign key."""
RESOURCE_VALUES = {"format": "csv", "mediatype": "text/csv", "type": "table"}
DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "header": True}
"""The CSV dialect the pipeline reads; a dialect may restate these values, and nothing else."""

SCHEMA_KEYS = {
    "$schema", "profile", "fields", "primaryKey", "foreignKeys", "missingValues", "title",
    "description",
}  # fmt: skip
FIELD_KEYS = {
    "name", "type", "title", "description", "constraints", "enumDescriptions", "format",
    "example",
}  # fmt: skip
CONSTRAINTS = {
    "required": ("string", "integer", "number", "date", "boolean"),
    "unique": ("string", "integer", "number", "date", "boolean"),
    "enum": ("string",),
    "pattern": ("string",),
    "minLength": ("string",),
    "maxLength": ("string",),
    "minimum": ("integer", "number", "date"),
    "maximum": ("integer", "number", "date"),
}
"""Constraints the pipeline enforces, and the field types each may be declared on."""

RESERVED = {
    "seed_lines", "seed_ids", "meta", "figures_cited", "timeline", "claims", "citations",
    "happenings", "estimates", "changes", "quote_context", "main", "memory", "pub", "temp",
    "system", "information_schema", "pg_catalog",
}  # fmt: skip
"""Names of the pipeline's own tables, views, macros and databases (the published views are
checked against this list by a test); resources may not take them."""


def reserved(name: str) -> bool:
    return name in RESERVED or name.startswith(("raw_", "duckdb_", "_"))


def _unsupported(file: str, messages) -> list[Finding]:
    """One package/unsupported finding per message, in a stable order."""
    return [Finding(file, None, None, "package/unsupported", m) for m in sorted(messages)]


def _unsupported_keys(file: str, where: str, keys) -> list[Finding]:
    return _unsupported(
        file, (f"{where} sets {k!r}, which this pipeline does not honour." for k in map(str, keys))
    )


def _profile_findings(file: str, where: str, doc: dict) -> list[Finding]:
    return _unsupported(
        file,
        (
            f"{where} {key} {doc[key]!r} is not a standard profile (nothing is fetched)."
            for key in ("$schema", "profile")
            if key in doc and (not isinstance(doc[key], str) or doc[key] not in PROFILES)
        ),
    )


PACKAGE_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")
"""A package name as the Data Package standard allows it (lowercase letters, digits, '.',
'_', '-'), starting with a letter or digit and at most 100 characters: it names the
release zip and the folder inside it, so it can never climb out of dist/release/."""


def check_descriptor(descriptor: dict) -> list[Finding]:
    """The package-level properties the pipeline reads: name, version, profile."""
    out = _profile_findings(DESCRIPTOR, "The package", descriptor)
    for key, pattern, rule, says in (
        (
            "name",
            PACKAGE_NAME,
            "package/name",
            "lowercase letters, digits, '.', '_' and '-' only, starting with a letter or digit",
        ),
        ("version", VERSION, "package/version", "not MAJOR.MINOR.PATCH"),
    ):
        value = descriptor.get(key)
        if not isinstance(value, str) or not pattern.fullmatch(value):
            msg = f"{key} is {shown_path(value, 60)}: {says}."
            out.append(Finding(DESCRIPTOR, None, key, rule, msg))
    return out


def check_resource_settings(name: str, res: dict) -> list[Finding]:
    """Every resource setting is one the pipeline honours exactly (CSV, UTF-8, the dialect)."""
    where = f"Resource {name}"
    out = _unsupported_keys(DESCRIPTOR, where, set(res) - RESOURCE_KEYS)
    out += _profile_findings(DESCRIPTOR, where, res)
    for key, value in RESOURCE_VALUES.items():
        if key in res and res[key] != value:
            out += _unsupported_keys(DESCRIPTOR, where, [f"{key}: {str(res[key])[:40]}"])
    role = res.get("role", "evidence")
    if role not in ROLES:
        out += _unsupported_keys(DESCRIPTOR, where, [f"role: {str(role)[:40]}"])
    encoding = res.get("encoding", "utf-8")
    if not isinstance(encoding, str) or encoding.lower() not in ("utf-8", "utf8"):
        out += _unsupported_keys(DESCRIPTOR, where, [f"encoding: {str(encoding)[:40]}"])
    dialect = res.get("dialect", {})
    if not isinstance(dialect, dict):
        out += _unsupported_keys(DESCRIPTOR, where, ["dialect (not an object)"])
    else:
        out += _unsupported_keys(
            DESCRIPTOR,
            where,
            [
                f"dialect.{k}: {str(v)[:40]}"
                for k, v in dialect.items()
                if k not in DIALECT or DIALECT[k] != v or type(DIALECT[k]) is not type(v)
            ],
        )
    return out


def check_schema(rel: str, schema: dict) -> list[Finding]:
    """What the pipeline reads from a Table Schema is well formed and honoured exactly."""
    out = _unsupported_keys(rel, "The schema", set(schema) - SCHEMA_KEYS)
    out += _profile_findings(rel, "The schema", schema)
    missing = schema.get("missingValues", [""])
    if missing != [""]:
        out += _unsupported_keys(rel, "The schema", [f"missingValues: {str(missing)[:40]}"])
    fields = schema.get("fields")
    if not isinstance(fields, list) or not fields:
        return [*out, Finding(rel, None, None, "package/descriptor", "fields is not a list.")]
    if len(fields) > limits.MAX_COLUMNS:
        msg = f"{len(fields):,} fields; at most {limits.MAX_COLUMNS:,} are supported."
        return [*out, Finding(rel, None, None, "package/descriptor", msg)]
    for i, f in enumerate(fields):
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            out.append(Finding(rel, None, None, "package/descriptor", f"fields[{i}] has no name."))
            continue
        out += _field_findings(rel, f)
    for key in ("primaryKey",):
        if key in schema and not _names(schema[key]):
            out.append(Finding(rel, None, None, "package/key", f"{key} is not a field name list."))
    fks = schema.get("foreignKeys", [])
    if not isinstance(fks, list) or not all(
        isinstance(fk, dict)
        and _names(fk.get("fields"))
        and isinstance(fk.get("reference"), dict)
        and isinstance(fk["reference"].get("resource", ""), str)
        and _names(fk["reference"].get("fields"))
        for fk in fks
    ):
        out.append(Finding(rel, None, None, "package/key", "foreignKeys are not well formed."))
    return out


def _names(value) -> bool:
    return isinstance(value, str) or (
        isinstance(value, list) and bool(value) and all(isinstance(v, str) for v in value)
    )


def _field_findings(rel: str, f: dict) -> list[Finding]:
    name, kind = f["name"], f.get("type", "string")
    where = f"Field {name[:40]!r}"
    out = _unsupported_keys(rel, where, set(f) - FIELD_KEYS)
    if f.get("format", "default") != "default":
        out += _unsupported_keys(rel, where, [f"format: {str(f['format'])[:40]}"])
    if kind not in SUPPORTED_TYPES:
        return out  # reported as package/field-type once the schema loads

    def bad(message: str) -> None:
        out.append(Finding(rel, None, name, "package/constraint", f"{where}: {message}"))

    c = f.get("constraints", {})
    if not isinstance(c, dict):
        bad("constraints is not an object.")
        return out
    out += _unsupported_keys(rel, where, [f"constraints.{k}" for k in set(c) - set(CONSTRAINTS)])
    for key, value in c.items():
        if key in CONSTRAINTS and kind not in CONSTRAINTS[key]:
            bad(f"{key} does not apply to a {kind} field.")
        elif key in ("required", "unique") and not isinstance(value, bool):
            bad(f"{key} must be true or false, not {value!r}.")
        elif key in ("minLength", "maxLength") and (
            not isinstance(value, int) or isinstance(value, bool) or value < 0
        ):
            bad(f"{key} must be a whole number >= 0, not {str(value)[:40]!r}.")
        elif key in ("minimum", "maximum") and not _is_value(kind, value):
            bad(f"{key} {str(value)[:40]!r} is not a valid {kind}.")
        elif key == "pattern" and (problem := _pattern_problem(value)):
            bad(f"pattern {str(value)[:80]!r} {problem}")
        elif key == "enum" and (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) for v in value)
            or len(set(value)) != len(value)
        ):
            bad("enum must be a non-empty list of distinct strings.")
    descriptions = f.get("enumDescriptions", {})
    if not isinstance(descriptions, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in descriptions.items()
    ):
        bad("enumDescriptions must map each enum code to a text.")
    return out


def _is_value(kind: str, value) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool) and abs(value) < 2**63
    if kind == "number":
        return (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and (math.isfinite(value) and abs(value) < 2**63)
        )
    if kind == "date":
        import datetime as dt

        try:
            return (
                isinstance(value, str)
                and bool(dt.date.fromisoformat(value))
                and (re.fullmatch(LEXICAL["date"], value) is not None)
            )
        except ValueError:
            return False
    return False


def _pattern_problem(pattern) -> str | None:
    """Why RE2 (the engine every pattern runs on, in linear time) rejects ``pattern``."""
    if not isinstance(pattern, str):
        return "is not a string."
    if len(pattern) > limits.PATTERN_MAX_LENGTH:
        return f"is longer than {limits.PATTERN_MAX_LENGTH} characters."
    from ..numbers import _connection  # one DuckDB connection for such look-ups

    try:
        _connection().execute("SELECT regexp_full_match('', ?)", [pattern]).fetchall()
    except Exception as err:  # noqa: BLE001 - DuckDB reports RE2's complaint
        return f"is not a valid RE2 regular expression ({str(err).splitlines()[0][:120]})."
    size = pattern_size(pattern)
    if size > limits.PATTERN_MAX_SIZE:
        return (
            f"is too costly to match: {size:,} characters with its counted repetitions "
            f"expanded, at most {limits.PATTERN_MAX_SIZE} (see README, Limits)."
        )
    return None


CODELIST = ("code", "label", "description")
"""The columns every code list starts from (primary key ``code``, all required strings);
a code list may add columns of its own (units: kind, currency, per, words)."""

CITATION = {"source_id": "string", "line": "integer", "quote": "string"}
"""Every table is evidence: each row cites a seed line with a quote, whatever the schema says."""
SEED_PIN = {"seed_file": "string", "sha256": "string"}


def check_citation_contract(pkg: Package, declared: set) -> list[Finding]:
    """The columns the provenance checks rely on exist, with their types, and are required."""
    out: list[Finding] = []
    if "sources" not in declared:
        out.append(
            Finding(
                DESCRIPTOR,
                None,
                None,
                "package/citation",
                "No sources resource: every row must cite a seed article listed in sources.",
            )
        )
    for res in pkg.resources.values():
        if res.is_codelist:
            out += _codelist_findings(pkg, res)
            continue
        want = {**CITATION, **(SEED_PIN if res.name == "sources" else {})}
        for name, kind in want.items():
            f = next((f for f in res.fields if f.name == name), None)
            problem = (
                "is missing"
                if f is None
                else f"has type {f.type}, not {kind}"
                if f.type != kind
                else "is not required"
                if not (f.required or [name] == res.primary_key)
                else "needs minimum 1"
                if name == "line" and f.constraints.get("minimum") != 1
                else None
            )
            if problem:
                out.append(
                    Finding(
                        res.schema_path,
                        None,
                        name,
                        "package/citation",
                        f"{res.name}.{name} {problem}; the citation needs it.",
                    )
                )
        targets = {fk.resource for fk in res.foreign_keys if fk.fields == ["source_id"]}
        if res.name != "sources" and (not targets or (targets & declared) - {"sources"}):
            out.append(
                Finding(
                    res.schema_path,
                    None,
                    "source_id",
                    "package/citation",
                    f"{res.name}.source_id has no foreign key to sources.source_id.",
                )
            )
    return out


def _codelist_findings(pkg: Package, res: Resource) -> list[Finding]:
    """A code list is keyed by ``code`` and has the three required text columns; it refers
    to nothing (its codes are definitions, not evidence), and it cites nothing."""
    out: list[Finding] = []

    def bad(column: str | None, problem: str) -> None:
        out.append(
            Finding(
                res.schema_path,
                None,
                column,
                "package/codelist",
                f"Code list {res.name}: {problem}.",
            )
        )

    for name in CODELIST:
        f = next((f for f in res.fields if f.name == name), None)
        if f is None or f.type != "string" or not (f.required or [name] == res.primary_key):
            bad(name, f"{name} must be a required string column")
    if res.primary_key != ["code"]:
        bad(None, f"the primary key must be code, not {', '.join(res.primary_key) or 'none'}")
    if res.foreign_keys:
        bad(None, "a code list refers to no other table")
    cited = [n for n in CITATION if n in res.field_names]
    if cited:
        bad(cited[0], "a code list cites no seed; remove the citation columns or the role")
    return out


def _read_codelist(root: Path, res: Resource) -> list[dict[str, str]]:
    import csv
    import io

    real = confine(root, res.path, limits.CODELIST_MAX_BYTES)
    if isinstance(real, Refusal):
        raise ValueError(f"code list {res.path}: {real.message}")
    try:
        text = read_bounded(real, limits.CODELIST_MAX_BYTES).decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text, newline="")))
    except (UnicodeDecodeError, csv.Error) as err:
        raise ValueError(f"code list {res.path} cannot be read ({err}); validate says why") from err
    if any(None in row or None in row.values() for row in rows):
        raise ValueError(f"code list {res.path} has ragged rows; validate says where")
    return [{k: v for k, v in row.items()} for row in rows]


def _resource(res: dict, schema: dict) -> Resource:
    pk = schema.get("primaryKey") or []
    fks = [
        ForeignKey(
            list(_as_list(fk["fields"])),
            fk["reference"].get("resource") or res["name"],
            list(_as_list(fk["reference"]["fields"])),
        )
        for fk in schema.get("foreignKeys", [])
    ]
    return Resource(
        name=res["name"],
        title=res.get("title", res["name"]),
        description=res.get("description", ""),
        path=res["path"],
        schema_path=res["schema"],
        fields=[
            Field(
                name=f["name"],
                type=f.get("type", "string"),
                title=f.get("title", f["name"]),
                description=f.get("description", ""),
                constraints=f.get("constraints", {}),
                enum_descriptions=f.get("enumDescriptions", {}),
            )
            for f in schema["fields"]
        ],
        primary_key=list(_as_list(pk)),
        foreign_keys=fks,
        role=res.get("role", "evidence"),
    )


def _as_list(value) -> list:
    return [value] if isinstance(value, str) else list(value)


def _check_resource(pkg: Package, res: Resource, declared: set) -> list[Finding]:
    """Names and keys of one resource; ``declared`` holds every resource name in the descriptor."""
    out: list[Finding] = []

    def bad(rule: str, message: str) -> None:
        out.append(Finding(res.schema_path, None, None, rule, message))

    names = res.field_names
    for f in res.fields:
        if not IDENTIFIER.fullmatch(f.name) or f.name.startswith("_"):
            bad("package/name", f"Field name {f.name!r} in {res.name}.")
        if f.type not in SUPPORTED_TYPES:
            bad("package/field-type", f"Field {f.name} has type {f.type!r}.")
        if f.enum is not None and sorted(map(str, f.enum)) != sorted(f.enum_descriptions):
            missing = sorted(set(map(str, f.enum)) - set(f.enum_descriptions))
            extra = sorted(set(f.enum_descriptions) - set(map(str, f.enum)))
            bad("package/codebook", f"{f.name}: undescribed {missing}, undeclared {extra}.")
    if len(set(names)) != len(names):
        bad("package/name", f"{res.name} declares a field name twice.")
    for key in res.primary_key:
        if key not in names:
            bad("package/key", f"primaryKey names unknown field {key!r}.")
    for fk in res.foreign_keys:
        target = pkg.resources.get(fk.resource)
        if target is None:
            if fk.resource not in declared:
                bad("package/key", f"foreignKey references unknown resource {fk.resource!r}.")
            continue  # a declared resource that failed to load has findings of its own
        for own, ref in zip(fk.fields, fk.reference_fields, strict=False):
            if own not in names:
                bad("package/key", f"foreignKey names unknown field {own!r}.")
            if ref not in target.field_names:
                bad("package/key", f"foreignKey references unknown field {fk.resource}.{ref}.")
        if len(fk.fields) != len(fk.reference_fields):
            bad("package/key", "foreignKey fields and reference fields differ in number.")
        unique = [target.primary_key] + [
            [f.name] for f in target.fields if f.constraints.get("unique") is True
        ]
        if fk.reference_fields not in unique:
            bad(
                "package/key",
                f"foreignKey references {fk.resource}.{', '.join(fk.reference_fields)}, "
                "which is neither its primary key nor unique.",
            )
    return out
