"""Entity tone (streams.processors.entities.tone) and its training (streams.build.tone):
features read around the mention, the model's arithmetic, the shipped model, the fold split."""

from __future__ import annotations

import json
import math
from pathlib import Path
from types import SimpleNamespace

import pytest

from streams.build import tone as build
from streams.processors.entities import tone

S = "Critics said Trump's plan failed badly, but Clinton won praise."


def span(sentence: str, name: str) -> tuple[int, int]:
    i = sentence.index(name)
    return i, i + len(name)


def test_features_read_the_mention_s_neighbours_by_side_and_distance() -> None:
    f = tone.features(S, *span(S, "Trump"), sentence_tone=0.25)
    assert f["bias"] == 1.0 and f["sent_tone"] == 0.25
    assert f["L1:said"] == 1.0 and f["L2:critic"] == 1.0  # stems: critics -> critic
    assert f["R1:plan"] == 1.0 and f["R2:fail"] == 1.0  # "Trump's" is one token
    assert "R3:badly" not in f and "L1:trump" not in f  # two words each side; not itself
    assert f["w:fail"] == 1.0 and "w:praise" not in f  # within WINDOW words only
    assert f["c:plan"] == 1.0 and "c:praise" not in f  # its clause ends at the comma
    assert f["possessive"] == 1.0 and f["opens"] == 0.0 and f["pronoun"] == 0.0
    assert f["R12:plan_failed"] == 1.0 and f["L21:critics_said"] == 1.0  # pairs: words, not stems
    scale = 3.0 / math.sqrt(12)  # twelve tokens
    assert f["s:praise"] == pytest.approx(scale)


def test_lexicon_valence_is_scoped_by_distance_side_clause_and_negation() -> None:
    lexicon = tone._analyzer().lexicon
    f = tone.features(S, *span(S, "Clinton"), sentence_tone=0.0)
    praise = lexicon["praise"] / 4
    assert f["lex_R_near"] == pytest.approx(lexicon["won"] / 4 + praise)
    assert f["lex_in"] == pytest.approx(lexicon["won"] / 4 + praise)
    # critics (8 words before), failed (4: within WINDOW), badly (3: near); all out of the
    # clause, which starts after "but"
    assert f["lex_L_far"] == pytest.approx(lexicon["critics"] / 4)
    assert f["lex_L_mid"] == pytest.approx(lexicon["failed"] / 4)
    assert f["lex_L_near"] == pytest.approx(lexicon["badly"] / 4)
    assert f["lex_L_out"] == pytest.approx(
        (lexicon["critics"] + lexicon["failed"] + lexicon["badly"]) / 4
    )
    negated = tone.features("Voters did not trust Smith at all.", 21, 26, 0.0)
    assert negated["lex_L_near"] == pytest.approx(-0.74 * lexicon["trust"] / 4)
    assert negated["lex_neg_near"] < 0 and "lex_pos_near" not in negated


def test_a_speaker_is_told_apart_from_the_words_they_quote() -> None:
    s = '"This is a disgrace," Smith said.'
    f = tone.features(s, *span(s, "Smith"), -0.4)
    assert f["speaker"] == 1.0 and f["in_quote"] == 0.0
    assert f["lex_q"] < 0 and "lex_o" not in f  # "disgrace" is inside the marks
    assert f["sent_tone*speaker"] == -0.4 and "sent_tone*in_quote" not in f
    g = tone.features(
        'He called Smith "a disgrace".', *span('He called Smith "a disgrace".', "Smith"), -0.5
    )
    assert g["speaker"] == 0.0
    h = tone.features('"Smith is a disgrace," he said.', 1, 6, -0.5)
    assert h["in_quote"] == 1.0 and h["opens"] == 1.0 and h["sent_tone*opens"] == -0.5
    assert h["sent_tone*in_quote"] == -0.5


def test_pronouns_and_a_mention_outside_the_tokens() -> None:
    f = tone.features("She won the vote easily.", 0, 3, 0.4)
    assert f["pronoun"] == 1.0 and f["opens"] == 1.0 and f["sent_tone*pronoun"] == 0.4
    assert tone.features("A b.", 50, 60, 0.1) == {"bias": 1.0, "sent_tone": 0.1}


def test_stems_leave_short_words_alone() -> None:
    assert [
        tone.stem(w) for w in ("attacked", "attacks", "attacking", "quickly", "uses", "bed")
    ] == [
        "attack",
        "attack",
        "attack",
        "quick",
        "uses",
        "bed",
    ]


