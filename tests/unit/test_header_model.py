"""The plain-text header model: its line features, its trees, how it overrides the rules,
and how streams/build/header_lines.py labels real pages by their own metadata."""

from __future__ import annotations

import gzip
import json
import math
from datetime import UTC, datetime
from pathlib import Path

import pytest

from streams.build import header_lines as hl
from streams.processors.clean import header_model as hm
from streams.processors.clean.header import Header, learned, read_header
from streams.processors.clean.plain import locate

PROSE = (
    "The council voted on Tuesday to extend the tram line to the northern districts, after a "
    "debate that lasted most of the afternoon and drew a large crowd to the town hall."
)
PAGE = "\n".join(
    [
        "Tram line extended to the north | City News",
        "Home",
        "News",
        "Tram line extended to the north",
        "By Jane Roe and John Smith",
        "Published 3 March 2024, 10:15",
        PROSE,
        PROSE.replace("Tuesday", "Wednesday"),
        PROSE.replace("council", "mayor"),
    ]
)


def _feature(c: hm.Candidate, name: str) -> float:
    return c.features[hm.FEATURES.index(name)]


def test_candidates_describe_the_lines_above_the_body() -> None:
    lines, start, _ = locate(PAGE)
    assert lines[start].text.startswith("The council voted")
    rules = read_header(lines, start, model=False)
    found = {c.line.text: c for c in hm.candidates(lines, start, rules.used)}
    assert len(next(iter(found.values())).features) == len(hm.FEATURES)
    title = found["Tram line extended to the north"]
    assert _feature(title, "in_first_line") == 1.0 and _feature(title, "title_form") == 0.0
    assert _feature(title, "to_body") == 3.0 and _feature(title, "rule_title") == 1.0
    assert _feature(title, "lead_overlap") > 0.3  # "the", "to", "line"…
    first = found["Tram line extended to the north | City News"]
    assert _feature(first, "title_form") == 1.0 and _feature(first, "separator") == 1.0
    byline = found["By Jane Roe and John Smith"]
    assert _feature(byline, "by_prefix") == 1.0 and _feature(byline, "rule_byline") == 1.0
    date = found["Published 3 March 2024, 10:15"]
    assert _feature(date, "has_date") == 1.0 and _feature(date, "short_date") == 1.0
    assert _feature(date, "published_word") == 1.0 and _feature(date, "to_body") == 1.0
    body = found[PROSE]
    assert _feature(body, "in_body") == 1.0 and _feature(body, "prose") == 1.0
    assert _feature(body, "to_body") == 0.0
    assert _feature(found["Home"], "words") == 1.0
    # the body's first INTO lines are candidates, no further
    assert sum(1 for c in found.values() if _feature(c, "in_body")) == min(hm.INTO, 3)


def _stump(feature: str, yes: float, no: float = -9.0) -> dict:
    """An ensemble of one tree: `yes` when the feature is over 0.5, else `no`."""
    index = hm.FEATURES.index(feature)
    tree = [[index, 0.5, 1, 2, 0.0], [-1, 0.0, -1, -1, no], [-1, 0.0, -1, -1, yes]]
    return {"init": 0.0, "rate": 1.0, "trees": [tree], "threshold": 0.5}


def test_an_ensemble_adds_its_trees_leaves_and_clamps() -> None:
    e = hm.Ensemble(_stump("by_prefix", 2.0))
    x = [0.0] * len(hm.FEATURES)
    assert e.probability(tuple(x)) == pytest.approx(1 / (1 + 2.718281828459045**9))
    x[hm.FEATURES.index("by_prefix")] = 1.0
    assert e.probability(tuple(x)) == pytest.approx(1 / (1 + 2.718281828459045**-2))
    huge = hm.Ensemble({"init": 5000.0, "rate": 1.0, "trees": []})
    assert huge.probability(tuple(x)) == pytest.approx(1.0) and huge.threshold == 0.5
    assert hm.Ensemble({"init": -5000.0, "rate": 1.0, "trees": []}).probability(tuple(x)) < 1e-9


def test_the_model_overrides_the_rules_where_it_is_sure() -> None:
    lines, start, _ = locate(PAGE)
    header = read_header(lines, start, model=False)
    model = hm.HeaderModel(
        {
            "title": hm.Ensemble(_stump("title_form", 3.0)),  # the <title> line
            "byline": hm.Ensemble(_stump("by_prefix", 3.0)),
            "date": hm.Ensemble(_stump("published_word", 3.0)),
        },
        hm.FEATURES,
    )
    header.authors, header.published_at = [], None
    seen = learned(header, lines, start, model)
    assert header.title == "Tram line extended to the north"  # the <title>'s head
    assert header.used[0] == "title" and list(header.used.values()).count("title") == 1
    assert header.authors == ["Jane Roe", "John Smith"]
    assert header.published_at == datetime(2024, 3, 3, 10, 15, tzinfo=UTC)
    assert set(seen) == {"title", "byline", "date"} and min(seen.values()) > 0.9
    unsure = hm.HeaderModel(
        {f: hm.Ensemble({**_stump("by_prefix", 3.0), "threshold": 0.999}) for f in hm.FIELDS},
        hm.FEATURES,
    )
    kept = read_header(lines, start, model=False)
    before = (kept.title, list(kept.authors), kept.published_at)
    learned(kept, lines, start, unsure)
    assert (kept.title, kept.authors, kept.published_at) == before


