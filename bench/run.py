"""Benchmark the pipeline at several sizes, and check its findings against known faults.

For each size N: generate (or reuse) ``bench/work/<N>/`` with ``bench/generate.py``, then
time whole processes, as a user runs them:

* ``recruitment validate --format json`` on the clean package: every layer runs (the
  coverage layer runs only when the others found nothing, so a faulty package would skip
  it and time less than the real work),
* ``recruitment export`` on the clean package (export refuses an invalid one),
* ``frictionless validate --json`` on the faulty package, the reference.

``recruitment validate`` also runs once, untimed, on the faulty package: its findings are
the correctness check's input.

Wall time is the median over the runs; peak memory is each child's own ``ru_maxrss`` from
``os.wait4``. A command is repeated up to ``--runs`` times but stops once it has used
REPEAT_BUDGET_S, and frictionless runs once from a million rows up, so ``make bench`` fits
in 15 minutes on two cores. Results go to bench/results.md and bench/results.json.

Correctness, at every size: the validator's findings must equal the injected set exactly
(file, line, column, rule), each once, and every frictionless error (file, row, field)
must be among them. Any failure makes the exit status 1.

This script uses only the standard library, so ``python bench/run.py`` works with any
Python 3.11; the package's own tools are run from ``.venv/bin``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
WORK = BENCH / "work"
BIN = ROOT / ".venv" / "bin"
REPEAT_BUDGET_S = 120.0
BIG = 3_000_000
"""From this many rows a command repeats only within BIG_BUDGET_S, and the in-process write
is timed once: ``make bench SIZES=3000000`` then fits in 10 minutes."""
BIG_BUDGET_S = 60.0
"""Stop repeating a command once its runs have taken this long (after at least one)."""
FRICTIONLESS_ONCE_FROM = 1_000_000
FRICTIONLESS_UP_TO = 1_000_000
"""Above this many rows frictionless (about 4 minutes at 3M) is not run, so that
``make bench SIZES=3000000`` fits in 10 minutes; the correctness check then compares the
findings with the injected faults alone."""
"""From this many rows frictionless (about 50 s at 1M) runs once."""
TARGETS = {
    "validate_1m_s": 5.0,
    "frictionless_factor": 10.0,
    "export_1m_s": 10.0,
    "export_after_validate_factor": 2.0,
    "cached_validate_1m_s": 0.5,
    "peak_1m_mib": 2048.0,
    "peak_3m_mib": 4096.0,
    "real_validate_s": 0.6,
    "real_cold_cpu_factor": 2.0,
    "linear_3m_factor": 3.5,
}
COLD_RUNS = 9
"""Pairs of (imports, cold validate) runs for the real package's CPU ratio."""
IMPORTS = "import duckdb, polars, pyarrow"
"""The yardstick of the cold ratio: importing the three libraries every run needs."""
CACHE_ENTRY = Path(".recruitment") / "validated.json"
"""The validation cache's entry in a package (removed before each cold run)."""


@dataclass
class Sample:
    seconds: float
    peak_kib: int
    code: int
    cpu_s: float = 0.0
    """The child's own user + system CPU seconds (from ``os.wait4``)."""


@dataclass
class Timing:
    n: int
    command: str
    samples: list[Sample]

    @property
    def median_s(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_kib for s in self.samples) / 1024

    def as_json(self) -> dict:
        return {
            "n": self.n,
            "command": self.command,
            "median_s": round(self.median_s, 3),
            "peak_mib": round(self.peak_mib, 1),
            "runs": len(self.samples),
            "seconds": [round(s.seconds, 3) for s in self.samples],
        }


class CommandFailed(Exception):
    """A timed command exited with a status that means it did not do its job."""


# --- running and timing -----------------------------------------------------------------------


def run_once(argv: list[str], stdout: Path, env: dict | None = None) -> Sample:
    """Run ``argv`` to completion; wall time and the child's own peak RSS (KiB, Linux).

    os.wait4 reports the rusage of exactly this child, so nothing else on the machine
    (or an earlier run) leaks into the peak, as it would with RUSAGE_CHILDREN.
    """
    stdout.parent.mkdir(parents=True, exist_ok=True)
    with stdout.open("wb") as out, stdout.with_suffix(".stderr").open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdout=out, stderr=err, cwd=ROOT, env={**os.environ, **(env or {})}
        )
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Sample(seconds, usage.ru_maxrss, proc.returncode, usage.ru_utime + usage.ru_stime)


