"""The benchmark's generator and correctness check, at its smallest size (1,000 figures).

No timings are asserted: this guards that the synthetic package is valid, that every
injected fault yields exactly its one expected finding, and that frictionless (the
reference) finds nothing our validator does not, so ``make bench`` measures a validator
that is right.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"
sys.path.insert(0, str(BENCH))

import generate  # noqa: E402
import run  # noqa: E402

N = 1000
BIN = Path(sys.executable).parent
"""The commands of the environment running the tests (bench/run.py's BIN is the repository's
.venv/bin, where `make bench` runs)."""


@pytest.fixture(scope="module")
def work(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("bench") / str(N)
    generate.generate(N, out)
    return out


def _validate(package: Path, out: Path) -> run.Sample:
    argv = [str(BIN / "recruitment"), "validate", "--package", str(package)]
    return run.run_once([*argv, "--format", "json"], out)


def test_clean_package_is_valid(work: Path):
    sample = _validate(work / "clean", work / "clean.json")
    report = json.loads((work / "clean.json").read_text(encoding="utf-8"))
    assert report["findings"] == []
    assert sample.code == 0


def test_every_fault_kind_is_injected(work: Path):
    rules = {f["rule"] for f in json.loads((work / "expected.json").read_text())}
    assert {"standard/type", "text/nfc", "rules/date-order", "provenance/value-text"} <= rules
    assert len(rules) >= 25


def test_findings_equal_injected_faults(work: Path):
    assert _validate(work / "faulty", work / "validate.json").code == 1
    argv = [str(BIN / "frictionless"), "validate", str(work / "faulty" / "datapackage.json")]
    run.run_once([*argv, "--json"], work / "frictionless.json")
    problems = run.correctness(work, work / "validate.json", work / "frictionless.json")
    assert problems == []


def test_compare_reports_each_kind_of_disagreement():
    fault = {"file": "data/figures.csv", "line": 5, "column": "unit", "rule": "standard/enum"}
    extra = {**fault, "line": 9}
    problems = run.compare([fault], [extra, extra], [("data/figures.csv", 7, "claim_key")])
    assert [p.split(":")[0] for p in problems] == [
        "missed",
        "unexpected",
        "frictionless error not among our findings",
    ]


def test_cold_ratio_is_the_median_of_back_to_back_pairs():
    def samples(*cpu):
        return [run.Sample(seconds=c, peak_kib=0, code=0, cpu_s=c) for c in cpu]

    cold = run.ColdRatio(imports=samples(0.2, 0.5, 0.25), validate=samples(0.6, 0.5, 1.0))
    # pairs 3.0, 1.0, 4.0: the median pair, not the ratio of the medians (0.6 / 0.25 = 2.4)
    assert cold.factor == pytest.approx(3.0)
    assert cold.as_json()["factor"] == 3.0
    target = [row for row in run.target_rows([], [], cold) if "cold validate" in row[0]]
    assert target == [
        (
            "real package: cold validate ≤ 2× the CPU of `import duckdb, polars, pyarrow`",
            "3.0×",
            "**missed**",
        )
    ]
    met = run.ColdRatio(imports=samples(0.5), validate=samples(1.0))
    assert [r[2] for r in run.target_rows([], [], met) if "cold validate" in r[0]] == ["met"]