def test_load_reads_a_model_with_these_features_only(tmp_path: Path) -> None:
    spec = {"features": list(hm.FEATURES), "fields": {f: _stump("words", 1.0) for f in hm.FIELDS}}
    path = tmp_path / "m.json"
    path.write_text(json.dumps(spec))
    loaded = hm.load(path)
    assert loaded is not None and set(loaded.fields) == set(hm.FIELDS)
    other = tmp_path / "other.json"
    other.write_text(json.dumps({**spec, "features": ["words"]}))
    assert hm.load(other) is None
    assert hm.load(tmp_path / "missing.json") is None


# --- the builder ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://www.bbc.co.uk/news/x", "bbc.co.uk"),
        ("https://edition.cnn.com/a", "cnn.com"),
        ("http://spiegel.de/b", "spiegel.de"),
        ("https://news.example.org.au/c", "example.org.au"),
    ],
)
def test_domain_is_the_publisher(url: str, want: str) -> None:
    assert hl.domain(url) == want


ARTICLE_HTML = (
    "<html lang='de'><head><title>Tram line extended to the north | City News</title>"
    '<meta property="og:title" content="Tram line extended to the north">'
    '<meta name="author" content="Jane Roe">'
    '<meta property="article:published_time" content="2024-03-03T10:15:00+01:00">'
    "</head><body><nav>Home</nav><h1>Tram line extended to the north</h1>"
    "<p>By Jane Roe</p><p>3 March 2024</p>"
    f"<p>{PROSE}</p><p>{PROSE}</p><p>{PROSE}</p></body></html>"
)


# the same page with a teaser above the headline: a title candidate that is not the title
TEASED_HTML = ARTICLE_HTML.replace(
    "<nav>Home</nav>", "<nav>Home</nav><p>Weather and traffic in the north</p>"
)


