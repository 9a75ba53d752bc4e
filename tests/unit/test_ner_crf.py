"""The numpy CRF (ner/crf.py) tags exactly as underthesea_core's CRFTagger, from cached parts."""

from __future__ import annotations

import itertools
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

from config import DataSettings
from nlp.ner.crf import CrfsuiteModel, DocumentCrf, viterbi
from nlp.ner.features import DocumentMemory, Featurizer, Gazetteer
from nlp.ner.model import (
    DEFAULT_MODEL_DIR,
    FIRST_PASS_FILE,
    SECOND_PASS_FILE,
    NerModel,
)
from nlp.ner.tokenize import sentences

SHARED = DataSettings().data

# Invented sentences: names with titles, organisations, places, acronyms, edges.
DOCUMENT = [
    ["Ông", "Trần", "Văn", "Khải", "đến", "Bộ", "Y", "tế", "sáng", "nay", "."],
    ["Khải", "nói", "Công", "ty", "Sông", "Xanh", "ở", "Đà", "Nẵng", "sẽ", "mở", "rộng", "."],
    ["UBND", "tỉnh", "Lâm", "Đồng", "và", "Hội", "Nông", "dân", "Việt", "-", "Lào", "họp", "."],
    ["mưa", "to", "kéo", "dài", "."],
    ["Chị", "Lan"],
    ["A"],
]


@pytest.fixture(scope="module")
def model() -> NerModel:
    return NerModel.load(DEFAULT_MODEL_DIR)


@pytest.fixture(scope="module")
def taggers() -> tuple[object, object]:
    from underthesea_core import CRFTagger

    out = []
    for name in (FIRST_PASS_FILE, SECOND_PASS_FILE):
        tagger = CRFTagger()
        tagger.load(str(DEFAULT_MODEL_DIR / name))
        out.append(tagger)
    return out[0], out[1]


def test_the_model_file_is_read_whole() -> None:
    crf = CrfsuiteModel.read(DEFAULT_MODEL_DIR / FIRST_PASS_FILE)
    assert crf.labels[0] == "O" and "B-PER" in crf.labels
    assert crf.state.shape == (len(crf.attributes), len(crf.labels))
    assert crf.transition.shape == (len(crf.labels), len(crf.labels))
    assert "b" in crf.attributes and np.abs(crf.state).sum() > 0


def test_a_model_written_by_the_trainer_tags_as_the_tagger_does(tmp_path: Path) -> None:
    from underthesea_core import CRFTagger, CRFTrainer

    x = [
        [["w=ông", "b"], ["w=nam", "s=Aa", "b"], ["w=đi", "b"]],
        [["w=tại", "b"], ["w=huế", "s=Aa", "b"]],
        [["w=bà", "b"], ["w=hoa", "s=Aa", "b"], ["w=ở", "b"], ["w=huế", "s=Aa", "b"]],
    ] * 4
    y = [["O", "B-PER", "O"], ["O", "B-LOC"], ["O", "B-PER", "O", "B-LOC"]] * 4
    trained = CRFTrainer(
        loss_function="lbfgs", l1_penalty=0.0, l2_penalty=0.01, max_iterations=30, verbose=0
    ).train(x, y)
    path = tmp_path / "tiny.crfsuite"
    trained.save(str(path))
    tagger = CRFTagger()
    tagger.load(str(path))
    crf = DocumentCrf(CrfsuiteModel.read(path), CrfsuiteModel.read(path))
    for sentence in [*x[:3], [["w=nam", "s=Aa", "b"], ["w=lạ", "b"]], [["w=?", "b"]]]:
        assert crf.tag(sentence) == list(tagger.tag(sentence))
        assert crf.tag(sentence, second=True) == list(tagger.tag(sentence))


def test_viterbi_finds_the_best_path_of_every_sentence() -> None:
    rng = np.random.default_rng(7)
    labels = 3
    transition = rng.normal(size=(labels, labels))
    lengths = [1, 4, 2, 3]
    emissions = rng.normal(size=(len(lengths), max(lengths), labels))
    paths = viterbi(emissions, lengths, transition)
    for k, n in enumerate(lengths):

        def score(path: tuple[int, ...], e: np.ndarray = emissions[k]) -> float:
            total = sum(e[t, label] for t, label in enumerate(path))
            return float(total + sum(transition[a, b] for a, b in itertools.pairwise(path)))

        best = max(itertools.product(range(labels), repeat=n), key=score)
        assert paths[k] == list(best)