def measure(
    n: int,
    command: str,
    argv: list[str],
    ok: set[int],
    runs: int,
    out: Path,
    before=None,
    env: dict | None = None,
) -> Timing:
    """Run a command up to ``runs`` times (within REPEAT_BUDGET_S), checking its exit code;
    ``before`` runs (untimed) before each run."""
    samples: list[Sample] = []
    budget = REPEAT_BUDGET_S if n < BIG else BIG_BUDGET_S
    while len(samples) < runs and sum(s.seconds for s in samples) < budget:
        if before is not None:
            before()
        sample = run_once(argv, out, env)
        if sample.code not in ok:
            tail = out.with_suffix(".stderr").read_text(errors="replace")[-2000:]
            raise CommandFailed(f"{' '.join(argv)} exited {sample.code}:\n{tail}")
        samples.append(sample)
    timing = Timing(n, command, samples)
    print(
        f"  {command:<22} {timing.median_s:8.2f} s  {timing.peak_mib:8.1f} MiB  "
        f"({len(samples)} run{'s' if len(samples) > 1 else ''})",
        flush=True,
    )
    return timing


def generate(n: int) -> Path:
    """bench/work/<n>/ via generate.py (it skips the work when its cached copy is current)."""
    work = WORK / str(n)
    start = time.perf_counter()
    subprocess.run(
        [str(BIN / "python"), str(BENCH / "generate.py"), "--n", str(n), "--out", str(work)],
        check=True,
        cwd=ROOT,
    )
    print(f"  generate     {time.perf_counter() - start:8.2f} s", flush=True)
    return work


def forget(package: Path):
    """A ``before`` step: remove the package's validation cache entry (a cold run)."""
    return lambda: (package / CACHE_ENTRY).unlink(missing_ok=True)


