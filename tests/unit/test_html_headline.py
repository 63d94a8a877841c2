"""The headline an HTML page prints, read from its metadata: JSON-LD's headline before
og:title, a site's name cut from "Headline | Site", a <h1> deciding what the page shows."""

from __future__ import annotations

import lxml.html
import pytest

from streams.processors.clean.header import page_title
from streams.processors.clean.html import _cut_short, headline, html_metadata
from streams.processors.clean.urls import names_site


def page(head: str, body: str = "") -> object:
    return lxml.html.document_fromstring(
        f"<html><head>{head}</head><body>{body}<p>Text.</p></body></html>"
    )


def ld(headline_text: str) -> str:
    return (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": '
        f'"{headline_text}"}}</script>'
    )


@pytest.mark.parametrize(
    ("piece", "site", "url", "named"),
    [
        ("The Anti-June Cleaver", "The Anti-June Cleaver", None, True),
        ("the anti june cleaver", "The Anti-June Cleaver", None, True),
        ("9to5Mac", None, "https://9to5mac.com/2019/a-b-c", True),
        ("BBC News", None, "https://www.bbc.co.uk/news/world", True),
        ("BBC", None, "https://m.bbc.com/x", True),
        ("News", None, "https://www.bbc.co.uk/news", False),
        ("Storm hits the coast", "Daily Planet", "https://planet.example/x", False),
        # a long piece is a headline even when it holds the host's name
        ("BBC reporters tell of a long night on the coast", None, "https://bbc.co.uk/", False),
        ("Ab", None, "https://ab.de/x", False),  # a two-letter label names nothing
        ("", "Site", None, False),
        ("Site", None, None, False),
        ("Site", None, "not a url", False),
        ("Site", None, "http://[::1/x", False),  # a malformed URL names no site
        ("Xxxx", None, None, False),  # no URL: no host to hold the piece
    ],
)
def test_which_piece_names_the_site(
    piece: str, site: str | None, url: str | None, named: bool
) -> None:
    assert names_site(piece, site, url) is named


def test_a_piece_of_six_words_may_name_the_site_and_seven_do_not() -> None:
    assert names_site("BBC One Two Three Four Five", None, "https://bbc.com/")
    assert not names_site("BBC One Two Three Four Five Six", None, "https://bbc.com/")


@pytest.mark.parametrize(
    ("title", "h1s", "site", "url", "shown"),
    [
        # the site's name after the last separator goes; inner separators stay
        ("Jam Recipe | The Anti-June Cleaver", [], "The Anti-June Cleaver", None, "Jam Recipe"),
        ("Was ist X?- Lexikon und Wiki | hoch3", [], None, "https://www.hoch3.de/a",
         "Was ist X?- Lexikon und Wiki"),
        # ... or before the first
        ("BBC | Storm hits the coast", [], "BBC", None, "Storm hits the coast"),
        # the <h1> prints the whole title: it stays whole
        ("Star Wars - A New Hope", ["Star Wars - A New Hope"], "A New Hope", None,
         "Star Wars - A New Hope"),
        # the <h1> prints its first part
        ("Storm hits - Coast news", ["Other", "Storm hits"], None, None, "Storm hits"),
        # nothing says which part is the site's: the title stays whole
        ("Storm hits - the coast", [], "Daily Planet", "https://planet.example/", "Storm hits - the coast"),
        ("No separator here", [], "No separator here", None, "No separator here"),
    ],
)  # fmt: skip
def test_the_headline_a_page_prints(
    title: str, h1s: list[str], site: str | None, url: str | None, shown: str
) -> None:
    assert headline(title, h1s, site, url) == shown


def test_a_title_that_is_only_the_site_and_a_headline_keeps_the_headline_of_two() -> None:
    # both ends name the site: the last part goes first
    assert headline("BBC - Storm - BBC", [], "BBC", None) == "BBC - Storm"


