"""The speaker model (streams/processors/entities/speakers.py) and its training
(streams/build/speakers.py)."""

from __future__ import annotations

import json
import math

import pytest

from streams.build import speakers as build
from streams.processors.entities import speakers
from streams.processors.entities.quotes import find_quotes
from tests.unit.test_quote_rules import Entity, Mention, tagged

CRESPO = (
    "While Obama had many artists writing songs about him, that has not happened for "
    "Clinton, which is something that concerns Henry Crespo, president of the caucus.\n\n"
    '"No one is writing songs for Hillary this year," he said.'
)
PEOPLE = [("Obama", "PERSON"), ("Clinton", "PERSON"), ("Henry Crespo", "PERSON")]


def test_the_window_is_three_paragraphs_before_to_the_one_after():
    text = "0 o\n\nA a\n\nB b\n\nC c\n\nQ q\n\nN n\n\nZ z"
    q = text.index("Q")
    lo, p0, pe, hi = speakers.window(text, q, q + 1)
    assert (text[lo], p0, pe, text[hi - 3 : hi]) == ("A", q, q + 3, "N n")
    assert hi == text.index("N") + 3
    # blank lines of any number between paragraphs; the text's edges
    text = "A a\n\n\n\nQ q"
    assert speakers.window(text, text.index("Q"), len(text)) == (0, 7, 10, 10)
    text = "A a\n\nB b\n\nQ q"
    assert speakers.window(text, text.index("Q"), len(text)) == (0, 10, 13, 13)
    assert speakers.window("Q q", 0, 3) == (0, 0, 3, 3)
    # at most REACH away either side
    long = "x" * 5000 + "\n\nQ q\n\n" + "y" * 5000
    q = long.index("Q")
    lo, _, _, hi = speakers.window(long, q, q + 3)
    assert (lo, hi) == (q - speakers.REACH, q + 3 + speakers.REACH)


def test_mentions_and_quoted_spans_are_looked_up_by_position():
    entities = [
        Entity("Ann", "PERSON", [Mention(10, 13), Mention(40, 43)]),
        Entity("Acme", "ORG", [Mention(20, 24)]),
        Entity("Paris", "GPE", [Mention(30, 35)]),
    ]
    near = speakers.Mentions(entities)
    assert near.within(0, 30) == [(10, 13, 0), (20, 24, 1)]
    assert near.within(11, 41) == [(20, 24, 1), (40, 43, 0)]
    assert near.person_between(9, 41) and near.person_between(10, 41)
    assert not near.person_between(10, 40) and not near.person_between(11, 40)
    quoted = speakers.Quoted([(50, 60), (5, 8)])
    assert [quoted.inside(p) for p in (4, 5, 7, 8, 49, 50, 59, 60)] == [
        False,
        True,
        True,
        False,
        False,
        True,
        True,
        False,
    ]


def candidate_features(text: str, tags: list[tuple[str, str]]) -> dict[str, dict[str, float]]:
    entities = tagged(text, tags)
    found = find_quotes(text, entities, "en")
    assert found
    cands = speakers.article_candidates(text, entities, found)[-1]
    return {entities[i].name: f for i, _, f in cands}


def test_each_candidate_says_where_it_stands_to_the_quotation():
    f = candidate_features(CRESPO, PEOPLE)
    assert set(f) == {"Obama", "Clinton", "Henry Crespo"}
    crespo, obama = f["Henry Crespo"], f["Obama"]
    assert obama["rule"] == 1.0 and crespo["rule"] == 0.0  # the sentence's subject rule
    assert crespo["b_rank0"] == 1.0 and f["Clinton"]["b_rank1"] == 1.0 and obama["b_rank2"] == 1.0
    assert crespo["b_dist"] < obama["b_dist"]
    assert obama["b_first_in_sent"] == 1.0 and crespo["b_first_in_sent"] == 0.0
    assert crespo["b_same_para"] == 0.0 and crespo["b_paras"] == 0.5
    assert crespo["no_after"] == 1.0 and "a_dist" not in crespo
    assert crespo["n_cands"] == pytest.approx(0.3)
    # "he said" after it: every feature crossed with the pronoun; no rule-less crosses set
    assert crespo["pr*b_dist"] == crespo["b_dist"] and crespo["rn*b_dist"] == 0.0
    assert crespo["bias"] == 1.0 and "pr*bias" not in crespo