def test_the_model_is_a_softmax_over_weighted_features() -> None:
    m = tone.Model({"bias": [0.0, 1.0, 0.0], "x": [2.0, 0.0, -1.0]})
    p = m.probabilities({"bias": 1.0, "x": 0.5, "unknown": 9.0})
    z = [1.0, 1.0, -0.5]
    e = [math.exp(v) for v in z]
    assert p == pytest.approx(tuple(v / sum(e) for v in e))
    assert m.score({"bias": 1.0, "x": 0.5}) == pytest.approx(-(1 - p[1]))  # P(neg) > P(pos)
    assert m.probabilities({"x": 1000.0})[0] == pytest.approx(1.0)  # no overflow


def test_a_tone_is_the_probability_of_a_side_signed_by_the_side_that_outweighs():
    assert tone.signed((0.1, 0.6, 0.3)) == pytest.approx(0.4)
    assert tone.signed((0.3, 0.6, 0.1)) == pytest.approx(-0.4)
    assert tone.signed((0.2, 0.6, 0.2)) == 0.0  # neither side outweighs
    assert tone.signed((0.0, 0.0, 1.0)) == 1.0 and tone.signed((1.0, 0.0, 0.0)) == -1.0
    # the classes a reader's two thresholds give follow the model's: a mention the model
    # puts between neutral and a side is not read as neutral (P(pos) - P(neg) was 0.1 here)
    assert tone.signed((0.45, 0.0, 0.55)) == 1.0
    assert abs(tone.signed((0.05, 0.85, 0.10))) < abs(tone.signed((0.45, 0.0, 0.55)))


def test_the_shipped_model_and_its_provenance(tmp_path: Path) -> None:
    data = json.loads(tone.MODEL_PATH.read_text())
    assert data["classes"] == list(tone.CLASSES)
    assert data["trained_on"]["licence"] == "MIT" and data["trained_on"]["targets"] > 8000
    assert data["cross_validated"]["grouped_by"] == "article"
    assert 0.6 < data["cross_validated"]["macro_f1"] < 0.9
    assert tone.model().meta["classes"] == list(tone.CLASSES)
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"weights": {"bias": [1, 2, 3]}, "classes": ["a"]}))
    loaded = tone.Model.load(path)
    assert loaded.weights == {"bias": [1, 2, 3]} and loaded.meta == {"classes": ["a"]}


def entity(text: str, name: str) -> SimpleNamespace:
    starts = [i for i in range(len(text)) if text.startswith(name, i)]
    return SimpleNamespace(
        mentions=[SimpleNamespace(start=i, end=i + len(name)) for i in starts], tone=None
    )


def test_two_entities_of_one_sentence_get_their_own_tones() -> None:
    text = "Rebels attacked Smith brutally, and Jones was praised for his brave rescue."
    smith, jones = entity(text, "Smith"), entity(text, "Jones")
    doc = tone.tone(text, [smith, jones], "en")
    assert doc == pytest.approx(round(tone.compound(text), 4))
    assert smith.tone is not None and jones.tone is not None
    assert smith.tone < jones.tone


def test_an_entity_s_tone_is_the_mean_over_its_mentions() -> None:
    text = "Smith won a great victory. Later Smith was arrested for fraud."
    smith = entity(text, "Smith")
    tone.tone(text, [smith], "en")
    spans = tone.sentences(text)
    one = tone.target_tone(text[spans[0][0] : spans[0][1]], 0, 5)
    two_s = text[spans[1][0] : spans[1][1]]
    two = tone.target_tone(two_s, two_s.index("Smith"), two_s.index("Smith") + 5)
    assert smith.tone == pytest.approx(round((one + two) / 2, 4))


def test_no_tone_outside_english_or_without_sentences() -> None:
    e = entity("Smith a gagné.", "Smith")
    assert tone.tone("Smith a gagné.", [e], "fr") is None and e.tone is None
    assert tone.tone("  ", [], "en") is None
    stray = SimpleNamespace(mentions=[SimpleNamespace(start=0, end=2)], tone=None)
    assert tone.tone("-- \nSmith won.", [stray], "en") is not None and stray.tone is None


