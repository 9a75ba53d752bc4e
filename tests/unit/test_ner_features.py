"""Syllable tokenisation, CRF features, gazetteers, document memory and training data."""

from __future__ import annotations

from pathlib import Path

from nlp.ner.capitals import capital_ratios
from nlp.ner.features import (
    DocumentMemory,
    Featurizer,
    Gazetteer,
    shape,
    spans,
)
from nlp.ner.tokenize import MAX_SENTENCE_SYLLABLES, sentences, syllables
from training.ner_corpus import read_documents


def test_syllables_keep_offsets_initials_and_compounds() -> None:
    text = "Ông Kenneth J. Herrmann đến TP. HCM, TP.HCM và Q. 1 lúc 3.5 giờ vì COVID-19."
    tokens = syllables(text)
    assert [t.text for t in tokens] == [
        "Ông", "Kenneth", "J.", "Herrmann", "đến", "TP.", "HCM", ",", "TP.HCM", "và", "Q.",
        "1", "lúc", "3.5", "giờ", "vì", "COVID-19", ".",
    ]  # fmt: skip
    assert all(text[t.start : t.end] == t.text for t in tokens)


def test_sentences_split_at_full_stops_and_lines_but_not_initials() -> None:
    text = "Ông Nguyễn Văn A. đến Hà Nội. Bà B ở lại\nDòng mới"
    assert [[t.text for t in s] for s in sentences(text)] == [
        ["Ông", "Nguyễn", "Văn", "A.", "đến", "Hà", "Nội", "."],
        ["Bà", "B", "ở", "lại"],
        ["Dòng", "mới"],
    ]


def test_a_sentence_without_full_stop_is_capped() -> None:
    text = " ".join(["chữ"] * (MAX_SENTENCE_SYLLABLES * 2 + 5))
    assert [len(s) for s in sentences(text)] == [
        MAX_SENTENCE_SYLLABLES,
        MAX_SENTENCE_SYLLABLES,
        5,
    ]


def test_shape_collapses_character_classes() -> None:
    assert shape("Nguyễn") == "Aa"
    assert shape("COVID-19") == "A-0"
    assert shape("iPhone") == "aAa"


def test_gazetteer_marks_longest_phrases() -> None:
    words = ["thành", "phố", "Hồ", "Chí", "Minh", "và", "Bộ", "Y", "tế"]
    tags = Gazetteer().tags([w.lower() for w in words])
    assert "loccue:B" in tags[0] and "loccue:I" in tags[1]
    assert "surname:B" in tags[2]
    assert "org:B" in tags[6] and "org:I" in tags[8]
    assert "orghead:B" in tags[6]


def test_features_describe_word_context_and_capital_ratio() -> None:
    featurizer = Featurizer(Gazetteer(), {"nội": 0.95, "hà": 0.5})
    (f_ong, f_ha, f_noi) = featurizer.features(["ông", "Hà", "Nội"])
    assert "w=hà" in f_ha and "s=Aa" in f_ha and "r=2C" in f_ha
    assert "w[-1]=ông" in f_ha and "w[1]=nội" in f_ha
    assert "r=4C" in f_noi and "eos" in f_noi
    assert "bos" in f_ong and "r=ul" in f_ong
    assert "g=vnloc:B" in f_ha and "g=vnloc:I" in f_noi
    assert "rh=hà" in f_noi and "rl=2" in f_noi


def test_document_memory_feeds_the_second_pass() -> None:
    memory = DocumentMemory.of(
        [
            (["chị", "Thư", "đến"], ["O", "B-PER", "O"]),
            (["Bộ", "Y", "tế"], ["B-ORG", "I-ORG", "I-ORG"]),
        ]
    )
    assert memory.syllable_types == {"thư": "PER", "bộ": "ORG", "y": "ORG"}
    assert memory.name_types == {"thư": "PER", "bộ y": "ORG"}
    featurizer = Featurizer(Gazetteer(), {})
    (f_thu, _) = featurizer.features(["Thư", "cười"], memory)
    assert "d=PER" in f_thu and "dn=PER" in f_thu
    assert not any(f.startswith("d=") for f in featurizer.features(["Thư"])[0])


def test_spans_of_bio_tags() -> None:
    tags = ["B-PER", "I-PER", "O", "I-LOC", "B-ORG", "B-ORG", "I-LOC"]
    assert spans(tags) == [
        (0, 1, "PER"),
        (3, 3, "LOC"),
        (4, 4, "ORG"),
        (5, 5, "ORG"),
        (6, 6, "LOC"),
    ]


