"""The ``recruitment`` command: a thin click layer over validate, export and friends.

Exit codes: 0 valid (or done), 1 the data is invalid, 2 a usage or I/O problem.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .package import PackageNotFound

EXIT_INVALID = 1
EXIT_USAGE = 2

package_option = click.option(
    "--package",
    "-p",
    "root",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="Folder holding datapackage.json.",
)

out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("dist"),
    show_default=True,
    help="The publication folder: replaced whole, only once everything is written "
    "(report writes OUT/site).",
)
format_option = click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people, json for programs, github for Actions annotations.",
)


def _emit(result, fmt: str) -> None:
    from .report import FORMATS

    pkg = result.package
    name = pkg.name if pkg else ""
    if fmt == "json":
        text = FORMATS[fmt](result.findings, name, pkg.version if pkg else "")
    else:
        text = FORMATS[fmt](result.findings, name)
    click.echo(text, nl=False)


def _run(fn, *args):
    """Call a library function; a missing package, I/O error or bug becomes a message, exit 2.

    Set RECRUITMENT_DEBUG=1 to see the traceback of an unexpected error.
    """
    try:
        return fn(*args)
    except PackageNotFound as err:
        raise click.UsageError(f"{err}. Run from the package folder or pass --package.") from err
    except OSError as err:
        click.echo(f"error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), err=True)
        sys.exit(EXIT_USAGE)
    except Exception as err:  # noqa: BLE001 - the last line of defence against tracebacks
        if os.environ.get("RECRUITMENT_DEBUG"):
            raise
        click.echo(
            f"error: unexpected {type(err).__name__}: {err}\n"
            "This is a bug in the pipeline, not in your data; please report it with the "
            "command you ran (RECRUITMENT_DEBUG=1 shows the traceback).",
            err=True,
        )
        sys.exit(EXIT_USAGE)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="russian-military-recruitment")
def main() -> None:
    """Validate and publish the Russian military recruitment data package.

    \b
    Example:
      recruitment build            # validate, then write dist/
    """


@main.command()
@package_option
@format_option
def validate(root: Path, fmt: str) -> None:
    """Check the package: metadata, CSV structure, Table Schemas, rules, provenance.

    Exits 0 when valid, 1 when the data is invalid, 2 on a usage or I/O problem.

    \b
    Example:
      recruitment validate
      recruitment validate --format github   # in a pull request's CI
    """
    from .validate import validate as run

    result = _run(run, root)
    _emit(result, fmt)
    sys.exit(0 if result.valid else EXIT_INVALID)


@main.command()
@package_option
@format_option
def coverage(root: Path, fmt: str) -> None:
    """List every number or date in the seeds that no row records and no exclusion explains.

    A span is covered when a row citing its line quotes it in a *_text column, or
    data/exclusions.csv lists it with a reason. Exits 1 while anything is outstanding.

    \b
    Example:
      recruitment coverage
      recruitment coverage --format json
    """
    from .validate import validate as run

    result = _run(run, root)
    outstanding = [f for f in result.findings if f.rule.startswith("coverage/")]
    others = len(result.findings) - len(outstanding)
    result.findings = outstanding
    if result.package is not None and not outstanding and fmt == "text":
        click.echo("coverage: every number and date in the seeds is recorded or excluded.")
    else:
        _emit(result, fmt)
    if others:
        click.echo(
            f"note: {others} other problem(s) make coverage incomplete; run recruitment validate.",
            err=True,
        )
    sys.exit(EXIT_INVALID if outstanding or others else 0)


@main.command()
@package_option
@out_option
def export(root: Path, out: Path) -> None:
    """Validate, then write CSV, Parquet, DuckDB and checksums into dist/ (no site).

    Nothing is written when the package is invalid, and a failure midway leaves the
    previous dist/ untouched.

    \b
    Example:
      recruitment export --out dist
    """
    _publish(root, out)


@main.command()
@package_option
@out_option
def build(root: Path, out: Path) -> None:
    """Validate and publish everything: data files, DuckDB and the site (what `make` runs).

    \b
    Example:
      recruitment build
    """
    from .site import export_step

    _publish(root, out, [export_step])


@main.command()
@package_option
@out_option
def report(root: Path, out: Path) -> None:
    """Rebuild only the browsable site, dist/site/, from a valid package.

    The site links to the files beside it (dist/csv, dist/parquet, ...) and shows their
    SHA-256; run `recruitment build` first so they exist. Open dist/site/index.html.

    \b
    Example:
      recruitment report && xdg-open dist/site/index.html
    """
    from .export import replace_folder
    from .site import build_site
    from .validate import validate as run

    result = _run(run, root)
    if not result.valid:
        _emit(result, "text")
        sys.exit(EXIT_INVALID)
    _run(replace_folder, out / "site", lambda tmp: build_site(result, tmp))
    click.echo(f"site written to {out / 'site'}/index.html")


@main.command()
@package_option
def codebook(root: Path) -> None:
    """Regenerate docs/codebook.md from the Table Schemas (commit the result).

    \b
    Example:
      recruitment codebook && git diff docs/codebook.md
    """
    from .codebook import write

    path = _run(write, root)
    click.echo(f"wrote {path}")


def _publish(root: Path, out: Path, extra: list | None = None) -> None:
    from .export import export as run
    from .sqltypes import ident

    result = _run(run, root, out, extra)
    if not result.valid:
        _emit(result, "text")
        click.echo("nothing exported: fix the problems above first.", err=True)
        sys.exit(EXIT_INVALID)
    counts = ", ".join(
        f"{result.con.execute(f'SELECT count(*) FROM {ident(n)}').fetchone()[0]} {n}"
        for n in result.package.resources
    )
    site = f", {out}/site/index.html" if extra else ""
    click.echo(f"valid: exported {counts} to {out}/ (csv, parquet, recruitment.duckdb{site})")


@main.command("add-source")
@package_option
@click.argument("article", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def add_source(root: Path, article: Path) -> None:
    """Copy a new article into seeds/, append its sources row, and list what is left.

    The article must be UTF-8 text, not already in the package and within the seed size
    limit. Its publication date is filled where a first line states it ("date 2023-03-30");
    otherwise it is left for you. Then run `recruitment suggest SOURCE_ID`.

    \b
    Example:
      recruitment add-source ~/Downloads/article.txt
    """
    from .add_source import Refused, left_to_record
    from .add_source import add_source as run

    added, refused = _run_or_refuse(run, root, article, refuse=Refused)
    if refused:
        click.echo(f"error: {_printable(refused)}. Nothing was added.", err=True)
        sys.exit(EXIT_USAGE)
    row = added.row
    click.echo(
        f"added {added.seed_file} as {added.source_id} (sha256 {added.sha256}); "
        f"its sources row is line {added.csv_line} of the sources CSV."
    )
    if added.date_stated:
        click.echo(
            f"publication date: {row['published_start']} ({row['published_precision']}, stated "
            f"on line {row['line']}: {_printable(repr(row['quote']))})."
        )
    else:
        click.echo(
            "publication date: not stated in the first lines; fill published_start, "
            "published_end, published_precision, published_basis (inferred, with notes) "
            "where the text allows, and set line/quote to the words you cite "
            f"(now line {row['line']})."
        )
    left, others = _run(left_to_record, root, added.seed_file)
    if left:
        count = sum(map(len, left.values()))
        click.echo(f"left to record or exclude ({count} span(s), as recruitment coverage says):")
        for line, spans in left.items():
            click.echo(f"  line {line}: {', '.join(_printable(repr(s)) for s in spans)}")
    else:
        click.echo("coverage: every number and date in the new seed is recorded or excluded.")
    if others:
        click.echo(f"note: {others} other problem(s); run recruitment validate.", err=True)
    click.echo(f"next: recruitment suggest {added.source_id}")


@main.command()
@package_option
@click.argument("source_id", required=False)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "json", "csv"]),
    default="text",
    show_default=True,
    help="text to read; csv for one block per table (its columns, then confidence and why); "
    "json for programs.",
)
@click.option(
    "--table",
    "tables",
    type=click.Choice(["figures", "events", "exclusions"]),
    multiple=True,
    help="Only drafts for this table (repeatable); default all.",
)
@click.option(
    "--write",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the drafts to this file (never inside data/) instead of printing them.",
)
def suggest(root: Path, source_id: str | None, fmt: str, tables: tuple, out: Path | None) -> None:
    """Draft rows for every number and date no row records yet (all seeds, or one source).

    Numbers get figures rows (value_text, value, qualifier, a guessed unit and measure),
    dates events rows (read literally; relative words left to resolve), names and ordinals
    exclusions rows; each with the line, a verbatim quote, a confidence and a why. Drafts
    never enter data/ by themselves: review them, fill what why lists, then add them.

    \b
    Example:
      recruitment suggest src-003
      recruitment suggest src-003 --format csv --table figures --write drafts.csv
    """
    from .suggest import FORMATS, UnknownSource, write_outside_data
    from .suggest import suggest as run

    result, unknown = _run_or_refuse(run, root, source_id, refuse=UnknownSource)
    if unknown:
        raise click.BadParameter(_printable(unknown), param_hint="SOURCE_ID")
    if result.package is None:
        _emit(result, "text")
        sys.exit(EXIT_INVALID)
    chosen = list(tables or ("figures", "events", "exclusions"))
    text = FORMATS[fmt](result, chosen)
    if result.findings:
        click.echo(
            f"note: {len(result.findings)} other problem(s) in the package; drafts may repeat "
            "or miss what a broken row records (run recruitment validate).",
            err=True,
        )
    if out is None:
        click.echo(text, nl=False)
        return
    path, refused = _run_or_refuse(write_outside_data, root, out, text, refuse=ValueError)
    if refused:
        raise click.BadParameter(_printable(refused), param_hint="--write")
    count = sum(d.table in chosen for d in result.drafts)
    click.echo(f"wrote {count} draft(s) to {_printable(path)}")


def _run_or_refuse(fn, *args, refuse: type[Exception]):
    """:func:`_run`, but a ``refuse`` exception comes back as (None, error) for a message."""

    def call():
        try:
            return fn(*args), None
        except refuse as err:
            return None, err

    return _run(call)


def _printable(text: object) -> str:
    from .suggest import printable

    return printable(text)


if __name__ == "__main__":  # pragma: no cover
    main()
