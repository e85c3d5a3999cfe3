"""Print the seconds that writing CSV, Parquet and the DuckDB file takes, and nothing else.

Loads the typed tables of an already validated package (``recruitment validate`` first),
then times :func:`recruitment.publish.export.write_all` into a temporary folder: the
yardstick for ``export`` right after ``validate`` (target: at most twice this).
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from recruitment.checks.validate import validate
from recruitment.publish.export import write_all


def main(package: str) -> None:
    result = validate(Path(package))
    assert result.valid, "validate the package first"
    result.con  # noqa: B018 - the typed tables load here, untimed
    tmp = Path(tempfile.mkdtemp(prefix="write-only-", dir=Path(package).parent))
    try:
        start = time.perf_counter()
        write_all(result, tmp)
        print(f"{time.perf_counter() - start:.3f}")
    finally:
        shutil.rmtree(tmp)


if __name__ == "__main__":
    main(sys.argv[1])
