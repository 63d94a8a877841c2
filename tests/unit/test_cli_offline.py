"""`newswire enrich`: the processors in-process, no broker."""

from __future__ import annotations

import subprocess
import sys

import orjson

from schemas import EnrichedArticle, LanguageArticle, decode
from tests.conftest import ROOT, SEED


def _run(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "streams.cli", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_enrich_seed_and_jsonl_with_rejects(tmp_path) -> None:  # type: ignore[no-untyped-def]
    jsonl = tmp_path / "in.jsonl"
    jsonl.write_bytes(
        b'{"text": "Angela Merkel visited Paris on Monday.", "language_hint": "en"}\n{"text": 3}\nnot json\n'
    )
    result = _run("enrich", str(SEED), str(jsonl))
    assert result.returncode == 0, result.stderr.decode()
    records = [decode(line, EnrichedArticle) for line in result.stdout.splitlines()]
    assert len(records) == 2
    assert records[0].title.startswith("Iran Marks Readiness")
    assert any(e.name == "Angela Merkel" and e.label == "PERSON" for e in records[1].entities)
    assert b"enriched 2, failed 2" in result.stderr


def test_enrich_without_clean_takes_text_as_clean_and_hint_as_language() -> None:
    text = "Emmanuel Macron est arrivé à Berlin."
    result = _run(
        "enrich",
        "--stages",
        "entities",
        "-",
        stdin=orjson.dumps({"text": text, "language_hint": "fr"}),
    )
    assert result.returncode == 0, result.stderr.decode()
    rec = decode(result.stdout.splitlines()[0], EnrichedArticle)
    assert rec.text == text and rec.language.code == "fr" and rec.language.detector == "hint"
    assert rec.ner_model.startswith("fr_core_news_md")


def test_enrich_language_only() -> None:
    result = _run(
        "enrich",
        "--stages",
        "clean,language",
        "-",
        stdin=b"Der Bundestag hat am Donnerstag das Gesetz beschlossen, das neue Regeln vorsieht.",
    )
    rec = decode(result.stdout.splitlines()[0], LanguageArticle)
    assert rec.language.code == "de"
    assert "entities" not in orjson.loads(result.stdout.splitlines()[0])


def test_enrich_a_record_that_breaks_the_batch_costs_only_itself(monkeypatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from typer.testing import CliRunner

    import streams.processors.language.stage as language
    from streams.cli import app

    real = language.LanguageProcessor.process

    def fragile(self, batch):  # type: ignore[no-untyped-def]
        if any("poison" in a.text for a in batch):
            raise RuntimeError("model blew up")
        return real(self, batch)

    monkeypatch.setattr(language.LanguageProcessor, "process", fragile)
    path = tmp_path / "in.jsonl"
    path.write_bytes(
        b"".join(
            orjson.dumps({"id": f"a{i}", "text": t}) + b"\n"
            for i, t in enumerate(
                ["Good morning to all of you.", "poison pill here", "Bonjour à tous et à toutes."]
            )
        )
    )
    result = CliRunner().invoke(app, ["enrich", "--stages", "language", str(path)])
    assert result.exit_code == 0, result.output
    records = [
        decode(line.encode(), LanguageArticle)
        for line in result.stdout.splitlines()
        if line.startswith("{")
    ]
    assert [(r.id, r.language.code) for r in records] == [("a0", "en"), ("a2", "fr")]
    assert "processing_failed: RuntimeError: model blew up" in result.output
    assert "enriched 2, failed 1" in result.output
