"""The one record every check yields, and the catalogue of rules that explains each.

Every layer (package metadata, CSV structure, Table Schema, cross-column rules, provenance)
reports problems as :class:`Finding` rows; the CLI only formats them. A rule id names the
check; its entry in :data:`RULES` gives the title shown to contributors and how to fix it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass

from . import limits


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem, located as precisely as the input allows."""

    file: str
    """Path relative to the package root, e.g. ``data/figures.csv``."""
    line: int | None
    """Physical line in that file (1 is a CSV's header), or None for the file as a whole."""
    column: str | None
    """Column (field) name, or None when the problem is not in one column."""
    rule: str
    """Rule id, a key of :data:`RULES`, e.g. ``standard/enum``."""
    message: str
    """What is wrong, with the offending value."""
    row: str | None = None
    """The row's primary key (e.g. ``fig-0012``), when the finding is on a row whose key
    could be read; shown next to the line."""

    def catalogue(self) -> dict[str, Rule]:
        """The rules this finding's rule id names (a subclass may have its own)."""
        return RULES

    @property
    def fix(self) -> str:
        return self.catalogue()[self.rule].fix

    @property
    def title(self) -> str:
        return self.catalogue()[self.rule].title

    def to_dict(self) -> dict:
        return {**asdict(self), "title": self.title, "fix": self.fix}


def order(f: Finding) -> tuple:
    """The order findings are reported in: by file, line, column, rule, message."""
    return (f.file, f.line or 0, f.column or "", f.rule, f.message)


class Findings:
    """Every finding of one run, counted exactly, of which only the first
    :data:`limits.MAX_LISTED` in report order are kept as :class:`Finding` objects.

    A check adds findings one by one (:meth:`add`), or, for a check whose rows come from
    SQL, only the rows a report can list together with the counts of all of them
    (:meth:`of`); ``+=`` merges. So memory is bounded by the limit (twice it, between two
    trims), not by how many findings a contribution provokes. Iterating, indexing and
    comparing with a list see the listed findings; ``len`` is the exact total.
    """

    def __init__(self, items: Iterable[Finding] = (), limit: int | None = None) -> None:
        self.limit = limits.MAX_LISTED if limit is None else limit
        self.by_place: Counter[tuple[str, str]] = Counter()
        """How many findings of each (file, rule), all of them."""
        self._kept: list[Finding] = []
        self._trimmed = True
        self.extend(items)

    @classmethod
    def of(cls, kept: Iterable[Finding], counts: dict[tuple[str, str], int]) -> Findings:
        """The findings ``kept`` of a check that found ``counts[(file, rule)]`` in all."""
        out = cls()
        out.by_place.update({place: n for place, n in counts.items() if n})
        for f in kept:
            out._keep(f)
        return out

    def add(self, f: Finding) -> None:
        self.by_place[(f.file, f.rule)] += 1
        self._keep(f)

    def extend(self, items: Iterable[Finding]) -> None:
        if isinstance(items, Findings):
            self.by_place.update(items.by_place)
            for f in items._kept:
                self._keep(f)
            return
        for f in items:
            self.add(f)

    def __iadd__(self, items: Iterable[Finding]) -> Findings:
        self.extend(items)
        return self

    def _keep(self, f: Finding) -> None:
        self._kept.append(f)
        self._trimmed = False
        if len(self._kept) >= 2 * self.limit + 1:
            self._trim()

    def _trim(self) -> None:
        if not self._trimmed:
            self._kept.sort(key=order)
            del self._kept[self.limit :]
            self._trimmed = True

    @property
    def listed(self) -> list[Finding]:
        """The first findings in report order, at most ``limit`` of them."""
        self._trim()
        return self._kept

    def _tally(self, part: int) -> Counter[str]:
        out: Counter[str] = Counter()
        for place, n in self.by_place.items():
            out[place[part]] += n
        return out

    @property
    def counts(self) -> Counter[str]:
        """Findings by rule, all of them."""
        return self._tally(1)

    @property
    def files(self) -> Counter[str]:
        """Findings by file, all of them."""
        return self._tally(0)

    @property
    def total(self) -> int:
        return sum(self.by_place.values())

    def select(self, keep: Callable[[str], bool]) -> Findings:
        """The findings whose rule ``keep`` accepts (listed ones and counts alike)."""
        out = Findings(limit=self.limit)
        out._kept = [f for f in self.listed if keep(f.rule)]
        out.by_place = Counter({k: n for k, n in self.by_place.items() if keep(k[1])})
        return out

    def __len__(self) -> int:
        return self.total

    def __bool__(self) -> bool:
        return self.total > 0

    def __iter__(self) -> Iterator[Finding]:
        return iter(self.listed)

    def __getitem__(self, index):
        return self.listed[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Findings):
            return self.by_place == other.by_place and self.listed == other.listed
        if isinstance(other, list):
            return self.total == len(other) and self.listed == sorted(other, key=order)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Findings(total={self.total}, listed={self.listed!r})"