def test_cues_titles_genders_and_earlier_speakers():
    text = (
        '"We will win this county," Mr. Crespo said on Monday.\n\n'
        "Ms. Lee met Crespo at the rally.\n\n"
        '"No one is writing songs for Hillary this year," she said, Crespo added.'
    )
    f = candidate_features(text, [("Crespo", "PERSON"), ("Lee", "PERSON")])
    crespo, lee = f["Crespo"], f["Lee"]
    assert crespo["spoke_before"] == 1.0 and crespo["last_spoke"] == 1.0
    assert lee["spoke_before"] == 0.0 and lee["last_spoke"] == 0.0
    assert lee["b_title"] == 1.0 and lee["g_f"] == 1.0 and crespo["g_m"] == 1.0
    assert lee["g_agree"] == 1.0 and lee["g_clash"] == 0.0
    assert crespo["g_agree"] == 0.0 and crespo["g_clash"] == 1.0
    # after the quotation: Crespo, beside a speech verb, in the same paragraph
    assert crespo["a_same_para"] == 1.0 and crespo["a_cue_after"] == 1.0
    assert crespo["a_cue_between"] == 1.0  # "said" between the quotation and his name
    assert crespo["a_rank0"] == 1.0 and lee["no_after"] == 1.0
    # the name before a cue, a cue before the name
    text = 'Said Ann Lee on Monday: "We will win this county," and Bob Ray agreed.'
    f = candidate_features(text, [("Ann Lee", "PERSON"), ("Bob Ray", "PERSON")])
    assert f["Ann Lee"]["b_cue_before"] == 1.0 and f["Ann Lee"]["b_cue_after"] == 0.0
    assert f["Ann Lee"]["b_same_sent"] == 1.0


def test_a_name_inside_the_quotation_or_another_is_no_candidate_but_is_marked():
    text = (
        '"Crespo will lose," Ann Lee said.\n\n'
        '"Obama had will.i.am on the stage with Crespo," he said.'
    )
    f = candidate_features(text, [("Crespo", "PERSON"), ("Ann Lee", "PERSON"), ("Obama", "PERSON")])
    assert "Obama" not in f  # only inside the quotation
    assert set(f) == {"Ann Lee"}  # Crespo's mentions are all quoted words
    assert f["Ann Lee"]["in_quote"] == 0.0
    text = 'Crespo spoke.\n\n"Obama had will.i.am on the stage with Crespo," he said.'
    f = candidate_features(text, [("Crespo", "PERSON"), ("Obama", "PERSON")])
    assert f["Crespo"]["in_quote"] == 1.0 and f["Crespo"]["top"] == 1.0


def test_the_rules_choice_is_a_candidate_and_no_choice_is_crossed():
    text = 'Ann Lee arrived.\n\n"We will win this county in the end."'
    f = candidate_features(text, [("Ann Lee", "PERSON")])
    assert f["Ann Lee"]["rule"] == 0.0
    assert f["Ann Lee"]["rn*b_dist"] == f["Ann Lee"]["b_dist"] > 0
    assert "rn*bias" not in f["Ann Lee"] and f["Ann Lee"]["bias"] == 1.0


