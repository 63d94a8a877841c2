"""The n-gram tables: built from a (tiny, hand-made) lingua-1.x-shaped wheel, loaded, and
scored; no network and no real model needed."""

from __future__ import annotations

import json
import zipfile
from collections import Counter
from pathlib import Path

import brotli
import numpy as np
import pytest

from streams.build.ngrams import build
from streams.processors.language.ngrams import ORDERS, ModelMissing, NgramModel

CORPORA = {
    # two made-up languages with different letter habits
    "aa": "kala mana sapa kala tana mana lapa sana kala",
    "bb": "troz brix kvorz drix tvorz klix brozt",
}


def _model_json(lang: str, order: int) -> dict[str, object]:
    grams: Counter[str] = Counter()
    for word in CORPORA[lang].split():
        for i in range(len(word) - order + 1):
            grams[word[i : i + order]] += 1
    total = sum(grams.values())
    by_fraction: dict[str, list[str]] = {}
    for gram, n in grams.items():
        by_fraction.setdefault(f"{n}/{total}", []).append(gram)
    return {"language": lang.upper(), "ngrams": {k: " ".join(v) for k, v in by_fraction.items()}}


@pytest.fixture(scope="module")
def model(tmp_path_factory: pytest.TempPathFactory) -> NgramModel:
    root = tmp_path_factory.mktemp("ngrams")
    wheel = root / "lingua_language_detector-1.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for lang in CORPORA:
            for order, name in enumerate(ORDERS, 1):
                data = json.dumps(_model_json(lang, order)).encode()
                zf.writestr(f"lingua/language-models/{lang}/{name}.json.br", brotli.compress(data))
    return NgramModel(build(root / "tables", wheel))


def test_tables_hold_every_language(model: NgramModel) -> None:
    assert model.languages == ["aa", "bb"]


def test_each_text_scores_highest_for_its_language(model: NgramModel) -> None:
    scores, grams = model.scores(["mana kala sapa", "brix drix troz", "kala"])
    assert list(np.argmax(scores, axis=1)) == [0, 1, 0]
    assert grams[0] > grams[2] > 0


def test_a_batch_scores_each_text_as_it_scores_alone(model: NgramModel) -> None:
    texts = ["mana kala", "", "troz", "kvorz brix tana"]
    together, _ = model.scores(texts)
    for i, text in enumerate(texts):
        alone, _ = model.scores([text])
        assert np.allclose(together[i], alone[0])


@pytest.mark.parametrize("pad_up_to", [0.0, 1e9])  # never / always the padded grid
def test_both_ways_of_summing_a_batch_agree_with_each_text_alone(
    model: NgramModel, pad_up_to: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(model, "PAD_UP_TO", pad_up_to)
    monkeypatch.setattr(model, "GATHER_CELLS", 4)  # several blocks, even for this small batch
    texts = ["kala", "mana kala sapa " * 40, "", "troz brix", "brix drix troz"]
    together, grams = model.scores(texts)
    for i, text in enumerate(texts):
        alone, alone_grams = model.scores([text])
        assert np.allclose(together[i], alone[0], rtol=1e-5) and grams[i] == alone_grams[0]
    assert list(np.argmax(together[[0, 1, 3, 4]], axis=1)) == [0, 0, 1, 1]


def test_unseen_text_scores_the_floor_everywhere(model: NgramModel) -> None:
    scores, grams = model.scores(["qqq"])
    assert grams[0] > 0 and np.all(scores[0] < 0)


def test_only_runs_of_letters_count_lower_cased(model: NgramModel) -> None:
    plain, plain_grams = model.scores(["kala mana troz"])
    noisy, noisy_grams = model.scores(["KALA, 42 mana_troz!"])
    assert np.allclose(plain, noisy) and list(plain_grams) == list(noisy_grams)


def test_missing_tables_say_how_to_build_them(tmp_path: Path) -> None:
    with pytest.raises(ModelMissing, match=r"python -m streams\.build\.ngrams"):
        NgramModel(tmp_path)
