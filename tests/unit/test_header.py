"""Header metadata and dates on layouts the seed does not have: breadcrumbs, banners above the
headline, bylines with job titles and "and", outlets beside the byline, datelines in several
languages and formats (every expected value written by hand)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from schemas import RawArticle
from streams.processors.clean.bylines import split_authors
from streams.processors.clean.dates import find_date
from streams.processors.clean.stage import clean_fields

BODY = (
    "The council approved the plan on Tuesday after a debate that lasted most of the "
    "afternoon, officials said. Work is expected to begin in the spring and to take about two "
    "years, and residents who opposed it said they would keep raising their concerns."
)


def header(*lines: str) -> dict:
    return clean_fields(RawArticle(text="\n".join(lines) + "\n\n" + BODY))


def test_a_breadcrumb_gives_the_section_and_is_never_the_title() -> None:
    h = header("Home > Business > Energy", "Wind farm wins approval", "By Lars Nilsson")
    assert (h["section"], h["title"], h["authors"]) == (
        "Energy",
        "Wind farm wins approval",
        ["Lars Nilsson"],
    )


def test_a_banner_above_the_headline_is_neither_title_nor_section() -> None:
    h = header("Breaking: Storm warning for the coast", "Tram line approved by the council")
    assert h["title"] == "Tram line approved by the council" and h["section"] is None


def test_a_byline_with_job_titles_and_and() -> None:
    h = header("Fishing quotas agreed", "Anna Berg, Europe Editor, and Luis Ortega")
    assert h["authors"] == ["Anna Berg", "Luis Ortega"] and h["title"] == "Fishing quotas agreed"


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("By Jane Roe and John Smith", ["Jane Roe", "John Smith"]),
        ("Maria Lopez, Reuters", ["Maria Lopez"]),
        ("By Dr. Helen Wu", ["Helen Wu"]),
        ("By Anna Berg in Brussels", ["Anna Berg"]),
        ("Nadia Rahman | Health Reporter", ["Nadia Rahman"]),
        ("Di Giulia Bianchi e Luca Conti", ["Giulia Bianchi", "Luca Conti"]),
        ("Анна Смирнова и Олег Кузнецов", ["Анна Смирнова", "Олег Кузнецов"]),
        ("The council met on Monday", []),
    ],
)
def test_bylines(line: str, names: list[str]) -> None:
    assert split_authors(line) == names


def test_the_outlet_beside_the_byline_is_the_source() -> None:
    h = header("Parque eólico aprovado apesar das objeções", "Por Ana Souza", "Jornal do Litoral")
    assert (h["authors"], h["source"]) == (["Ana Souza"], "Jornal do Litoral")
    assert header("Recount confirms the win", "Reuters", "By Grace Kim")["source"] == "Reuters"


REF = datetime(2025, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "at", "offset"),
    [
        ("PARIS, 6 déc. (Reuters) –", datetime(2024, 12, 6, tzinfo=UTC), None),
        ("Updated 14:05 GMT, March 3, 2024", datetime(2024, 3, 3, 14, 5, tzinfo=UTC), "+00:00"),
        ("Опубликовано 12.03.2024 10:15", datetime(2024, 3, 12, 10, 15, tzinfo=UTC), None),
        ("2024-03-12T10:15:00+01:00", datetime(2024, 3, 12, 9, 15, tzinfo=UTC), "+01:00"),
        ("Mar. 3, 2024 5:30 p.m. ET", datetime(2024, 3, 3, 22, 30, tzinfo=UTC), "-05:00"),
        ("12 марта 2024 г., 09:00 МСК", datetime(2024, 3, 12, 6, 0, tzinfo=UTC), "+03:00"),
        ("03/14/2024", datetime(2024, 3, 14, tzinfo=UTC), None),  # cannot be day first
        ("Dec 1, 2024 | 12:10 am", datetime(2024, 12, 1, 0, 10, tzinfo=UTC), None),
    ],
)
def test_dates(text: str, at: datetime, offset: str | None) -> None:
    dated = find_date(text, REF)
    assert dated is not None and (dated.at, dated.offset) == (at, offset)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("3. Mai 2024, 17:47", (2024, 5, 3)),
        ("15 oct 2024 - 08:22", (2024, 10, 15)),
        ("28 kwietnia 2023", (2023, 4, 28)),  # Polish, the genitive CLDR gives
        ("28 Nisan 2023 14:05", (2023, 4, 28)),  # Turkish
        ("3 maart 2024", (2024, 3, 3)),  # Dutch
        ("3 mars 2024 kl. 10.15", (2024, 3, 3)),  # Swedish
        ("12 آذار 2024", (2024, 3, 12)),  # Levantine Arabic
        ("١٢ مارس ٢٠٢٤", (2024, 3, 12)),  # Arabic with Eastern Arabic digits
        ("7 listopadu 2023", (2023, 11, 7)),  # Czech
        ("Fri Apr 28 19:20:36 CEST 2023", (2023, 4, 28)),  # ctime: the year after the time
    ],
)
def test_dates_in_the_languages_news_is_published_in(text: str, day: tuple[int, int, int]) -> None:
    dated = find_date(text, REF)
    assert dated is not None and (dated.at.year, dated.at.month, dated.at.day) == day


def test_a_ctime_date_keeps_its_time_and_zone() -> None:
    dated = find_date("Fri Apr 28 19:20:36 CEST 2023", REF)
    assert dated is not None
    assert dated.at == datetime(2023, 4, 28, 17, 20, 36, tzinfo=UTC) and dated.offset == "+02:00"


@pytest.mark.parametrize(
    "text",
    [
        "Published 2 hours ago",
        "31.02.2024",
        "no date here",
        "12:30",
        "vor 3 Stunden",  # a month's abbreviation inside a word is no month ("stu")
        "il y a 3 heures",
        "hace 2 horas",
        "3 out of 4 voters",
        "2 set point",
    ],
)
def test_no_date(text: str) -> None:
    assert find_date(text, REF) is None


def test_a_date_without_a_year_is_the_latest_one_not_in_the_future() -> None:
    assert find_date("LONDON, Nov 28 (Reuters) -", REF).at.year == 2024  # type: ignore[union-attr]
    assert find_date("TOKYO, Jan. 2 (Kyodo) --", REF).at.year == 2025  # type: ignore[union-attr]


def test_dates_reach_the_record_in_utc_with_their_offset() -> None:
    h = header("Tram line approved by the council", "Mar. 3, 2024 5:30 p.m. ET")
    assert h["published_at"] == datetime(2024, 3, 3, 22, 30, tzinfo=UTC)
    assert h["published_offset"] == "-05:00"
    opening = clean_fields(RawArticle(text="PARIS, 6 déc. 2024 (Reuters) – " + BODY))
    assert opening["published_at"] == datetime(2024, 12, 6, tzinfo=UTC)


def test_a_producer_time_wins_and_keeps_its_offset() -> None:
    from datetime import timedelta, timezone

    given = datetime(2024, 5, 1, 12, 0, tzinfo=timezone(timedelta(hours=2)))
    out = clean_fields(RawArticle(text=BODY, published_at=given))
    assert out["published_at"] == datetime(2024, 5, 1, 10, 0, tzinfo=UTC)
    assert out["published_offset"] == "+02:00"


@pytest.mark.parametrize(
    ("head", "url", "canonical"),
    [
        (
            '<link rel="canonical" href="https://news.example.org/a/1">',
            None,
            "https://news.example.org/a/1",
        ),
        (
            '<link rel="canonical" href="/a/1">',
            "https://news.example.org/x?utm=1",
            "https://news.example.org/a/1",
        ),
        (
            '<meta property="og:url" content="https://news.example.org/a/2">',
            None,
            "https://news.example.org/a/2",
        ),
        ('<link rel="canonical" href="/a/1">', None, None),  # relative with nothing to resolve it
        ("", "https://news.example.org/a/3", None),
    ],
)
def test_canonical_url_from_html(head: str, url: str | None, canonical: str | None) -> None:
    html = f"<html><head>{head}<title>T</title></head><body><article><p>{BODY}</p></article></body></html>"
    assert clean_fields(RawArticle(html=html, url=url))["canonical_url"] == canonical


def test_a_date_alone_is_the_date_never_the_headline() -> None:
    # the date line has more words than the headline: the longest line is not the title
    h = header(
        "Windkraft: Regierung beschleunigt Genehmigungen",
        "Von Anna Schmidt und Max Weber, dpa",
        "3. Mai 2024, 17:47 Uhr",
    )
    assert h["title"] == "Windkraft: Regierung beschleunigt Genehmigungen"
    assert h["published_at"] == datetime(2024, 5, 3, 17, 47, tzinfo=UTC)
    assert (h["authors"], h["source"]) == (["Anna Schmidt", "Max Weber"], "dpa")
    # a headline with a date and more than three words besides stays a headline
    h = header("Council sets the vote for 3 May 2024 after long debate")
    assert h["title"] == "Council sets the vote for 3 May 2024 after long debate"


@pytest.mark.parametrize(
    ("opening", "source", "published"),
    [
        ("Passau (dpa) - ", "dpa", None),
        ("WASHINGTON (Reuters) — ", "Reuters", None),
        ("Lyon, 12 juin (AFP) - ", "AFP", None),  # no year: an archive's is not this year's
        ("Ciudad de México, 14 feb 2023 (EFE). - ", "EFE", datetime(2023, 2, 14, tzinfo=UTC)),
        ("The council (the city's) - ", None, None),  # prose, not a place
        ("Passau - ", None, None),
    ],
)
def test_a_wire_dateline_names_the_agency(
    opening: str, source: str | None, published: datetime | None
) -> None:
    out = clean_fields(RawArticle(text="Tram line approved by the council\n\n" + opening + BODY))
    assert (out["source"], out["published_at"]) == (source, published)


def test_the_agency_of_the_dateline_does_not_replace_a_source_the_header_names() -> None:
    out = clean_fields(
        RawArticle(
            text="Tram line approved by the council\n\nBy Ann Lee, Reuters\n\nBonn (dpa) - " + BODY
        )
    )
    assert out["source"] == "Reuters"


@pytest.mark.parametrize(
    "line",
    [
        "Updated May 1, 2023 | Published April 28, 2023",
        "Published April 28, 2023, updated May 1, 2023",
        "Aktualisiert am 01.05.2023 – veröffentlicht am 28.04.2023",
    ],
)
def test_a_line_with_both_times_gives_the_publication(line: str) -> None:
    h = header("Tram line approved by the council", line)
    assert h["published_at"] == datetime(2023, 4, 28, tzinfo=UTC)


def test_an_updated_time_alone_is_still_the_date_the_page_gives() -> None:
    h = header("Tram line approved by the council", "Updated May 1, 2023")
    assert h["published_at"] == datetime(2023, 5, 1, tzinfo=UTC)