def test_pages_reads_the_three_layouts(tmp_path: Path) -> None:
    bench = tmp_path / "extraction"
    (bench / "html").mkdir(parents=True)
    (bench / "html" / "a.html.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    (bench / "ground-truth.json").write_text(json.dumps({"a": {"url": "https://www.x.com/1"}}))
    traf = tmp_path / "traf"
    (traf / "tests" / "eval").mkdir(parents=True)
    (traf / "tests" / "eval" / "p.html").write_text(ARTICLE_HTML)
    (traf / "tests" / "evaldata.json").write_text(
        json.dumps({"https://blog.y.org/p": {"file": "p.html"}})
    )
    read = tmp_path / "read"
    (read / "test" / "test-pages" / "nytimes-2").mkdir(parents=True)
    (read / "test" / "test-pages" / "nytimes-2" / "source.html").write_text(ARTICLE_HTML)
    found = [(p.group, p.source, p.url) for f in (bench, traf, read) for p in hl.pages(f)]
    assert found == [
        ("x.com", "extraction", "https://www.x.com/1"),
        ("y.org", "trafilatura", "https://blog.y.org/p"),
        ("readability:nytimes", "readability", ""),
    ]
    # an extraction page without a URL: its key is its publisher, and it has no URL
    (bench / "html" / "b.html.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    (bench / "ground-truth.json").write_text(json.dumps({"b": {}}))
    assert [(p.group, p.url) for p in hl.pages(bench)] == [("b", "")]
    assert list(hl.pages(tmp_path / "nothing")) == []


def test_a_page_is_labelled_by_its_own_metadata() -> None:
    example = hl.label(hl.Page("x.com", ARTICLE_HTML, "extraction"))
    assert example is not None and example.language == "de"
    assert example.truth.title == "Tram line extended to the north"
    marked = {
        f: [c.line.text for c, y in zip(example.candidates, example.labels[f], strict=True) if y]
        for f in hm.FIELDS
    }
    assert "Tram line extended to the north" in marked["title"]
    assert "Tram line extended to the north | City News" in marked["title"]  # its head
    assert marked["byline"] == ["By Jane Roe"]
    assert marked["date"] == ["3 March 2024"]
    assert hl.label(hl.Page("x", "<html><body></body></html>", "s")) is None
    for field in hm.FIELDS:
        assert hl.has_truth(example, field)


def test_right_field_scores_title_authors_and_day() -> None:
    example = hl.label(hl.Page("x.com", ARTICLE_HTML, "extraction"))
    assert example is not None
    h = Header(title="TRAM line extended to the north!", authors=["Jane Roe", "Max Mustermann"])
    assert hl.right_field(example, "title", h) == 1.0
    assert hl.right_field(example, "byline", h) == pytest.approx(2 / 3)
    assert hl.right_field(example, "date", h) == 0.0
    h.published_at, h.published_offset = datetime(2024, 3, 2, 23, 30, tzinfo=UTC), "+01:00"
    assert hl.right_field(example, "date", h) == 1.0  # the same day where it was published
    h.published_offset = None
    assert hl.right_field(example, "date", h) == 0.0


def test_fit_learns_a_field_and_exports_trees_read_without_scikit_learn() -> None:
    example = hl.label(hl.Page("x.com", ARTICLE_HTML, "extraction"))
    assert example is not None
    examples = [example] * 3
    spec = hl.fit(examples, "byline")
    assert spec["threshold"] in hl.THRESHOLDS and spec["trees"]
    model = hm.HeaderModel({"byline": hm.Ensemble(spec)}, hm.FEATURES)
    best = model.best("byline", example.candidates)
    assert best is not None and best[0].text == "By Jane Roe" and best[1] > 0.9
    header, p = hl.apply(example, model, "byline")
    assert header.authors == ["Jane Roe"] and p == pytest.approx(best[1])


def test_a_title_with_its_site_is_labelled_by_the_headline_the_page_prints() -> None:
    page = ARTICLE_HTML.replace(
        'content="Tram line extended to the north"',
        'content="Tram line extended to the north - City News"',
    ).replace("<title>Tram line extended to the north | City News</title>", "")
    example = hl.label(hl.Page("x.com", page, "extraction"))
    assert example is not None and example.truth.title == "Tram line extended to the north"
    assert sum(example.labels["title"]) == 1


LEAD = (
    "The tram line opens on Monday after three years of work, the council said. "
    "It runs from the station to the port and stops at nine places on the way."
)
FEATURE_PAGE = "\n".join(
    [
        "Tram line opens | City News",
        "Tram line opens",
        "TRAM LINE OPENS",
        "Tram line opens",
        "By Ann Lee",
        "Ann Lee Smith",
        "Updated 3 March 2024 10:15",
        "Photo: Ann Lee",
        "",
        LEAD,
        LEAD.replace("Monday", "Tuesday"),
        LEAD.replace("council", "mayor"),
        LEAD.replace("port", "airport"),
    ]
)
# every feature that is not 0, worked out by hand for each line of FEATURE_PAGE
_BODY_LINE = {"in_body": 1.0, "from_top": 8.0, "relative": 1.0, "words": 30.0,
              "log_words": 3.434, "capitalised": 0.1, "upper": 0.026, "ends_stop": 1.0,
              "prose": 1.0, "score": 30.0}  # fmt: skip
EXPECTED = {
    0: {"to_body": 8.0, "words": 6.0, "chars": 27.0, "log_words": 1.946, "capitalised": 0.6,
        "upper": 0.143, "separator": 1.0, "title_form": 1.0, "lead_overlap": 0.6,
        "score": -8.0, "rule_page_title": 1.0},
    1: {"to_body": 7.0, "from_top": 1.0, "relative": 0.125, "words": 3.0, "chars": 15.0,
        "log_words": 1.386, "capitalised": 0.333, "upper": 0.077, "in_first_line": 1.0,
        "repeats": 1.0, "lead_overlap": 1.0, "score": -5.0, "rule_source": 1.0},
    2: {"to_body": 6.0, "from_top": 2.0, "relative": 0.25, "words": 3.0, "chars": 15.0,
        "log_words": 1.386, "capitalised": 1.0, "upper": 1.0, "in_first_line": 1.0,
        "lead_overlap": 1.0, "names_shape": 1.0, "byline_names": 1.0, "score": -5.0,
        "rule_byline": 1.0},
    3: {"to_body": 5.0, "from_top": 3.0, "relative": 0.375, "words": 3.0, "chars": 15.0,
        "log_words": 1.386, "capitalised": 0.333, "upper": 0.077, "in_first_line": 1.0,
        "repeats": 1.0, "lead_overlap": 1.0, "score": -5.0, "rule_title": 1.0},
    4: {"to_body": 4.0, "from_top": 4.0, "relative": 0.5, "words": 3.0, "chars": 10.0,
        "log_words": 1.386, "capitalised": 1.0, "upper": 0.375, "by_prefix": 1.0,
        "names_shape": 1.0, "by_anywhere": 1.0, "byline_names": 1.0, "known_names": 1.0,
        "score": -5.0, "rule_byline": 1.0},
    5: {"to_body": 3.0, "from_top": 5.0, "relative": 0.625, "words": 3.0, "chars": 13.0,
        "log_words": 1.386, "capitalised": 1.0, "upper": 0.273, "names_shape": 1.0,
        "byline_names": 1.0, "known_names": 1.0, "score": -5.0, "rule_byline": 1.0},
    6: {"to_body": 2.0, "from_top": 6.0, "relative": 0.75, "words": 5.0, "chars": 26.0,
        "log_words": 1.792, "capitalised": 0.333, "upper": 0.167, "digits": 0.346,
        "has_date": 1.0, "short_date": 1.0, "dateline": 1.0, "published_word": 1.0,
        "score": -7.0, "rule_date": 1.0},
    7: {"to_body": 1.0, "from_top": 7.0, "relative": 0.875, "words": 3.0, "chars": 14.0,
        "log_words": 1.386, "capitalised": 1.0, "upper": 0.273, "names_shape": 1.0,
        "boilerplate": 1.0, "score": -15.0},
    9: {**_BODY_LINE, "chars": 148.0},
    10: {**_BODY_LINE, "to_body": -1.0, "chars": 149.0},
    11: {**_BODY_LINE, "to_body": -2.0, "chars": 146.0},
}  # fmt: skip


def test_every_feature_of_every_candidate_line() -> None:
    lines, start, _ = locate(FEATURE_PAGE)
    assert start == 9
    rules = read_header(lines, start, model=False)
    found = hm.candidates(lines, start, rules.used)
    assert [c.line.index for c in found] == sorted(EXPECTED)
    for c in found:
        own = zip(hm.FEATURES[: hm._BASE], c.features[: hm._BASE], strict=True)
        got = {k: round(v, 3) for k, v in own if v}
        # no URL given: no slug, and no day for a date to agree with (-1)
        assert got == {**EXPECTED[c.line.index], "url_day": -1.0}, c.line.text


def test_a_line_agrees_with_the_url_s_slug_and_day() -> None:
    lines, start, _ = locate(FEATURE_PAGE)
    rules = read_header(lines, start, model=False)
    url = "https://news.example.org/city/2024/03/03/tram-line-opens-north"
    found = {c.line.index: c for c in hm.candidates(lines, start, rules.used, url)}
    title = found[1]  # "Tram line opens"
    assert _feature(title, "has_slug") == 1.0
    assert _feature(title, "slug_share") == 1.0  # all three words in the slug
    assert _feature(title, "slug_cover") == pytest.approx(3 / 4)  # "north" is not in it
    assert _feature(title, "url_day") == -1.0  # no date in the line
    assert _feature(found[6], "url_day") == 1.0  # "Updated 3 March 2024 10:15"
    assert _feature(found[6], "slug_share") == 0.0
    other = {
        c.line.index: c
        for c in hm.candidates(lines, start, rules.used, url.replace("03/03", "03/04"))
    }
    assert _feature(other[6], "url_day") == 0.0  # another day
    bare = {c.line.index: c for c in hm.candidates(lines, start, rules.used, "https://e.org/a")}
    assert _feature(bare[1], "has_slug") == 0.0 and _feature(bare[1], "slug_cover") == 0.0


# the neighbours' features (CONTEXT, before then after; -1 where there is none) and the
# ranks, worked out by hand from EXPECTED for three lines of FEATURE_PAGE
_NONE = [-1.0] * 7
CONTEXT_EXPECTED = {
    # first line: nothing before it; "Tram line opens" after (3 words); longer lines: the
    # three body lines; lines 1-3 share more of the lead; lines 1-6 are eligible headlines
    0: [*_NONE, 0.0, 0.0, 0.0, 0.0, 3.0, 0.0, 0.0, 3.0, 3.0, 6.0, 0.0],
    # between "TRAM LINE OPENS" (names' shape, read as a byline) and "By Ann Lee"
    3: [0.0, 0.0, 1.0, 0.0, 3.0, 1.0, 0.0, 0.0, 1.0, 1.0, 0.0, 3.0, 1.0, 1.0, 5.0, 0.0, 3.0, 0.0],
    # the date line (5 words: only the first line and the body longer): "Ann Lee Smith"
    # before it, the boilerplate "Photo: Ann Lee" after, nothing eligible below; no line of
    # this page is outside the window (the last of each list: "far")
    6: [0.0, 0.0, 1.0, 0.0, 3.0, 1.0, 0.0, 0.0, 0.0, 1.0, 1.0, 3.0, 0.0, 0.0, 4.0, 4.0, 0.0, 0.0],
    # the last body line: its prose neighbour before, nothing after
    11: [0.0, 0.0, 0.0, 0.0, 30.0, 0.0, 0.0, *_NONE, 0.0, 4.0, 0.0, 0.0],
}


def test_each_line_carries_its_neighbours_and_its_ranks() -> None:
    lines, start, _ = locate(FEATURE_PAGE)
    rules = read_header(lines, start, model=False)
    found = {c.line.index: c for c in hm.candidates(lines, start, rules.used)}
    assert len(hm.FEATURES) == hm._BASE + 2 * len(hm.CONTEXT) + 4
    for index, want in CONTEXT_EXPECTED.items():
        assert list(found[index].features[hm._BASE :]) == want, index
    # every line after the first carries the one before it, every line but the last the next
    ordered = list(found.values())
    at = [hm.FEATURES.index(name) for name in hm.CONTEXT]
    n = len(hm.CONTEXT)
    for before, c, after in zip(ordered, ordered[1:], ordered[2:], strict=False):
        assert list(c.features[hm._BASE : hm._BASE + n]) == [before.features[i] for i in at]
        assert list(c.features[hm._BASE + n : hm._BASE + 2 * n]) == [after.features[i] for i in at]


def test_the_first_line_is_always_a_candidate_and_a_page_without_lines_has_none() -> None:
    header = ["Site menu item", *[f"Link number {i}" for i in range(hm.ABOVE + 5)]]
    lines, start, _ = locate("\n".join([*header, "", LEAD, LEAD, LEAD]))
    found = hm.candidates(lines, start, {})
    assert found[0].line.index == 0 and found[1].line.index == len(header) - hm.ABOVE
    assert len(found) == hm.ABOVE + 1 + hm.INTO
    assert hm.candidates(locate("")[0], 0, {}) == []
    # the body's opening stops gathering words at 60: a page that is all body
    one, s, _ = locate(LEAD * 5)
    assert [c.line.index for c in hm.candidates(one, s, {})] == [0]


def test_a_tree_goes_left_at_its_threshold_and_reads_feature_zero() -> None:
    tree = [[0, 2.0, 1, 2, 0.0], [-1, 0.0, -1, -1, -1.0], [-1, 0.0, -1, -1, 1.0]]
    e = hm.Ensemble({"init": 0.0, "rate": 1.0, "trees": [tree], "threshold": 0.7})
    x = [0.0] * len(hm.FEATURES)
    x[0] = 2.0  # at the threshold: left
    assert e.probability(tuple(x)) == pytest.approx(1 / (1 + 2.718281828459045))
    x[0] = 2.5
    assert e.probability(tuple(x)) == pytest.approx(1 / (1 + 2.718281828459045**-1))
    assert e.threshold == 0.7
    low = hm.Ensemble({"init": -45.0, "rate": 1.0, "trees": []})
    assert low.probability(tuple(x)) == 1.0 / (1.0 + math.exp(40.0))


def test_pages_carry_their_html_as_text_whatever_its_bytes(tmp_path: Path) -> None:
    raw = ARTICLE_HTML.encode() + b"<!-- \xff -->"
    bench = tmp_path / "extraction"
    (bench / "html").mkdir(parents=True)
    (bench / "html" / "a.html.gz").write_bytes(gzip.compress(raw))
    (bench / "html" / "b.html.gz").write_bytes(gzip.compress(raw))
    (bench / "ground-truth.json").write_text(
        json.dumps({"a": {"url": "https://www.x.com/1"}, "b": {}, "c": {"url": "https://z.com"}})
    )
    traf = tmp_path / "traf"
    (traf / "tests" / "eval").mkdir(parents=True)
    (traf / "tests" / "eval" / "p.html").write_bytes(raw)
    (traf / "tests" / "evaldata.json").write_text(
        json.dumps({"https://y.org/p": {"file": "p.html"}, "https://q.org": {"file": "no.html"}})
    )
    read = tmp_path / "read"
    (read / "test" / "test-pages" / "bbc-1").mkdir(parents=True)
    (read / "test" / "test-pages" / "bbc-1" / "source.html").write_bytes(raw)
    (read / "test" / "test-pages" / "empty").mkdir(parents=True)
    found = [p for f in (bench, traf, read) for p in hl.pages(f)]
    assert [p.group for p in found] == ["x.com", "b", "y.org", "readability:bbc"]
    want = raw.decode("utf-8", "replace")
    assert all(p.html == want for p in found) and "\ufffd" in want


def test_a_text_without_its_title_line_starts_at_the_first_visible_line() -> None:
    with_title = hl.label(hl.Page("x.com", ARTICLE_HTML, "extraction"), with_title=True)
    without = hl.label(hl.Page("x.com", ARTICLE_HTML, "extraction"), with_title=False)
    assert with_title is not None and without is not None
    assert with_title.with_title and not without.with_title
    assert with_title.lines[0].text == "Tram line extended to the north | City News"
    assert [ln.text for ln in without.lines] == [ln.text for ln in with_title.lines][1:]
    assert without.body_start == with_title.body_start - 1
    assert without.rules.title == "Tram line extended to the north"
    untitled = ARTICLE_HTML.replace(
        "<title>Tram line extended to the north | City News</title>", ""
    )
    kept = hl.label(hl.Page("x.com", untitled, "extraction"), with_title=False)
    assert kept is not None  # nothing to drop: its first visible line stays
    assert next(ln.text for ln in kept.lines if ln.words) == "Home"
    bare = "<html><head><title>Only a title</title></head><body></body></html>"
    assert hl.label(hl.Page("x", bare, "s"), with_title=False) is None


@pytest.mark.parametrize(
    ("offset", "day"),
    [(None, 3), ("+05:30", 4), ("-03:00", 3), ("-23:30", 2), ("+00:45", 4), ("+00:35", 3)],
)
def test_local_day_is_the_day_where_it_was_published(offset: str | None, day: int) -> None:
    at = datetime(2024, 3, 3, 23, 20, tzinfo=UTC)  # 23:20 UTC
    assert hl.local_day(at, offset) == datetime(2024, 3, day).date()
    assert hl.local_day(datetime(2024, 3, 3, 23, 0, tzinfo=UTC), "+01:00").day == 4
    assert hl.local_day(datetime(2024, 3, 3, 23, 30, tzinfo=UTC), "+00:29").day == 3


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://a.b.gov.uk/x", "b.gov.uk"),
        ("https://shop.example.net.br/x", "example.net.br"),
        ("https://x.ac.jp/y", "x.ac.jp"),
        ("https://www.co.org/y", "co.org"),
        ("https://WWW.Example.COM/y", "example.com"),
        ("example-page-name", ""),
        ("http://[::1/x", ""),  # malformed: no publisher
        ("", ""),
    ],
)
def test_domain_keeps_a_generic_second_level_label(url: str, want: str) -> None:
    assert hl.domain(url) == want