def test_the_model_scores_and_rerank_gives_the_quotation_to_the_best():
    model = speakers.Model({"bias": 0.5, "b_rank0": 2.0, "rule": 1.0})
    assert model.score({"bias": 1.0, "b_rank0": 1.0, "other": 3.0}) == 2.5
    entities = tagged(CRESPO, PEOPLE)
    found = find_quotes(CRESPO, entities, "en")
    assert found and found[0]["speaker"]["name"] == "Obama"
    out = speakers.rerank(CRESPO, entities, found, "en", model)
    assert out is found
    speaker = found[0]["speaker"]
    assert speaker["name"] == "Henry Crespo" and speaker["entity"] == 2
    assert CRESPO[speaker["start"] : speaker["end"]] == "Henry Crespo"
    # the rules' choice kept where the model agrees (its entry untouched)
    found = find_quotes(CRESPO, entities, "en")
    before = dict(found[0]["speaker"])
    speakers.rerank(CRESPO, entities, found, "en", speakers.Model({"rule": 5.0}))
    assert found[0]["speaker"] == before


def test_rerank_leaves_what_it_cannot_judge():
    model = speakers.Model({"b_rank0": 2.0})
    assert speakers.rerank(CRESPO, [], None, "en", model) is None
    assert speakers.rerank(CRESPO, [], [], "en", model) == []
    # a name the rules read from the text without an entity is kept
    entities = tagged(CRESPO, PEOPLE)
    found = [{"start": 190, "end": 230, "speaker": {"name": "Someone", "entity": None}}]
    speakers.rerank(CRESPO, entities, found, "en", model)
    assert found[0]["speaker"] == {"name": "Someone", "entity": None}
    # no candidate near it: unchanged
    text = '"We will win this county in the end," a voice said.'
    found = [{"start": 1, "end": 36, "speaker": None}]
    speakers.rerank(text, [], found, "en", model)
    assert found[0]["speaker"] is None
    # a language the model was not trained in: the shipped model is not read
    found = find_quotes(CRESPO, entities, "en")
    assert found
    speakers.rerank(CRESPO, entities, found, "fr")
    assert found[0]["speaker"]["name"] == "Obama"


def test_the_shipped_model(tmp_path):
    model = speakers.load_model()
    assert model is not None and model.weights["rule"] > 0 > model.weights["in_quote"]
    data = json.loads(speakers.MODEL_PATH.read_text(encoding="utf-8"))
    left_out = data["left_out_publisher"]
    assert left_out["model"][1] > left_out["rules"][1]
    assert speakers.load_model(tmp_path / "missing.json") is None
    # with the shipped weights: a quotation the rules give nobody goes to the one who spoke
    # just before it; one the rules attribute plainly stays theirs
    text = (
        "Ann Lee said on Monday that taxes would rise, and Bob Ray disagreed.\n\n"
        '"We will not let it happen in this county this year."'
    )
    entities = tagged(text, [("Ann Lee", "PERSON"), ("Bob Ray", "PERSON")])
    found = find_quotes(text, entities, "en")
    assert found and found[0]["speaker"] is None
    speakers.rerank(text, entities, found, "en")
    assert found[0]["speaker"] == {"name": "Ann Lee", "entity": 0, "start": 0, "end": 7}
    text = text.replace('year."', 'year," Ray told reporters.').replace("Bob Ray", "Ray")
    entities = tagged(text, [("Ann Lee", "PERSON"), ("Ray", "PERSON")])
    found = speakers.rerank(text, entities, find_quotes(text, entities, "en"), "en")
    assert found and found[0]["speaker"]["name"] == "Ray"


def attribution(
    kind: str, quotes: list[list[int]], start: int | None, source_kind: str, name=None
) -> dict[str, object]:
    """A PolNeAR attribution as the corpus writes it (only the fields the scoring reads)."""
    return {
        "kind": kind,
        "quotes": quotes,
        "source_start": start,
        "source_kind": source_kind,
        "source_name": name,
    }


ARTICLE = {
    "text": (
        'Ann Lee spoke first. "We will win this county," she said.\n\n'
        '"Taxes will rise," Bob Ray said. "Not for long," he added.'
    ),
    "attributions": [
        attribution("direct", [[22, 45]], 48, "pronoun"),
        attribution("direct", [[61, 77], [91, 103]], 78, "named", [78, 85, "Bob Ray"]),
        attribution("indirect", [], 0, "named", [0, 7, "Ann Lee"]),
        attribution("direct", [[1, 3]], 0, "named", [0, 7, "Ann Lee"]),
    ],
}


