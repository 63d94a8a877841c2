"""The plain-text header model: its line features, its trees, how it overrides the rules,
and how streams/build/header_lines.py labels real pages by their own metadata."""

from __future__ import annotations

import gzip
import json
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
    found = [(p.group, p.source) for f in (bench, traf, read) for p in hl.pages(f)]
    assert found == [
        ("x.com", "extraction"),
        ("y.org", "trafilatura"),
        ("readability:nytimes", "readability"),
    ]
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
