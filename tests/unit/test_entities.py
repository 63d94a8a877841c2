from __future__ import annotations

from pathlib import Path

import pytest

from schemas import LanguageArticle, LanguageInfo, RawArticle
from streams.processors.entities import gazetteer
from streams.processors.entities.stage import DEFAULT_MODELS, EntityExtractor
from tests.conftest import SEED_ENTITIES, run_stages


@pytest.fixture(scope="module")
def extractor() -> EntityExtractor:
    return EntityExtractor()


@pytest.fixture(scope="module")
def seed_enriched(extractor: EntityExtractor, seed_text: str):  # type: ignore[no-untyped-def]
    return run_stages(RawArticle(text=seed_text), "clean", "language", "entities")


def _entities(text: str, language: str = "en"):  # type: ignore[no-untyped-def]
    """The entities stage on a text whose language is given."""
    info = LanguageInfo(code=language, confidence=1.0, detector="test")
    art = LanguageArticle(id=language, text=text, content_hash="h", language=info)
    return run_stages(art, "entities")


def _by_name(rec):  # type: ignore[no-untyped-def]
    return {e.name: e for e in rec.entities}


def test_seed_entities(seed_enriched) -> None:  # type: ignore[no-untyped-def]
    ents = _by_name(seed_enriched)
    for name, label in SEED_ENTITIES:
        assert ents[name].label == label
    assert "Sayyari" not in ents and ents["Habibollah Sayyari"].count == 4
    assert ents["Houthis"].label != "PERSON"
    assert ents["Daesh"].label != "GPE"
    for name, code in [
        ("Iran", "IR"),
        ("Israel", "IL"),
        ("Iraq", "IQ"),
        ("Syria", "SY"),
        ("Lebanon", "LB"),
        ("Yemen", "YE"),
    ]:
        assert ents[name].country_code == code


def test_mentions_index_the_text_exactly(seed_enriched) -> None:  # type: ignore[no-untyped-def]
    text = seed_enriched.text
    for e in seed_enriched.entities:
        assert e.count == len(e.mentions)
        for m in e.mentions:
            assert text[m.start : m.end] == m.text
            # no span keeps a neighbouring quote, possessive mark or punctuation
            assert m.text == m.text.strip(" '’\".,;:()\n"), m.text
    by_name = _by_name(seed_enriched)
    # positions found independently of the code's offsets, by searching the text
    for name in ("Habibollah Sayyari", "Benny Gantz", "Popular Mobilisation Forces"):
        assert text.index(name) in {m.start for m in by_name[name].mentions}, name
    republic = [
        m
        for e in seed_enriched.entities
        for m in e.mentions
        if m.text.startswith("Islamic Republic")
    ]
    assert republic and {(m.start, m.text) for m in republic} <= {
        (i, "Islamic Republic") for i in range(len(text)) if text.startswith("Islamic Republic", i)
    } | {
        (i, "Islamic Republic of Iran")
        for i in range(len(text))
        if text.startswith("Islamic Republic of Iran", i)
    }


def test_entities_sorted_by_salience(seed_enriched) -> None:  # type: ignore[no-untyped-def]
    sal = [e.salience for e in seed_enriched.entities]
    assert sal == sorted(sal, reverse=True)
    assert seed_enriched.entities[0].name == "Iran"


def test_french_model(extractor: EntityExtractor) -> None:
    out = _entities(
        "Emmanuel Macron a rencontré Olaf Scholz à Berlin pour parler de l'Union européenne.", "fr"
    )
    ents = _by_name(out)
    assert out.ner_model.startswith("fr_core_news_md")
    assert ents["Emmanuel Macron"].label == "PERSON"
    assert ents["Berlin"].country_code == "DE"


def test_language_without_model_uses_gazetteer() -> None:
    """Russian with natasha switched off (NEWSWIRE_SPACY_MODELS without "ru")."""
    text = "Президент Казахстана посетил Польшу и Германию."
    info = LanguageInfo(code="ru", confidence=1.0, detector="test")
    art = LanguageArticle(id="ru", text=text, content_hash="h", language=info)
    (out,) = EntityExtractor({"en": DEFAULT_MODELS["en"]}).process([art])
    assert out["ner_model"] == "gazetteer"
    assert {e.country_code for e in out["entities"]} == {"KZ", "PL", "DE"}
    for e in out["entities"]:
        assert e.label == "GPE"


def test_russian_is_read_by_natasha_by_default() -> None:
    out = _entities("Президент Казахстана Касым-Жомарт Токаев посетил Польшу.", "ru")
    assert out.ner_model.startswith("ru_natasha_slovnet_news")
    assert ("Касым-Жомарт Токаев", "PERSON") in {(e.name, e.label) for e in out.entities}


def test_country_codes_for_inflected_forms() -> None:
    assert gazetteer.country_code("Казахстана") == "KZ"
    assert gazetteer.country_code("Polens") == "PL"
    assert gazetteer.country_code("the United States") == "US"
    assert gazetteer.country_code("Zzyzxland") is None


def test_name_table_answers_as_the_dict_it_was_built_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streams.processors.entities import gazetteer

    monkeypatch.setattr(gazetteer, "TABLES_DIR", tmp_path)
    source = {"paris": "FR", "springfield": "US", "киев": "UA"}
    built = gazetteer.NameTable.from_dict(source)
    with pytest.raises(gazetteer.TablesMissing):
        gazetteer.NameTable.load("test-names")
    built.save(tmp_path / "test-names.npz")
    loaded = gazetteer.NameTable.load("test-names")
    for table in (built, loaded):
        assert [table.get(k) for k in source] == list(source.values())
        assert (
            table.get("atlantis") is None
            and "atlantis" not in table
            and "paris" in table
            and len(table) == 3
        )
        with pytest.raises(KeyError):
            table["atlantis"]
    gazetteer.NameTable.load.cache_clear()