def test_training_documents_spread_word_tags_over_syllables(tmp_path: Path) -> None:
    conll = tmp_path / "train.conll"
    conll.write_text(
        "# doc 1\nÔng\tN\tB-NP\tO\nTrần_Văn_Bình\tNp\tB-NP\tB-PER\n\n"
        "Ở\tE\tB-PP\tO\nHà_Nội\tNp\tB-NP\tB-LOC\n\n"
        "# doc 2\nSony\tNp\tB-NP\tB-ORG\nWalkman\tNp\tB-NP\tB-MISC\n",
        encoding="utf-8",
    )
    first, second = read_documents(conll)
    assert [(s.words, s.tags) for s in first] == [
        (["Ông", "Trần", "Văn", "Bình"], ["O", "B-PER", "I-PER", "I-PER"]),
        (["Ở", "Hà", "Nội"], ["O", "B-LOC", "I-LOC"]),
    ]
    assert [(s.words, s.tags) for s in second] == [(["Sony", "Walkman"], ["B-ORG", "B-MISC"])]


def test_capital_ratios_ignore_sentence_starts() -> None:
    texts = ["Hôm nay Hà Nội mưa. Hà Nội lạnh.", "Trời mưa ở Hà Nội. Mưa to quá."]
    ratios = capital_ratios(texts, min_count=1)
    assert ratios["hà"] == 1.0  # its sentence-initial use says nothing
    assert ratios["mưa"] == 0.0
    assert "hôm" not in ratios


def test_training_writes_a_model_the_analyzer_loads(tmp_path: Path) -> None:
    from nlp.ner.model import CrfAnalyzer
    from training.ner import TrainingOptions, train

    sentences = [
        ("Ông", "O"), ("Trần_Văn_Bình", "B-PER"), ("làm_việc", "O"), ("tại", "O"),
        ("Bộ_Y_tế", "B-ORG"), ("ở", "O"), ("Hà_Nội", "B-LOC"), (".", "O"),
    ]  # fmt: skip
    block = "".join(f"{w}\tX\tX\t{t}\n" for w, t in sentences) + "\n"
    conll = tmp_path / "train.conll"
    conll.write_text("".join(f"# doc {n}\n{block}" for n in range(4)), encoding="utf-8")
    news = tmp_path / "news.jsonl"
    news.write_text('{"title": "Tin", "content": "Hôm nay ở Hà Nội trời mưa."}\n', "utf-8")
    out = tmp_path / "model"
    steps: list[str] = []
    options = TrainingOptions(folds=2, iterations=30, min_feature_count=1)
    train(conll, news, out, options, progress=steps.append)
    assert steps[-1] == "second pass, all documents"
    text = "Ông Trần Văn Bình làm việc tại Bộ Y tế ở Hà Nội ."
    tokens = CrfAnalyzer(out).analyze(text)
    tagged = {(t.text, t.tag) for t in tokens}
    assert {("Trần", "B-PER"), ("Bộ", "B-ORG"), ("Hà", "B-LOC"), ("Nội", "I-LOC")} <= tagged