def as_findings(items: Iterable[Finding]) -> Findings:
    """``items`` as :class:`Findings` (a list of a few findings, or Findings already)."""
    return items if isinstance(items, Findings) else Findings(items)


@dataclass(frozen=True, slots=True)
class Rule:
    title: str
    fix: str


def _rules(layer: str, entries: dict[str, tuple[str, str]]) -> dict[str, Rule]:
    return {f"{layer}/{key}": Rule(title, fix) for key, (title, fix) in entries.items()}


RULES: dict[str, Rule] = {
    **_rules(
        "package",
        {
            "json": (
                "File is not valid JSON",
                "Correct the JSON syntax at the line shown (a missing comma or quote is usual).",
            ),
            "descriptor": (
                "Descriptor does not follow the Frictionless standard",
                "Edit the descriptor so it follows the Data Package / Table Schema specification.",
            ),
            "missing-file": (
                "A file the descriptor refers to does not exist",
                "Create the file or correct the path in datapackage.json.",
            ),
            "path": (
                "A path leaves the package",
                "Use a relative path inside the package, without '..' or a leading '/'.",
            ),
            "name": (
                "A package, resource or field name is not valid",
                "Name resources and fields with lowercase letters, digits and underscores, "
                "starting with a letter; the package with lowercase letters, digits, '.', '_' "
                "and '-', starting with a letter or digit (at most 100 characters).",
            ),
            "field-type": (
                "A field type this pipeline does not support",
                "Use one of the types string, integer, number, date or boolean.",
            ),
            "key": (
                "A primary or foreign key names an unknown table or field",
                "Name a resource declared in datapackage.json and fields declared in its schema.",
            ),
            "codebook": (
                "An enum and its enumDescriptions disagree",
                "Give every enum code exactly one description in enumDescriptions, and no more.",
            ),
            "unsupported": (
                "A setting this pipeline does not honour",
                "Remove it: data is read as UTF-8 CSV with a header, comma-separated, "
                "double-quoted, empty cells missing, types in their default formats, and only "
                "standard profiles (nothing is fetched).",
            ),
            "constraint": (
                "A constraint is malformed",
                "Give the constraint a value of the right kind: minimum/maximum of the field's "
                "type, lengths as whole numbers, enum as distinct strings, pattern as a valid "
                "RE2 regular expression, required/unique as true or false.",
            ),
            "citation": (
                "A table does not carry the citation every row needs",
                "Keep source_id (string, foreign key to sources), line (integer, minimum 1) "
                "and quote (string) required in every table, and seed_file and sha256 in "
                "sources.",
            ),
            "codelist": (
                "A code list is not shaped as code lists are",
                "Give a code list (role codelist) the required string columns code (its "
                "primary key), label and description, no citation columns and no foreign "
                "keys.",
            ),
            "reserved": (
                "A resource name is taken by the pipeline's own tables or views",
                "Choose another name (not seed_lines, meta, a view's name, raw_* or duckdb_*).",
            ),
            "version": (
                "The package version is not MAJOR.MINOR.PATCH",
                'Write "version" as a string such as "1.2.0" (see CHANGELOG.md).',
            ),
            "publish": (
                "The published database cannot be built from these schemas",
                "Correct the schema the message names; the DuckDB file and its views are built "
                "from the Table Schemas.",
            ),
        },
    ),
    **_rules(
        "file",
        {
            "type": (
                "Not a regular file",
                "Replace the FIFO, device, folder or link with the regular file itself.",
            ),
            "size": (
                "File is larger than the pipeline reads",
                "Split or shorten the file; the limits are listed in README.md (Limits).",
            ),
        },
    ),
    **_rules(
        "csv",
        {
            "encoding": (
                "File is not UTF-8",
                "Save the file as UTF-8 (without BOM): in a spreadsheet choose 'CSV UTF-8'.",
            ),
            "bom": (
                "File starts with a byte-order mark",
                "Save as UTF-8 without BOM.",
            ),
            "nul": (
                "File contains a NUL byte",
                "Remove the NUL byte; the file may have been saved as UTF-16.",
            ),
            "line-ending": (
                "Carriage return (CR) in the file",
                "Save with LF line endings (set your editor's line ending to LF / Unix) and "
                "remove carriage returns inside cells.",
            ),
            "empty": (
                "File is empty or has no header",
                "Restore the header line from schemas/<table>.json (git checkout the file).",
            ),
            "no-rows": (
                "File has a header but no rows",
                "Restore the rows (git checkout the file); a published table is never empty.",
            ),
            "header": (
                "Header does not match the Table Schema",
                "Make the header list exactly the schema's fields, in the schema's order.",
            ),
            "blank-line": (
                "Blank line",
                "Delete the blank line: every line after the header is one row.",
            ),
            "newline-in-field": (
                "A field holds a line break",
                "Put the text on one line: line breaks inside a cell make line numbers ambiguous.",
            ),
            "ragged-row": (
                "Row has the wrong number of cells",
                "Give the row exactly one cell per column; quote a cell that holds a comma.",
            ),
            "unclosed-quote": (
                "A quoted cell is never closed",
                'Close the quote; write a double quote inside a quoted cell as "".',
            ),
            "parse": (
                "The CSV reader could not parse the file",
                "Check the quoting around the line shown.",
            ),
        },
    ),
    **_rules(
        "standard",
        {
            "required": ("Required value is missing", "Fill in the cell."),
            "type": ("Value does not have the column's type", "Write the value in the type shown."),
            "enum": ("Value is not one of the allowed codes", "Use one of the codes listed."),
            "pattern": (
                "Value does not match the column's pattern",
                "Write it in the pattern shown.",
            ),
            "minimum": ("Value is below the minimum", "Use a value at or above the minimum."),
            "maximum": ("Value is above the maximum", "Use a value at or below the maximum."),
            "min-length": ("Text is too short", "Write a longer text."),
            "max-length": ("Text is too long", "Shorten the text."),
            "unique": ("Value repeats another row's", "Give each row its own value."),
            "primary-key": (
                "Primary key repeats another row's",
                "Give the row a new id; ids are never reused.",
            ),
            "foreign-key": (
                "Reference to a row that does not exist",
                "Use an id that exists in the referenced table, or add that row first.",
            ),
        },
    ),
    **_rules(
        "text",
        {
            "whitespace": (
                "Text has leading or trailing white space",
                "Trim the spaces (also non-breaking ones) at the start and end of the cell.",
            ),
            "formula": (
                "Text starts like a spreadsheet formula",
                "Do not start a cell with =, +, -, @, a tab or a carriage return; reword it.",
            ),
            "nfc": (
                "Text is not in Unicode NFC form",
                "Re-type the accented characters, or normalise the file to NFC.",
            ),
            "control": (
                "Text holds a control character or line separator",
                "Remove the control character (tab, form feed, C1 controls, U+0085, U+2028, "
                "U+2029, ...).",
            ),
            "format-character": (
                "Text holds an invisible or direction-changing character",
                "Remove the format character the message names (a zero-width space or joiner, "
                "a direction override or isolate, a byte-order mark, a soft hyphen): it shows "
                "nothing, or makes the text display as something else than it is.",
            ),
            "invisible": (
                "Text shows nothing",
                "Write visible text, or leave the cell empty where the column allows it.",
            ),
        },
    ),
    **_rules(
        "rules",
        {
            "value-bounds": (
                "value lies outside value_low..value_high",
                "Make value_low <= value <= value_high.",
            ),
            "qualifier-bounds": (
                "The qualifier and the bounds disagree",
                "exact/approximately: value only; as_many_as/up_to/less_than: value_high = "
                "value; at_least/more_than: value_low = value; range: value_low < value_high "
                "and no value.",
            ),
            "date-order": ("Interval ends before it starts", "Swap or correct the two dates."),
            "date-precision": (
                "Interval is wider than its precision allows",
                "day: start = end; week: at most 6 days; month: 30; season: 91; year: 365; "
                "multi_year: 3652. "
                "Choose a coarser precision or a narrower interval.",
            ),
            "date-incomplete": (
                "Date interval is only partly filled",
                "Fill start, end, precision and basis together, or leave all of them empty.",
            ),
            "basis-text": (
                "A stated date has no words that state it",
                "Put the words that give the date in the *_text column, or change the basis.",
            ),
            "unknown-code": (
                "A code the cross-column rules do not know",
                "Use a code the message lists. A new code (one added to a schema's enum) "
                "needs its rule in scripts/recruitment/checks/rules.py first, reviewed with "
                "the schema change: until then no rule could check the row.",
            ),
            "basis-notes": (
                "A relative or inferred date has no notes",
                "Say in notes how the date was worked out (from what words, against what date).",
            ),
        },
    ),
    **_rules(
        "provenance",
        {
            "seed-path": (
                "seed_file leaves seeds/",
                "Write the path as seeds/<file>, relative, without '..', '\\' or a symlink out.",
            ),
            "seed-missing": (
                "seed_file does not exist",
                "Add the seed file under seeds/ or correct the path.",
            ),
            "seed-unlisted": (
                "A seed file has no sources row",
                "Add one row to data/sources.csv for the seed file.",
            ),
            "seed-encoding": (
                "Seed file is not UTF-8 text",
                "Convert the article to UTF-8 before adding it (iconv -f latin1 -t utf-8), "
                "then pin the new file's SHA-256.",
            ),
            "sha256": (
                "Seed file does not match its pinned SHA-256",
                "Restore the seed byte for byte (seeds are never edited), or, for a new seed, "
                "record the hash that sha256sum prints.",
            ),
            "unverified": (
                "The row cites a seed that could not be verified",
                "Fix the finding on the cited source's seed (in data/sources.csv) first; until "
                "then this row's quote cannot be checked.",
            ),
            "line-range": (
                "Cited line is not in the seed file",
                "Cite a line number between 1 and the file's last line.",
            ),
            "line-blank": ("Cited line is blank", "Cite the line that holds the quote."),
            "quote": (
                "Quote does not stand verbatim on the cited line",
                "Copy the quote from the seed line exactly (same quotes, dashes and spaces) "
                "or cite the line where it stands.",
            ),
            "text-in-quote": (
                "Words said to come from the quote are not in it",
                "Copy the words verbatim from the quote, or widen the quote to include them.",
            ),
            "value-text": (
                "value_text does not read as the recorded number",
                "Make value_text the exact words that state the number (e.g. 134,500, three, "
                "18-30) and value (or value_low/value_high for a range) what they say.",
            ),
        },
    ),
}


