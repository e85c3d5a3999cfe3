"""Read datapackage.json and its Table Schemas into a small typed model, checking the metadata.

The Table Schemas are the one definition of every column. Everything downstream (the
checks, DuckDB DDL, the Parquet schema, the codebook, the messages) reads them through
this model, so the metadata is checked here first: names that will go into SQL must be
plain identifiers, keys must name real tables and fields, and every enum needs a codebook.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from .findings import Finding

DESCRIPTOR = "datapackage.json"
IDENTIFIER = re.compile(r"[a-z][a-z0-9_]{0,62}")
SUPPORTED_TYPES = ("string", "integer", "number", "date", "boolean")


class PackageNotFound(Exception):
    """The folder holds no datapackage.json: a usage problem, not a data problem."""


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

    @property
    def name(self) -> str:
        return self.descriptor.get("name", "")

    @property
    def version(self) -> str:
        return str(self.descriptor.get("version", ""))

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


def _read_json(root: Path, rel: str) -> tuple[dict | None, list[Finding]]:
    path = root / rel
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None, [Finding(rel, None, None, "package/missing-file", f"{rel} does not exist.")]
    except UnicodeDecodeError as err:
        return None, [Finding(rel, None, None, "package/json", f"{rel} is not UTF-8 ({err}).")]
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        return None, [
            Finding(rel, err.lineno, None, "package/json", f"{err.msg} at column {err.colno}.")
        ]
    if not isinstance(data, dict):
        return None, [Finding(rel, 1, None, "package/json", "The top level must be a JSON object.")]
    return data, []


def safe_relative(rel: object) -> bool:
    """A path we may join to the root: relative, POSIX, and never climbing out with '..'."""
    if not isinstance(rel, str) or not rel or "\\" in rel or re.match(r"[A-Za-z]:", rel):
        return False
    p = PurePosixPath(rel)
    return not p.is_absolute() and ".." not in p.parts


def _frictionless_findings(rel: str, report) -> list[Finding]:
    return [
        Finding(rel, None, None, "package/descriptor", message)
        for (message,) in report.flatten(["message"])
    ]


def load_package(root: Path) -> tuple[Package | None, list[Finding]]:
    """Load and check the descriptor and schemas; return no package if they are unusable."""
    root = Path(root)
    if not (root / DESCRIPTOR).is_file():
        raise PackageNotFound(f"no {DESCRIPTOR} in {root}")
    descriptor, findings = _read_json(root, DESCRIPTOR)
    if descriptor is None:
        return None, findings
    resources_in = descriptor.get("resources")
    if not isinstance(resources_in, list) or not resources_in:
        return None, [Finding(DESCRIPTOR, None, None, "package/descriptor", "No resources.")]

    pkg = Package(root, descriptor)
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
        path, schema_path = res.get("path"), res.get("schema")
        for key, rel in (("path", path), ("schema", schema_path)):
            if not safe_relative(rel):
                findings.append(
                    Finding(DESCRIPTOR, None, None, "package/path", f"{name}.{key} is {rel!r}.")
                )
        if not (safe_relative(path) and safe_relative(schema_path)):
            continue
        if not (root / path).is_file():
            findings.append(
                Finding(DESCRIPTOR, None, None, "package/missing-file", f"{path} does not exist.")
            )
        schema, errors = _read_json(root, schema_path)
        findings += errors
        if schema is None:
            continue
        from frictionless import Schema  # imported here: only metadata checks need it

        errors = _frictionless_findings(schema_path, Schema.validate_descriptor(schema))
        findings += errors
        if not errors:
            pkg.resources[name] = _resource(res, schema)

    declared = {r.get("name") for r in resources_in if isinstance(r, dict)}
    for res in pkg.resources.values():
        findings += _check_resource(pkg, res, declared)
    if findings:
        return None, findings
    return pkg, []


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
    return out