def test_gold_passages_and_their_sources():
    assert ARTICLE["text"][22:45] == "We will win this county"
    lee, ray = ("Lee", (0, 7)), ("Ray", (78, 85))  # last words and head names' offsets
    assert build.gold(ARTICLE) == [
        (22, 45, None, lee),  # "she": the nearest earlier named source
        (61, 77, ray, ray),
        (91, 103, ray, ray),
    ]
    assert build.last_word("Bob Ray.") == "Ray" and build.last_word(None) is None
    assert build.last_word("") is None
    assert build.overlap((0, 10), (5, 20)) and build.overlap((0, 10), (0, 10))
    assert not build.overlap((0, 10), (7, 20)) and not build.overlap((0, 10), (10, 20))


def test_a_speaker_is_the_source_by_last_word_or_by_where_it_is_named():
    source = ("Lou", (10, 17))  # "Mr. Lou"
    assert build.same(("Lou", None), source) and build.same(("Lou", (90, 95)), source)
    assert build.same(("Jiwei", (13, 22)), source)  # "Lou Jiwei" at the head name
    assert build.same(("Jiwei", (16, 22)), source) and build.same(("X", (5, 11)), source)
    assert not build.same(("Jiwei", (17, 22)), source) and not build.same(("X", (5, 10)), source)
    assert not build.same(("Jiwei", None), source) and not build.same(("Jiwei", (0, 5)), source)
    assert not build.same(None, source) and not build.same(("Lou", None), None)
    assert not build.same((None, None), (None, None)) and not build.same(
        (None, (1, 2)), (None, None)
    )
    assert build.speaker_source(None) is None and build.speaker_source({}) is None
    assert build.speaker_source({"name": "Ann Lee.", "entity": 0, "start": 3, "end": 10}) == (
        "Lee",
        (3, 10),
    )
    assert build.speaker_source({"name": "a spokesman", "entity": None}) == ("spokesman", None)


def test_rows_and_a_model_fitted_on_them(tmp_path, monkeypatch):
    text = ARTICLE["text"]
    entities = tagged(text, [("Ann Lee", "PERSON"), ("Bob Ray", "PERSON")])
    found = find_quotes(text, entities, "en")
    assert found
    rows = build.rows_of(text, entities, found, build.gold(ARTICLE))
    assert [r["anyone"][0] for r in rows] == ["Lee", "Ray", "Ray"]
    assert [r["named"] and r["named"][0] for r in rows] == [None, "Ray", "Ray"]
    assert all({n for n, _ in r["names"]} <= {"Lee", "Ray"} and r["features"] for r in rows)
    assert rows[1]["rule"] == ("Ray", (78, 85))
    # a candidate where the model agrees with the rules keeps the rules' mention
    assert ("Ray", (78, 85)) in rows[1]["names"]
    assert ("Lee", (0, 7)) in rows[1]["names"]  # another: its mention nearest the quotation
    # a passage no quotation was found at: a row without candidates (wrong whatever is picked)
    missed = build.rows_of(text, entities, found[1:], build.gold(ARTICLE))
    assert (missed[0]["features"], missed[0]["names"], missed[0]["rule"]) == ([], [], None)
    assert [r["anyone"][0] for r in missed] == ["Lee", "Ray", "Ray"] and missed[1]["features"]
    many = []
    for k in range(12):
        for r in rows:
            many.append({**r, "publisher": f"p{k % 3}"})
    docs = [
        {
            "publisher": f"p{k % 3}",
            "text": text,
            "entities": entities,
            "found": found,
            "gold": build.gold(ARTICLE),
            "cues": ["said"] * 3 + ["has argued"] * (k < 9) * 8,
        }
        for k in range(12)
    ]
    assert build.rows_for(docs, [])[:3] == [{**r, "publisher": "p0"} for r in rows]
    weights = build.fit(many)
    assert weights and all(isinstance(w, float) for w in weights.values())
    model = speakers.Model(weights)
    assert [build.pick(model, r)[0] for r in rows] == ["Lee", "Ray", "Ray"]
    assert build.pick(model, {"features": [], "names": []}) is None
    said = [("Lee", None), ("Ray", None), ("Bob", None)]
    assert build.accuracy(rows, said) == (0.5, pytest.approx(2 / 3))
    said[2] = ("Bob", (80, 84))  # at Ray's head name
    assert build.accuracy(rows, said) == (1.0, 1.0)
    assert build.accuracy([], []) == (0.0, 0.0)
    cv = build.cross_validate(docs)
    assert cv["model"] == (1.0, 1.0) and set(cv["per_publisher"]) == {"p0", "p1", "p2"}
    assert cv["per_publisher"]["p0"]["model"] == (1.0, 1.0)
    assert cv["rules"] == build.accuracy(rows * 12, [r["rule"] for r in rows] * 12)
    monkeypatch.setattr(build, "read", lambda dev: docs)
    out = tmp_path / "model.json"
    build.main([str(tmp_path), "--out", str(out)])
    written = json.loads(out.read_text(encoding="utf-8"))
    assert written["trained_on"]["quotations"] == 36
    assert written["left_out_publisher"]["model"] == [1.0, 1.0]
    # "argued" opens 72 cues at all three publishers; "said" 36
    assert written["verbs"] == ["argued", "said"]
    table = build.rows_for(docs, written["verbs"])
    assert written["weights"] == dict(sorted(build.fit(table).items()))


