"""The measure and unit codes ``suggest`` may draft, read from the package being worked on.

A code is drafted only when the package has it: from the code list table that
``figures.measure`` / ``figures.unit`` references by foreign key (``data/measures.csv``:
code, label, kind, description; ``data/units.csv``: code, label, kind, currency, per,
description), or else from the figures schema's enum. So a contributor who adds a code gets
it drafted as soon as suggest knows what it measures:

* a **unit** is described by what it counts (its *base*: persons, attacks, regions, money
  …), the currency (ISO 4217, for money) and the time it is *per* (a rate). The ``currency``
  and ``per`` columns of the units table say so for any code; for the codes this module
  knows (:data:`BUILTIN_UNITS`) it also knows the base, and for any other code named
  ``<base>_per_<time>`` the name says it. A unit whose base is unknown is never drafted.
* a **measure** is drafted from the words of the sentence (``spans.MEASURE_CUES``), and
  only together with a unit it fits (:data:`MEASURE_BASES`): "2.5 million roubles" is
  money, so it can be a bonus, pay or a change, never a recruitment target in persons.
"""

from __future__ import annotations

from dataclasses import dataclass, field

TIME = ("years", "months", "weeks", "days", "hours")


@dataclass(frozen=True)
class Unit:
    code: str
    base: str
    """What one unit counts: persons, attacks, regions, targets, aircraft, percent, money,
    or a time unit (years, months, weeks, days, hours)."""
    currency: str | None = None
    per: str | None = None
    """The time a rate is per (day, month); None for a plain count or amount."""


BUILTIN_UNITS = {
    "persons": Unit("persons", "persons"),
    "persons_per_day": Unit("persons_per_day", "persons", per="day"),
    "attacks": Unit("attacks", "attacks"),
    "attacks_per_day": Unit("attacks_per_day", "attacks", per="day"),
    **{t: Unit(t, t) for t in TIME},
    "targets": Unit("targets", "targets"),
    "aircraft": Unit("aircraft", "aircraft"),
    "regions": Unit("regions", "regions"),
    "percent": Unit("percent", "percent"),
    "rub": Unit("rub", "money", "RUB"),
    "usd": Unit("usd", "money", "USD"),
    "eur": Unit("eur", "money", "EUR"),
    "uah": Unit("uah", "money", "UAH"),
    "rub_per_month": Unit("rub_per_month", "money", "RUB", "month"),
}
"""What the unit codes the project has defined count (the fallback for a package whose
units table lacks the currency and per columns, or that keeps units as a schema enum)."""

PERSONS = frozenset({"persons"})
MEASURE_BASES = {
    "recruitment_target": PERSONS,
    "mobilisation_target": PERSONS,
    "conscription_quota": PERSONS,
    "recruits": PERSONS,
    "casualties": PERSONS,
    "fatalities": PERSONS,
    "injuries": PERSONS,
    "attacks": frozenset({"attacks"}),
    "attacks_daily_average": frozenset({"attacks"}),
    "age_range": frozenset({"years"}),
    "duration": frozenset(TIME),
    "targets_struck": frozenset({"targets"}),
    "equipment_destroyed": frozenset({"aircraft"}),
    "regions": frozenset({"regions"}),
    "share": frozenset({"percent"}),
    "signing_bonus": frozenset({"money"}),
    "pay": frozenset({"money"}),
    "increase": None,
    "decrease": None,
}
"""The unit bases each measure the project has defined can take (None: any base)."""
RATE_ONLY = {"attacks_daily_average": "day"}
"""Measures that are themselves a rate and take only a unit per that time."""
NO_RATE = frozenset({"attacks"})
"""Measures that are a plain count: never a unit per time."""


@dataclass
class Codes:
    measures: set[str] = field(default_factory=set)
    units: dict[str, Unit] = field(default_factory=dict)
    words: dict[str, str] = field(default_factory=dict)
    """Words that name a unit (the units table's ``words`` column, one word each) → its
    code: how a code a contributor adds gets drafted ("countries" → ``countries``)."""

    def unit(self, base: str | None, currency: str | None = None, per: str | None = None):
        """The code of the package's unit with this base, currency and rate, or None."""
        if base is None:
            return None
        return next(
            (
                u.code
                for u in self.units.values()
                if u.base == base and u.currency == currency and u.per == per
            ),
            None,
        )

    def fits(self, measure: str | None, unit: str | None) -> bool:
        """Whether the package has ``measure`` and it can be counted in ``unit``."""
        if measure is None or measure not in self.measures:
            return False
        if unit is None:
            return True
        u = self.units.get(unit)
        bases = MEASURE_BASES.get(measure, frozenset())
        if u is None or (bases is not None and u.base not in bases):
            return False
        if measure in RATE_ONLY:
            return u.per == RATE_ONLY[measure]
        return not (measure in NO_RATE and u.per)


def _unit_of(
    code: str, currency: str | None, per: str | None, kind: str | None = None
) -> Unit | None:
    known = BUILTIN_UNITS.get(code)
    if currency:
        return Unit(code, "money", currency.upper(), per or None)
    if known is not None:
        return Unit(code, known.base, known.currency, per or known.per)
    if per and code.endswith(f"_per_{per}"):
        return Unit(code, code[: -len(f"_per_{per}")], None, per)
    if "_per_" in code:
        base, _, time = code.partition("_per_")
        return Unit(code, base, None, time)
    if kind == "count":  # a thing counted that no other code counts: its own base
        return Unit(code, code)
    return None


DEFAULT = Codes(set(MEASURE_BASES), dict(BUILTIN_UNITS))
"""Every code the project has defined: what :func:`spans.read_line` drafts without a
package."""


def from_package(pkg, con, loaded: set[str]) -> Codes:
    """The measure and unit codes of the package: the rows of the code list each figures
    column references by foreign key (when it was loaded), else the schema's enum. A unit's
    ``kind``, ``currency``, ``per`` and ``words`` columns are read where the table has them
    (``data/units.csv``: code, label, kind, currency, per, words, description)."""
    figures = pkg.resources.get("figures")
    if figures is None:
        return Codes()
    units = {}
    words = {}
    for code, row in _codes(pkg, con, loaded, figures, "unit"):
        unit = _unit_of(code, row.get("currency"), row.get("per"), row.get("kind"))
        if unit is None:
            continue
        units[code] = unit
        for word in (row.get("words") or "").split("|"):
            if word.strip() and " " not in word.strip():
                words.setdefault(word.strip().lower(), code)
    return Codes({c for c, _ in _codes(pkg, con, loaded, figures, "measure")}, units, words)


def _codes(pkg, con, loaded, figures, column: str) -> list[tuple[str, dict]]:
    from ..core.sqltypes import ident

    if column not in figures.field_names:
        return []
    enum = figures.field(column).enum
    if enum is not None:
        return [(str(c), {}) for c in enum]
    fk = next((k for k in figures.foreign_keys if k.fields == [column]), None)
    if fk is None or fk.resource not in loaded or len(fk.reference_fields) != 1:
        return []
    table = pkg.resources[fk.resource]
    key = fk.reference_fields[0]
    wanted = [c for c in (key, "kind", "currency", "per", "words") if c in table.field_names]
    rows = con.execute(
        f"SELECT {', '.join(ident(c) for c in wanted)} FROM {ident(fk.resource)} "
        f"WHERE {ident(key)} IS NOT NULL ORDER BY 1"
    ).fetchall()
    return [
        (str(r[0]), {c: (str(v) if v else None) for c, v in zip(wanted, r, strict=True)})
        for r in rows
    ]
