"""`newswire publish` on large JSON-lines files: peak memory and rate per file size, as
ratios to the smallest file in the same run (flat memory: the ratio stays near 1 however
large the file).

    python bench/publish_memory.py [--sizes 50,200,1000] [--keep]      (a broker must answer)

Each size (MB) is a file of news-sized articles (about 1.5 KB each) published to a topic
prefix of its own; peak resident memory is the kernel's (ru_maxrss of the child process).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
BODY = " ".join(
    ["The harbour authority of Rotterdam reported record container traffic on Tuesday."] * 18
)


def write(path: Path, mb: int) -> int:
    n = 0
    with path.open("wb") as f:
        while f.tell() < mb * 1_000_000:
            f.write(
                orjson.dumps({"text": f"Item {n}. {BODY}", "url": f"https://bench.invalid/{n}"})
                + b"\n"
            )
            n += 1
    return n


def publish(path: Path, prefix: str) -> tuple[float, float, str]:
    """(peak MB, seconds, the CLI's summary line) of one `newswire publish` in a child."""
    env = {**os.environ, "NEWSWIRE_TOPIC_PREFIX": prefix}
    subprocess.run(
        [sys.executable, "-m", "streams.cli", "topics", "create"], env=env, cwd=ROOT, check=True,
        capture_output=True,
    )  # fmt: skip
    # a fresh wrapper process per run: its children's peak is this one publish's alone
    wrapper = (
        "import resource, subprocess, sys\n"
        "p = subprocess.run([sys.executable, '-m', 'streams.cli', 'publish', '-q', sys.argv[1]],"
        " capture_output=True, text=True)\n"
        "print(p.stdout.strip().splitlines()[-1] if p.returncode == 0 else p.stdout + p.stderr)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(p.returncode)\n"
    )
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-c", wrapper, str(path)],
        env=env, cwd=ROOT, capture_output=True, text=True, check=False,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(proc.stdout + proc.stderr)
    summary, peak_kb = proc.stdout.strip().splitlines()[-2:]
    return int(peak_kb) / 1024, seconds, summary


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,200,1000", help="file sizes in MB, smallest first")
    args = ap.parse_args()
    sizes = sorted(int(x) for x in args.sizes.split(","))
    run = uuid.uuid4().hex[:6]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for mb in sizes:
            path = Path(tmp) / f"{mb}.jsonl"
            n = write(path, mb)
            peak, seconds, summary = publish(path, f"bench-pub-{run}-{mb}.")
            rows.append((mb, n, peak, seconds, summary))
            path.unlink()
    base_peak, base_rate = rows[0][2], rows[0][1] / rows[0][3]
    print(f"{'file MB':>8} {'articles':>9} {'peak MB':>8} {'x peak':>7} {'art/s':>8} {'x rate':>7}")
    for mb, n, peak, seconds, _ in rows:
        rate = n / seconds
        print(
            f"{mb:>8} {n:>9} {peak:>8.0f} {peak / base_peak:>7.2f} {rate:>8.0f} {rate / base_rate:>7.2f}"
        )
    print("summaries:", *(r[4] for r in rows), sep="\n  ")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