def test_right_field_edges() -> None:
    example = hl.label(hl.Page("x.com", ARTICLE_HTML, "extraction"))
    assert example is not None
    example.truth.authors = []
    assert hl.right_field(example, "byline", Header()) == 1.0  # none said, none found
    assert hl.right_field(example, "byline", Header(authors=["Ann Lee"])) == 0.0
    example.truth.published_at = None
    assert (
        hl.right_field(example, "date", Header(published_at=datetime(2024, 1, 1, tzinfo=UTC)))
        == 0.0
    )
    assert not hl.has_truth(example, "byline") and not hl.has_truth(example, "date")
    assert hl.normal("  Tram-Line, OPENS! ") == "tram line opens"


def test_the_threshold_is_where_the_model_and_the_rules_together_read_most() -> None:
    # (probability, score with the model's pick, score with the rules' reading)
    assert hl.choose_threshold([(0.35, 1.0, 0.0), (0.25, 0.0, 1.0)]) == 0.3
    assert hl.choose_threshold([(0.75, 1.0, 0.0), (0.65, 0.0, 1.0)]) == 0.7
    assert hl.choose_threshold([(0.3, 1.0, 0.0), (0.25, 0.0, 1.0)]) == 0.3  # p >= t: model
    assert hl.choose_threshold([(0.95, 1.0, 0.0), (0.25, 0.0, 1.0)]) == 0.5  # equals: 0.5
    assert hl.choose_threshold([(0.45, 1.0, 0.0)]) == 0.4  # of 0.1-0.4, the nearest 0.5
    assert hl.choose_threshold([(0.55, 0.0, 1.0)]) == 0.6
    assert hl.choose_threshold([]) == 0.5


