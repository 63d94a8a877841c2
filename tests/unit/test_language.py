from __future__ import annotations

import pytest

from schemas import CleanArticle
from streams.processors.language.scripts import scripts_of
from streams.processors.language.stage import detect, detect_many, related_languages
from tests.conftest import run_stages


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The government announced new measures to curb inflation on Tuesday.", "en"),
        ("Le gouvernement a annoncé de nouvelles mesures contre l'inflation mardi.", "fr"),
        ("Die Regierung kündigte am Dienstag neue Maßnahmen gegen die Inflation an.", "de"),
        ("El gobierno anunció el martes nuevas medidas contra la inflación.", "es"),
        ("Правительство во вторник объявило о новых мерах по борьбе с инфляцией.", "ru"),
        ("أعلنت الحكومة يوم الثلاثاء عن إجراءات جديدة لمكافحة التضخم.", "ar"),
    ],
)
def test_sentences(text: str, code: str) -> None:
    info = detect(text)
    assert info.code == code
    assert 0.5 <= info.confidence <= 1.0
    assert info.candidates and info.candidates[0].code == code


@pytest.mark.parametrize(
    "text", ["", "12345 678.90", "https://example.com/a?b=1", "!!! ???", "user@example.com"]
)
def test_no_language_is_und(text: str) -> None:
    assert detect(text).code == "und"


def test_script_is_reported() -> None:
    assert detect("Правительство объявило о новых мерах").script == "Cyrillic"


def test_article_gets_language_and_trace() -> None:
    art = CleanArticle(
        id="a", text="The mayor opened the new bridge on Monday morning.", content_hash="h"
    )
    out = run_stages(art, "language")
    assert out.language.code == "en" and [t.stage for t in out.trace] == ["language"]


def test_mixed_language_article_is_flagged() -> None:
    en = (
        "The city council met on Monday to discuss the new budget for schools and hospitals in the region. "
        * 3
    )
    fr = (
        "Le conseil municipal s'est réuni lundi pour discuter du nouveau budget des écoles et des hôpitaux de la région. "
        * 3
    )
    out = run_stages(
        CleanArticle(id="m", text=f"{en}\n{fr}\n{en}\n{fr}", content_hash="h"), "language"
    )
    assert out.language.mixed and set(out.language.shares) == {"en", "fr"}


@pytest.mark.parametrize(
    "text",
    [
        "x = np.zeros((3, 4)); y = x.T",
        "function(){return this.x}",
        "<div class='x'>",
        "a",
        "42 %",
        "— … —",
    ],
)
def test_code_markup_and_scraps_are_und(text: str) -> None:
    assert detect(text).code == "und"


def test_entities_left_by_a_scraper_are_read_as_letters() -> None:
    assert detect(
        "Indisk og arabisk film st&#229;r ogs&#229; sentralt p&#229; &#229;rets festival."
    ).code in {"nb", "nn", "da"}


def test_hard_pairs_are_reported_with_their_neighbour() -> None:
    info = detect(
        "Kerajaan akan mengumumkan langkah baharu untuk mengurangkan kos sara hidup rakyat minggu depan."
    )
    codes = [c.code for c in info.candidates]
    assert info.code in {"ms", "id"} and {"ms", "id"} <= set(codes)
    assert info.candidates == sorted(info.candidates, key=lambda c: -c.confidence)
    assert abs(sum(c.confidence for c in info.candidates) - 1.0) < 0.01


def test_a_batch_decides_as_single_calls_do() -> None:
    texts = [
        "Guten Morgen, wie geht es dir heute?",
        "",
        "Buenos días a todos",
        "Привет",
        "東京で会議が開かれた",
        "Hello there my friend",
    ]
    together = detect_many(texts)
    assert [i.code for i in together] == ["de", "und", "es", "ru", "ja", "en"]
    assert [i.code for i in together] == [detect(t).code for t in texts]
    assert (
        together[1].code == "und" and together[3].script == "Cyrillic" and together[4].code == "ja"
    )


def test_which_model_decided_is_reported() -> None:
    assert detect("Ελληνικά νέα σήμερα").detector == "script"
    assert detect("The minister resigned after the vote on Thursday night.").detector in {
        "ngrams",
        "ngrams+fasttext",
    }
    assert detect("").detector == "none"


def test_long_article_is_judged_on_chunks_and_not_mixed_when_it_is_not() -> None:
    para = (
        "The committee published its report on the state of the railways and the cost of repairs. "
        * 3
    )
    info = detect("\n".join([para] * 12))
    assert info.code == "en" and not info.mixed and info.detector in {"ngrams", "ngrams+fasttext"}


def test_hint_breaks_a_tie_between_close_languages() -> None:
    text = "Vlada je objavila nove mjere"
    assert detect(text, hint="bs").code == "bs"
    assert detect(text, hint="hr").code == "hr"