def _reference_viterbi(
    emissions: np.ndarray, lengths: list[int], transition: np.ndarray
) -> list[list[int]]:
    """CRFsuite's decoding written plainly, one sentence at a time: ties go to the
    lower label, both for the previous label and for the last one."""
    out = []
    width = transition.shape[0]
    for k, n in enumerate(lengths):
        score = [float(x) for x in emissions[k, 0]]
        back: list[list[int]] = []
        for t in range(1, n):
            pointers, row = [], []
            for to in range(width):
                values = [score[f] + float(transition[f, to]) for f in range(width)]
                best = max(range(width), key=lambda f, v=values: (v[f], -f))  # type: ignore[misc]
                pointers.append(best)
                row.append(values[best] + float(emissions[k, t, to]))
            back.append(pointers)
            score = row
        label = max(range(width), key=lambda j: (score[j], -j))
        path = [label]
        for pointers in reversed(back):
            label = pointers[label]
            path.append(label)
        out.append(path[::-1])
    return out


def test_viterbi_breaks_ties_as_crfsuite_does() -> None:
    """Small integer scores make many ties; sentences of every length, in any order."""
    rng = np.random.default_rng(11)
    for labels in (1, 2, 5, 9):
        for _ in range(20):
            lengths = [int(n) for n in rng.integers(1, 9, size=int(rng.integers(1, 6)))]
            emissions = rng.integers(-2, 3, size=(len(lengths), max(lengths), labels)).astype(
                np.float64
            )
            transition = rng.integers(-1, 2, size=(labels, labels)).astype(np.float64)
            got = viterbi(emissions, lengths, transition)
            assert got == _reference_viterbi(emissions, lengths, transition)
            assert [len(path) for path in got] == lengths


def test_sentence_tags_equal_the_crftagger_on_both_passes(
    model: NerModel, taggers: tuple[object, object]
) -> None:
    crf = model.crf
    assert crf is not None
    memory = DocumentMemory({"khải": "PER", "lâm": "LOC"}, {"trần văn khải": "PER"})
    for words in DOCUMENT:
        local = model.featurizer.local_features(words)
        second = model.featurizer.with_memory(words, local, memory)
        assert crf.tag(local) == list(taggers[0].tag(local))  # type: ignore[attr-defined]
        assert crf.tag(second, True) == list(taggers[1].tag(second))  # type: ignore[attr-defined]


def test_documents_are_tagged_as_by_the_two_crftaggers(
    model: NerModel, taggers: tuple[object, object]
) -> None:
    """The fast path (``NerModel.crf``) against the sentence-by-sentence one, on
    invented text and on shared news articles (read by path, never copied)."""
    from training.common import read_jsonl

    slow = NerModel(model.featurizer, taggers[0], taggers[1], model.lists)
    documents = [DOCUMENT, [], [["Hà", "Nội"]]]
    for row in islice(read_jsonl(SHARED / "news" / "vntc-train.jsonl.gz"), 25):
        text = f"{row['title']}\n{row['content']}"
        documents.append([[s.text for s in sentence] for sentence in sentences(text)])
    for document in documents:
        assert model.tag_document(document) == slow.tag_document(document)


def test_cached_weights_equal_the_weights_of_the_feature_strings(model: NerModel) -> None:
    """Whatever the features are: the emissions from ``local_parts`` with the per-form
    cache (even one that is emptied between sentences) are the sums of the weights of
    ``local_features``' strings."""
    first = CrfsuiteModel.read(DEFAULT_MODEL_DIR / FIRST_PASS_FILE)
    second = CrfsuiteModel.read(DEFAULT_MODEL_DIR / SECOND_PASS_FILE)
    featurizer = Featurizer(Gazetteer(), {"khải": 0.9, "trần": 0.8}, {"khải": [1, 2, 3]})
    parts = [featurizer.local_parts(words) for words in DOCUMENT]
    strings = [f for words in DOCUMENT for f in featurizer.local_features(words)]
    for cache_size in (20, 1000):
        crf = DocumentCrf(first, second, cache_size=cache_size)
        for _ in range(2):  # the second time from the cache
            got = crf.emissions(DOCUMENT, [s for s, _ in parts], [c for _, c in parts])
            assert np.allclose(got, crf._sum_each(strings), rtol=0, atol=1e-9)


