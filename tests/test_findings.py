"""The finding record and its container: counted exactly, only the first ones kept.

Every check reports through ``Findings``; these cases pin what a report relies on: the
report order, the limit, the counts by rule and by file, merging, selecting, comparing.
"""

from __future__ import annotations

import pytest

from recruitment import limits
from recruitment.findings import RULES, Finding, Findings, as_findings, order


def _f(file="data/a.csv", line=2, column="c", rule="standard/required", message="m", row=None):
    return Finding(file, line, column, rule, message, row)


def test_a_finding_names_its_rules_title_and_fix():
    f = _f(rule="csv/no-rows")
    assert (f.title, f.fix) == (RULES["csv/no-rows"].title, RULES["csv/no-rows"].fix)
    assert f.to_dict() == {
        "file": "data/a.csv",
        "line": 2,
        "column": "c",
        "rule": "csv/no-rows",
        "message": "m",
        "row": None,
        "title": RULES["csv/no-rows"].title,
        "fix": RULES["csv/no-rows"].fix,
    }


def test_rule_ids_are_layer_slash_key_with_their_title_and_fix():
    assert RULES["csv/no-rows"].title == "File has a header but no rows"
    assert RULES["csv/no-rows"].fix.startswith("Restore the rows (git checkout the file)")
    assert "coverage/uncovered" in RULES
    assert all(rule.count("/") == 1 for rule in RULES)


def test_report_order_is_file_line_column_rule_message_with_none_first():
    shuffled = [
        _f(file="z", line=1),
        _f(line=3),
        _f(line=None, column=None),
        _f(line=2, column="b"),
        _f(line=2, column=None),
        _f(line=2, column="b", rule="standard/type"),
        _f(line=2, column="b", rule="standard/type", message="a"),
    ]
    assert sorted(shuffled, key=order) == [
        _f(line=None, column=None),
        _f(line=2, column=None),
        _f(line=2, column="b"),
        _f(line=2, column="b", rule="standard/type", message="a"),
        _f(line=2, column="b", rule="standard/type"),
        _f(line=3),
        _f(file="z", line=1),
    ]
    assert order(_f(line=None, column=None)) == ("data/a.csv", 0, "", "standard/required", "m")


def test_the_default_limit_is_the_listing_limit():
    assert Findings().limit == limits.MAX_LISTED
    assert Findings(limit=3).limit == 3


def test_exactly_the_limit_is_listed_in_report_order_and_every_one_counted():
    made = [_f(line=n) for n in range(10, 0, -1)]
    found = Findings(made, limit=4)
    assert found.listed == [_f(line=n) for n in (1, 2, 3, 4)]
    assert list(found) == found.listed and found[0] == _f(line=1) and found[-1] == _f(line=4)
    assert len(found) == found.total == 10 and bool(found)
    assert found.counts == {"standard/required": 10} and found.files == {"data/a.csv": 10}


def test_memory_holds_at_most_twice_the_limit():
    found = Findings(limit=3)
    sizes = []
    for n in range(20):
        found.add(_f(line=100 - n))
        sizes.append(len(found._kept))
    assert max(sizes) == 6  # 2 * limit + 1 trims back to the limit
    assert found.listed == [_f(line=n) for n in (81, 82, 83)]


def test_an_empty_findings_is_false_and_equals_an_empty_list():
    assert not Findings() and len(Findings()) == 0 and Findings() == []
    assert Findings().counts == {} and Findings().files == {}


def test_counts_by_rule_and_by_file_add_up_across_places():
    found = Findings(
        [
            _f(file="a", rule="standard/type"),
            _f(file="a", rule="standard/required"),
            _f(file="b", rule="standard/type"),
            _f(file="b", rule="standard/type", line=3),
        ]
    )
    assert found.counts == {"standard/type": 3, "standard/required": 1}
    assert found.files == {"a": 2, "b": 2}
    assert found.by_place == {("a", "standard/type"): 1, ("a", "standard/required"): 1,
                              ("b", "standard/type"): 2}  # fmt: skip


def test_of_keeps_what_it_is_given_and_counts_what_the_check_counted():
    kept = [_f(line=3), _f(line=2)]
    found = Findings.of(kept, {("data/a.csv", "standard/required"): 7, ("x", "csv/nul"): 0})
    assert found.total == 7 and found.listed == [_f(line=2), _f(line=3)]
    assert found.by_place == {("data/a.csv", "standard/required"): 7}  # no place counted 0
    assert found.limit == limits.MAX_LISTED


def test_merging_adds_counts_and_keeps_the_first_of_both():
    one = Findings([_f(line=5), _f(line=1)], limit=2)
    other = Findings.of([_f(line=2)], {("data/a.csv", "standard/required"): 9})
    one += other
    assert one.total == 11 and one.listed == [_f(line=1), _f(line=2)]
    one += [_f(file="z")]
    assert one.total == 12 and one.files == {"data/a.csv": 11, "z": 1}
    one.extend(Findings([_f(file="0")]))
    assert one.total == 13 and one.listed == [_f(file="0"), _f(line=1)]


def test_select_keeps_the_rules_it_accepts_in_the_listing_and_the_counts():
    found = Findings(
        [_f(rule="standard/type"), _f(rule="csv/nul", line=None), _f(rule="standard/type", line=4)],
        limit=5,
    )
    picked = found.select(lambda rule: rule.startswith("standard/"))
    assert picked.listed == [_f(rule="standard/type"), _f(rule="standard/type", line=4)]
    assert picked.counts == {"standard/type": 2} and picked.total == 2 and picked.limit == 5
    assert found.total == 3  # the original is unchanged


def test_equality_with_findings_lists_and_other_values():
    a, b = _f(line=1), _f(line=2)
    assert Findings([b, a]) == Findings([a, b]) and Findings([b, a]) == [a, b]
    assert Findings([a, b]) == [b, a]  # a list compares in report order
    assert Findings([a]) != [a, a] and Findings([a]) != [b] and Findings([a]) != Findings([b])
    assert Findings.of([a], {("data/a.csv", "standard/required"): 2}) != Findings([a])
    assert Findings([a]).__eq__("a") is NotImplemented
    with pytest.raises(TypeError):
        hash(Findings())


def test_repr_shows_the_total_and_the_listed():
    assert repr(Findings([_f()], limit=1)) == f"Findings(total=1, listed={[_f()]!r})"


def test_as_findings_wraps_a_list_and_passes_findings_through():
    found = Findings([_f()])
    assert as_findings(found) is found
    wrapped = as_findings([_f(line=2), _f(line=1)])
    assert isinstance(wrapped, Findings) and wrapped.listed == [_f(line=1), _f(line=2)]
