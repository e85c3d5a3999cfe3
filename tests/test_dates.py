"""The one resolver of date words (recruitment.checks.dates): honest intervals, refusals, and
a table-wide resolution (resolve_distinct) that gives every row what resolving it alone gives."""

from __future__ import annotations

from datetime import date

import duckdb
import pytest

from conftest import plain_id
from recruitment.checks import dates
from recruitment.checks.dates import resolve

D = date.fromisoformat
SPRING_2023 = (D("2023-03-29"), D("2023-04-05"))
H1_2025 = (D("2025-01-01"), D("2025-07-14"))  # ends on a Monday
DAY = (D("2023-03-30"), D("2023-03-30"))


@pytest.mark.parametrize(
    ("text", "published", "expected"),
    [
        # a weekday: every such weekday from publication_start - 6 to publication_end
        ("On Sunday", H1_2025, ("2024-12-29", "2025-07-13")),
        ("late on Sunday", H1_2025, ("2024-12-29", "2025-07-13")),
        ("On Friday", H1_2025, ("2024-12-27", "2025-07-11")),
        ("In the early hours of Monday", H1_2025, ("2024-12-30", "2025-07-14")),
        ("on Thursday", SPRING_2023, ("2023-03-23", "2023-03-30")),
        ("late on Wednesday", SPRING_2023, ("2023-03-29", "2023-04-05")),
        ("on Thursday", DAY, ("2023-03-30", "2023-03-30")),  # published on that Thursday
        # month-days and months without a year: the latest on or before publication
        ("March 27", DAY, ("2023-03-27", "2023-03-27")),
        ("February 24", DAY, ("2023-02-24", "2023-02-24")),
        ("March 1-7", SPRING_2023, ("2023-03-01", "2023-03-07")),
        ("March 30", (D("2023-03-29"), D("2023-04-05")), ("2022-03-30", "2023-03-30")),
        ("October", DAY, ("2022-10-01", "2022-10-31")),
        ("In February", DAY, ("2023-02-01", "2023-02-28")),
        # years and seasons
        ("this year", DAY, ("2023-01-01", "2023-12-31")),
        ("this year", (D("2022-12-30"), D("2023-01-02")), ("2022-01-01", "2023-12-31")),
        ("last autumn", SPRING_2023, ("2022-09-01", "2022-11-30")),
        ("last winter", DAY, ("2022-12-01", "2023-02-28")),
        # windows before publication
        ("in the past 24 hours", SPRING_2023, ("2023-03-28", "2023-04-05")),
        ("the past seven days", SPRING_2023, ("2023-03-22", "2023-04-05")),
        ("in the past 36 hours", DAY, ("2023-03-28", "2023-03-30")),
        # absolute words need no publication date
        ("September 2022", (None, None), ("2022-09-01", "2022-09-30")),
        ("April 12, 2022", (None, None), ("2022-04-12", "2022-04-12")),
        ("the fall of 2022", (None, None), ("2022-09-01", "2022-11-30")),
        ("2024", (None, None), ("2024-01-01", "2024-12-31")),
        ("2023-03-30", (None, None), ("2023-03-30", "2023-03-30")),
    ],
)
def test_resolves_to_the_honest_interval(text, published, expected):
    assert resolve(text, *published) == (D(expected[0]), D(expected[1]))


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("spring", SPRING_2023),  # which spring, and how much of it, is the curator's call
        ("since then", DAY),
        ("by July 15", H1_2025),
        ("this year’s spring conscription", H1_2025),
        ("on Thursday", (None, None)),  # relative words without a publication date
        ("February 30", DAY),
        ("March 7-1", DAY),
        ("", DAY),
        (None, DAY),
    ],
    ids=lambda value: plain_id(value) if isinstance(value, str) else None,
)
def test_refuses_what_it_cannot_read(text, published):
    assert resolve(text, *published) is None


def test_a_weekday_interval_starts_and_ends_on_that_weekday():
    for day in range(1, 32):
        start = date(2024, 12, day)
        for words, weekday in (("on Monday", 0), ("on Sunday", 6)):
            r = resolve(words, start, date(2025, 2, 14))
            assert r[0].weekday() == weekday and r[1].weekday() == weekday
            assert (start - r[0]).days <= 6 and r[1] <= date(2025, 2, 14)


def resolved(table_sql: str):
    """resolve_distinct over the table ``table_sql`` creates, checked row by row: each
    (text, ps, pe) of the table has one row in the result, holding what ``resolve`` gives
    for it alone. (How few calls it takes is the benchmark's business, not a test's.)"""
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS {table_sql}")
    dates.resolve_distinct(con, "SELECT text, ps, pe FROM t", "_r")
    got = con.execute("SELECT text, ps, pe, r_start, r_end FROM _r").fetchall()
    wanted = con.execute("SELECT DISTINCT text, ps, pe FROM t").fetchall()
    assert sorted(r[:3] for r in got) == sorted(wanted)
    for text, ps, pe, start, end in got:
        alone = resolve(text, ps, pe)
        assert (start, end) == ((alone[0], alone[1]) if alone else (None, None)), (text, ps)
    return con


def test_resolve_distinct_gives_each_distinct_text_and_interval_its_dates():
    con = resolved(
        "SELECT 'on Monday' AS text, DATE '2025-01-01' AS ps, DATE '2025-07-14' AS pe "
        "FROM range(1000)",
    )
    assert con.execute("SELECT count(*), min(r_start) FROM _r").fetchone() == (
        1,
        D("2024-12-30"),
    )


def test_resolve_distinct_gives_absolute_words_one_date_whatever_the_publication():
    con = resolved(
        "SELECT w.text, DATE '2025-01-01' + i::INT AS ps, DATE '2025-01-01' + i::INT AS pe "
        "FROM range(50) r(i), "
        "(VALUES ('in May 2023'), ('this year'), ('no shape at all')) w(text)",
    )
    # the relative words move with the publication; the absolute ones do not
    assert con.execute(
        "SELECT count(DISTINCT r_start) FROM _r WHERE text = 'this year'"
    ).fetchone() == (1,)  # every publication of 2025 gives 2025
    assert con.execute(
        "SELECT count(*), count(DISTINCT r_start), count(r_start) FROM _r "
        "WHERE text = 'in May 2023'"
    ).fetchone() == (50, 1, 50)
    assert con.execute(
        "SELECT count(*), count(r_start) FROM _r WHERE text = 'no shape at all'"
    ).fetchone() == (50, 0)
    assert con.execute(
        "SELECT r_start, r_end FROM _r WHERE text = 'this year' AND ps = DATE '2025-02-19'"
    ).fetchone() == (D("2025-01-01"), D("2025-12-31"))
