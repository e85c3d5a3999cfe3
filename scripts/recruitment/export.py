"""Publish a valid package to dist/: CSV, Parquet, one DuckDB file, a descriptor and checksums.

Everything is written into a fresh temporary folder beside ``dist/`` and swapped in only
when complete, so a failure at any step leaves the previous ``dist/`` as it was. CSV and
Parquet are byte-reproducible: rows sorted by primary key, no timestamps, fixed options.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Callable
from functools import cache
from pathlib import Path

from . import ddl, views
from .package import Package, Resource
from .sqltypes import ident
from .validate import Validation, validate

DUCKDB_FILE = "recruitment.duckdb"
PARQUET_BATCH_ROWS = 262_144
"""Rows per Parquet write (and row group): bounded memory, same bytes on every run."""


def export(
    root: Path, out: Path, extra: list[Callable[[Validation, Path], None]] | None = None
) -> Validation:
    """Validate ``root`` and, if valid, publish it to ``out``; return the validation.

    ``extra`` steps (``build`` adds the static site) write into the temporary folder after
    the data files and before the checksums and the swap.
    """
    result = validate(Path(root))
    if not result.valid:
        return result

    def write(tmp: Path) -> None:
        write_all(result, tmp)
        for step in extra or ():
            step(result, tmp)
        write_checksums(tmp)

    replace_folder(Path(out), write)
    return result


def replace_folder(out: Path, write: Callable[[Path], None]) -> None:
    """Run ``write`` on a fresh folder beside ``out`` and swap it in only if it succeeds."""
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}-new-", dir=out.parent))
    tmp.chmod(0o755)
    try:
        write(tmp)
        swap(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_all(result: Validation, tmp: Path) -> None:
    pkg, con = result.package, result.con
    (tmp / "csv").mkdir()
    (tmp / "parquet").mkdir()
    for res in pkg.in_dependency_order():
        write_csv(con, res, tmp / "csv" / f"{res.name}.csv")
        write_parquet(con, pkg, res, tmp / "parquet" / f"{res.name}.parquet")
    write_duckdb(con, pkg, tmp / DUCKDB_FILE)
    write_descriptor(pkg, tmp)


def _select(res: Resource) -> str:
    cols = ", ".join(ident(f.name) for f in res.fields)
    order = ", ".join(ident(k) for k in res.primary_key) or ident("__line")
    return f"SELECT {cols} FROM {ident(res.name)} ORDER BY {order}"


def write_csv(con, res: Resource, path: Path) -> None:
    target = str(path).replace("'", "''")
    con.execute(
        f"COPY ({_select(res)}) TO '{target}' "
        f"(FORMAT csv, HEADER true, DELIMITER ',', QUOTE '\"', ESCAPE '\"', NEW_LINE '\\n')"
    )


def arrow_schema(con, pkg: Package, res: Resource):
    """The Parquet schema: DuckDB's Arrow types, nullability from the Table Schema's required."""
    import pyarrow as pa

    empty = con.sql(f"{_select(res)} LIMIT 0").to_arrow_table()
    fields = []
    for af in empty.schema:
        f = res.field(af.name)
        kind = (
            pa.string()
            if pa.types.is_string_view(af.type) or pa.types.is_large_string(af.type)
            else af.type
        )
        meta = {"description": f.description}
        if f.enum_descriptions:
            meta["enum"] = json.dumps(f.enum_descriptions, ensure_ascii=False)
        fields.append(
            pa.field(
                af.name, kind, nullable=not (f.required or f.name in res.primary_key), metadata=meta
            )
        )
    return pa.schema(
        fields,
        metadata={"package": pkg.name, "version": pkg.version, "resource": res.name},
    )


def write_parquet(con, pkg: Package, res: Resource, path: Path) -> None:
    """Stream the table into Parquet in batches, so memory stays flat as tables grow."""
    import pyarrow.parquet as pq

    schema = arrow_schema(con, pkg, res)
    reader = con.sql(_select(res)).to_arrow_reader(batch_size=PARQUET_BATCH_ROWS)
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for batch in reader:
            writer.write_batch(batch.cast(schema))


def write_duckdb(con, pkg: Package, path: Path) -> None:
    target = str(path).replace("'", "''")
    con.execute(f"ATTACH '{target}' AS pub")
    try:
        con.execute("USE pub")
        for stmt in ddl.create_statements(pkg):
            con.execute(stmt)
        for res in pkg.in_dependency_order():
            con.execute(ddl.insert_statement(res))
        views.create(con)
    finally:
        con.execute("USE memory")
        con.execute("DETACH pub")


def sha256_of(path: Path) -> str:
    """SHA-256 of a file, in hex. The descriptor and SHA256SUMS both need each file's hash,
    so it is remembered for as long as the file's size and modification time stay the same."""
    st = Path(path).stat()
    return _sha256(Path(path), st.st_size, st.st_mtime_ns)


@cache
def _sha256(path: Path, size: int, mtime_ns: int) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def write_descriptor(pkg: Package, tmp: Path) -> None:
    """dist/datapackage.json: the package metadata, describing the exported files."""
    from .release import build_info

    meta = {k: v for k, v in pkg.descriptor.items() if k != "resources"}
    meta.update(build_info(pkg.root))  # created (the commit's date) and commit
    resources = []

    def describe(rel: str, **entry) -> dict:
        path = tmp / rel
        return {
            **entry,
            "path": rel,
            "bytes": path.stat().st_size,
            "hash": f"sha256:{sha256_of(path)}",
        }

    for res in pkg.in_dependency_order():
        schema = json.loads((pkg.root / res.schema_path).read_text(encoding="utf-8"))
        resources.append(
            describe(
                f"csv/{res.name}.csv",
                name=res.name,
                type="table",
                title=res.title,
                description=res.description,
                format="csv",
                mediatype="text/csv",
                encoding="utf-8",
                schema=schema,
            )
        )
    # Parquet and DuckDB files are described as files (typed by their own schemas), so a
    # plain `frictionless validate` checks their bytes and hashes without a Parquet reader.
    for res in pkg.in_dependency_order():
        resources.append(
            describe(
                f"parquet/{res.name}.parquet",
                name=f"{res.name}-parquet",
                type="file",
                title=f"{res.title} (Parquet)",
                format="parquet",
                mediatype="application/vnd.apache.parquet",
            )
        )
    resources.append(
        describe(
            DUCKDB_FILE,
            name="recruitment-duckdb",
            type="file",
            title="All tables, keys, comments and views in one DuckDB database",
            format="duckdb",
            mediatype="application/vnd.duckdb",
        )
    )
    meta["resources"] = resources
    text = json.dumps(meta, indent=2, ensure_ascii=False) + "\n"
    (tmp / "datapackage.json").write_text(text, encoding="utf-8")


def write_checksums(tmp: Path) -> None:
    """dist/SHA256SUMS in the format ``sha256sum -c`` reads."""
    files = sorted(p for p in tmp.rglob("*") if p.is_file() and p.name != "SHA256SUMS")
    lines = [f"{sha256_of(p)}  {p.relative_to(tmp).as_posix()}\n" for p in files]
    (tmp / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def swap(tmp: Path, out: Path) -> None:
    """Put ``tmp`` in place of ``out``: the old folder is moved aside, then removed."""
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}-old-{os.getpid()}")
        out.rename(old)
    tmp.rename(out)
    if old is not None:
        shutil.rmtree(old)
