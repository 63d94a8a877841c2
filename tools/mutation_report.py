"""The mutation score per module after ``mutmut run`` (``make mutation`` runs both).

Reads mutmut's results (``mutants/**/*.py.meta``) and its mutated sources, and prints per
module: mutants, killed (timeouts count as killed: the mutant hung the tests), equivalent,
survived, and the score ``killed / (mutants - equivalent)``; then every survivor as a
one-line diff, every equivalent mutant with its reason (``tools/mutation-equivalents.txt``),
and what was left out of mutation on purpose (``# pragma: no mutate`` lines and the config's
patterns), with the reason written beside it. Exits 1 when the overall score is under
``--min`` or an equivalent listed no longer matches a surviving mutant.
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KILLED = {1, 3, -24, 24, 36, 152, 255}  # mutmut's "killed" and "timeout" exit codes
SURVIVED = {0}
NO_TESTS = {5, 33}


@dataclass
class Mutant:
    name: str  # mutmut's, e.g. streams.routing.xǁStageRunnerǁroute__mutmut_7
    module: str
    function: str  # readable, e.g. StageRunner.route
    exit_code: int | None
    removed: str = ""
    added: str = ""

    @property
    def diff(self) -> str:
        return f"{self.removed or '(nothing)'}  ->  {self.added or '(removed)'}"


@dataclass
class Equivalent:
    function: str
    before: str
    after: str
    reason: str
    used: bool = False

    def matches(self, m: Mutant) -> bool:
        """The mutant's function, the original text in its removed line, and one of the
        mutated texts (``a || b``) in its added line but not in the removed one."""
        return (
            m.exit_code in SURVIVED
            and m.function == self.function
            and self.before in m.removed
            and any(a in m.added and a not in m.removed for a in self.after.split(" || "))
        )


def readable(mangled: str) -> str:
    """x_judge -> judge; xǁStageRunnerǁroute -> StageRunner.route"""
    if mangled.startswith("xǁ"):
        _, cls, meth = mangled.split("ǁ", 2)
        return f"{cls}.{meth}"
    return mangled[2:] if mangled.startswith("x_") else mangled


def function_sources(path: Path) -> dict[str, str]:
    """Every function in a mutated file by name (mutmut's copies included), as source."""
    source = path.read_text("utf-8")
    out = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            out[node.name] = ast.get_source_segment(source, node) or ""
    return out


def one_line_diff(orig: str, mutant: str) -> tuple[str, str]:
    """The lines a mutant changed, each side joined into one line (the def's own name, which
    mutmut numbers, left out of the comparison)."""
    name = re.compile(r"__mutmut_(orig|\d+)\b")
    a = [name.sub("", line).strip() for line in orig.splitlines()]
    b = [name.sub("", line).strip() for line in mutant.splitlines()]
    removed, added = [], []
    for line in difflib.ndiff(a, b):
        if line.startswith("- "):
            removed.append(line[2:])
        elif line.startswith("+ "):
            added.append(line[2:])
    return " ".join(removed), " ".join(added)


def load_mutants(mutants_dir: Path) -> list[Mutant]:
    out = []
    for meta in sorted(mutants_dir.rglob("*.py.meta")):
        codes = json.loads(meta.read_text("utf-8")).get("exit_code_by_key", {})
        if not codes:
            continue
        source = meta.with_suffix("")  # x.py.meta -> x.py
        funcs = function_sources(source)
        module = ".".join(source.relative_to(mutants_dir).with_suffix("").parts)
        for name, code in codes.items():
            local = name[len(module) + 1 :]
            mangled, _, _ = local.rpartition("__mutmut_")
            m = Mutant(name, module, readable(mangled), code)
            orig, mutated = funcs.get(f"{mangled}__mutmut_orig"), funcs.get(local)
            if orig is not None and mutated is not None:
                m.removed, m.added = one_line_diff(orig, mutated)
            out.append(m)
    return out


def load_equivalents(path: Path) -> list[Equivalent]:
    """``function | before -> after | reason`` per line; # starts a comment line."""
    out = []
    for n, line in enumerate(path.read_text("utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        try:
            function, change, reason = (part.strip() for part in line.split(" | ", 2))
            before, after = (part.strip() for part in change.split(" -> ", 1))
        except ValueError:
            raise SystemExit(
                f"{path}:{n}: expected 'function | before -> after | reason'"
            ) from None
        out.append(Equivalent(function, before, after, reason))
    return out


def left_out(config: dict) -> list[str]:
    """What is not mutated on purpose: pragma lines in the mutated files and config patterns."""
    lines = [f"config pattern {p!r}: log text" for p in config.get("do_not_mutate_patterns", [])]
    for pattern in config.get("only_mutate", []):
        for path in sorted(ROOT.glob(pattern)):
            for n, text in enumerate(path.read_text("utf-8").splitlines(), 1):
                if "pragma: no mutate" in text:
                    lines.append(f"{path.relative_to(ROOT)}:{n}: {text.strip()}")
    return lines


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--min", type=float, default=85.0, help="lowest acceptable score, percent")
    ap.add_argument("--mutants", type=Path, default=ROOT / "mutants")
    ap.add_argument("--equivalents", type=Path, default=ROOT / "tools/mutation-equivalents.txt")
    args = ap.parse_args()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["tool"]["mutmut"]
    mutants = load_mutants(args.mutants)
    if not mutants:
        print("no mutmut results: run `make mutation`", file=sys.stderr)
        return 1
    equivalents = load_equivalents(args.equivalents)
    equivalent: dict[str, Equivalent] = {}
    for m in mutants:
        for e in equivalents:
            if e.matches(m):
                equivalent[m.name], e.used = e, True
                break

    rows = []
    totals = [0, 0, 0, 0, 0]
    for module in sorted({m.module for m in mutants}):
        ms = [m for m in mutants if m.module == module]
        killed = sum(m.exit_code in KILLED for m in ms)
        equiv = sum(m.name in equivalent for m in ms)
        survived = sum(m.exit_code in SURVIVED and m.name not in equivalent for m in ms)
        other = len(ms) - killed - equiv - survived  # no tests, not run, suspicious
        for i, v in enumerate((len(ms), killed, equiv, survived, other)):
            totals[i] += v
        rows.append((module, len(ms), killed, equiv, survived, other))
    head = ("module", "mutants", "killed", "equiv", "survived", "other", "score")
    print(f"{head[0]:40} " + " ".join(f"{h:>8}" for h in head[1:]))
    for module, n, killed, equiv, survived, other in [*rows, ("all", *totals)]:
        score = 100.0 * killed / max(n - equiv, 1)
        counts = " ".join(f"{v:8}" for v in (n, killed, equiv, survived, other))
        print(f"{module:40} {counts} {score:7.1f}%")
    overall = 100.0 * totals[1] / max(totals[0] - totals[2], 1)

    survivors = [m for m in mutants if m.exit_code in SURVIVED and m.name not in equivalent]
    if survivors:
        print(f"\nsurvivors ({len(survivors)}): `.venv/bin/mutmut show NAME` for the whole diff")
        for m in survivors:
            print(f"  {m.name}\n      {m.function}: {m.diff}")
    unchecked = [m for m in mutants if m.exit_code not in KILLED | SURVIVED]
    if unchecked:
        print(f"\nnot killed for another reason ({len(unchecked)}: no tests, not run, suspicious)")
        for m in unchecked:
            print(f"  {m.name} (exit {m.exit_code}): {m.diff}")
    print(f"\nequivalent mutants ({len(equivalent)}), with the reason they cannot be killed:")
    for e in equivalents:
        names = [n for n, x in equivalent.items() if x is e]
        print(f"  {e.function}: {e.before} -> {e.after} ({len(names)}): {e.reason}")
    print("\nleft out of mutation on purpose:")
    for line in left_out(config):
        print(f"  {line}")
    stale = [e for e in equivalents if not e.used]
    for e in stale:
        print(f"\nstale equivalent (no survivor matches): {e.function}: {e.before} -> {e.after}")
    print(f"\nmutation score {overall:.1f}% (minimum {args.min:.0f}%)")
    return 0 if overall >= args.min and not stale else 1


if __name__ == "__main__":
    sys.exit(main())