def write_only(n: int, clean: Path, runs: int, out: Path) -> Timing:
    """Time only the writing of CSV, Parquet and DuckDB (bench/write_only.py, in-process,
    after loading the typed tables): the yardstick of export after validate."""
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [str(BIN / "python"), str(BENCH / "write_only.py"), str(clean)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        samples.append(Sample(float(done.stdout.split()[-1]), 0, 0))
    out.write_text(done.stdout, encoding="utf-8")
    timing = Timing(n, "write files", samples)
    print(f"  {'write files':<22} {timing.median_s:8.2f} s  (in-process)", flush=True)
    return timing


@dataclass
class ColdRatio:
    """The real package's cold ``validate`` against importing duckdb, polars and pyarrow,
    in CPU seconds of each whole process, the two run alternately so load drifts alike."""

    imports: list[Sample]
    validate: list[Sample]

    @property
    def imports_cpu_s(self) -> float:
        return statistics.median(s.cpu_s for s in self.imports)

    @property
    def validate_cpu_s(self) -> float:
        return statistics.median(s.cpu_s for s in self.validate)

    @property
    def validate_wall_s(self) -> float:
        return statistics.median(s.seconds for s in self.validate)

    @property
    def factor(self) -> float:
        """Median of the per-pair ratios (each pair ran back to back)."""
        return statistics.median(
            v.cpu_s / i.cpu_s for i, v in zip(self.imports, self.validate, strict=True)
        )

    def as_json(self) -> dict:
        return {
            "imports": IMPORTS,
            "pairs": len(self.imports),
            "imports_cpu_s": [round(s.cpu_s, 3) for s in self.imports],
            "validate_cpu_s": [round(s.cpu_s, 3) for s in self.validate],
            "validate_wall_s": [round(s.seconds, 3) for s in self.validate],
            "median_imports_cpu_s": round(self.imports_cpu_s, 3),
            "median_validate_cpu_s": round(self.validate_cpu_s, 3),
            "factor": round(self.factor, 2),
        }


def cold_ratio(argv: list[str], pairs: int, out: Path) -> ColdRatio:
    """Alternate ``python -c IMPORTS`` and a cold ``validate`` (no caches, as on CI)."""
    imports, validate = [], []
    for _ in range(pairs):
        imports.append(run_once([str(BIN / "python"), "-c", IMPORTS], out.with_suffix(".imp")))
        sample = run_once(argv, out, {"RECRUITMENT_CACHE": "off"})
        if sample.code not in {0, 1}:
            tail = out.with_suffix(".stderr").read_text(errors="replace")[-2000:]
            raise CommandFailed(f"{' '.join(argv)} exited {sample.code}:\n{tail}")
        validate.append(sample)
    ratio = ColdRatio(imports, validate)
    print(
        f"  cold validate CPU {ratio.validate_cpu_s:.2f} s vs imports {ratio.imports_cpu_s:.2f} s:"
        f" {ratio.factor:.1f}× ({pairs} pairs)",
        flush=True,
    )
    return ratio


def bench_size(n: int, runs: int) -> tuple[list[Timing], list[str]]:
    """Time the commands at size ``n``; return the timings and correctness problems."""
    print(f"n = {n:,}", flush=True)
    work = generate(n)
    faulty, clean = work / "faulty", work / "clean"
    validate_out, frictionless_out = work / "validate.json", work / "frictionless.json"
    validate = [str(BIN / "recruitment"), "validate", "--format", "json", "--package"]
    export = [str(BIN / "recruitment"), "export", "--package", str(clean), "--out"]
    export += [str(work / "dist")]
    timings = [
        measure(
            n,
            "validate",
            [*validate, str(clean)],
            {0},
            runs,
            work / "validate-clean.json",
            before=forget(clean),
        ),
        # As on a fresh CI machine: no cache at all (not even the seed spans or the
        # remembered frictionless check of the schemas).
        measure(
            n,
            "validate (no caches)",
            [*validate, str(clean)],
            {0},
            runs,
            work / "v.json",
            env={"RECRUITMENT_CACHE": "off"},
        ),
        measure(n, "validate (cached)", [*validate, str(clean)], {0}, runs, work / "v.json"),
        measure(n, "export", export, {0}, runs, work / "export.txt", before=forget(clean)),
    ]
    run_once([*validate, str(clean)], work / "v.json")  # the state is validated again
    timings += [
        measure(n, "export (after validate)", export, {0}, runs, work / "export.txt"),
        write_only(n, clean, runs if n < BIG else 1, work / "write-only.txt"),
    ]
    if n <= FRICTIONLESS_UP_TO:
        timings.append(
            measure(
                n,
                "frictionless",
                [str(BIN / "frictionless"), "validate", str(faulty / "datapackage.json"), "--json"],
                {1},
                1 if n >= FRICTIONLESS_ONCE_FROM else runs,
                frictionless_out,
            )
        )
    else:
        frictionless_out = None
    # every finding (the CLI lists at most 1,000): bench/findings.py writes them all
    findings = [str(BIN / "python"), str(BENCH / "findings.py"), str(faulty), str(validate_out)]
    faulty_run = run_once(findings, work / "findings.txt")
    print(f"  validate (faulty, untimed) {faulty_run.seconds:.2f} s", flush=True)
    problems = correctness(work, validate_out, frictionless_out)
    print(f"  correctness  {'PASS' if not problems else 'FAIL'}", flush=True)
    for p in problems:
        print(f"    {p}", flush=True)
    return timings, problems


# --- correctness ------------------------------------------------------------------------------


def key(f: dict) -> tuple:
    return (f["file"], f["line"], f["column"], f["rule"])


def primary_key_columns(package: Path) -> dict[str, str]:
    """Resource path -> first primary-key field: frictionless names no field for a
    primary-key error, and our finding names the key's first column."""
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    out = {}
    for res in descriptor["resources"]:
        schema = json.loads((package / res["schema"]).read_text(encoding="utf-8"))
        pk = schema.get("primaryKey") or []
        out[res["path"]] = pk if isinstance(pk, str) else (pk[0] if pk else None)
    return out


def frictionless_locations(report: dict, package: Path) -> list[tuple]:
    """(file, line, column) of every error in a ``frictionless validate --json`` report."""
    pks = primary_key_columns(package)
    out = []
    for task in report.get("tasks", []):
        for err in task.get("errors", []):
            column = err.get("fieldName") or (err.get("fieldNames") or [None])[0]
            if column is None and err.get("type") == "primary-key":
                column = pks.get(task["place"])
            out.append((task["place"], err.get("rowNumber"), column))
    for err in report.get("errors", []):
        out.append(("datapackage.json", err.get("rowNumber"), err.get("fieldName")))
    return out


def compare(expected: list[dict], findings: list[dict], frictionless: list[tuple]) -> list[str]:
    """Every way the findings differ from the injected faults, and every frictionless error
    our findings do not locate; empty when all agree."""
    want = Counter(key(f) for f in expected)
    got = Counter(key(f) for f in findings)
    messages = {key(f): f.get("message", "") for f in findings}
    problems = [f"missed: {k}" for k in sorted(want - got, key=repr)]
    problems += [
        f"unexpected: {k} {messages[k][:160]!r}"
        for k in sorted(got - want, key=repr)
        if k not in want
    ]
    problems += [
        f"reported {got[k]} times, injected {want[k]}: {k}"
        for k in sorted(got, key=repr)
        if k in want and got[k] != want[k]
    ]
    located = {k[:3] for k in got}
    problems += [
        f"frictionless error not among our findings: {loc}"
        for loc in sorted(set(frictionless), key=repr)
        if loc not in located
    ]
    return problems


def correctness(work: Path, validate_out: Path, frictionless_out: Path | None) -> list[str]:
    """Compare a size's validate (and frictionless) output with its expected.json."""
    expected = json.loads((work / "expected.json").read_text(encoding="utf-8"))
    findings = json.loads(validate_out.read_text(encoding="utf-8"))["findings"]
    reference = []
    if frictionless_out is not None:
        report = json.loads(frictionless_out.read_text(encoding="utf-8"))
        reference = frictionless_locations(report, work / "faulty")
    return compare(expected, findings, reference)


# --- the report -------------------------------------------------------------------------------


def source_fingerprint() -> str:
    """Hash of the validator's code: the results say if it changed during the run."""
    h = hashlib.sha256()
    for path in sorted((ROOT / "scripts").rglob("*.py")):
        h.update(path.read_bytes())
    return h.hexdigest()[:12]


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


def tool_version(name: str) -> str:
    done = subprocess.run(
        [str(BIN / name), "--version"], capture_output=True, text=True, check=False, cwd=ROOT
    )
    return (done.stdout or done.stderr).strip().splitlines()[-1] if done.returncode == 0 else "?"


def target_rows(
    timings: list[Timing], real: list[Timing], cold: ColdRatio | None = None
) -> list[tuple[str, str, str]]:
    """(target, measured, met/missed/not measured) for each target of issues 14 and 22."""
    by = {(t.n, t.command): t for t in timings}
    m, big = 1_000_000, 3_000_000

    def verdict(ok: bool) -> str:
        return "met" if ok else "**missed**"

    def row(name: str, value: float | None, limit: float, unit: str = " s", fmt: str = ".2f"):
        if value is None:
            return (name, "-", "not measured")
        return (name, f"{value:{fmt}}{unit}", verdict(value <= limit))

    def median(n: int, command: str) -> float | None:
        t = by.get((n, command))
        return t.median_s if t else None

    def ratio(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    def peak(n: int) -> float | None:
        found = [t.peak_mib for t in timings if t.n == n and t.command != "frictionless"]
        found = [p for p in found if p > 0]
        return max(found) if found else None

    rows = [
        row(f"1M rows: validate ≤ {TARGETS['validate_1m_s']:g} s", median(m, "validate"), 5.0),
        row(
            f"1M rows: validate ≥ {TARGETS['frictionless_factor']:g}× faster than frictionless",
            ratio(median(m, "frictionless"), median(m, "validate")),
            float("inf"),
            "×",
            ".1f",
        ),
        row(
            f"1M rows: export (cold) ≤ {TARGETS['export_1m_s']:g} s",
            median(m, "export"),
            TARGETS["export_1m_s"],
        ),
        row(
            f"1M rows: export after validate ≤ {TARGETS['export_after_validate_factor']:g}× "
            "writing the files alone",
            ratio(median(m, "export (after validate)"), median(m, "write files")),
            TARGETS["export_after_validate_factor"],
            "×",
            ".1f",
        ),
        row(
            f"1M rows: cached validate ≤ {TARGETS['cached_validate_1m_s']:g} s",
            median(m, "validate (cached)"),
            TARGETS["cached_validate_1m_s"],
        ),
        row(
            f"1M rows: peak memory ≤ {TARGETS['peak_1m_mib'] / 1024:g} GiB",
            peak(m),
            TARGETS["peak_1m_mib"],
            " MiB",
            ".0f",
        ),
        row(
            f"3M rows: peak memory ≤ {TARGETS['peak_3m_mib'] / 1024:g} GiB",
            peak(big),
            TARGETS["peak_3m_mib"],
            " MiB",
            ".0f",
        ),
    ]
    for command in ("validate", "export"):
        rows.append(
            row(
                f"linear: {command} at 3M ≤ {TARGETS['linear_3m_factor']:g}× 1M",
                ratio(median(big, command), median(m, command)),
                TARGETS["linear_3m_factor"],
                "×",
                ".1f",
            )
        )
    for t in real:
        rows.append(
            row(
                f"real package: {t.command} ≤ {TARGETS['real_validate_s']:g} s",
                t.median_s,
                TARGETS["real_validate_s"],
            )
        )
    rows.append(
        row(
            f"real package: cold validate ≤ {TARGETS['real_cold_cpu_factor']:g}× the CPU of "
            f"`{IMPORTS}`",
            cold.factor if cold else None,
            TARGETS["real_cold_cpu_factor"],
            "×",
            ".1f",
        )
    )
    # the frictionless factor is a lower bound: flip its verdict
    name, value, _ = rows[1]
    if value != "-":
        factor = float(value.rstrip("×"))
        rows[1] = (name, value, verdict(factor >= TARGETS["frictionless_factor"]))
    return rows


@dataclass
class Context:
    """What the run happened on: when, machine load, and which validator code."""

    started: str
    load: tuple[float, float]
    code: tuple[str, str]


def write_results(
    timings: list[Timing],
    real: list[Timing],
    checks: dict[int, list[str]],
    ctx: Context,
    durations: dict[int, float] | None = None,
    cold: ColdRatio | None = None,
) -> None:
    """bench/results.json (the timings) and bench/results.md (table, machine, targets)."""
    results = {
        "started": ctx.started,
        "cores": os.cpu_count(),
        "load_average": {"before": ctx.load[0], "after": ctx.load[1]},
        "validator_code": list(ctx.code),
        "real_package": [t.as_json() for t in real],
        "real_package_cold_ratio": cold.as_json() if cold else None,
        "sizes": [t.as_json() for t in timings],
        "targets": [
            {"target": name, "measured": value, "verdict": verdict.strip("*")}
            for name, value, verdict in target_rows(timings, real, cold)
        ],
    }
    (BENCH / "results.json").write_text(
        json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    reference = {t.n: t.median_s for t in timings if t.command == "frictionless"}
    lines = [
        "# Benchmark results",
        "",
        f"Run {ctx.started} by `bench/run.py` on {os.cpu_count()} cores, "
        f"{memory_gib():.1f} GiB memory ({platform.machine()}, Python "
        f"{platform.python_version()}); load average {ctx.load[0]:.1f} before, "
        f"{ctx.load[1]:.1f} after. Tools: {tool_version('recruitment')}; "
        f"frictionless {tool_version('frictionless')}. Validator code "
        + (
            f"{ctx.code[0]}."
            if ctx.code[0] == ctx.code[1]
            else f"**changed during the run** ({ctx.code[0]} → {ctx.code[1]})."
        ),
        "",
        "`validate` and `export` run on the clean package (so every layer, coverage too, "
        "runs), `frictionless validate` on its faulty twin (about 0.1% of rows broken). "
        "Median wall time of whole "
        f"processes over `runs` (at most --runs, fewer once a command has used "
        f"{REPEAT_BUDGET_S:g} s; frictionless once from {FRICTIONLESS_ONCE_FROM:,} rows and "
        f"not above {FRICTIONLESS_UP_TO:,}); "
        "peak is the process's own maximum RSS. `validate` and `export` run without the "
        "package's validation entry (removed before each run) but with what the package's "
        "`.recruitment/` keeps of unchanged inputs (the seed spans by seed SHA-256, the "
        "frictionless check of unchanged schema texts), as on a contributor's machine after "
        "a first run; `validate (no caches)` runs with `RECRUITMENT_CACHE=off`, as on a "
        "fresh CI machine.",
        "",
        "| figure rows | command | runs | median (s) | peak (MiB) | × frictionless |",
        "|---:|---|---:|---:|---:|---:|",
    ]
    for t in timings:
        ratio = t.median_s / reference[t.n] if reference.get(t.n) else float("nan")
        lines.append(
            f"| {t.n:,} | {t.command} | {len(t.samples)} | {t.median_s:.2f} | "
            f"{t.peak_mib:.0f} | {ratio:.2f} |"
        )
    lines += [
        "",
        "Real package (`recruitment validate` in the repository, start-up included): "
        + "; ".join(
            f"{t.command} median {t.median_s:.2f} s over {len(t.samples)} runs, "
            f"peak {t.peak_mib:.0f} MiB"
            for t in real
        )
        + ".",
        "",
        *(
            [
                f"Real package cold, as on CI (`RECRUITMENT_CACHE=off`), against the yardstick "
                f'`python -c "{IMPORTS}"`, the two alternated {len(cold.imports)} times: '
                f"validate median {cold.validate_cpu_s:.2f} CPU s (user + system of the whole "
                f"process; wall median {cold.validate_wall_s:.2f} s), "
                f"imports median {cold.imports_cpu_s:.2f} CPU s; median ratio of the pairs "
                f"{cold.factor:.1f}×.",
                "",
            ]
            if cold
            else []
        ),
        *(
            [
                "Benchmark time per size (generation, every timed run, the correctness run): "
                + ", ".join(f"{n:,} rows {d / 60:.1f} min" for n, d in durations.items())
                + ".",
                "",
            ]
            if durations
            else []
        ),
        "## Targets",
        "",
        "| target | measured | |",
        "|---|---:|---|",
        *[
            f"| {name} | {value} | {verdict} |"
            for name, value, verdict in target_rows(timings, real, cold)
        ],
        "",
        "## Correctness",
        "",
        "Findings equal the injected faults exactly, and every frictionless error is among them:",
        "",
        *[
            f"- {n:,} rows: {'pass' if not p else f'**FAIL** ({len(p)} problems)'}"
            for n, p in checks.items()
        ],
        "",
        "Where a target is missed, [PROFILE.md](PROFILE.md) shows where the time goes and "
        "what would fix it.",
        "",
    ]
    (BENCH / "results.md").write_text("\n".join(lines), encoding="utf-8")


def parse_sizes(text: str) -> list[int]:
    return [int(s.replace("_", "")) for s in text.replace(",", " ").split()]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000 100000 1000000", help="figure rows per size")
    parser.add_argument("--runs", type=int, default=3, help="timed runs per command (at most)")
    parser.add_argument(
        "--cold-pairs",
        type=int,
        default=COLD_RUNS,
        help="alternated (imports, cold validate) runs for the real package's CPU ratio",
    )
    args = parser.parse_args(argv)
    started = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_before, code_before = os.getloadavg()[0], source_fingerprint()
    timings: list[Timing] = []
    checks: dict[int, list[str]] = {}
    durations: dict[int, float] = {}
    try:
        print("real package", flush=True)
        real_argv = [str(BIN / "recruitment"), "validate", "--package", str(ROOT)]
        real_argv += ["--format", "json"]
        real = [
            measure(
                0,
                "validate",
                real_argv,
                {0, 1},
                args.runs,
                WORK / "real" / "validate.json",
                before=forget(ROOT),
            ),
            measure(
                0,
                "validate (no caches)",
                real_argv,
                {0, 1},
                args.runs,
                WORK / "real" / "v.json",
                env={"RECRUITMENT_CACHE": "off"},
            ),
            measure(0, "validate (cached)", real_argv, {0, 1}, args.runs, WORK / "real" / "v.json"),
        ]
        cold = cold_ratio(real_argv, args.cold_pairs, WORK / "real" / "cold.json")
        for n in parse_sizes(args.sizes):
            start = time.perf_counter()
            found, checks[n] = bench_size(n, args.runs)
            durations[n] = time.perf_counter() - start
            print(f"  size took   {durations[n] / 60:8.1f} min", flush=True)
            timings += found
    except CommandFailed as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    ctx = Context(started, (load_before, os.getloadavg()[0]), (code_before, source_fingerprint()))
    write_results(timings, real, checks, ctx, durations, cold)
    failed = [n for n, problems in checks.items() if problems]
    print(f"wrote {BENCH / 'results.md'} and results.json")
    print("correctness: " + (f"FAIL at {failed}" if failed else "PASS at every size"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
