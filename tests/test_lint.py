"""ruff's lint and format checks pass (CI runs only `make test`, so they are enforced here)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from conftest import ROOT

PATHS = ["scripts", "tests", "bench"]


@pytest.mark.parametrize("args", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff(args):
    done = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--no-cache", *PATHS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