def test_he_said_is_a_person_s_not_an_organisation_s():
    text = (
        "Ann Lee met the Islamic Republic News Agency on Monday.\n\n"
        '"We will not accept these terms at all," he said.'
    )
    tags = [("Ann Lee", "PERSON"), ("Islamic Republic News Agency", "ORG")]
    assert set(candidate_features(text, tags)) == {"Ann Lee"}
    text = text.replace("he said", "the agency said")
    assert set(candidate_features(text, tags)) == {"Ann Lee", "Islamic Republic News Agency"}


def test_a_crowded_window_keeps_the_nearest_candidates():
    names = [f"Person{chr(65 + k)} Smith{chr(65 + k)}" for k in range(20)]
    text = ", ".join(names) + " met on Monday.\n\n" + '"We will win this county," Ann Lee said.'
    tags = [(n, "PERSON") for n in names] + [("Ann Lee", "PERSON")]
    f = candidate_features(text, tags)
    assert len(f) == speakers.MAX_CANDIDATES  # the nearest twelve: the rules' choice among them
    assert "Ann Lee" in f and names[-1] in f and names[-11] in f
    assert names[0] not in f and names[-12] not in f


def test_gold_counts_two_words_and_the_nearest_earlier_named_source():
    text = 'Ann Lee spoke. "Yes," she said. "We will," a spokesman said. "Go on now," X said.'
    article = {
        "text": text,
        "attributions": [
            # a one-word passage is not scored; a source_start of None counts as 0
            attribution("direct", [[16, 19]], None, "named", [0, 7, "Ann Lee"]),
            attribution("direct", [[33, 40]], 43, "description"),
            # a source of no kind the scoring follows: counted as nobody
            attribution("direct", [[62, 72]], 74, "none"),
            # a named source at the same position is not "earlier"
            attribution("mixed", [], 43, "named", [42, 53, "Bob Ray"]),
        ],
    }
    assert text[33:40] == "We will" and text[62:72] == "Go on now,"
    assert build.gold(article) == [(33, 40, None, ("Lee", (0, 7))), (62, 72, None, None)]
    # a named source's head name's last word, whatever kind of attribution follows
    article["attributions"][2]["source_kind"] = "pronoun"
    assert build.gold(article)[1] == (62, 72, None, ("Ray", (42, 53)))