def test_fit_reads_only_pages_with_the_field_and_titles_among_title_candidates() -> None:
    page = TEASED_HTML
    example = hl.label(hl.Page("x.com", page, "extraction"))
    assert example is not None
    spec = hl.fit([example] * 20, "title")
    model = hm.HeaderModel({"title": hm.Ensemble(spec)}, hm.FEATURES)
    header, p = hl.apply(example, model, "title")
    assert header.title == "Tram line extended to the north" and p > 0.5
    assert all(len(node) == 5 for tree in spec["trees"] for node in tree)
    leaves = [n for tree in spec["trees"] for n in tree if n[0] == -1]
    assert leaves and all(n[1] == 0.0 and n[2] == n[3] == -1 for n in leaves)
    # two of the four title candidates (the body's first line is one) hold the title: the
    # trees start from its log-odds
    assert spec["rate"] == 0.1 and spec["init"] == pytest.approx(math.log(2 / 2))


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://www.smh.com.au/x", "smh.com.au"),
        ("https://www.abc.net.au/x", "abc.net.au"),
        ("https://wwwnews.example.com/x", "example.com"),
        ("https://www.bbc.co.uk", "bbc.co.uk"),
    ],
)
def test_domain_of_more_publishers(url: str, want: str) -> None:
    assert hl.domain(url) == want


