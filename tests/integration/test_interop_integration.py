"""Interoperability, checked with clients nobody here wrote: articles produced with
librdkafka (confluent-kafka) with a W3C traceparent of the producer's own go through the four
stages; Kafka's own Java console consumer reads articles.enriched at read_committed (and the
headers); every record validates against schemas/json/ with a JSON Schema validator that
checks formats; the trace id reaches every enriched record and dead letter, and the JSON logs
of a worker name it; the AsyncAPI document parses with @asyncapi/parser."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import orjson
import pytest

from streams import tracing
from streams.ops import kafka as local_kafka
from streams.settings import Settings
from tests.integration.conftest import ROOT

pytestmark = pytest.mark.integration

TRACE = "0af7651916cd43dd8448eb211c80319c"
PARENT = f"00-{TRACE}-b7ad6b7169203331-01"
ARTICLES = [
    "The prime minister of Portugal met the mayor of Lisbon on Tuesday to discuss housing.",
    "Angela Merkel visited Berlin and Hamburg, where the port authority announced new cranes.",
    "Storms closed schools across Scotland; Glasgow and Edinburgh reported flooding on Friday.",
    "The European Central Bank in Frankfurt kept interest rates unchanged, Christine Lagarde said.",
]


def _produce_with_librdkafka(bootstrap: str, topic: str) -> None:
    from confluent_kafka import Producer

    producer = Producer({"bootstrap.servers": bootstrap, "enable.idempotence": True, "acks": "all"})
    errors: list[str] = []

    def report(err: object, msg: object) -> None:
        if err is not None:
            errors.append(str(err))

    for i, text in enumerate(ARTICLES):
        producer.produce(
            topic,
            key=f"interop-{i}".encode(),
            value=orjson.dumps({"text": f"Interop {i}. {text}", "url": f"https://example.org/{i}"}),
            headers=[("traceparent", PARENT.encode()), ("tracestate", b"rdkafka=1")],
            on_delivery=report,
        )
    producer.produce(
        topic, key=b"interop-bad", value=b"{not json", headers=[("traceparent", PARENT.encode())]
    )
    assert producer.flush(30) == 0 and not errors, errors


LOG4J_STDERR = """status = warn
appender.err.type = Console
appender.err.name = STDERR
appender.err.target = SYSTEM_ERR
appender.err.layout.type = PatternLayout
appender.err.layout.pattern = %m%n
rootLogger.level = warn
rootLogger.appenderRef.err.ref = STDERR
"""


def _console_consumer(
    bootstrap: str, topic: str, count: int, tmp: Path
) -> list[tuple[dict[str, str], bytes]]:
    """(headers, value) of `count` records, read by Kafka's own ConsoleConsumer (its logs
    on stderr, the records alone on stdout)."""
    java = shutil.which("java")
    assert java, "java is missing: `make install` installs it"
    cp = local_kafka.classpath(Settings())
    log4j = tmp / "log4j2-stderr.properties"
    log4j.write_text(LOG4J_STDERR)
    proc = subprocess.run(
        [java, "-Xmx256m", f"-Dlog4j2.configurationFile={log4j}", "-cp", cp,
         "org.apache.kafka.tools.consumer.ConsoleConsumer",
         "--bootstrap-server", bootstrap, "--topic", topic, "--from-beginning",
         "--max-messages", str(count), "--timeout-ms", "60000",
         "--consumer-property", "isolation.level=read_committed",
         "--property", "print.headers=true", "--property", "headers.separator=|"],
        capture_output=True, timeout=180, check=False,
    )  # fmt: skip
    lines = [ln for ln in proc.stdout.split(b"\n") if ln.strip()]
    assert len(lines) == count, proc.stderr.decode()[-3000:]
    out = []
    for line in lines:
        head, _, value = line.partition(b"\t")
        # key:value pairs (the console consumer's default header key separator)
        headers = dict(h.split(":", 1) for h in head.decode().split("|") if ":" in h)
        out.append((headers, value))
    return out


def test_librdkafka_in_java_console_consumer_out_integration(pipeline) -> None:  # type: ignore[no-untyped-def]
    import jsonschema

    _produce_with_librdkafka(pipeline.settings.bootstrap_servers, pipeline.topic("raw"))
    # the entities worker logs JSON at debug: one line per record sent, with its trace id
    pipeline.start("entities", loglevel="debug", env={"NEWSWIRE_LOG_FORMAT": "json"})
    for stage in ("clean", "language", "dedup"):
        pipeline.start(stage)
    assert len(pipeline.read("enriched", count=len(ARTICLES), timeout=240)) == len(ARTICLES), (
        pipeline.logs()
    )

    records = _console_consumer(
        pipeline.settings.bootstrap_servers, pipeline.topic("enriched"), len(ARTICLES), pipeline.tmp
    )
    schema = orjson.loads((ROOT / "schemas/json/EnrichedArticle.schema.json").read_bytes())
    checker = jsonschema.FormatChecker()
    assert not checker.conforms("yesterday", "date-time")  # formats are really checked
    validator = jsonschema.Draft202012Validator(schema, format_checker=checker)
    texts = []
    for headers, value in records:
        doc = json.loads(value)
        errors = [e.message for e in validator.iter_errors(doc)]
        assert not errors, errors
        texts.append(doc["text"].split(".")[0])
        parsed = tracing.parse_traceparent(headers.get("traceparent"))
        assert parsed is not None and parsed[0] == TRACE, headers
        assert parsed[1] != PARENT.split("-")[2]  # a span of the stage's own
        assert headers.get("tracestate") == "rdkafka=1"
        assert headers.get(tracing.PUBLISHED_MS, "").isdigit()
    assert sorted(texts) == [f"Interop {i}" for i in range(len(ARTICLES))]

    # the bad record is a dead letter in the same trace, with its original bytes
    dead = pipeline.read("dlq", count=1, timeout=60)
    assert dead and tracing.trace_id(dead[0].headers) == TRACE
    letter = orjson.loads(dead[0].value)
    dl_schema = orjson.loads((ROOT / "schemas/json/DeadLetter.schema.json").read_bytes())
    jsonschema.Draft202012Validator(dl_schema, format_checker=checker).validate(letter)

    # the JSON logs follow the article: lines that parse, with the stage and the trace id
    log = (pipeline.tmp / "worker-entities.log").read_text(errors="replace").splitlines()
    entries = []
    for line in log:
        if line.startswith("{"):
            entries.append(orjson.loads(line))
    sent = [e for e in entries if e.get("trace_id") == TRACE]
    assert len(sent) >= len(ARTICLES), log[-20:]
    assert all(e["stage"] == "entities" and e["article_id"] and "partition" in e for e in sent)
    assert all({"ts", "level", "logger", "message"} <= e.keys() for e in entries)


def test_asyncapi_document_parses_with_the_asyncapi_parser_integration() -> None:
    parser_dir = ROOT / ".newswire" / "asyncapi-parser"
    node = shutil.which("node")
    assert node, "node is missing: `make install` installs npm"
    if not (parser_dir / "node_modules" / "@asyncapi" / "parser").is_dir():
        pytest.fail("@asyncapi/parser is not installed: `make install` installs it")
    script = """
const { Parser, fromFile } = require('@asyncapi/parser');
(async () => {
  const parser = new Parser();
  const { document, diagnostics } = await fromFile(parser, process.argv[process.argv.length - 1]).parse();
  const errors = diagnostics.filter(d => d.severity === 0).map(d => d.message + ' at ' + d.path.join('.'));
  const out = { errors, version: document ? document.version() : null,
    channels: document ? document.channels().all().map(c => c.address()) : [],
    messages: document ? document.components().messages().all().map(m => m.id()) : [] };
  console.log(JSON.stringify(out));
})().catch(e => { console.error(e); process.exit(2); });
"""
    proc = subprocess.run(
        [node, "-e", script, str(ROOT / "schemas" / "asyncapi.yaml")],
        cwd=parser_dir, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-3000:]
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["errors"] == [], result["errors"]
    assert result["version"].startswith("3.")
    assert "articles.enriched" in result["channels"] and "articles.dlq" in result["channels"]
    assert len(result["messages"]) >= 5
