"""The byline a page's markup marks, read where its metadata names no author."""

from __future__ import annotations

import lxml.html
import pytest

from streams.processors.clean.html import html_metadata, marked_byline

PROSE = "<p>" + "The council approved the plan on Tuesday after a long debate. " * 4 + "</p>"


def tree(body: str, head: str = "") -> lxml.html.HtmlElement:
    return lxml.html.fromstring(f"<html><head>{head}</head><body>{body}{PROSE}</body></html>")


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (
            '<p class="byline">By Jane Doe and John Smith, Associated Press</p>',
            ["Jane Doe", "John Smith"],
        ),
        (
            '<div id="byline-top">Von Anna Schmidt und Max Weber, dpa</div>',
            ["Anna Schmidt", "Max Weber"],
        ),
        ('<span itemprop="author">Lars Nilsson</span>', ["Lars Nilsson"]),
        ('<a class="c-author__name">Mia Chen</a>', ["Mia Chen"]),
        # a comment's author, a sidebar's, a footer's: not the article's
        ('<div class="comments"><span class="author">Casper</span></div>', []),
        ('<span class="comment-author">pepedelacalle</span>', []),
        ('<aside><span class="byline">By Ann Lee</span></aside>', []),
        ('<footer><p class="author">Ann Lee</p></footer>', []),
        # an author's biography is longer than a byline
        (
            '<p class="author-bio">Jane Doe has covered city hall for the paper since 2015 and '
            "writes about transport, housing and the council's budget.</p>",
            [],
        ),
        ("<p>No byline here.</p>", []),
    ],
)
def test_the_marked_byline(body: str, names: list[str]) -> None:
    assert marked_byline(tree(body)) == names


def test_the_byline_class_comes_before_a_class_naming_an_author() -> None:
    body = '<span class="author">Ann Lee</span><p class="byline">By Jane Doe</p>'
    assert marked_byline(tree(body)) == ["Jane Doe"]


def test_the_metadata_names_the_authors_first() -> None:
    head = '<meta name="author" content="Lars Nilsson">'
    page = tree('<p class="byline">By Jane Doe</p>', head)
    assert html_metadata(page).authors == ["Lars Nilsson"]
    assert html_metadata(tree('<p class="byline">By Jane Doe</p>')).authors == ["Jane Doe"]


def test_the_labels_of_the_header_model_are_the_metadata_alone() -> None:
    page = tree('<p class="byline">By Jane Doe</p>')
    assert html_metadata(page, markup=False).authors == []