def test_training_reads_targets_and_groups_by_article(tmp_path: Path) -> None:
    path = tmp_path / "train.jsonl"
    rows = [
        {
            "primary_gid": "allsides_1_2_3_X_0_5",
            "sentence_normalized": "Smith won.",
            "targets": [
                {"from": 6, "to": 9, "polarity": 5.0},
                {"from": 0, "to": 5, "polarity": 6.0},
            ],
        },
        {
            "primary_gid": "polusa_v1_77_-1_Y",
            "sentence_normalized": "Jones lost.",
            "targets": [{"from": 0, "to": 5, "polarity": 2.0}],
        },
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows))
    got = build.read(path)
    assert got == [
        {"sentence": "Smith won.", "start": 0, "end": 5, "label": 2, "group": "allsides_1_2"},
        {"sentence": "Jones lost.", "start": 0, "end": 5, "label": 0, "group": "polusa_v1_77"},
    ]
    assert build.article("allsides_1000_401_25_Reality Leigh Winner_0_6") == "allsides_1000_401"


def test_macro_f1_folds_and_pruning() -> None:
    assert build.macro_f1([0, 1, 2], [0, 1, 2]) == 1.0
    assert build.macro_f1([0, 0, 1, 2], [0, 1, 1, 1]) == pytest.approx((2 / 3 + 1 / 2 + 0) / 3)
    f = build.folds(["a", "b", "a", "c"], 3)
    assert f[0] == f[2] and all(0 <= x < 3 for x in f)
    assert build.folds(["a"], 5) == build.folds(["a"], 5)
    assert build.prune([{"x": 1.0, "y": 2.0}, {"x": 3.0}], 2) == [{"x": 1.0}, {"x": 3.0}]


def test_a_model_learns_the_direction_from_data() -> None:
    rows, feats = [], []
    for i in range(30):
        for label, word in ((0, "terrible"), (1, "met"), (2, "wonderful")):
            s = f"Smith {word} event number {i}."
            rows.append({"sentence": s, "start": 0, "end": 5, "label": label, "group": f"g{i}"})
    feats = build.featurise(rows)
    pooled, per, pred, probabilities = build.cross_validate(rows, feats, k=3, c=1.0)
    assert pooled > 0.9 and len(per) == 3 and len(pred) == len(rows)
    assert [max(range(3), key=p.__getitem__) for p in probabilities] == pred
    assert all(sum(p) == pytest.approx(1.0) for p in probabilities)
    weights = build.fit(build.prune(feats), [r["label"] for r in rows], c=1.0)
    assert weights["R1:terrible"][0] > weights["R1:terrible"][2]
    assert weights["R1:wonderful"][2] > weights["R1:wonderful"][0]


def test_main_writes_a_model_with_its_figures(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "tone").mkdir()
    lines = []
    for i in range(20):
        for pol, word in ((2.0, "terrible"), (4.0, "met"), (6.0, "wonderful")):
            lines.append(
                json.dumps(
                    {
                        "primary_gid": f"polusa_v1_{i}_-1",
                        "sentence_normalized": f"Smith {word} them.",
                        "targets": [{"from": 0, "to": 5, "polarity": pol}],
                    }
                )
            )
    (tmp_path / "tone" / "train.jsonl").write_text("\n".join(lines))
    out = tmp_path / "model.json"
    build.main([str(tmp_path), "--out", str(out), "--folds", "2", "--no-vectors"])
    data = json.loads(out.read_text())
    assert data["classes"] == ["negative", "neutral", "positive"]
    assert data["trained_on"] == {
        "data": "NewsMTSC training split (train.jsonl), Hamborg & Donnay, EACL 2021",
        "licence": "MIT",
        "targets": 60,
        "articles": 20,
        "regularisation_C": build.C,
        "min_count": build.MIN_COUNT,
        "vectors": None,
    }
    assert not any(k.startswith("vec:") for k in data["weights"])
    assert tone.WITHOUT_VECTORS not in data
    cv = data["cross_validated"]
    assert set(cv) == {"folds", "grouped_by", "macro_f1", "per_fold"}
    assert cv["folds"] == 2 and cv["grouped_by"] == "article" and len(cv["per_fold"]) == 2
    assert all(round(x, 4) == x for x in [cv["macro_f1"], *cv["per_fold"]])
    assert 0 < cv["macro_f1"] <= 1
    printed = capsys.readouterr().out
    assert "60 targets" in printed and f"(folds {cv['per_fold'][0]:.3f}, " in printed
    assert (
        "bias" in data["weights"]
        and "Smith" not in out.read_text().encode().decode("ascii", "replace")[:0]
    )
    build.main([str(tmp_path), "--out", str(out), "--folds", "2"])
    data = json.loads(out.read_text())
    assert data["trained_on"]["vectors"] == {
        "tagger": build.TAGGER,
        "parts": list(tone.VECTOR_PARTS),
        "scale": tone.VECTOR_SCALE,
    }
    assert tone.Model(data["weights"]).dense.shape == (64 * len(tone.VECTOR_PARTS), 3)
    alone = data[tone.WITHOUT_VECTORS]
    assert "bias" in alone and not any(k.startswith("vec:") for k in alone)


