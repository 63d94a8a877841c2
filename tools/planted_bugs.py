"""Plant small, plausible bugs one at a time in a copy of the code and check that the unit
tests catch each one (``make planted-bugs``).

Each bug is a one-place text change in one file; the copy's tests that should notice it are
run against the copy, and a bug "survives" when they still pass. The unmodified copy is run
first: its tests must pass, or nothing below means anything. Exits 1 when a bug survives.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Bug:
    name: str
    path: str
    before: str
    after: str
    tests: tuple[str, ...]


BUGS = (
    Bug(
        "a copy of an earlier article counts again in entity trends",
        "streams/processors/trends/stage.py",
        "    if article.duplicate_of:\n        return []\n",
        "",
        ("tests/unit/test_trends.py",),
    ),
    Bug(
        "in arrival time a window closes at its end, without waiting for the grace period",
        "streams/processors/trends/stage.py",
        "self.watermark = max(self.watermark, now - self.grace)",
        "self.watermark = max(self.watermark, now)",
        ("tests/unit/test_trends.py",),
    ),
    Bug(
        "the merger finishes a window before every shard's progress has passed it",
        "streams/processors/trends/stage.py",
        "if len(self.progress) < parts:",
        "if len(self.progress) < parts - 1:",
        ("tests/unit/test_trends.py",),
    ),
    Bug(
        "a temporary error met while a failed batch is retried record by record is dead-lettered",
        "streams/routing.py",
        "            if exc.retriable:\n                raise\n            return exc",
        "            return exc",
        ("tests/unit/test_route.py",),
    ),
    Bug(
        "a message of exactly the size limit is dead-lettered (> becomes >=)",
        "streams/routing.py",
        "len(msg.value) > self.max_message_bytes",
        "len(msg.value) >= self.max_message_bytes",
        ("tests/unit/test_route.py",),
    ),
    Bug(
        "every dead letter goes to partition 0",
        "streams/routing.py",
        "return Outgoing(True, msg.key, encode(letter), msg.partition, letter, headers)",
        "return Outgoing(True, msg.key, encode(letter), 0, letter, headers)",
        ("tests/unit/test_route.py",),
    ),
    Bug(
        "the upstream trace is dropped when a stage stamps its own",
        "streams/routing.py",
        'fields["trace"] = [*getattr(record, "trace", ()), stamp]',
        'fields["trace"] = [stamp]',
        ("tests/unit/test_route.py",),
    ),
    Bug(
        'schema version "10.0" read as major 1 (first character, not first field)',
        "schemas/models.py",
        'if v.split(".")[0] != SCHEMA_MAJOR:',
        "if v[0] != SCHEMA_MAJOR:",
        ("tests/unit/test_schemas.py",),
    ),
    Bug(
        "base64 fields accepted without validation",
        "schemas/models.py",
        'base64.b64decode(v.encode("ascii"), validate=True)',
        'base64.b64decode(v.encode("ascii"), validate=False)',
        ("tests/unit/test_schemas.py",),
    ),
    Bug(
        "a 25-word copyright line is kept as body (the word limit made exclusive)",
        "streams/processors/clean/boilerplate.py",
        "if words > MAX_PATTERN_WORDS:",
        "if words >= MAX_PATTERN_WORDS:",
        ("tests/unit/test_clean.py",),
    ),
    Bug(
        "short texts are weighted as long ones",
        "streams/processors/language/stage.py",
        "len(u.text) < SHORT_TEXT for u in units",
        "len(u.text) < 3 for u in units",
        ("tests/unit/test_language.py",),
    ),
    Bug(
        "an entity span trimmed one character short at its end",
        "streams/processors/entities/spans.py",
        "end -= len(span) - cut",
        "end -= len(span) - cut - 1",
        ("tests/unit/test_spans.py", "tests/unit/test_entities.py"),
    ),
    Bug(
        "standings-table offsets shift by one per line",
        "streams/processors/entities/spans.py",
        "offset += len(line) + 1",
        "offset += len(line)",
        ("tests/unit/test_spans.py",),
    ),
    Bug(
        "of a name across lines, the last of equal pieces is taken, not the first",
        "streams/processors/entities/spans.py",
        "if letters > best_letters:",
        "if letters >= best_letters:",
        ("tests/unit/test_spans.py",),
    ),
    Bug(
        "lag one record too small (one record behind, no consumer, reads OK)",
        "streams/ops/lag.py",
        "return {p: max(end - (snap.committed.get(p) or 0), 0) for p, end in snap.ends.items()}",
        "return {p: max(end - (snap.committed.get(p) or 0) - 1, 0) "
        "for p, end in snap.ends.items()}",
        ("tests/unit/test_lag_judgement.py",),
    ),
    Bug(
        "a steady backlog read as WARN",
        "streams/ops/lag.py",
        "if rising and summed[-1] > summed[0] and moved != 0:",
        "if rising and summed[-1] >= summed[0] and moved != 0:",
        ("tests/unit/test_lag_judgement.py",),
    ),
    Bug(
        "a stuck partition beside a moving one reads OK (the stall judged on the group's sum)",
        "streams/ops/lag.py",
        "elif now.at - seen[0].at > 0 and behind and still:",
        "elif now.at - seen[0].at > 0 and behind and still and moved == 0:",
        ("tests/unit/test_lag_judgement.py",),
    ),
    Bug(
        "a version-00 traceparent with a fifth field is accepted",
        "streams/tracing.py",
        'if version == "ff" or (version == "00" and rest):',
        'if version == "ff":',
        ("tests/unit/test_tracing.py",),
    ),
    Bug(
        "a stage's output keeps its parent's span instead of a span of its own",
        "streams/tracing.py",
        "out: list[tuple[str, bytes]] = [(TRACEPARENT, tp.encode())]",
        "out: list[tuple[str, bytes]] = "
        "[(TRACEPARENT, header(headers, TRACEPARENT) or tp.encode())]",
        ("tests/unit/test_tracing.py",),
    ),
    Bug(
        "dead letters are timed in the end-to-end latency",
        "streams/agents/base.py",
        "if not o.dead and published is not None:",
        "if published is not None:",
        ("tests/unit/test_send_batch.py",),
    ),
    Bug(
        "a negative start offset counts from the beginning, not back from the end",
        "streams/client/reading.py",
        "at = self.value if self.value >= 0 else end + self.value",
        "at = self.value if self.value >= 0 else first - self.value",
        ("tests/unit/test_client_start.py",),
    ),
    Bug(
        "an option prefixed for one kind of client reaches every kind",
        "streams/settings.py",
        'if k.startswith(f"{kind}.") and k.split(".", 1)[1] in known',
        'if "." in k and k.split(".", 1)[1] in known',
        ("tests/unit/test_settings.py",),
    ),
    Bug(
        "a lag exactly at the --max-lag threshold fails the check (> becomes >=)",
        "streams/ops/lag.py",
        "any(r.lag > max_lag for r in rows)",
        "any(r.lag >= max_lag for r in rows)",
        ("tests/unit/test_lag_judgement.py",),
    ),
    Bug(
        "a permanent error is retried like a temporary one",
        "streams/agents/base.py",
        "if not exc.retriable or attempt == MAX_TEMPORARY_RETRIES:",
        "if attempt == MAX_TEMPORARY_RETRIES:",
        ("tests/unit/test_retries.py",),
    ),
    Bug(
        "the replay filter forgets one record early (window off by one)",
        "streams/agents/replays.py",
        "while len(seen) > self.window:",
        "while len(seen) >= self.window:",
        ("tests/unit/test_replays.py",),
    ),
)


def copy_tree(dest: Path) -> None:
    """The tracked files, plus the built model tables and fetched specs (not in git)."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, files):
        src = ROOT / name.decode()
        if src.is_file():
            (dest / name.decode()).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name.decode())
    for extra in ("streams/models", ".newswire/asyncapi-specs"):
        if (ROOT / extra).exists():
            (dest / extra).parent.mkdir(parents=True, exist_ok=True)
            (dest / extra).symlink_to(ROOT / extra)


