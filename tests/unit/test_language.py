from __future__ import annotations

import pytest

from schemas import CleanArticle
from streams.processors.language import detect, detect_language


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


@pytest.mark.parametrize("text", ["", "12345 678.90", "https://example.com/a?b=1", "!!! ???", "user@example.com"])
def test_no_language_is_und(text: str) -> None:
    assert detect(text).code == "und"


def test_script_is_reported() -> None:
    assert detect("Правительство объявило о новых мерах").script == "Cyrillic"


def test_article_gets_language_and_trace() -> None:
    art = CleanArticle(id="a", text="The mayor opened the new bridge on Monday morning.", content_hash="h")
    out = detect_language(art)
    assert out.language.code == "en" and [t.stage for t in out.trace] == ["language"]


def test_mixed_language_article_is_flagged() -> None:
    en = "The city council met on Monday to discuss the new budget for schools and hospitals in the region. " * 3
    fr = "Le conseil municipal s'est réuni lundi pour discuter du nouveau budget des écoles et des hôpitaux de la région. " * 3
    out = detect_language(CleanArticle(id="m", text=f"{en}\n{fr}\n{en}\n{fr}", content_hash="h"))
    assert out.language.mixed and set(out.language.shares) == {"en", "fr"}
