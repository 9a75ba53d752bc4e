"""The topic model: features, calibration, the two-stage recipe on invented text, the
CLI, and the committed model on recent articles it was never trained on."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from config import DataSettings
from nlp.classifiers import TOPIC_MODEL, TopicClassifier
from nlp.topic import Calibration, TopicModel, features
from streams.cli.main import cli
from training.topic import (
    BASE_CHARS,
    MAX_CHARS,
    Article,
    Options,
    Split,
    add_held_out,
    fit_base,
    fit_correction,
    head,
    load_split,
    recent_split,
    score_articles,
    validate,
)

# Invented sentences, a few per topic, in the two "eras" the recipe adapts between.
OLD = {
    "the-thao": [
        "Đội bóng giành chiến thắng trong trận đấu tối qua trên sân nhà",
        "Cầu thủ ghi bàn thắng quyết định ở phút cuối của trận bóng đá",
        "Huấn luyện viên đội tuyển công bố danh sách cầu thủ dự giải",
        "Vận động viên điền kinh phá kỷ lục quốc gia tại giải đấu",
    ],
    "kinh-doanh": [
        "Giá vàng trong nước tăng mạnh theo thị trường thế giới",
        "Doanh nghiệp xuất khẩu gạo báo lãi lớn trong quý này",
        "Ngân hàng hạ lãi suất cho vay đối với doanh nghiệp nhỏ",
        "Chỉ số chứng khoán giảm điểm do nhà đầu tư bán ra",
    ],
    "van-hoa": [
        "Nhà hát tổ chức đêm biểu diễn ca nhạc truyền thống",
        "Triển lãm tranh của họa sĩ trẻ khai mạc tại bảo tàng",
        "Ca sĩ phát hành album mới gồm mười bài hát",
        "Liên hoan phim trao giải cho đạo diễn trẻ",
    ],
}
RECENT = {
    "the-thao": [
        "Câu lạc bộ thắng đậm ở vòng đấu mới của giải bóng đá",
        "Tiền đạo lập cú đúp giúp đội nhà có ba điểm",
        "Tay vợt trẻ vào chung kết giải quần vợt",
    ],
    "kinh-doanh": [
        "Cổ phiếu công ty công nghệ tăng trần trên sàn chứng khoán",
        "Giá xăng dầu điều chỉnh giảm từ chiều nay",
        "Lãi suất tiết kiệm tại nhiều ngân hàng tiếp tục giảm",
    ],
    # The recent era files streaming shows and influencers under culture: words the
    # old era never uses, so only the recent articles can teach them.
    "van-hoa": [
        "Chương trình truyền hình thực tế có người nổi tiếng livestream",
        "Người mẫu livestream giới thiệu bộ sưu tập thời trang mới",
        "Hoa hậu livestream chia sẻ về cuộc thi sắc đẹp",
    ],
}


def _articles(corpus: dict[str, list[str]], prefix: str) -> list[Article]:
    return [
        Article(f"{prefix}{label}{i}", f"{text}\n{text}. {text}.", label)
        for label, texts in corpus.items()
        for i, text in enumerate(texts)
    ]


TINY = Options(iterations=60, folds=3, seeds=2, min_df=1, base_l2=1e-3, recent_l2=1e-3)


def test_features_are_syllables_pairs_and_title_words() -> None:
    found = features("Giá vàng\nTăng 12 phần trăm")
    assert {"giá", "vàng", "giá vàng", "vàng tăng", "00", "tăng 00", "t:giá", "t:vàng"} <= set(
        found
    )
    assert "t:tăng" not in found


def test_calibration_scores_are_probabilities_and_monotone() -> None:
    rng = np.random.default_rng(0)
    top = rng.uniform(0.2, 1.0, 2000)
    # Correct in truth less often than the raw probability says: over-confident.
    correct = rng.uniform(size=2000) < top**2
    calibration = Calibration.fit(top, correct)
    grid = np.linspace(0.0, 1.0, 101)
    scores = calibration(grid)
    assert ((scores >= 0.0) & (scores <= 1.0)).all()
    assert (np.diff(scores) >= 0).all()
    # It learned the over-confidence: a raw 0.9 means about 0.81.
    assert abs(float(calibration(0.9)) - 0.81) < 0.06


def test_calibration_stays_monotone_when_confidence_means_nothing() -> None:
    rng = np.random.default_rng(1)
    top = rng.uniform(0.2, 1.0, 500)
    correct = rng.uniform(size=500) < 1.2 - top  # surer means more often wrong
    calibration = Calibration.fit(top, correct)
    assert calibration.slope > 0
    assert (np.diff(calibration(np.linspace(0.01, 0.99, 50))) >= 0).all()


def test_recent_split_is_fixed_stratified_and_a_quarter() -> None:
    articles = [Article(f"id{i}", "x", f"topic{i % 4}") for i in range(80)]
    train, held = recent_split(articles, 25)
    assert len(held) == 20 and len(train) == 60
    assert sorted(a.label for a in held) == sorted([f"topic{i}" for i in range(4)] * 5)
    assert recent_split(list(reversed(articles)), 25)[1] == list(reversed(held))
    assert recent_split(articles, 0) == (articles, [])


def test_the_recent_correction_teaches_what_the_old_corpus_never_saw() -> None:
    old = _articles(OLD, "old-")
    recent = _articles(RECENT, "new-")
    base = fit_base(old, [a.text for a in recent], TINY)
    index = {c: i for i, c in enumerate(base.classes)}
    x = base.vectorizer.transform(a.text for a in recent)
    y = np.array([index[a.label] for a in recent])
    w, b = fit_correction(base, x, y, TINY)
    model = TopicModel(
        base.vectorizer, base.classes, base.weights + w, base.bias + b, Calibration()
    )
    text = "Diễn viên livestream\nMột diễn viên livestream tối qua."
    assert model.predict_with_score(text)[0] == "van-hoa"
    assert model.predict_with_score("Trận đấu\nĐội bóng thắng trận đấu.")[0] == "the-thao"
    assert model.predict_with_score("Giá vàng\nGiá vàng tăng.")[0] == "kinh-doanh"


def test_validate_cross_validates_and_the_model_round_trips(tmp_path: Path) -> None:
    split = Split(
        _articles(OLD, "old-"), _articles(OLD, "test-")[:3], _articles(RECENT, "new-"), []
    )
    folds: list[int] = []
    validated = validate(split, TINY, on_fold=lambda: folds.append(1))
    evaluation = validated.evaluation
    assert len(folds) == TINY.folds * TINY.seeds
    assert evaluation.recent_articles == 9
    assert set(evaluation.by_class) == {"the-thao", "kinh-doanh", "van-hoa"}
    assert 0.0 <= evaluation.accuracy.mean <= 1.0
    assert validated.calibration.slope > 0

    model = TopicModel(
        validated.base.vectorizer,
        validated.base.classes,
        validated.base.weights,
        validated.base.bias,
        validated.calibration,
        {"note": "tiny"},
    )
    path = tmp_path / "topic.npz"
    model.save(path)
    loaded = TopicModel.load(path)
    text = "Ca sĩ\nCa sĩ hát trong đêm nhạc tại nhà hát."
    label, score = loaded.predict_with_score(text)
    assert (label, round(score, 5)) == tuple(
        v if isinstance(v, str) else round(v, 5) for v in model.predict_with_score(text)
    )
    assert label == "van-hoa" and 0.0 <= score <= 1.0
    assert loaded.info == {"note": "tiny"}
    add_held_out(evaluation, loaded, split.old_test, split.recent_test)
    assert evaluation.old_held_out == 3 and evaluation.old_accuracy == 1.0

    category = TopicClassifier(loaded).classify("Ca sĩ", "Ca sĩ hát trong đêm nhạc.")
    assert (category.label, category.source) == ("van-hoa", "model")


def _write(path: Path, articles: list[Article]) -> None:
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for a in articles:
            title, _, content = a.text.partition("\n")
            record = {"id": a.id, "title": title, "content": content, "category": a.label}
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def test_the_model_reads_what_it_was_validated_on(tmp_path: Path) -> None:
    # Stage 1 reads old articles at BASE_CHARS; everything scored or corrected on (the
    # recent articles, both held-out sets) is read as the classifier reads an article.
    assert TopicClassifier.MAX_CHARS == MAX_CHARS > BASE_CHARS
    long = "Trận bóng đá kết thúc muộn. " * (MAX_CHARS // 10)
    old = [Article(f"old-{k}", f"Bóng đá\n{long}", "the-thao") for k in range(40)]
    _write(tmp_path / "old.jsonl.gz", old)
    _write(tmp_path / "recent.jsonl.gz", old[:4])
    split = load_split(tmp_path / "old.jsonl.gz", tmp_path / "recent.jsonl.gz", 25)
    assert split.old_test and split.old_train and split.recent_train and split.recent_test
    assert {len(a.text) for a in split.old_train} == {len("Bóng đá\n") + BASE_CHARS}
    others = [*split.old_test, *split.recent_train, *split.recent_test]
    assert {len(a.text) for a in others} == {len("Bóng đá\n") + MAX_CHARS}
    assert head(others[0].text, BASE_CHARS) == split.old_train[0].text
    assert head("Tựa\nabcdef", 3) == "Tựa\nabc"


def test_train_and_evaluate_topic_commands(tmp_path: Path) -> None:
    news = tmp_path / "data" / "news"
    news.mkdir(parents=True)
    # Enough ids that the old corpus's 10% held-out split (by crc32) is not empty.
    old = [
        Article(f"{a.id}-{k}", a.text, a.label) for a in _articles(OLD, "old-") for k in range(4)
    ]
    _write(news / "vntc-train.jsonl.gz", old)
    _write(news / "news-recent-train.jsonl.gz", _articles(RECENT, "new-") * 1)
    out = tmp_path / "model" / "topic.npz"
    runner = CliRunner()
    result = runner.invoke(
        cli,
        ["train", "topic", "--data", str(tmp_path / "data"), "--out", str(out), "--json"],
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert out.exists()
    assert report["recent_held_out"]["articles"] == 3  # a quarter of 3 per topic, rounded
    assert TopicModel.load(out).info["recent_train"] == 6

    result = runner.invoke(
        cli,
        [
            "evaluate", "topic", "--data", str(tmp_path / "data"), "--model", str(out),
            "--folds", "2", "--seeds", "1",
        ],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "2-fold cross-validation × 1 seeds over 6 articles" in result.stdout
    assert "held-out recent articles" in result.stdout
    assert "ECE" in result.stdout


def _shared_data() -> Path:
    return DataSettings().data


@pytest.fixture(scope="module")
def committed() -> TopicModel:
    return TopicModel.load(TOPIC_MODEL)


def test_committed_model_on_recent_articles_it_never_saw(committed: TopicModel) -> None:
    news = _shared_data() / "news"
    assert committed.info["recent_holdout_percent"] == 25
    split = load_split(news / "vntc-train.jsonl.gz", news / "news-recent-train.jsonl.gz", 25)
    assert len(split.recent_test) == 80 and len(split.recent_train) == 240
    assert committed.info["recent_train"] == len(split.recent_train)
    correct, scores = score_articles(committed, split.recent_test)
    assert float(correct.mean()) >= 0.90  # 0.925 when committed
    assert ((scores >= 0) & (scores <= 1)).all()
    # Its scores mean something: the right answers score higher on average.
    assert scores[correct].mean() > scores[~correct].mean()
    old_correct, _ = score_articles(committed, split.old_test)
    assert float(old_correct.mean()) >= 0.925  # 0.932 when committed
