"""Every file the code reads at run time ships in the installed package: each data file
under ``streams/`` and ``schemas/`` (models, tables, schemas) is matched by a
``[tool.setuptools.package-data]`` pattern (a model left out works from a checkout and fails
in the container, as the tone model once did)."""

from __future__ import annotations

import subprocess
import tomllib
from fnmatch import fnmatch
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = (".json", ".tsv", ".cfg", ".yaml", ".html", ".xml", ".properties", ".npz", ".typed")


def tracked(package: str) -> list[str]:
    # the repository's files, wherever the tests run from (mutmut runs them in a copy)
    top = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    out = subprocess.run(
        ["git", "ls-files", package], cwd=top, capture_output=True, text=True, check=True
    ).stdout.split()
    # streams/build is what `make train-*` reads from a checkout, not the running code
    return [p for p in out if p.endswith(DATA) and not p.startswith("streams/build/")]


def test_every_data_file_is_package_data() -> None:
    patterns = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-data"
    ]
    missing = []
    for package in ("streams", "schemas"):
        files = tracked(package)
        assert files, package
        for path in files:
            inside = path[len(package) + 1 :]
            if not any(fnmatch(inside, p) for p in patterns[package]):
                missing.append(path)
    assert missing == []
