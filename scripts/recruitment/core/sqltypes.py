"""Table Schema field types in DuckDB: the column type, and the strict parse of a CSV cell.

This is the only type map in the project: DuckDB's types, pyarrow's (the validation
cache's typed load) and the lexical forms and boolean words every parser accepts (the SQL
parse here, the polars screen, pyarrow's CSV reader). The DuckDB DDL uses it directly; the
Parquet and Arrow files come from DuckDB's own Arrow conversion of the typed tables. A
parse accepts exactly the lexical forms Table Schema defines for the type's default format,
so '134.500', '1 000', 'NaN' or '2023-3-30' are type errors, not values.
"""

from __future__ import annotations

from typing import Protocol


class Field(Protocol):
    """What these functions read of a Table Schema field (core.package.Field has it); a
    protocol, so this module, which the package model imports, imports nothing back."""

    type: str


DUCKDB_TYPE = {
    "string": "VARCHAR",
    "integer": "BIGINT",
    "number": "DOUBLE",
    "date": "DATE",
    "boolean": "BOOLEAN",
}

ARROW_TYPE = {
    "string": "string",
    "integer": "int64",
    "number": "float64",
    "date": "date32",
    "boolean": "bool",
}
"""pyarrow's type (a ``pa.type_for_alias`` name) for each Table Schema type."""

PANDAS_TYPE = {
    "integer": ("int64", "Int64"),
    "boolean": ("bool", "boolean"),
    "number": ("float64", "float64"),
    "date": ("date", "object"),
    "string": ("unicode", "object"),
}
"""Table Schema type -> (pandas_type, numpy_type) in the Parquet file's pandas metadata.

pandas (and frictionless, which reads Parquet through pandas) turns a nullable int64
column into float with NaN unless that metadata names the nullable "Int64" dtype; with
it, pd.read_parquet keeps integers as integers even without dtype_backend="pyarrow"."""

CROISSANT_TYPES = {
    "string": "sc:Text",
    "integer": "sc:Integer",
    "number": "sc:Float",
    "boolean": "sc:Boolean",
    "date": "sc:Date",
    "datetime": "sc:DateTime",
    "time": "sc:Time",
    "year": "sc:Integer",
}
"""Table Schema type -> Croissant dataType; a type not listed is published as text."""

TRUE_VALUES = ("true", "True", "TRUE", "1")
FALSE_VALUES = ("false", "False", "FALSE", "0")
"""The lexical forms of a boolean (Table Schema's defaults)."""

LEXICAL = {
    "integer": r"-?[0-9]{1,18}",
    "number": r"-?([0-9]+(\.[0-9]+)?|\.[0-9]+)([eE][-+]?[0-9]+)?",
    "date": r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
}
"""The whole-cell lexical form of each type (matched in full, RE2 and Rust regex syntax)."""

_REPRESENTABLE = {
    "integer": "{} IS NOT NULL",
    "number": "isfinite({})",
    "date": "{} BETWEEN DATE '0001-01-01' AND DATE '9999-12-31'",
}
"""Values every consumer can hold (Python, Arrow, Parquet, R): finite doubles, years 1-9999."""

TYPE_HINT = {
    "integer": "an integer: digits only, no separators (134500, not 134,500 or 134.500)",
    "number": "a finite number with a point for decimals (1.5), no separators, no NaN or inf",
    "date": "a real date as YYYY-MM-DD (2023-03-30), years 0001 to 9999",
    "boolean": "true or false",
    "string": "text",
}


def ident(name: str) -> str:
    """Quote an SQL identifier (names are checked plain identifiers, and quoted anyway)."""
    return '"' + name.replace('"', '""') + '"'


def literal(value: object) -> str:
    """An SQL literal for a value taken from a schema (a string, number or bool)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def duckdb_type(field: Field) -> str:
    return DUCKDB_TYPE[field.type]


def parse_expr(field: Field, cell: str) -> str:
    """SQL that turns the VARCHAR ``cell`` into the field's type, or NULL where it is no value."""
    kind = field.type
    if kind == "string":
        return cell
    if kind == "boolean":
        return (
            f"CASE WHEN {cell} IN ({','.join(map(literal, TRUE_VALUES))}) THEN TRUE "
            f"WHEN {cell} IN ({','.join(map(literal, FALSE_VALUES))}) THEN FALSE END"
        )
    value = f"TRY_CAST({cell} AS {DUCKDB_TYPE[kind]})"
    return (
        f"CASE WHEN regexp_full_match({cell}, {literal(LEXICAL[kind])}) "
        f"AND {_REPRESENTABLE[kind].format(value)} THEN {value} END"
    )


def typed_literal(field: Field, value: object) -> str:
    """A constraint value (e.g. a minimum) as an SQL literal of the field's type."""
    return f"CAST({literal(value)} AS {DUCKDB_TYPE[field.type]})"