def test_cross_validation_scores_only_what_each_fold_did_not_learn() -> None:
    rows = []
    for g in range(30):  # each article's own word decides its label: nothing carries
        s = f"Smith w{g} here."
        rows.append({"sentence": s, "start": 0, "end": 5, "label": g % 3, "group": f"a{g}"})
        rows.append({"sentence": s, "start": 0, "end": 5, "label": g % 3, "group": f"a{g}"})
    feats = build.featurise(rows)
    pooled, per, pred, probabilities = build.cross_validate(rows, feats, c=1.0)
    assert len(per) == 5 and len(pred) == len(probabilities) == len(rows)
    assert pooled < 0.6  # held out, an article's word is unseen
    m = tone.Model(build.fit(build.prune(feats), [r["label"] for r in rows], c=1.0))
    fitted = [max(range(3), key=m.probabilities(f).__getitem__) for f in feats]
    assert build.macro_f1([r["label"] for r in rows], fitted) > 0.9  # in sample, it is


def test_a_run_on_sentence_is_read_only_near_the_mention() -> None:
    long = "x " * 300 + "Smith won. " + "y " * 300
    start = long.index("Smith")
    cut = start - tone.REACH
    text = long[cut : start + 5 + tone.REACH]
    near = tone.features(long, start, start + 5, 0.0)
    assert near == tone.features(text, start - cut, start - cut + 5, 0.0)
    inside = "bad " + "x " * 98 + "Smith"  # "bad" starts REACH characters before Smith
    assert "s:bad" in tone.features(inside, tone.REACH, tone.REACH + 5, 0.0)
    outside = "bad " + "x " * 99 + "Smith"
    assert "s:bad" not in tone.features(outside, tone.REACH + 2, tone.REACH + 7, 0.0)
    assert "s:x" in near and "s:y" in near
    # a word cut by the edge of the reach is not read in part
    edge = "Smith won " + "z" * (tone.REACH - 5) + "bad"
    assert not any(
        k.endswith(":bad") or k.endswith(":zbad") for k in tone.features(edge, 0, 5, 0.0)
    )


def test_a_prepared_sentence_reads_as_its_text() -> None:
    s = 'Critics said "Smith failed badly", but Jones was not unhappy with Smith.'
    p = tone.Prepared(s)
    for start in (s.index("Smith"), s.index("Jones"), s.rindex("Smith")):
        assert tone.features(p, start, start + 5, 0.3) == tone.features(s, start, start + 5, 0.3)
    assert p.words[p.starts.index(s.index("unhappy"))] == "unhappy"
    assert p.valence[p.words.index("unhappy")] == -0.74 * tone._analyzer().lexicon["unhappy"]
    assert p.valence[p.words.index("failed")] == tone._analyzer().lexicon["failed"]
    assert p.quoted[p.words.index("failed")] and not p.quoted[p.words.index("jones")]
    with pytest.raises(ValueError):
        tone.features(p, 0, 5)


def test_quotation_marks_themselves_are_outside_the_quotation() -> None:
    tokens = tone._tokens('He said "not now" today')
    assert tone._quoted(tokens) == [False, False, False, True, True, False, False]
    assert tone._quoted(tone._tokens("“a” b")) == [False, True, False, False]


def test_stems_of_es_and_the_feature_windows_edges() -> None:
    assert tone.stem("watches") == "watch" and tone.stem("hopes") == "hope"
    s = "a b c d e f g Smith h i j k l m n o"
    f = tone.features(s, s.index("Smith"), s.index("Smith") + 5, 0.0)
    assert f["w:b"] == 1.0 and "w:a" not in f  # six words before, not seven
    assert f["w:m"] == 1.0 and "w:n" not in f
    assert f["L1:g"] == 1.0 and f["L2:f"] == 1.0 and f["R1:h"] == 1.0 and f["R2:i"] == 1.0
    assert f["R12:h_i"] == 1.0 and f["L21:f_g"] == 1.0
    end = "Smith h."
    g = tone.features(end, 0, 5, 0.0)
    assert "R12:h_." in g and "L21" not in " ".join(g)
    h = tone.features("Smith h", 0, 5, 0.0)
    assert not any(k.startswith("R12:") for k in h)