def test_read_runs_the_stage_over_both_splits(tmp_path):
    folder = tmp_path / "quotes"
    folder.mkdir()
    told = {**attribution("indirect", [], 1, "none"), "cue": "told"}
    line = json.dumps(
        {**ARTICLE, "publisher": "nyt", "attributions": [*ARTICLE["attributions"], told]}
    )
    (folder / "polnear_train.jsonl").write_text(line + "\n", encoding="utf-8")
    (folder / "polnear_dev.jsonl").write_text(line.replace("nyt", "ap") + "\n", encoding="utf-8")
    assert [a["publisher"] for a in build.articles(tmp_path)] == ["nyt", "ap"]
    assert [a["publisher"] for a in build.articles(tmp_path, ("polnear_dev.jsonl",))] == ["ap"]
    docs = build.read(tmp_path)
    assert [d["publisher"] for d in docs] == ["nyt", "ap"]
    assert docs[0]["text"] == ARTICLE["text"] and docs[0]["gold"] == build.gold(ARTICLE)
    assert docs[0]["cues"] == ["told"] and docs[0]["found"] and docs[0]["entities"]
    rows = build.rows_for(docs, ["said"])
    assert [r["publisher"] for r in rows] == ["nyt"] * 3 + ["ap"] * 3
    assert [r["anyone"][0] for r in rows] == ["Lee", "Ray", "Ray"] * 2
    assert rows[1]["rule"] == ("Ray", (78, 85)) and ("Ray", (78, 85)) in rows[1]["names"]
    assert all(r["features"] and len(r["features"]) == len(r["names"]) for r in rows)


def test_a_cue_s_word_and_the_verbs_learned_from_many_publishers():
    stop = {"has", "also", "to"}
    assert build.cue_word("has also Said", stop) == "said"
    assert build.cue_word("according to", stop) == "according"
    assert build.cue_word("has also", stop) is None and build.cue_word(":", stop) is None
    assert build.cue_word("reportedly said", stop) is None  # an adverb
    assert build.cue_word("’d say", stop) is None and build.cue_word("didn't say", stop) is None
    assert build.cue_word("don’t", stop) is None and build.cue_word("ok", stop) is None
    assert build.cue_word("ask", stop) == "ask"

    def doc(publisher, cues):
        return {"publisher": publisher, "cues": cues}

    n = build.MIN_VERB_COUNT
    docs = [
        doc("a", ["argued"] * (n - 2) + ["wants"] * n),
        doc("b", ["argued"]),
        doc("c", ["has argued"]),
    ]
    assert build.learn_verbs(docs) == ["argued"]  # "wants": one publisher only
    docs[2]["cues"] = []
    assert build.learn_verbs(docs) == []  # seven cues, two publishers
    docs += [doc("d", ["argued"]), doc("e", ["wants"] * 2)]
    assert build.learn_verbs(docs) == ["argued"]
    docs.append(doc("f", ["wants"]))
    assert build.learn_verbs(docs) == ["argued", "wants"]