def _mentions(out) -> set[tuple[int, int, str, str]]:  # type: ignore[no-untyped-def]
    return {(m.start, m.end, m.text, e.label) for e in out.entities for m in e.mentions}


def test_offsets_in_a_known_text_with_a_headline() -> None:
    text = (
        "Merkel Meets Macron in Paris\n"
        "Angela Merkel met Emmanuel Macron in Paris on Monday. Israel's army said the talks in "
        "Berlin were useful."
    )
    out = _entities(text)
    # offsets counted by hand
    assert {
        (23, 28, "Paris", "GPE"),
        (29, 42, "Angela Merkel", "PERSON"),
        (47, 62, "Emmanuel Macron", "PERSON"),
        (66, 71, "Paris", "GPE"),
        (83, 89, "Israel", "GPE"),
        (115, 121, "Berlin", "GPE"),
    } <= _mentions(out)


def test_a_standings_table_gives_teams_at_their_rows_and_nothing_across_lines() -> None:
    text = (
        "PREMIER LEAGUE TABLE\n"
        "Arsenal 3 2 1 0 7\n"
        "Chelsea 3 2 0 1 5\n"
        "Liverpool 3 1 1 1 4\n"
        "Everton 3 0 1 2 7\n"
        "Manchester United 3 0 0 3 2"
    )
    out = _entities(text)
    found = _mentions(out)
    assert {
        (21, 28, "Arsenal", "ORG"),
        (39, 46, "Chelsea", "ORG"),
        (57, 66, "Liverpool", "ORG"),
        (77, 84, "Everton", "ORG"),
        (95, 112, "Manchester United", "ORG"),
    } <= found
    assert not [m for m in found if "\n" in m[2] or m[3] == "PRODUCT"], found


def test_a_model_that_is_not_installed_falls_back_to_the_gazetteer(
    caplog: pytest.LogCaptureFixture,
) -> None:
    extractor = EntityExtractor({"pt": "pt_no_such_model_package"})
    extractor.warm_up()
    assert extractor.models == {}
    assert "pt_no_such_model_package" in caplog.text
    text = "O presidente de Portugal chegou na segunda-feira, vindo do Brasil."
    article = LanguageArticle(
        id="pt-1",
        text=text,
        content_hash="x" * 64,
        language=LanguageInfo(code="pt", confidence=1.0, detector="test"),
    )
    (out,) = extractor.process([article])
    assert out["ner_model"] == "gazetteer"
    assert {e.name for e in out["entities"]} >= {"Portugal", "Brasil"}


def test_out_of_time_the_names_come_without_the_steps_after_them(extractor) -> None:  # type: ignore[no-untyped-def]
    """Past the record's soft deadline the stage delivers the names it found and leaves the
    places, quotations and tone null, flagged; with time, the same article gets them all."""
    from streams.processors import budget

    info = LanguageInfo(code="en", confidence=1.0, detector="test")
    text = (
        "Angela Merkel met Emmanuel Macron in Paris on Monday. "
        '"We agree on almost everything that matters here," Merkel said.'
    )
    art = LanguageArticle(id="t", text=text, content_hash="h", language=info)
    extractor.warm_up()
    budget.start(0.0)
    try:
        [cut] = extractor.process([art])
    finally:
        budget.clear()
    assert {"Angela Merkel", "Emmanuel Macron"} <= {e.name for e in cut["entities"]}
    assert (cut["focus"], cut["quotes"], cut["tone"]) == (None, None, None)
    assert cut["flags"] == ["entities_partial"]
    [whole] = extractor.process([art])
    assert "flags" not in whole and whole["quotes"] and whole["focus"] is not None
    assert whole["quotes"][0]["speaker"]["name"] == "Angela Merkel"


def test_the_sentences_are_split_once_for_places_and_tone_and_not_when_out_of_time(  # type: ignore[no-untyped-def]
    extractor, monkeypatch
) -> None:
    from streams.processors import budget, sentences

    calls: list[str] = []
    split = sentences.split
    monkeypatch.setattr(
        sentences, "split", lambda text, lang: calls.append(lang) or split(text, lang)
    )
    info = LanguageInfo(code="en", confidence=1.0, detector="test")
    text = "Angela Merkel met Emmanuel Macron in Paris on Monday. They spoke of Berlin."
    art = LanguageArticle(id="s", text=text, content_hash="h", language=info)
    extractor.warm_up()
    [whole] = extractor.process([art])
    assert whole["focus"] is not None and whole["tone"] is not None
    assert calls == ["en"]
    calls.clear()
    budget.start(0.0)
    try:
        extractor.process([art])
    finally:
        budget.clear()
    assert calls == []


def test_only_an_english_article_s_tone_reads_the_tagger_s_vectors(monkeypatch) -> None:
    from streams.processors.entities import stage

    seen: list[object] = []
    monkeypatch.setattr(stage, "enrich", lambda *a, **k: seen.append(k["vectors"]) or {})
    arts = [
        LanguageArticle(
            id=code,
            text=text,
            content_hash="h",
            language=LanguageInfo(code=code, confidence=1.0, detector="test"),
        )
        for code, text in (
            ("en", "Angela Merkel met Joe Biden in Berlin."),
            ("es", "Pedro Sánchez visitó Madrid el lunes."),
        )
    ]
    EntityExtractor().process(arts)
    english, spanish = seen
    assert english is not None and english.rows.shape[0] == len(english.starts) > 0
    assert spanish is None  # its tagger computed them; nothing here reads them