@pytest.mark.parametrize(
    ("title", "whole", "cut"),
    [
        ("A storm hits the coast…", "A storm hits the coast of Maine", True),
        ("A storm hits the coast...", "A storm hits the coast of Maine", True),
        ("x" * 99, "x" * 99 + " more", False),  # 99 characters, no mark: whole
        ("x" * 100, "x" * 100 + " more", True),
        ("A storm hits…", "A storm hits", False),  # not longer
        ("A storm hits…", "Another storm hits the coast", False),  # not its beginning
    ],
)
def test_a_json_ld_headline_cut_short(title: str, whole: str, cut: bool) -> None:
    assert _cut_short(title, whole) is cut


def test_json_ld_headline_comes_before_og_title() -> None:
    tree = page(
        ld("Sweden drops rape inquiry") + '<meta property="og:title" content="Assange case">'
    )
    assert html_metadata(tree).title == "Sweden drops rape inquiry"


def test_og_title_when_json_ld_cut_it_short() -> None:
    tree = page(
        ld("Sweden drops the rape inquiry…")
        + '<meta property="og:title" content="Sweden drops the rape inquiry into Assange">'
    )
    assert html_metadata(tree).title == "Sweden drops the rape inquiry into Assange"


def test_og_title_loses_the_site_its_site_name_or_url_names() -> None:
    by_name = page(
        '<meta property="og:title" content="Storm hits the coast | Daily Planet">'
        '<meta property="og:site_name" content="Daily Planet">'
    )
    assert html_metadata(by_name).title == "Storm hits the coast"
    by_canonical = page(
        '<meta property="og:title" content="Storm hits the coast - Planet News">'
        '<link rel="canonical" href="https://www.planet.example/a">'
    )
    assert html_metadata(by_canonical).title == "Storm hits the coast"
    by_url = page('<meta property="og:title" content="Storm hits the coast - Planet News">')
    assert html_metadata(by_url, "https://planet.example/a").title == "Storm hits the coast"
    assert html_metadata(by_url).title == "Storm hits the coast - Planet News"


def test_the_h1_and_the_title_tag_when_no_metadata_names_a_title() -> None:
    assert (
        html_metadata(page("", "<h1>Storm  hits\nthe coast</h1>")).title == "Storm hits the coast"
    )
    assert html_metadata(page("<title>Storm | Planet</title>")).title == "Storm"
    assert html_metadata(page("")).title is None


@pytest.mark.parametrize(
    ("line", "url", "title"),
    [
        ("Budget passed - Lexicon | BBC News", "https://www.bbc.co.uk/news/x", "Budget passed"),
        ("BBC News | Budget passed - Lexicon", "https://www.bbc.co.uk/news/x", "Budget passed"),
        ("BBC News | Budget passed", None, "BBC News"),  # no URL: nothing names the site
        ("Budget passed - Lexicon | BBC News", "https://planet.example/", "Budget passed"),
        ("  Budget passed  ", None, "Budget passed"),
        ("BBC News", "https://www.bbc.co.uk/news/x", "BBC News"),  # one part: itself
    ],
)  # fmt: skip
def test_the_headline_in_a_scrapers_first_line(line: str, url: str | None, title: str) -> None:
    assert page_title(line, url) == title


@pytest.mark.parametrize(
    "name", ["datePublished", "publishdate", "DC.date.issued", "parsely-pub-date"]
)
def test_the_publication_day_from_the_meta_tags_publishers_use(name: str) -> None:
    tree = page(f'<meta itemprop="{name}" content="2023-04-28T19:20:36+02:00">')
    header = html_metadata(tree)
    assert header.published_at is not None and header.published_offset == "+02:00"
    assert header.published_at.isoformat() == "2023-04-28T17:20:36+00:00"


def test_the_specific_meta_tag_before_the_general_one() -> None:
    tree = page(
        '<meta name="date" content="2020-01-01">'
        '<meta property="article:published_time" content="2023-04-28T10:00:00Z">'
    )
    assert html_metadata(tree).published_at.year == 2023  # type: ignore[union-attr]
    assert html_metadata(page('<meta name="date" content="2020-01-01">')).published_at.year == 2020  # type: ignore[union-attr]