def run_tests(copy: Path, tests: tuple[str, ...]) -> tuple[int, float]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", *tests],
        cwd=copy,
        capture_output=True,
        text=True,
    )
    return proc.returncode, time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-k", help="only bugs whose name contains this")
    args = ap.parse_args()
    bugs = [b for b in BUGS if not args.k or args.k in b.name]
    with tempfile.TemporaryDirectory(prefix="newswire-bugs-") as tmp:
        copy = Path(tmp)
        copy_tree(copy)
        tests = tuple(sorted({t for b in bugs for t in b.tests}))
        code, seconds = run_tests(copy, tests)
        if code != 0:
            print(f"the unmodified copy fails its own tests (exit {code}): fix that first")
            return 1
        print(f"unmodified: {len(tests)} test files pass ({seconds:.0f} s)\n")
        survived = 0
        for n, bug in enumerate(bugs, 1):
            path = copy / bug.path
            original = path.read_text("utf-8")
            if original.count(bug.before) != 1:
                print(f"{n:2}. CANNOT PLANT (the code changed): {bug.name}")
                survived += 1
                continue
            path.write_text(original.replace(bug.before, bug.after), "utf-8")
            try:
                code, seconds = run_tests(copy, bug.tests)
            finally:
                path.write_text(original, "utf-8")
            caught = code != 0
            survived += not caught
            verdict = "caught  " if caught else "SURVIVED"
            print(f"{n:2}. {verdict} {bug.name}  [{bug.path}; {seconds:.0f} s]")
        print(f"\n{len(bugs) - survived} of {len(bugs)} planted bugs caught")
        return 1 if survived else 0


if __name__ == "__main__":
    sys.exit(main())
