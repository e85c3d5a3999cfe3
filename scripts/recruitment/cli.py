"""The ``recruitment`` command: a thin click layer over validate, export and friends.

Exit codes: 0 valid (or done), 1 the data is invalid, 2 a usage or I/O problem.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from .errors import EXIT_INVALID, EXIT_USAGE, RecruitmentError
from .report import clean, guard

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


def _emit(result, fmt: str, **extra) -> None:
    from .report import FORMATS

    pkg = result.package
    name = pkg.name if pkg else ""
    if fmt == "json":
        text = FORMATS[fmt](result.findings, name, pkg.version if pkg else "", **extra)
    else:
        text = FORMATS[fmt](result.findings, name)
    click.echo(text, nl=False)


def _say(message: str, err: bool = False) -> None:
    """Print one line whose text may quote a contributor's strings (paths, names, errors)."""
    click.echo(guard(clean(message)), err=err)


class _Command(click.Command):
    """Every command's one error path: a :class:`RecruitmentError` becomes its message and
    exit code (a bad parameter as click shows one), an I/O error a message and exit 2, and
    anything else a note that this is a bug, never a traceback (RECRUITMENT_DEBUG=1 shows
    it)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except RecruitmentError as err:
            if err.param:
                raise click.BadParameter(clean(err), ctx=ctx, param_hint=err.param) from None
            _say(err.message(), err=True)
            sys.exit(err.exit_code)
        except OSError as err:
            _say(f"error: {err.strerror or err}: {err.filename or ''}".rstrip(": "), err=True)
            sys.exit(EXIT_USAGE)
        except Exception as err:  # noqa: BLE001 - the last line of defence against tracebacks
            if os.environ.get("RECRUITMENT_DEBUG"):
                raise
            _say(f"error: unexpected {type(err).__name__}: {err}", err=True)
            _say(
                "This is a bug in the pipeline, not in your data; please report it with the "
                "command you ran (RECRUITMENT_DEBUG=1 shows the traceback).",
                err=True,
            )
            sys.exit(EXIT_USAGE)


class _Commands(click.Group):
    command_class = _Command


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
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
    from .checks.validate import validate as run

    result = run(root)
    _emit(result, fmt)
    sys.exit(0 if result.valid else EXIT_INVALID)


@main.command()
@package_option
@format_option
def coverage(root: Path, fmt: str) -> None:
    """List every number, date or statement in the seeds that no row records or excludes.

    A number or date is covered where a row citing its line has it, at its place on the
    line, in a *_text column; a statement ("said", "according to", ...) where the quote of
    a row citing its line holds it and the row names the speaker (actor_id, claimed_by,
    reported_by); either, where data/exclusions.csv lists it with a reason. Exits 1 while
    anything is outstanding.

    \b
    Example:
      recruitment coverage
      recruitment coverage --format json
    """
    from .checks.validate import validate as run

    result = run(root)
    outstanding = result.findings.select(lambda rule: rule.startswith("coverage/"))
    others = result.findings.total - outstanding.total
    result.findings = outstanding
    if fmt == "json":
        _emit(result, fmt, other_problems=others)
    elif fmt == "text" and not outstanding and not others:
        click.echo(
            "coverage: every number, date and statement in the seeds is recorded or excluded."
        )
    elif outstanding or not others:
        _emit(result, fmt)
    if others:
        note = (
            f"coverage incomplete: {others} other problem(s) stop the coverage check; "
            "run recruitment validate."
        )
        if fmt == "github":
            click.echo(f"::error title=coverage incomplete::{note}")
        click.echo(f"note: {note}", err=True)
    sys.exit(EXIT_INVALID if outstanding or others else 0)


@main.command()
@package_option
@out_option
def export(root: Path, out: Path) -> None:
    """Validate, then write CSV, Parquet, DuckDB, croissant.json and checksums into dist/.

    The site is left out, unless dist/ had one: then it is rebuilt from the same data,
    so dist/ never mixes new data with an old site. Nothing is written when the package
    is invalid, and a failure midway leaves the previous dist/ untouched.

    \b
    Example:
      recruitment export --out dist
    """
    from .publish.discovery import croissant_step
    from .publish.site import export_step

    site = [export_step] if (out / "site").is_dir() else []
    _publish(root, out, [croissant_step, *site])


@main.command()
@package_option
@out_option
def build(root: Path, out: Path) -> None:
    """Validate and publish everything: data files, DuckDB and the site (what `make` runs).

    \b
    Example:
      recruitment build
    """
    from .publish.discovery import croissant_step
    from .publish.site import export_step

    _publish(root, out, [croissant_step, export_step])


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
    from .checks.validate import validate as run
    from .publish.export import write_checksums
    from .publish.outdir import check_out, replace_folder
    from .publish.site import build_site

    check_out(root, out)
    if not (out / "datapackage.json").is_file():
        raise RecruitmentError(f"{out} holds no export yet; run recruitment build first.")
    result = run(root)
    if not result.valid:
        _emit(result, "text")
        sys.exit(EXIT_INVALID)
    replace_folder(out / "site", lambda tmp: build_site(result, tmp))
    write_checksums(out)
    _say(f"site written to {out / 'site'}/index.html")


@main.command()
@package_option
def codebook(root: Path) -> None:
    """Regenerate docs/codebook.md from the Table Schemas (commit the result).

    \b
    Example:
      recruitment codebook && git diff docs/codebook.md
    """
    from .publish.codebook import write

    path = write(root)
    _say(f"wrote {path}")


def _publish(root: Path, out: Path, extra: list | None = None) -> None:
    from .core.sqltypes import ident
    from .publish.export import export as run

    result = run(root, out, extra)
    if not result.valid:
        _emit(result, "text")
        click.echo("nothing exported: fix the problems above first.", err=True)
        sys.exit(EXIT_INVALID)
    counts = ", ".join(
        f"{result.con.execute(f'SELECT count(*) FROM {ident(n)}').fetchone()[0]} {n}"
        for n in result.package.resources
    )
    from .publish.site import export_step

    site = f", {out}/site/index.html" if export_step in (extra or ()) else ""
    files = f"csv, parquet, recruitment.duckdb, croissant.json{site}"
    _say(f"valid: exported {counts} to {out}/ ({files})")


# --- reviewing and releasing changes ------------------------------------------------------


limit_option = click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="Rows shown per section of the Markdown diff; the rest are counted, never dropped.",
)


@main.command("diff")
@click.argument("base", required=False)
@click.argument("head", required=False)
@package_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["text", "markdown", "json"]),
    default="text",
    show_default=True,
    help="text for people, markdown for a pull request, json for programs.",
)
@click.option(
    "--check-version",
    is_flag=True,
    help="Also run the version gate: exit 1 unless version, CHANGELOG.md and CITATION.cff "
    "carry the bump the change requires.",
)
@limit_option
def diff_command(
    base: str | None, head: str | None, root: Path, fmt: str, check_version: bool, limit: int
) -> None:
    """Show what changed between two versions of the package, row by row and cell by cell.

    BASE and HEAD are git refs or package folders; a name git knows is always the ref,
    and a folder inside the repository is never compared (a pull request could commit
    one named like a ref). BASE defaults to the merge base with main, HEAD to the
    working tree. Rows are matched by each table's primary key; the
    output names the bump (MAJOR, MINOR, PATCH) the change requires.

    \b
    Example:
      recruitment diff                          # this branch against main
      recruitment diff v0.1.0 HEAD --format markdown
      recruitment diff old-folder new-folder --format json
      recruitment diff --check-version          # exit 1 if the version is not bumped enough
    """
    from .core.snapshot import load
    from .report import json_dumps
    from .review import diff as d
    from .review.summary import gate_report
    from .review.versioning import check

    base_src, head_src = _sources(base, head, root)
    result = d.compare(load(base_src), load(head_src))
    gate = check(result, head_src) if check_version else None
    if fmt == "markdown":
        click.echo(d.as_markdown(result, limit), nl=False)
    elif fmt == "json":
        doc = d.to_dict(result)
        if gate is not None:
            doc["version_check"] = {"ok": not gate, "findings": [f.to_dict() for f in gate]}
        click.echo(json_dumps(doc), nl=False)
    else:
        click.echo(d.as_text(result), nl=False)
    if gate is not None and fmt != "json":
        click.echo(gate_report(gate, fmt, result.required_bump), nl=False)
    sys.exit(EXIT_INVALID if gate else 0)


def _sources(base: str | None, head: str | None, root: Path):
    from .core.snapshot import open_source

    return open_source(base, root, default_base=True), open_source(head, root)


@main.command()
@package_option
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if README.md is not current.")
def readme(root: Path, check: bool) -> None:
    """Regenerate the counts in README.md (between its 'generated' markers) from data/.

    `make` runs it, so a new row never leaves a stale count behind; commit the result.

    \b
    Example:
      recruitment readme && git diff README.md
      recruitment readme --check     # exit 1 if README.md is stale
    """
    from .publish import readme as generated

    if check:
        path = root / generated.README
        text = generated.read(root)
        if generated.render(root, text) != text:
            _say(f"{path} is stale: run `{generated.REGENERATE}` and commit it.", err=True)
            sys.exit(EXIT_INVALID)
        _say(f"{path} is current.")
        return
    path, changed = generated.write(root)
    _say(f"{'updated' if changed else 'unchanged'}: {path}")


@main.command()
@click.argument("level", required=False, type=click.Choice(["patch", "minor", "major"]))
@package_option
@click.option(
    "--base",
    help="Count the new version from this git ref or package folder "
    "[default: the merge base with main].",
)
def bump(level: str | None, root: Path, base: str | None) -> None:
    """Bump the data version, with its paperwork, in one step.

    Sets version in datapackage.json and CITATION.cff (with date-released), opens the
    CHANGELOG.md entry with a summary of the change, and regenerates README.md's generated
    text and docs/codebook.md. LEVEL is patch, minor or major (the Data Package version
    recipe: corrected values, added rows or codes, removed or renamed columns); without
    it, the bump the change requires against BASE. The version is counted from BASE, so
    running it again gives the same version.

    \b
    Example:
      recruitment bump               # the bump this branch needs, e.g. 1.0.0 -> 1.1.0
      recruitment bump patch         # a one-cell correction
    """
    from .publish.bump import bump as run

    done = run(root, level, base)
    _say(f"version {done.old} -> {done.new} ({done.level}): wrote {', '.join(done.written)}")
    for why in done.reasons[:20]:
        _say(f"  {why}")
    _say("Review the CHANGELOG.md entry, then commit these files with your change.")


@main.command("next-id")
@click.argument("table")
@package_option
def next_id_command(table: str, root: Path) -> None:
    """Print the next free id of TABLE (one more than its highest; ids are never reused).

    \b
    Example:
      recruitment next-id figures    # e.g. fig-0027
    """
    from .curate.ids import next_id

    click.echo(next_id(root, table))


@main.command()
@package_option
@out_option
@click.option("--tag", help="Fail unless this git tag is v<version> of datapackage.json.")
def release(root: Path, out: Path, tag: str | None) -> None:
    """Pack a built dist/ into dist/release/<name>-<version>.zip and CHANGES-<version>.md.

    The zip holds csv/, parquet/, the DuckDB file, datapackage.json, CITATION.cff, the
    licences, the codebook and a SHA256SUMS of them, with fixed timestamps and order;
    CHANGES says what changed since the previous released version, for data users: row
    counts per table, the row-level changes (bounded), then the CHANGELOG's words.

    \b
    Example:
      recruitment build && recruitment release
      recruitment release --tag "$GITHUB_REF_NAME"   # in the release workflow
    """
    from .publish.release import release as run

    written = run(root, out, tag)
    for path in written:
        _say(f"wrote {path}")


@main.command()
@out_option
def checksums(out: Path) -> None:
    """Rewrite OUT/SHA256SUMS so it lists exactly the files in OUT (after tests add some).

    \b
    Example:
      recruitment checksums && (cd dist && sha256sum -c SHA256SUMS)
    """
    from .publish.export import write_checksums

    write_checksums(out)
    _say(f"wrote {out / 'SHA256SUMS'}")


@main.command()
@click.argument("base", required=False)
@package_option
@limit_option
def summary(base: str | None, root: Path, limit: int) -> None:
    """Markdown for a pull request's job summary: every finding, the diff, the version gate.

    Annotations are capped by GitHub at 10 per step; this lists every finding with its
    file, line and fix, then the data diff against BASE (default: the merge base with
    main) and the version gate. It always exits 0: the validate and gate steps fail the job.

    \b
    Example:
      recruitment summary HEAD^1 >> "$GITHUB_STEP_SUMMARY"
    """
    from .checks.validate import validate as run_validation
    from .review import summary as s

    result = run_validation(root)
    name = result.package.name if result.package else ""
    diff, gate, problem = s.compared(base, root)
    click.echo(s.render(result.findings, name, diff, gate, problem, limit), nl=False)


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
    from .curate.add_source import add_source as run
    from .curate.add_source import report_lines

    added = run(root, article)
    for line, to_stderr in report_lines(root, added):
        click.echo(line, err=to_stderr)


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
    type=click.Choice(["actors", "figures", "events", "exclusions"]),
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
    from .curate.suggest import FORMATS, TABLES, write_outside_data
    from .curate.suggest import suggest as run

    result = run(root, source_id)
    if result.package is None:
        _emit(result, "text")
        sys.exit(EXIT_INVALID)
    chosen = list(tables or TABLES)
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
    path = write_outside_data(root, out, text)
    count = sum(d.table in chosen for d in result.drafts)
    click.echo(f"wrote {count} draft(s) to {clean(path)}")


if __name__ == "__main__":  # pragma: no cover
    main()