def test_lexicon_spans_and_signs_by_distance() -> None:
    lex = tone._analyzer().lexicon
    s = "good x x Smith x x bad x x x x x x x x great"
    f = tone.features(s, s.index("Smith"), s.index("Smith") + 5, 0.0)
    assert f["lex_L_near"] == pytest.approx(lex["good"] / 4)  # three words away: near
    assert f["lex_R_near"] == pytest.approx(lex["bad"] / 4)
    assert f["lex_pos_near"] == pytest.approx(lex["good"] / 4)
    assert f["lex_neg_near"] == pytest.approx(lex["bad"] / 4)
    assert f["lex_R_far"] == pytest.approx(lex["great"] / 4) and "lex_R_mid" not in f
    assert f["lex_o"] == pytest.approx((lex["good"] + lex["bad"] + lex["great"]) / 4)
    t = "x x x x Smith x x x bad"
    m = tone.features(t, t.index("Smith"), t.index("Smith") + 5, 0.0)
    assert m["lex_R_mid"] == pytest.approx(lex["bad"] / 4) and "lex_R_near" not in m
    edge = "Smith x x x x x bad"  # six words on: still within WINDOW
    assert tone.features(edge, 0, 5, 0.0)["lex_R_mid"] == pytest.approx(lex["bad"] / 4)
    far = "no x x x good Smith"  # the negator four words before "good" does not reach it
    assert tone.features(far, far.index("Smith"), len(far), 0.0)["lex_L_near"] == pytest.approx(
        lex["good"] / 4
    )
    first = "not good Smith"  # a negator opening the sentence counts
    assert tone.features(first, 9, 14, 0.0)["lex_L_near"] == pytest.approx(-0.74 * lex["good"] / 4)


def test_clauses_end_at_marks_and_linking_words_both_sides() -> None:
    s = "Voters cheered; Smith and Jones spoke, but critics booed"
    f = tone.features(s, s.index("Jones"), s.index("Jones") + 5, 0.0)
    assert f["c:smith"] == 1.0 and f["c:spoke"] == 1.0
    assert "c:voter" not in f and "c:cheer" not in f and "c:critic" not in f and "c:but" not in f
    lex = tone._analyzer().lexicon
    assert f["lex_out"] == pytest.approx((lex["cheered"] + lex["critics"]) / 4)
    assert "lex_in" not in f
    g = tone.features("Smith won, but lost.", 0, 5, 0.0)
    assert g["c:won"] == 1.0 and "c:lost" not in g
    h = tone.features("He said Smith", 8, 13, 0.0)
    assert h["c:he"] == 1.0 and h["c:said"] == 1.0 and "c:smith" not in h


def test_possessives_openers_and_multiword_mentions() -> None:
    s = "Then Smith Jones' plan worked."
    f = tone.features(s, 5, 16, 0.0)
    assert f["possessive"] == 1.0 and f["opens"] == 0.0 and "L1:smith" not in f
    assert f["R1:'"] == 1.0 and "w:jone" not in f and f["w:then"] == 1.0
    assert tone.features("Smith's plan.", 0, 7, 0.0)["possessive"] == 1.0
    assert tone.features("Smith’s plan.", 0, 7, 0.0)["possessive"] == 1.0
    assert tone.features("Smith plan.", 0, 5, 0.0)["possessive"] == 0.0
    assert tone.features("Smith ' plan.", 0, 5, 0.0)["possessive"] == 1.0
    q = '"Smith won," he said.'
    assert tone.features(q, 1, 6, 0.0)["opens"] == 1.0
    assert tone.features("- Smith won.", 2, 7, 0.0)["opens"] == 1.0
    assert tone.features("A Smith won.", 2, 7, 0.0)["opens"] == 0.0
    assert tone.features("They won.", 0, 4, 0.0)["pronoun"] == 1.0
    two = tone.features("He she won.", 0, 6, 0.0)
    assert two["pronoun"] == 0.0  # "he she" is no pronoun