def test_an_organisation_takes_in_a_hyphenated_name() -> None:
    from nlp.ner.model import join_hyphenated

    words = ["Hội", "Hữu", "nghị", "Việt", "-", "Pháp", "họp", "ở", "Hà", "Nội", "-", "Huế"]
    tags = ["B-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "O", "O", "B-LOC", "I-LOC", "O"]
    tags.append("B-LOC")
    assert join_hyphenated(words, list(tags)) == [
        "B-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "I-ORG", "O", "O",
        "B-LOC", "I-LOC", "O", "B-LOC",
    ]  # fmt: skip
    # A person after the hyphen is a separate entity ("Bộ Y tế - ông ..." reads so too).
    words = ["Bộ", "Y", "tế", "-", "Nguyễn", "An"]
    tags = ["B-ORG", "I-ORG", "I-ORG", "O", "B-PER", "I-PER"]
    assert join_hyphenated(words, list(tags)) == tags


class _RecordingTagger:
    """A stand-in CRF: remembers the features it was given and tags by a fixed rule."""

    def __init__(self) -> None:
        self.seen: list[list[list[str]]] = []

    def tag(self, features: list[list[str]]) -> list[str]:
        self.seen.append(features)
        return ["B-PER" if "s=Aa" in f and "w[-1]=ông" in f else "O" for f in features]


def test_the_second_pass_gets_the_features_of_a_full_rebuild() -> None:
    from nlp.ner.model import KnownNames, NerModel

    featurizer = Featurizer(Gazetteer(), {"thư": 0.8}, {"thư": [1, 2, 3]})
    first, second = _RecordingTagger(), _RecordingTagger()
    model = NerModel(featurizer, first, second, KnownNames())
    document = [["ông", "Thư", "đến", "Bộ", "Y", "tế", "."], ["Thư", "về", "nhà", "."]]
    model.tag_document(document)
    # The first pass feeds the memory of capitalised names: the second sentence has
    # no capital after its first syllable and is not tagged by it.
    assert first.seen == [featurizer.features(document[0])]
    memory = DocumentMemory.of(
        [
            (document[0], first.tag(featurizer.features(document[0]))),
            (document[1], ["O"] * len(document[1])),
        ]
    )
    assert memory.syllable_types == {"thư": "PER"}
    # The old path: every feature computed again for the second pass.
    assert second.seen == [featurizer.features(words, memory) for words in document]
    assert "d=PER" in second.seen[1][0] and not any("d=" in f for f in first.seen[0][1])


def test_memory_features_leave_the_first_pass_lists_untouched() -> None:
    featurizer = Featurizer(Gazetteer(), {})
    words = ["Thư", "cười"]
    local = featurizer.local_features(words)
    before = [list(f) for f in local]
    memory = DocumentMemory({"thư": "PER"}, {"thư": "PER"})
    shared = featurizer.with_memory(words, local, memory)
    assert local == before
    assert shared[0] == [*before[0], "d=PER", "dn=PER"]
    assert shared[1] is local[1]  # not in a name: shared, not copied


def test_clusters_group_syllables_used_alike_and_become_features() -> None:
    from nlp.ner.clusters import learn_clusters

    # Invented text: given names after "anh"/"chị", fruits after "ăn"/"mua".
    names = ["Tâm", "Lan", "Hùng", "Mai", "Tuấn", "Hoa"]
    fruits = ["cam", "táo", "chuối", "xoài", "ổi", "nho"]
    texts = [
        f"Hôm qua anh {n} gặp chị {m} ở chợ. Sau đó họ ăn {f} và mua {g} về nhà."
        for n in names
        for m in names
        for f in fruits
        for g in fruits
    ]
    clusters = learn_clusters(texts, dimensions=8, sizes=(2, 8))
    assert all(len(ids) == 2 for ids in clusters.values())
    # Coarse: names and fruits are both the words that vary, apart from the frame.
    assert clusters["tâm"][0] == clusters["cam"][0] != clusters["anh"][0]
    # Fine: each its own cluster.
    assert len({clusters[n.lower()][1] for n in names}) == 1
    assert len({clusters[f][1] for f in fruits}) == 1
    assert clusters["tâm"][1] != clusters["cam"][1]

    featurizer = Featurizer(Gazetteer(), {}, clusters)
    f_anh, f_tam = featurizer.features(["anh", "Tâm"])
    level0 = clusters["tâm"][0]
    assert f"k0={level0}" in f_tam and f"k1={clusters['tâm'][1]}" in f_tam
    assert f"k[1]={clusters['tâm'][1]}" in f_anh
    assert not any(f.startswith("k") for f in featurizer.features(["Zyx"])[0])


def test_an_organisation_head_reaches_the_lower_case_words_of_its_name() -> None:
    featurizer = Featurizer(Gazetteer(), {})
    words = ["Sở", "Giáo", "dục", "và", "Đào", "tạo", ",", "các", "em"]
    feats = featurizer.features(words)
    assert "oh=2l" in feats[2] and "oh=3l" in feats[3]
    assert not any(f.startswith("oh=") for f in feats[7])  # the comma ends the name


def test_train_clusters_command_writes_the_table_to_out(tmp_path: Path) -> None:
    import gzip
    import json

    from click.testing import CliRunner

    from streams.cli.main import cli

    news = tmp_path / "data" / "news"
    news.mkdir(parents=True)
    names = ["Tâm", "Lan", "Hùng", "Mai"]
    with gzip.open(news / "vntc-train.jsonl.gz", "wt", encoding="utf-8") as handle:
        for n in names:
            for m in names:
                article = {"title": f"Anh {n} và chị {m}", "content": f"Hôm nay anh {n} gặp {m}."}
                handle.write(json.dumps(article, ensure_ascii=False) + "\n")
    out = tmp_path / "model" / "clusters.json"
    result = CliRunner().invoke(
        cli, ["train", "clusters", "--data", str(tmp_path / "data"), "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    table = json.loads(out.read_text(encoding="utf-8"))
    assert {"tâm", "lan", "anh", "gặp"} <= table.keys()
    assert all(len(ids) == 3 for ids in table.values())