RULES.update(
    _rules(
        "curation",
        {
            "duplicate": (
                "Row records the same thing as an earlier row of the same line",
                "Delete the copy, or make the rows record different things (a figure's "
                "measure and value_text, an event's event_type and date_text).",
            ),
            "excluded-but-recorded": (
                "Words are both recorded in a row and listed as an exclusion",
                "One of the two is wrong: delete the exclusion if the words are data, or the "
                "row if they are not.",
            ),
            "other-source": (
                "A reference points at a row of another article",
                "Point at the row of the same article (the same source_id) that reports it, "
                "or leave the reference empty; that two articles report the same happening "
                "or claim is said by giving both rows the same event_key (claim_key).",
            ),
            "relative-date": (
                "A relative date is not the interval its words resolve to",
                "Set start and end to the resolved interval shown (scripts/recruitment/checks/"
                "dates.py reads the words against the article's publication interval); if it "
                "cannot read them, use basis inferred with the reasoning in notes.",
            ),
            "measure-unit": (
                "The unit is not of a kind the measure takes",
                "Choose a unit whose kind (units.kind) the measure lists in "
                "measures.unit_kinds (a bonus is money, an age a duration), or correct the "
                "measure.",
            ),
            "unit-words": (
                "The words after the number name another unit",
                "Set unit to the unit the words name (the message says which), or, if those "
                "words mean something else here, correct value_text.",
            ),
            "interval-honest": (
                "Interval leaves out dates its stated words allow",
                "Widen the interval to contain every date the words permit (start no later, "
                "end no earlier than shown), or, for a deliberate narrowing, use basis "
                "inferred with the reasoning in notes.",
            ),
        },
    )
)

RULES.update(
    _rules(
        "coverage",
        {
            "uncovered": (
                "A number or date in a seed is neither recorded nor excluded",
                "Record it: a row citing this line whose value_text, date_text, period_text or "
                "published_text holds the words; or add it to data/exclusions.csv with a "
                "reason (name, ordinal, repeat, not_data) and notes.",
            ),
            "statement": (
                "An attributed statement in a seed is neither recorded nor excluded",
                "Record who says it: an event (a statement, an assessment, or what was said "
                "to happen) citing this line whose quote holds the reporting words and whose "
                "actor_id or reported_by is the speaker, or a figure whose quote holds them "
                "with the speaker as claimed_by or reported_by; or add the reporting words "
                "to data/exclusions.csv with a reason (not_attributed, repeat) and notes.",
            ),
        },
    )
)