def test_tone_uses_the_pipeline_s_sentences_and_exact_means() -> None:
    text = "Gen. Smith was praised. Critics hated the plan."
    smith = entity(text, "Smith")
    doc = tone.tone(text, [smith], "en")
    first, second = "Gen. Smith was praised.", "Critics hated the plan."
    assert doc == round((tone.compound(first) + tone.compound(second)) / 2, 4)
    assert smith.tone == round(tone.target_tone(first, 5, 10), 4)
    assert tone.sentences("Gen. Smith won.") == [(0, 15)]


def test_a_mention_ending_its_line_and_strays_before_real_mentions() -> None:
    text = "We love Smith\nSmith won the prize."
    smith = entity(text, "Smith")
    smith.mentions.insert(0, SimpleNamespace(start=len(text) + 5, end=len(text) + 10))
    tone.tone(text, [smith], "en")
    one = tone.target_tone("We love Smith", 8, 13)
    two = tone.target_tone("Smith won the prize.", 0, 5)
    assert smith.tone == round((one + two) / 2, 4)


def test_the_sentence_score_given_is_the_one_used() -> None:
    s = "Smith met Jones."
    assert tone.target_tone(s, 0, 5, 0.95) != tone.target_tone(s, 0, 5, -0.95)
    assert tone.target_tone(s, 0, 5) == tone.target_tone(s, 0, 5, tone.compound(s))
    long = "Smith won " + "and then more words " * 40 + "and the crowd hated everything."
    e = entity(long, "Smith")
    tone.tone(long, [e], "en")
    assert e.tone == round(tone.target_tone(long, 0, 5, tone.compound(long)), 4)
    far = long + " A disaster, a catastrophe."
    assert tone.target_tone(far, 0, 5, 0.1) == tone.target_tone(long, 0, 5, 0.1)


def test_regularisation_and_balance_matter() -> None:
    rows = []
    for i in range(20):
        for label, word in ((0, "terrible"), (1, "met"), (2, "wonderful")):
            s = f"Smith {word} event number {i}."
            rows.append({"sentence": s, "start": 0, "end": 5, "label": label, "group": f"g{i}"})
    feats = build.prune(build.featurise(rows))
    labels = [r["label"] for r in rows]
    weak, strong = build.fit(feats, labels, c=0.01), build.fit(feats, labels, c=1.0)
    assert abs(weak["R1:terrible"][0]) < abs(strong["R1:terrible"][0])
    assert "bias" in strong and all(len(w) == 3 for w in strong.values())


def test_macro_f1_needs_equal_lengths_and_counts_empty_classes_as_zero() -> None:
    with pytest.raises(ValueError):
        build.macro_f1([0, 1], [0])
    assert build.macro_f1([0, 0], [0, 0]) == pytest.approx(1 / 3)
    assert build.macro_f1([0, 1], [1, 0]) == 0.0


def _vectors(n: int, width: int = 2) -> tone.Vectors:
    """n tokens of two characters and a space each; token i's row is (i + 1, -(i + 1))."""
    import numpy

    rows = numpy.array([[i + 1.0, -(i + 1.0)] for i in range(n)], dtype=numpy.float32)
    return tone.Vectors([3 * i for i in range(n)], [3 * i + 2 for i in range(n)], rows)


def test_vector_features_are_the_mention_its_sentence_and_its_neighbours():
    v = _vectors(12)
    # the sentence: tokens 2..11 (offsets 6..35); the mention: tokens 6 and 7 (18..23)
    got = tone.vector_features(v, 18, 23, 6, 35)
    parts = [got[k : k + 2] / tone.VECTOR_SCALE for k in range(0, len(got), 2)]
    firsts = [round(float(p[0]), 4) for p in parts]
    # mention, sentence, three before, three after, 1 before, 2 before, 1 after, 2 after
    assert firsts == [7.5, 7.5, 5.0, 10.0, 6.0, 5.0, 9.0, 10.0]
    assert all(round(float(p[1]), 4) == -f for p, f in zip(parts, firsts, strict=True))
    assert len(parts) == len(tone.VECTOR_PARTS)


def test_vector_features_stop_at_the_sentence_and_need_a_token():
    v = _vectors(12)
    # a mention opening its sentence (tokens 2..4), one token long: nothing before it
    got = tone.vector_features(v, 6, 8, 6, 14) / tone.VECTOR_SCALE
    firsts = [round(float(got[k]), 4) for k in range(0, len(got), 2)]
    assert firsts == [3.0, 4.0, 0.0, 4.5, 0.0, 0.0, 4.0, 5.0]
    # at the sentence's end: nothing after it; the three before only inside the sentence
    got = tone.vector_features(v, 12, 14, 9, 14) / tone.VECTOR_SCALE
    firsts = [round(float(got[k]), 4) for k in range(0, len(got), 2)]
    assert firsts == [5.0, 4.5, 4.0, 0.0, 4.0, 0.0, 0.0, 0.0]
    assert tone.vector_features(v, 8, 9, 0, 36) is None  # the space between two tokens
    assert tone.vector_features(v, 2, 3, 0, 36) is None
    with pytest.raises(ValueError, match=r"^one start, one end and one row per token$"):
        tone.Vectors([0, 3], [2, 5], v.rows)