def test_where_a_candidate_was_last_a_source():
    verbs = speakers.attribution_pattern(["argued", "wants", "according to"])
    for after in (
        " argued",
        " (R-Ohio) argued",
        ", the party's chair, argued",
        " has long argued",
        " Wants",
        " according to",
    ):
        assert verbs.match(" Ann" + after, 4), after
    for after in (" arguedly", " sat and then argued", ". She argued", ', "they argued'):
        assert not verbs.match(" Ann" + after, 4), after
    text = (
        "Ann Lee argued on Monday. Bob Ray said so. Ann Lee left, and said Ann Lee was right.\n\n"
        '"We will win this county in the end."'
    )
    entities = tagged(text, [("Ann Lee", "PERSON"), ("Bob Ray", "PERSON")])
    found = find_quotes(text, entities, "en")
    assert found
    q = found[-1]["start"]
    [cands] = speakers.article_candidates(text, entities, found, verbs)
    f = {entities[i].name: feats for i, _, feats in cands}
    # Ann Lee: "said Ann Lee" (a speech verb before her, her last mention) and "Ann Lee
    # argued" (a learned verb, her first); Bob Ray: "said" after him, no learned verb
    last = text.rindex("Ann Lee") + 7
    assert f["Ann Lee"]["s_dist"] == pytest.approx(math.log1p(q - last) / 8)
    assert f["Ann Lee"]["v_dist"] == pytest.approx(math.log1p(q - 7) / 8)
    bob = text.index("Bob Ray") + 7
    assert f["Bob Ray"]["s_dist"] == pytest.approx(math.log1p(q - bob) / 8)
    assert "v_dist" not in f["Bob Ray"] and f["Ann Lee"]["v_rank0"] == 1.0
    assert f["Ann Lee"]["s_rank0"] == 1.0 and f["Bob Ray"]["s_rank1"] == 1.0
    # without learned verbs: no v_dist; a name with no source before it: neither
    [cands] = speakers.article_candidates(text, entities, found)
    assert all("v_dist" not in feats for _, _, feats in cands)
    text = 'Ann Lee arrived.\n\n"We will win this county in the end."'
    assert "s_dist" not in candidate_features(text, [("Ann Lee", "PERSON")])["Ann Lee"]
    # the verb is looked for VERB_REACH characters after the name at most
    text = "Ann Lee, " + "x " * 200 + ', argued it.\n\n"We will win this county in the end."'
    entities = tagged(text, [("Ann Lee", "PERSON")])
    found = find_quotes(text, entities, "en")
    [cands] = speakers.article_candidates(text, entities, found, verbs)
    assert "v_dist" not in cands[0][2]


def test_the_model_file_carries_its_verbs(tmp_path):
    path = tmp_path / "model.json"
    path.write_text(json.dumps({"weights": {"bias": 1.0}, "verbs": ["argued"]}), encoding="utf-8")
    model = speakers.load_model(path)
    assert model is not None and model.verbs is not None and model.verbs.match(" argued")
    path.write_text(json.dumps({"weights": {"bias": 1.0}}), encoding="utf-8")
    speakers.load_model.cache_clear()
    model = speakers.load_model(path)
    assert model is not None and model.verbs is None and model.weights == {"bias": 1.0}
    speakers.load_model.cache_clear()
    assert speakers.load_model().verbs is not None  # the shipped model learned its verbs


def test_a_verb_is_looked_for_near_the_name_and_a_cue_before_one_opening_the_text():
    verbs = speakers.attribution_pattern(["argued"])
    long = " " + "x" * 300 + " argued"  # two words between, but past VERB_REACH
    assert verbs.match("Ann" + long, 3)
    text = "Ann Lee" + long + '.\n\n"We will win this county in the end."'
    entities = tagged(text, [("Ann Lee", "PERSON")])
    found = find_quotes(text, entities, "en")
    [cands] = speakers.article_candidates(text, entities, found, verbs)
    assert "v_dist" not in cands[0][2]
    speech = (
        "Ann Lee" + long.replace("argued", "said") + '.\n\n"We will win this county in the end."'
    )
    entities = tagged(speech, [("Ann Lee", "PERSON")])
    [cands] = speakers.article_candidates(speech, entities, find_quotes(speech, entities, "en"))
    assert "s_dist" not in cands[0][2]
    # "Said Ann Lee" opening the text: the cue before her name is read from its first letter
    text = 'Said Ann Lee on Monday, before she left.\n\n"We will win this county in the end."'
    assert "s_dist" in candidate_features(text, [("Ann Lee", "PERSON")])["Ann Lee"]