def test_a_line_is_read_by_its_head_but_measured_whole() -> None:
    long_line = "Ann Lee 3 March 2024 " + "word " * 2000 + "end."
    lines, start, _ = locate("Tram line opens today\n\n" + long_line + "\n\n" + LEAD)
    found = {c.line.index: c for c in hm.candidates(lines, start, {})}
    c = next(c for c in found.values() if c.line.text.startswith("Ann Lee"))
    assert _feature(c, "chars") == len(long_line) and _feature(c, "ends_stop") == 1.0
    assert _feature(c, "has_date") == 1.0  # found in the head
    assert hm.HEAD_CHARS == 400


def test_main_trains_on_every_page_four_times_and_writes_a_model_the_stage_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = TEASED_HTML
    bench = tmp_path / "extraction"
    (bench / "html").mkdir(parents=True)
    truth = {}
    for i in range(10):
        (bench / "html" / f"p{i}.html.gz").write_bytes(gzip.compress(page.encode()))
        truth[f"p{i}"] = {"url": f"https://www.site{i}.com/a"}
    (bench / "ground-truth.json").write_text(json.dumps(truth))
    examples = hl.load_examples([bench])
    assert len(examples) == 40
    assert [(e.with_title, e.url) for e in examples[:4]] == [
        (True, "https://www.site0.com/a"),
        (False, "https://www.site0.com/a"),
        (True, None),
        (False, None),
    ]
    out = tmp_path / "model.json"
    assert hl.main([str(bench), "--out", str(out)]) == 0
    assert "40 pages from 10 publishers" in capsys.readouterr().out
    spec = json.loads(out.read_text())
    assert spec["features"] == list(hm.FEATURES) and set(spec["fields"]) == set(hm.FIELDS)
    assert spec["trained_on"]["pages"] == 40 and spec["trained_on"]["publishers"] == 10
    assert spec["trained_on"]["sets"] == ["extraction"]
    model = hm.load(out)
    assert model is not None
    lines, start, _ = examples[0].lines, examples[0].body_start, None
    header = read_header(lines, start, model=False)
    learned(header, lines, start, model)
    assert header.title == "Tram line extended to the north"
    assert header.authors == ["Jane Roe"]


@pytest.mark.parametrize(
    ("reading", "allowed"),
    [
        (None, True),
        ("section", True),  # a kicker the rules took for a section: the model weighs it
        ("title", True),
        ("source", False),
        ("byline", False),
        ("date", False),
        ("breadcrumb", False),
    ],
)
def test_a_headline_is_never_a_byline_date_source_or_breadcrumb(reading: str | None, allowed: bool):
    from streams.processors.clean.header import title_candidate

    lines, start, _ = locate(FEATURE_PAGE)
    found = {c.line.index: c for c in hm.candidates(lines, start, {})}
    used = {3: reading} if reading else {}
    assert title_candidate(found[3], start, used) is allowed
    # the first line only in the <title> form; boilerplate and the body past its first
    # line never
    assert title_candidate(found[0], start, used)
    lines2, start2, _ = locate(FEATURE_PAGE.replace(" | City News", ""))
    plain_first = hm.candidates(lines2, start2, {})[0]
    assert plain_first.line.index == 0 and not title_candidate(plain_first, start2, {})
    assert title_candidate(found[9], start, {})  # the body's first line: its headline, maybe
    assert not title_candidate(found[10], start, {})  # the body's second line
    assert not title_candidate(found[7], start, {})  # "Photo: Ann Lee", boilerplate


def test_a_one_word_line_and_a_by_inside_a_line_are_features() -> None:
    page = "\n".join(
        ["Wind farm wins approval today", "Tine", "3 May 2024 by Ute Lenz /", "", LEAD]
    )
    lines, start, _ = locate(page)
    found = {
        c.line.text: dict(zip(hm.FEATURES, c.features, strict=True))
        for c in hm.candidates(lines, start, {})
    }
    assert (found["Tine"]["one_word"], found["Tine"]["by_anywhere"]) == (1.0, 0.0)
    dated = found["3 May 2024 by Ute Lenz /"]
    assert (dated["one_word"], dated["by_anywhere"], dated["byline_names"], dated["by_prefix"]) == (
        0.0,
        1.0,
        1.0,
        0.0,
    )
    assert found["Wind farm wins approval today"]["byline_names"] == 0.0
    assert found["Tine"]["byline_names"] == 1.0


def test_a_line_starting_with_any_byline_word_has_the_by_prefix() -> None:
    page = "\n".join(
        ["Wind farm wins approval today", "Autor: Ute Lenz", "Posted by Ute Lenz", "", LEAD]
    )
    lines, start, _ = locate(page)
    prefix = hm.FEATURES.index("by_prefix")
    found = {c.line.text: c.features[prefix] for c in hm.candidates(lines, start, {})}
    assert (found["Autor: Ute Lenz"], found["Posted by Ute Lenz"]) == (1.0, 0.0)