def test_the_model_reads_vector_weights_as_a_matrix():
    import numpy

    weights = {"bias": [0.0, 0.5, 0.0], "vec:0": [1.0, 0.0, -1.0], "vec:2": [0.0, 2.0, 0.0]}
    m = tone.Model(weights)
    assert m.dense.shape == (3, 3) and m.dense[1].tolist() == [0.0, 0.0, 0.0]
    dense = numpy.array([0.3, 5.0, -0.2], dtype=numpy.float32)
    as_dict = m.probabilities({"bias": 1.0, "vec:0": 0.3, "vec:1": 5.0, "vec:2": -0.2})
    assert m.probabilities({"bias": 1.0}, dense) == pytest.approx(as_dict, abs=1e-6)
    assert m.score({"bias": 1.0}, dense) == pytest.approx(tone.signed(as_dict), abs=1e-6)
    plain = tone.Model({"bias": [0.0, 0.5, 0.0]})
    assert plain.dense.shape == (0, 3)
    assert plain.score({"bias": 1.0}, dense) == plain.score({"bias": 1.0})
    # vectors of another width than the model's (another tagger): read as none
    other = numpy.array([0.3, 5.0], dtype=numpy.float32)
    assert m.score({"bias": 1.0}, other) == m.score({"bias": 1.0})
    fallback = tone.Model(weights, fallback=tone.Model({"bias": [3.0, 0.0, 0.0]}))
    assert fallback.score({"bias": 1.0}, other) == fallback.fallback.score({"bias": 1.0})


def test_the_shipped_model_reads_the_tagger_s_vectors():
    m = tone.model()
    width = 64 * len(tone.VECTOR_PARTS)
    assert m.dense.shape == (width, 3) and abs(m.dense).sum() > 0
    assert m.meta["trained_on"]["vectors"]["parts"] == list(tone.VECTOR_PARTS)
    assert m.meta["trained_on"]["vectors"]["scale"] == tone.VECTOR_SCALE


def test_an_entity_s_tone_reads_the_vectors_of_its_mentions(monkeypatch):
    text = "Smith won. Jones lost badly."
    v = _vectors(10)
    v = tone.Vectors([0, 6, 9, 11, 17, 22, 27], [5, 9, 10, 16, 21, 27, 28], v.rows[:7])
    width = 2 * len(tone.VECTOR_PARTS)  # the rows are two wide
    m = tone.Model(
        {"bias": [0.0, 0.0, 0.0], "vec:0": [-3.0, 0.0, 3.0], f"vec:{width - 1}": [0.0] * 3}
    )
    monkeypatch.setattr(tone, "model", lambda: m)
    smith, jones = entity(text, "Smith"), entity(text, "Jones")
    tone.tone(text, [smith, jones], "en", v)
    # vec:0 is the mention's first row's mean, times the scale: Smith 1, Jones 4
    assert smith.tone == pytest.approx(round(m.score({}, numpy_row(1.0)), 4))
    assert jones.tone == pytest.approx(round(m.score({}, numpy_row(4.0)), 4))
    assert jones.tone > smith.tone > 0
    none = entity(text, "Smith")
    tone.tone(text, [none], "en")
    assert none.tone == 0.0


def numpy_row(x: float):  # type: ignore[no-untyped-def]
    """A mention's vector features whose first is x (scaled), the rest zeros."""
    import numpy

    row = numpy.zeros(2 * len(tone.VECTOR_PARTS), dtype=numpy.float32)
    row[0] = x * tone.VECTOR_SCALE
    return row