def test_gold_reads_a_named_source_only_and_a_missing_start_as_zero():
    text = 'Ann Lee spoke. "Yes we will," she said. "Go on now," he said.'
    article = {
        "text": text,
        "attributions": [
            attribution("indirect", [], 0, "named", [0, 7, "Ann Lee"]),
            # a pronoun source with a name marked: not a named source
            attribution("direct", [[16, 27]], 29, "pronoun", [29, 32, "she"]),
            # no start: counted at 0, so Ann Lee (at 0) is not earlier
            attribution("direct", [[41, 50]], None, "pronoun"),
        ],
    }
    assert build.gold(article) == [(16, 27, None, ("Lee", (0, 7))), (41, 50, None, None)]
    # a named source written first at the same position is not earlier either
    article["attributions"] = [
        attribution("mixed", [], 29, "named", [29, 36, "Bob Ray"]),
        attribution("direct", [[16, 27]], 29, "pronoun"),
    ]
    assert build.gold(article) == [(16, 27, None, None)]


def test_rows_read_the_verbs_and_keep_the_rules_mention(monkeypatch):
    text = (
        "Bob Ray argued on Monday that taxes would rise.\n\n"
        '"Taxes will rise this year," Bob Ray said.'
    )
    entities = tagged(text, [("Bob Ray", "PERSON")])
    found = find_quotes(text, entities, "en")
    want = [(found[0]["start"], found[0]["end"], ("Ray", (0, 7)), ("Ray", (0, 7)))]
    rule = found[0]["speaker"]
    assert (rule["start"], rule["end"]) != (0, 7)  # the rules read the name after the quotation
    [row] = build.rows_of(text, entities, found, want)
    # the rules' choice keeps the rules' mention, not the one nearest before the quotation
    assert row["names"] == [("Ray", (rule["start"], rule["end"]))] == [row["rule"]]
    assert "v_dist" not in row["features"][0]
    [row] = build.rows_of(text, entities, found, want, speakers.attribution_pattern(["argued"]))
    assert "v_dist" in row["features"][0]
    doc = {"publisher": "p", "text": text, "entities": entities, "found": found, "gold": want}
    [row] = build.rows_for([doc], ["argued"])
    assert "v_dist" in row["features"][0] and row["publisher"] == "p"
    # a passage without a source to count is no row; the ones after it still are
    both = [(0, 3, None, None), *want]
    assert len(build.rows_of(text, entities, found, both)) == 1
    with pytest.raises(ValueError):
        build.accuracy([row, row], [("Ray", None)])
    with pytest.raises(ValueError):
        build.accuracy([{**row, "named": None}, row], [("Ray", None)])


def test_each_fold_learns_its_verbs_and_weights_from_the_other_publishers(monkeypatch):
    seen: dict[str, list[object]] = {"verbs": [], "fit": []}
    real_learn, real_fit = build.learn_verbs, build.fit

    def learn(docs):
        seen["verbs"].append(sorted({d["publisher"] for d in docs}))
        return real_learn(docs)

    def fit(rows, c=build.C):
        seen["fit"].append((sorted({r["publisher"] for r in rows}), c))
        return real_fit(rows, c)

    monkeypatch.setattr(build, "learn_verbs", learn)
    monkeypatch.setattr(build, "fit", fit)
    text = ARTICLE["text"]
    entities = tagged(text, [("Ann Lee", "PERSON"), ("Bob Ray", "PERSON")])
    found = find_quotes(text, entities, "en")
    docs = [
        {
            "publisher": p,
            "text": text,
            "entities": entities,
            "found": found,
            "gold": build.gold(ARTICLE),
            "cues": [],
        }
        for p in ("a", "b", "c")
    ]
    cv = build.cross_validate(docs, c=0.5)
    assert seen["verbs"] == [["b", "c"], ["a", "c"], ["a", "b"]]
    assert seen["fit"] == [(["b", "c"], 0.5), (["a", "c"], 0.5), (["a", "b"], 0.5)]
    # each publisher's figures are its own rows' (three each)
    assert set(cv["per_publisher"]) == {"a", "b", "c"}
    assert cv["model"] == build.accuracy(
        build.rows_for(docs, []),
        [
            build.pick(speakers.Model(real_fit(build.rows_for(docs[1:], []), 0.5)), r)
            for r in build.rows_for(docs, [])
        ],
    )
