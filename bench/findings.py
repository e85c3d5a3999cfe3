"""Write every finding of ``validate`` on a package as JSON: {"findings": [...]}.

The CLI's report lists at most 1,000 findings (limits.MAX_LISTED, counted beyond), and a
faulty package of 1M rows holds more injected faults than that, so the benchmark's
correctness check reads the whole list from here instead.
"""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

from recruitment.checks.validate import validate


def main(package: str, out: str) -> int:
    result = validate(Path(package))
    findings = [asdict(f) for f in result.findings]
    Path(out).write_text(json.dumps({"findings": findings}), encoding="utf-8")
    return 0 if result.valid else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