def test_featurise_adds_each_target_s_vector_features():
    rows = [
        {"sentence": "A Smith won.", "start": 2, "end": 7, "label": 2, "group": "a"},
        {"sentence": "Jones lost.", "start": 0, "end": 5, "label": 0, "group": "b"},
    ]
    v = tone.Vectors([0, 2, 8, 11], [1, 7, 11, 12], _vectors(4).rows)
    feats = build.featurise(rows, {"A Smith won.": v})
    want = tone.vector_features(v, 2, 7, 0, len("A Smith won."))
    got = [feats[0][f"vec:{j}"] for j in range(len(want))]
    assert got == pytest.approx([float(x) for x in want])  # the whole sentence, "A" too
    assert sum(k.startswith("vec:") for k in feats[0]) == 2 * len(tone.VECTOR_PARTS)
    assert not any(k.startswith("vec:") for k in feats[1])
    assert build.featurise(rows) == [
        {k: x for k, x in f.items() if not k.startswith("vec:")} for f in feats
    ]


def test_sentence_vectors_are_the_tagger_s_on_each_sentence_alone():
    from streams.processors.entities import stage

    got = build.sentence_vectors(["Joe Biden won.", "Merkel lost."])
    nlp = stage.load_model(stage.DEFAULT_MODELS["en"])
    alone = stage.token_vectors(nlp("Merkel lost."))
    assert got["Merkel lost."].starts == alone.starts == [0, 7, 11]
    assert abs(got["Merkel lost."].rows - alone.rows).max() < 1e-4
    assert got["Joe Biden won."].rows.shape == (4, 64)


def test_a_mention_without_vectors_is_read_by_the_model_trained_without_them(tmp_path):
    import numpy

    path = tmp_path / "m.json"
    data = {
        "classes": ["a"],
        "weights": {"bias": [0.0, 0.0, 1.0], "vec:0": [0.0, 0.0, 2.0]},
        tone.WITHOUT_VECTORS: {"bias": [1.0, 0.0, 0.0]},
    }
    path.write_text(json.dumps(data))
    m = tone.Model.load(path)
    assert m.meta == {"classes": ["a"]} and m.fallback is not None
    assert m.fallback.weights == {"bias": [1.0, 0.0, 0.0]} and m.fallback.fallback is None
    dense = numpy.array([1.0], dtype=numpy.float32)
    assert m.score({"bias": 1.0}, dense) > 0.5  # read with its vectors by the first set
    alone = m.fallback.score({"bias": 1.0})
    assert alone < 0 and m.score({"bias": 1.0}) == pytest.approx(alone)
    assert tone.model().fallback is not None  # the shipped model has both


def test_without_vectors_leaves_the_rest_of_each_row():
    feats = [{"bias": 1.0, "vec:0": 0.2, "w:won": 1.0}, {"bias": 1.0}]
    assert build.without_vectors(feats) == [{"bias": 1.0, "w:won": 1.0}, {"bias": 1.0}]


def test_a_sentence_mean_is_computed_once_for_all_its_mentions():
    import numpy

    rows = numpy.arange(12, dtype=numpy.float32).reshape(6, 2)
    v = tone.Vectors([0, 2, 4, 6, 8, 10], [1, 3, 5, 7, 9, 11], rows)
    first = tone.vector_features(v, 2, 3, 0, 11)
    assert list(v.sentence_means) == [(0, 6)]
    cached = v.sentence_means[0, 6]
    assert list(cached) == [5.0, 6.0]  # the mean of the six rows
    second = tone.vector_features(v, 6, 7, 0, 11)
    assert v.sentence_means[0, 6] is cached and len(v.sentence_means) == 1
    # the sentence part (the second of the parts) is that mean, scaled
    width = rows.shape[1]
    for feats in (first, second):
        assert list(feats[width : 2 * width]) == pytest.approx(
            [5.0 * tone.VECTOR_SCALE, 6.0 * tone.VECTOR_SCALE]
        )
    tone.vector_features(v, 2, 3, 0, 5)  # another sentence: its own mean
    assert sorted(v.sentence_means) == [(0, 3), (0, 6)]


def test_each_fold_is_fitted_with_the_regularisation_asked_for(monkeypatch) -> None:
    seen = []
    real = build.fit

    def fit(feats, labels, c=build.C):
        seen.append(c)
        return real(feats, labels, c)

    monkeypatch.setattr(build, "fit", fit)
    rows = []
    for i in range(12):
        for label, word in ((0, "terrible"), (1, "met"), (2, "wonderful")):
            rows.append(
                {
                    "sentence": f"Smith {word} them.",
                    "start": 0,
                    "end": 5,
                    "label": label,
                    "group": f"g{i}",
                }
            )
    build.cross_validate(rows, build.featurise(rows), k=2, c=0.7)
    assert seen == [0.7, 0.7]