def test_the_model_reads_names_from_a_byline_s_head_only() -> None:
    people = [f"Ann Lee{chr(97 + k)}" for k in range(26)]
    line = "By " + ", ".join(people) + ", " + "Bo Ek, " * 30 + "Zed Quist"
    lines, start, _ = locate(PAGE.replace("By Jane Roe and John Smith", line))
    # (the long byline is where the body starts: the title is the line the rules read so)
    stumps = {f: _stump("rule_title" if f == "title" else "by_prefix", 3.0) for f in hm.FIELDS}
    model = hm.HeaderModel({f: hm.Ensemble(s) for f, s in stumps.items()}, hm.FEATURES)
    header = Header()
    learned(header, lines, start, model)
    assert line.index("Zed") > hm.HEAD_CHARS > line.index("Bo Ek")
    assert header.authors[:27] == [*people, "Bo Ek"]
    assert "Zed Quist" not in header.authors  # past the head


def test_a_headline_read_from_the_body_s_first_line_leaves_the_body(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from streams.processors.clean import header as header_module
    from streams.processors.clean.plain import extract_text

    # a model sure of the body's first line as the headline, of nothing else
    stumps = {f: _stump("in_body" if f == "title" else "one_word", 3.0) for f in hm.FIELDS}
    model = hm.HeaderModel({f: hm.Ensemble(s) for f, s in stumps.items()}, hm.FEATURES)
    monkeypatch.setattr(header_module.header_model, "load", lambda: model)
    out = extract_text("\n".join([PROSE, PROSE.replace("council", "mayor")]))
    assert out.header.title == PROSE  # the body's first line, as the stump is sure
    assert PROSE not in out.text and out.text.startswith("The mayor voted")
    # a one-line brief stays its own body, headline or not
    brief = extract_text("Harbour board approves the new ferry timetable for the winter.")
    assert brief.text == "Harbour board approves the new ferry timetable for the winter."
    assert brief.quality.method == "body"  # found as a body, not kept as every line


def _marked(example: hl.Example, field: str) -> list[str]:
    return [
        c.line.text for c, y in zip(example.candidates, example.labels[field], strict=True) if y
    ]


def test_a_page_is_given_with_its_url_or_its_canonical_link_or_none() -> None:
    url = "https://www.x.com/city/2024/03/05/tram-line-extended-north"
    undated = ARTICLE_HTML.replace("<p>3 March 2024</p>", "")
    example = hl.label(hl.Page("x.com", undated, "extraction", url))
    assert example is not None and example.url == url and example.with_url
    assert example.html == undated
    # the rules read the URL's day where the text prints none; the lines its slug
    assert example.rules.published_at == datetime(2024, 3, 5, tzinfo=UTC)
    title = next(c for c in example.candidates if c.line.text == "Tram line extended to the north")
    assert _feature(title, "has_slug") == 1.0 and _feature(title, "slug_cover") == 1.0
    bare = hl.label(hl.Page("x.com", undated, "extraction", url), with_url=False)
    assert bare is not None and bare.url is None and not bare.with_url
    assert bare.rules.published_at is None
    assert all(_feature(c, "has_slug") == 0.0 for c in bare.candidates)
    linked = undated.replace("</head>", '<link rel="canonical" href="https://x.com/a-b-c"></head>')
    canonical = hl.label(hl.Page("x.com", linked, "extraction"))
    assert canonical is not None and canonical.url == "https://x.com/a-b-c"
    unlinked = hl.label(hl.Page("x.com", undated, "extraction"))
    assert unlinked is not None and unlinked.url is None


def test_without_its_title_line_a_text_starts_at_what_the_page_shows() -> None:
    alone = "<html><head><title>Only a title here</title></head><body></body></html>"
    assert hl.label(hl.Page("x", alone, "s"), with_title=False) is None
    assert hl.label(hl.Page("x", alone, "s"), with_title=True) is not None
    untitled = ARTICLE_HTML.replace(
        "<title>Tram line extended to the north | City News</title>", ""
    ).replace("<nav>Home</nav>", "<nav>Home page of the city</nav>")
    example = hl.label(hl.Page("x", untitled, "s"), with_title=False)
    assert example is not None  # no <title>: the first visible line stays
    assert example.candidates[0].line.text == "Home page of the city"


def test_labels_read_days_where_they_were_written_and_short_bylines_only() -> None:
    page = (
        ARTICLE_HTML.replace("lang='de'", "lang='de-AT'")
        .replace("2024-03-03T10:15:00+01:00", "2024-03-03T00:30:00+01:00")
        .replace("<p>3 March 2024</p>", "<p>3 March 2024, 00:30 CET</p>")
    )
    example = hl.label(hl.Page("x", page, "s"))
    assert example is not None and example.language == "de"
    assert _marked(example, "date") == ["3 March 2024, 00:30 CET"]  # 2 March in UTC
    words = " ".join(["word"] * 17)
    for count, line in ((20, f"By Jane Roe {words}"), (21, f"By Jane Roe {words} more")):
        long = ARTICLE_HTML.replace("<p>By Jane Roe</p>", f"<p>{line}</p>")
        found = hl.label(hl.Page("x", long, "s"))
        assert found is not None
        assert _marked(found, "byline") == ([line] if count <= 20 else []), count


def test_a_title_with_its_site_stays_whole_unless_the_page_prints_its_head() -> None:
    site = ARTICLE_HTML.replace(
        'content="Tram line extended to the north"',
        'content="Tram line extended to the north - City News"',
    )
    # printed whole and as its head: the whole line the page prints is the title
    whole = site.replace(
        "<h1>Tram line extended to the north</h1>",
        "<h1>Tram line extended to the north - City News</h1><p>Tram line extended to the north</p>",
    )
    example = hl.label(hl.Page("x", whole, "s"))
    assert example is not None
    assert example.truth.title == "Tram line extended to the north - City News"
    # printed in neither form: the metadata's title stands
    neither = site.replace("<h1>Tram line extended to the north</h1>", "<h1>Trams</h1>")
    other = hl.label(hl.Page("x", neither, "s"), with_title=False)
    assert other is not None and other.truth.title == "Tram line extended to the north - City News"


def test_a_date_s_day_moves_by_its_offset_only() -> None:
    from datetime import date

    from streams.processors.clean.dates import Dated

    assert Dated(datetime(2024, 3, 2, 23, 30, tzinfo=UTC), 60).day == date(2024, 3, 3)
    assert Dated(datetime(2024, 3, 3, 0, 30, tzinfo=UTC), -60).day == date(2024, 3, 2)
    late = Dated(datetime(2024, 3, 2, 23, 59, 30, tzinfo=UTC), None)
    assert late.day == date(2024, 3, 2)  # no zone: the day in UTC


FAR_HEADER = [
    "Tram line opens north | City News",
    "Tram line opens north",
    *[f"Link number {i}" for i in range(hm.ABOVE + 5)],
]


def test_a_line_far_from_the_body_is_a_candidate_when_it_echoes_the_title_or_the_slug() -> None:
    lines, start, _ = locate("\n".join([*FAR_HEADER, "", LEAD, LEAD, LEAD]))
    found = hm.candidates(lines, start, {})
    far = [c.line.text for c in found if _feature(c, "far") == 1.0]
    # inside the page's first line and shorter than it; the first line itself is no echo
    assert far == ["Tram line opens north"]
    assert [c.line.index for c in found] == sorted(c.line.index for c in found)
    assert len(found) == hm.ABOVE + 2 + hm.INTO
    # the slug "link-number-story": two of its three words in every menu line, at most FAR
    url = "https://city.example/2024/link-number-story"
    found = hm.candidates(lines, start, {}, url)
    far = [c.line.index for c in found if _feature(c, "far") == 1.0]
    assert far == [1, 2, 3, 4, 5] and hm.FAR == 5
    # three of four words ("link-number-story-told") is short of SLUG_ECHO
    found = hm.candidates(lines, start, {}, url + "-told")
    assert [c.line.index for c in found if _feature(c, "far") == 1.0] == [1]


def test_echoes() -> None:
    slug = frozenset({"tram", "line", "opens", "north", "today"})
    assert hm._echoes("Tram line opens", "tram line opens | city news", frozenset())
    assert not hm._echoes("Tram line opens | City News", "tram line opens | city news", frozenset())
    assert hm._echoes("Line opens north", "", slug)  # 3 of 5: SLUG_ECHO
    assert not hm._echoes("Line opens", "", slug)  # 2 of 5
    assert hm.SLUG_ECHO == 0.6


def test_a_far_line_deep_in_the_body_may_be_the_headline() -> None:
    from streams.processors.clean.header import title_candidate

    body = [LEAD.replace("Monday", f"day {i}") for i in range(8)]
    text = "\n".join(
        ["Tram line opens north | City News", "Menu", "", *body, "Tram line opens north"]
    )
    lines, start, _ = locate(text)
    found = {c.line.text: c for c in hm.candidates(lines, start, {})}
    deep = found["Tram line opens north"]
    assert _feature(deep, "far") == 1.0 and _feature(deep, "to_body") < -hm.INTO
    assert title_candidate(deep, start, {})
    plain = hm.Candidate(
        deep.line,
        tuple(0.0 if n == "far" else v for n, v in zip(hm.FEATURES, deep.features, strict=True)),
    )
    assert not title_candidate(plain, start, {})


def test_a_line_the_patterns_call_a_call_to_action_is_never_the_byline() -> None:
    from streams.processors.clean.header import NEVER_BYLINE

    text = "\n".join(
        [
            "Career Network for Defense and Intelligence Jobs - JOIN NOW",
            "Tram line opens north",
            "Ann Lee",
            "",
            LEAD,
            LEAD,
        ]
    )
    lines, start, _ = locate(text)
    assert lines[0].reason == "call_to_action"
    # a model that likes boilerplate lines best for the byline, then names
    at = hm.FEATURES.index("boilerplate")
    shape = hm.FEATURES.index("names_shape")
    tree = [[at, 0.5, 1, 2, 0.0], [shape, 0.5, 3, 4, 0.0], [-1, 0.0, -1, -1, 9.0],
            [-1, 0.0, -1, -1, -9.0], [-1, 0.0, -1, -1, 5.0]]  # fmt: skip
    never = hm.Ensemble({"init": -40.0, "rate": 0.0, "trees": [], "threshold": 1.0})
    byline = hm.Ensemble({"init": 0.0, "rate": 1.0, "trees": [tree], "threshold": 0.5})
    model = hm.HeaderModel({"title": never, "byline": byline, "date": never}, hm.FEATURES)
    assert model.best("byline", hm.candidates(lines, start, {}))[0].index == 0
    header = read_header(lines, start, model=False)
    header.authors = []
    learned(header, lines, start, model)
    assert header.authors == ["Ann Lee"]  # the call to action passed over
    assert NEVER_BYLINE >= {"call_to_action", "navigation", "share", "cookie_or_legal"}
    assert not NEVER_BYLINE & {"photo_credit", "link", "newsletter"}  # they may hold one


def test_a_far_line_is_headline_sized() -> None:
    long_echo = " ".join(["link number story"] * 14)  # 42 words, the slug's every word
    text = "\n".join([*FAR_HEADER[:2], long_echo, *FAR_HEADER[2:], "", LEAD, LEAD, LEAD])
    lines, start, _ = locate(text)
    url = "https://city.example/2024/link-number-story"
    far = [c.line for c in hm.candidates(lines, start, {}, url) if _feature(c, "far") == 1.0]
    assert long_echo not in [ln.text for ln in far] and len(far) == hm.FAR
    assert hm.FAR_WORDS == 40 and lines[2].words == 42