def test_a_paragraph_in_another_script_makes_an_article_mixed() -> None:
    en = (
        "The delegation arrived in the capital on Monday for two days of talks on trade and energy. "
        * 3
    )
    ru = (
        "Делегация прибыла в столицу в понедельник на двухдневные переговоры о торговле и энергетике. "
        * 3
    )
    info = detect("\n".join([en, en, ru, ru, en, ru]))
    assert info.mixed and {"en", "ru"} <= set(info.shares)


def test_related_languages_are_not_mixing() -> None:
    assert "hr" in related_languages("bs") and "en" not in related_languages("fr")


def test_long_texts_of_one_script_and_of_no_language() -> None:
    greek = (
        "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία και την ενέργεια της χώρας. "
        * 12
    )
    assert detect(greek).code == "el"
    assert (
        detect("\n".join(["12 345 678 90 12 345 678 90 12 345 678 90 12 345 678 90"] * 20)).code
        == "und"
    )


def test_a_hard_pair_is_never_reported_certain() -> None:
    malay = (
        "Kerajaan negeri akan membina lebih banyak rumah mampu milik untuk rakyat di kawasan bandar. "
        * 10
    )
    info = detect(malay)
    codes = [c.code for c in info.candidates]
    assert info.code in {"ms", "id"} and info.confidence <= 0.8 and {"ms", "id"} <= set(codes)
    assert (
        detect(
            "The government will build more affordable homes for people in the cities. " * 10
        ).confidence
        > 0.99
    )


def test_a_chinese_paragraph_counts_as_chinese_not_japanese() -> None:
    # lingua's tables hold Han trigrams for Japanese only; a long run of Han with no kana is Chinese
    en = (
        "The port authority said on Friday that container traffic rose for the third month in a row. "
        * 3
    )
    zh = (
        "港口管理局周五表示，集装箱吞吐量连续第三个月增长，主要得益于出口订单的回升和新航线的开通。"
        * 3
    )
    info = detect("\n".join([en, zh, en, zh]))
    assert info.code == "en" and info.mixed and set(info.shares) == {"en", "zh"}
    whole = detect("\n".join([zh] * 6))
    assert (whole.code, whole.detector, whole.script) == (
        "zh",
        "script",
        "Han",
    ) and 0.9 < whole.confidence < 1.0
    ja = (
        "港湾局は金曜日、コンテナの取扱量が三か月連続で増えたと発表した。輸出の注文が戻り、新しい航路が開かれた。"
        * 3
    )
    both = detect("\n".join([ja, zh, ja, zh] * 2))
    assert both.code == "ja" and both.mixed and set(both.shares) == {"ja", "zh"}


def test_nul_characters_and_lone_surrogates_are_only_noise() -> None:
    # the batch is told apart by lengths, not separators; fastText never sees a surrogate
    texts = [
        "Das ist ein\x00deutscher Satz über die Stadt und ihre Schulen.",
        "\x00" * 5,
        "\ud800 The minister resigned on Thursday night.",
        "Le gouvernement a annoncé\x00 de nouvelles mesures pour les écoles et les hôpitaux. " * 12,
        "Buenos días, ¿cómo estás hoy, amigo?",
    ]
    assert [info.code for info in detect_many(texts)] == ["de", "und", "en", "fr", "es"]
    assert detect(texts[0].replace("\x00", " ")).code == "de"


def test_scripts_of_a_batch() -> None:
    texts = [
        "Həmçinin ɛ",
        "東京で会議",
        "漢字々",
        "",
        "123 !",
        "Ελληνικά",
        "x\x00y",
        "ሰላም ለዓለም",
        "Привет, мир",
    ]
    scripts, letters = scripts_of(texts)
    assert scripts == ["Latin", "Kana", "Han", None, None, "Greek", "Latin", "Ethiopic", "Cyrillic"]
    assert letters == [9, 5, 3, 0, 0, 8, 2, 7, 9]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("God morgon alla", "sv"),
        ("Selamat pagi semua", "ms"),
        ("Guten Morgen zusammen", "de"),
        ("Buenos días a todos", "es"),
        ("Bonjour à tous", "fr"),
        ("Доброе утро всем", "ru"),
        ("Dobré ráno všem", "cs"),
        ("Goedemorgen allemaal", "nl"),
        ("Bom dia a todos", "pt"),
        ("Buongiorno a tutti", "it"),
        ("Hyvää huomenta kaikille", "fi"),
        ("Dzień dobry wszystkim", "pl"),
        ("Günaydın herkese", "tr"),
        ("Καλημέρα σε όλους", "el"),
    ],
)
def test_short_greetings_with_expected_codes(text: str, code: str) -> None:
    # three words are short text: weighted for short input, not judged like a paragraph
    assert detect(text).code == code