def test_a_sentence_longer_than_the_cache_is_refused(model: NerModel) -> None:
    crf = DocumentCrf(
        CrfsuiteModel.read(DEFAULT_MODEL_DIR / FIRST_PASS_FILE),
        CrfsuiteModel.read(DEFAULT_MODEL_DIR / FIRST_PASS_FILE),
        cache_size=3,
    )
    words = ["một", "hai", "ba", "bốn"]
    statics, context = model.featurizer.local_parts(words)
    with pytest.raises(ValueError, match="cache"):
        crf.emissions([words], [statics], [context])


def test_local_features_are_the_parts_joined() -> None:
    featurizer = Featurizer(Gazetteer(), {"lan": 0.9}, {"lan": [4, 5]})
    words = ["Chị", "Lan", "ở", "Bộ", "Y", "tế"]
    statics, context = featurizer.local_parts(words)
    local = featurizer.local_features(words)
    for i, features in enumerate(local):
        assert features[: len(statics[i].own)] == list(statics[i].own)
        assert features[-len(context[i]) :] == context[i]
    assert "w[-1]=chị" in local[1] and "w[1]=lan" in local[0] and "w[-2]=_" in local[0]
    memory = DocumentMemory({"lan": "PER"}, {"chị lan": "PER"})  # the run "Chị Lan"
    extra = featurizer.memory_features(words, memory)
    assert extra[1] == ["d=PER", "dn=PER"] and extra[2] == []
    assert featurizer.with_memory(words, local, memory)[1] == [*local[1], *extra[1]]


def test_documents_tagged_together_are_tagged_as_one_by_one(model: NerModel) -> None:
    """Each document keeps its own memory: "Khải" named in one says nothing in another."""
    from training.common import read_jsonl

    documents = [DOCUMENT, [], [["Khải", "nói", "."]], [["Hà", "Nội"]], DOCUMENT[1:3]]
    for row in islice(read_jsonl(SHARED / "news" / "vntc-train.jsonl.gz"), 10):
        documents.append([[s.text for s in sentence] for sentence in sentences(row["title"])])
        documents.append([[s.text for s in sentence] for sentence in sentences(row["content"])])
    one_by_one = [model.tag_document(document) for document in documents]
    assert model.tag_documents(documents) == one_by_one
    assert model.tag_documents([]) == []
    assert model.tag_documents([[]]) == [[]]


def test_analyze_many_is_analyze_of_each_text(model: NerModel) -> None:
    from nlp.analysis import BatchAnalyzer
    from nlp.ner.model import CrfAnalyzer

    analyzer = CrfAnalyzer(model=model)
    texts = [
        "Ông Trần Văn Khải đến Bộ Y tế.",
        "Khải nói Công ty Sông Xanh ở Đà Nẵng sẽ mở rộng.\nChị Lan ở Hà Nội.",
        "",
        "mưa to",
    ]
    assert isinstance(analyzer, BatchAnalyzer)
    assert analyzer.analyze_many(texts) == [analyzer.analyze(text) for text in texts]


def test_added_features_are_summed_into_one_pass_only(model: NerModel) -> None:
    """``add`` in one call equals adding each syllable's weights to its row, exactly for
    the second pass's one or two memory features."""
    crf = model.crf
    assert crf is not None
    rng = np.random.default_rng(3)
    width = len(crf.labels)
    emissions = rng.normal(size=(5, 2 * width))
    extra = [["d=PER"], [], ["d=LOC", "dn=LOC"], ["d=ORG", "dn=no such feature"], []]
    for second in (False, True):
        got = crf.add(emissions, extra, second)
        expected = emissions.copy()
        for i, features in enumerate(extra):
            if features:
                weights = crf._weights(features)
                part = slice(width, None) if second else slice(None, width)
                expected[i, part] += weights[part]
        assert np.array_equal(got, expected)
        assert np.array_equal(got[[1, 4]], emissions[[1, 4]])
    assert np.array_equal(crf.add(emissions, [[]] * 5, True), emissions)


def test_tokens_made_by_their_slots_are_the_records_the_constructor_makes() -> None:
    import dataclasses

    from nlp.analysis import Token
    from nlp.ner.model import _token

    made = _token(3, 7, "Khải", "X", "B-PER")
    built = Token(3, 7, "Khải", "X", "B-PER")
    assert type(made) is Token and made == built and hash(made) == hash(built)
    assert repr(made) == repr(built) and dataclasses.astuple(made) == dataclasses.astuple(built)
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.tag = "O"  # type: ignore[misc]
