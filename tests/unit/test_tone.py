"""The news tone model: features, calibrated scores, thresholds, training, CLI, the dev bar."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from config import DataSettings
from nlp.tone import (
    CLASSES,
    Calibration,
    FeatureOptions,
    Thresholds,
    ToneModel,
    ToneScorer,
    features,
)
from streams.cli.main import cli
from training.tone import (
    EXTRA_LABELS,
    EXTRA_SECOND_PASS,
    RECENT_HOLDOUT_ALL_NAME,
    RECENT_HOLDOUT_NAME,
    RECENT_LABELS,
    RECENT_MORE_LABELS,
    RECENT_MORE_SECOND_PASS,
    RECENT_SECOND_PASS,
    RECENT_THIRD_LABELS,
    RECENT_THIRD_SECOND_PASS,
    RECENT_WEIGHT,
    LabelledSet,
    TrainingOptions,
    cohen_kappa,
    evaluate,
    fit,
    fit_calibration,
    in_recent_holdout,
    read_labels,
    recent_holdout_set,
    recent_labels,
    score_predictions,
    train_tone,
    training_labels,
)

SHARED = DataSettings().data


def _hand_model(temperature: float = 1.0) -> ToneModel:
    """Three words with fixed weights: "tốt" good, "xấu" bad, "họp" neutral."""
    vocabulary = {"tốt": 0, "xấu": 1, "họp": 2}
    weights = np.asarray([[-2.0, 0.0, 2.0], [2.0, 0.0, -2.0], [0.0, 2.0, 0.0]])
    return ToneModel(
        FeatureOptions(lead_chars=0, bigrams=False),
        vocabulary,
        np.ones(3),
        weights,
        np.zeros(3),
        Calibration(temperature, (0.0, 0.0, 0.0)),
        Thresholds(0.3, 0.3),
    )


def test_features_count_the_lead_apart_and_ignore_numbers() -> None:
    counts = features(
        "Đội nhà thắng", "Ngày 12/5, đội nhà thắng 3-0. Khán giả vui.", FeatureOptions()
    )
    assert counts["thắng"] == 2  # once in the title, once in the text
    assert counts["t:thắng"] == 2  # the lead is title + opening
    assert counts["đội nhà"] == 2 and counts["t:đội nhà"] == 2
    assert not any(ch.isdigit() for name in counts for ch in name)
    assert "thắng khán" not in counts  # pairs stop at punctuation
    title_only = features("Đội nhà thắng", "Khán giả vui.", FeatureOptions(lead_chars=0))
    assert "t:khán" not in title_only and title_only["t:thắng"] == 1


def test_score_sign_follows_the_evidence_and_grows_with_it() -> None:
    scorer = ToneScorer(_hand_model())
    good = scorer.score("tốt", "tốt")
    better = scorer.score("tốt", "tốt tốt tốt")
    mixed = scorer.score("tốt xấu", "tốt họp")
    bad = scorer.score("xấu", "xấu xấu họp")
    plain = scorer.score("họp", "họp họp")
    assert (good.label, good.source) == ("positive", "model") and good.score > 0.3
    assert bad.label == "negative" and bad.score < -0.3
    assert plain.label == "neutral" and abs(plain.score) < 0.1
    assert -1.0 <= bad.score < mixed.score < good.score <= 1.0
    assert better.score >= good.score - 1e-9
    # Unknown text: no evidence, so the score is the prior's (0 for this model).
    assert ToneScorer(_hand_model()).score("abc", "def").score == 0.0


def test_a_higher_temperature_means_less_confidence() -> None:
    sure = ToneScorer(_hand_model(1.0)).score("tốt", "tốt")
    unsure = ToneScorer(_hand_model(4.0)).score("tốt", "tốt")
    assert 0 < unsure.score < sure.score


def test_thresholds_decide_the_label_and_keep_its_sign() -> None:
    thresholds = Thresholds(positive=0.25, negative=0.35)
    assert thresholds.label(0.25) == "positive"
    assert thresholds.label(0.2499) == "neutral"
    assert thresholds.label(-0.3) == "neutral"
    assert thresholds.label(-0.35) == "negative"
    assert thresholds.label(0.0) == "neutral"


def test_calibration_undoes_overconfidence() -> None:
    rng = np.random.default_rng(0)
    gold = rng.integers(0, 3, size=3000)
    # Logits that favour the right class by 1 (well calibrated), then blown up x4.
    logits = rng.normal(size=(3000, 3))
    logits[np.arange(3000), gold] += 1.0
    calibration = fit_calibration(logits * 4.0, list(gold))
    assert 3.0 < calibration.temperature < 5.0
    assert all(abs(b) < 0.2 for b in calibration.bias)


def test_the_reliability_table_and_ece_of_a_hand_example() -> None:
    probabilities = np.asarray([[0.1, 0.1, 0.8], [0.1, 0.1, 0.8], [0.7, 0.2, 0.1], [0.2, 0.6, 0.2]])
    gold = ["positive", "neutral", "negative", "neutral"]
    scores = score_predictions("hand", gold, probabilities, Thresholds(0.3, 0.3))
    assert scores.accuracy == 0.75
    assert scores.by_class["positive"].precision == 0.5
    assert scores.by_class["positive"].recall == 1.0
    assert scores.by_class["negative"].f1 == 1.0
    bins = {(b.low, b.count): b for b in scores.reliability}
    assert bins[(0.7, 1)].accuracy == 1.0 and bins[(0.8, 2)].accuracy == 0.5
    # |0.7-1| x 1/4 + |0.8-0.5| x 2/4 + |0.6-1| x 1/4
    assert scores.ece == pytest.approx(0.075 + 0.15 + 0.1)


INVENTED = [
    ("positive", "Đội tuyển vô địch giải đấu", "Các cầu thủ giành chiến thắng thuyết phục."),
    ("positive", "Học sinh đoạt huy chương vàng", "Em giành chiến thắng và được khen thưởng."),
    ("positive", "Nông dân được mùa, trúng giá", "Thu nhập tăng cao, cả làng vui mừng."),
    ("positive", "Vận động viên phá kỷ lục", "Cô giành huy chương vàng, khán giả vui mừng."),
    ("negative", "Tai nạn giao thông làm hai người chết", "Xe tải đâm xe máy, hai người tử vong."),
    ("negative", "Cháy nhà xưởng, thiệt hại lớn", "Ngọn lửa thiêu rụi kho hàng, thiệt hại nặng."),
    ("negative", "Bắt nghi phạm lừa đảo", "Công an bắt giữ kẻ lừa đảo chiếm đoạt tài sản."),
    ("negative", "Lũ lụt cuốn trôi nhà cửa", "Nhiều người mất tích, thiệt hại nặng nề."),
    ("neutral", "Cách nấu canh chua", "Chuẩn bị cá, me và rau thơm, đun sôi nước."),
    ("neutral", "Lịch thi đấu tuần tới", "Các trận đấu diễn ra vào cuối tuần tại sân nhà."),
    ("neutral", "Mẹo chọn áo khoác mùa đông", "Nên chọn chất liệu ấm và màu sắc dễ phối."),
    ("neutral", "Thông báo lịch nghỉ lễ", "Các cơ quan nghỉ từ thứ hai đến thứ tư."),
]


def _invented() -> LabelledSet:
    return LabelledSet(
        "invented", [(t, c) for _, t, c in INVENTED], [label for label, _, _ in INVENTED]
    )


def test_a_tiny_model_learns_invented_news_and_survives_a_round_trip(tmp_path: Path) -> None:
    data = _invented()
    options = TrainingOptions(min_df=1, iterations=200)
    model = fit(data.articles, data.labels, options)
    model = ToneModel(
        model.options,
        model.vocabulary,
        model.idf,
        model.weights,
        model.intercept,
        Calibration(),
        Thresholds(0.1, 0.1),
    )
    scorer = ToneScorer(model)
    assert scorer.score("Đội bóng giành chiến thắng", "Cầu thủ vui mừng.").label == "positive"
    assert scorer.score("Hai người tử vong", "Thiệt hại nặng.").label == "negative"
    assert scorer.score("Cách chọn rau", "Nên chọn rau tươi.").label == "neutral"
    path = tmp_path / "tone.json.gz"
    model.save(path)
    loaded = ToneModel.load(path)
    assert loaded.to_json() == model.to_json()
    again = ToneScorer(path=path).score("Hai người tử vong", "Thiệt hại nặng.")
    assert again == scorer.score("Hai người tử vong", "Thiệt hại nặng.")
    assert evaluate(model, data).macro_f1 == 1.0


def test_training_cross_validates_calibrates_and_sets_thresholds() -> None:
    data = _invented()
    ids = [f"a{i}" for i in range(len(INVENTED))]
    report = train_tone(ids, data, TrainingOptions(min_df=1, iterations=100), folds=3)
    assert report.train == len(INVENTED) and report.extra == 0
    assert report.cross_validated.n == len(INVENTED)
    assert report.model.calibration.temperature > 0
    assert 0 <= report.model.thresholds.positive <= 0.75


@pytest.mark.parametrize(
    ("labels", "second", "size", "twice", "dropped"),
    [
        (RECENT_LABELS, RECENT_SECOND_PASS, 100, 40, 1),
        (EXTRA_LABELS, EXTRA_SECOND_PASS, 150, 40, 1),
        (RECENT_MORE_LABELS, RECENT_MORE_SECOND_PASS, 130, 30, 3),
        # The one disagreement, and one essay the team had already dropped on
        # which the passes (the team's and these) disagreed, were dropped.
        (RECENT_THIRD_LABELS, RECENT_THIRD_SECOND_PASS, 78, 25, 2),
    ],
)
def test_the_team_labels_and_their_second_pass(
    labels: Path, second: Path, size: int, twice: int, dropped: int
) -> None:
    first = dict(read_labels(labels))
    again = dict(read_labels(second))
    assert len(first) >= size and len(again) == twice
    both = [i for i in again if i in first]
    # The disagreements were dropped from the set, as the shared set does.
    assert len(both) == len(again) - dropped
    assert cohen_kappa([first[i] for i in both], [again[i] for i in both]) == 1.0


def test_the_team_labels_are_disjoint_from_the_shared_sets() -> None:
    extra = {i for i, _ in read_labels(EXTRA_LABELS)}
    recent = {i for i, _ in read_labels(RECENT_LABELS)}
    more = {i for i, _ in read_labels(RECENT_MORE_LABELS)}
    third = {i for i, _ in read_labels(RECENT_THIRD_LABELS)}
    shared = {
        i
        for name in ("news-tone-train.jsonl", "news-tone-dev.jsonl")
        for i, _ in read_labels(SHARED / "news" / name)
    }
    assert not extra & shared and not recent & shared and not extra & recent
    assert not more & (shared | extra | recent)
    assert not third & (shared | extra | recent | more)


def test_the_recent_held_out_slice_is_fixed_and_never_trained_on() -> None:
    everything = recent_labels()
    held = {i for i, _ in everything if in_recent_holdout(i)}
    # About 30%, fixed by the id alone, with every class in it.
    assert 0.25 <= len(held) / len(everything) <= 0.4
    assert held == {i for i, _ in everything if in_recent_holdout(i)}
    assert {label for i, label in everything if i in held} == set(CLASSES)
    older, recent = training_labels(SHARED)
    trained = {i for i, _ in older + recent}
    assert not trained & held
    assert {i for i, _ in recent} | held == {i for i, _ in everything}
    assert len(recent_holdout_set(SHARED, third=True).articles) == len(held)
    # The rule is per id: the third labels add to the slice, the first 83 stay.
    first = {i for i, _ in recent_labels(third=False) if in_recent_holdout(i)}
    assert len(first) == 83 and first < held
    assert len(recent_holdout_set(SHARED).articles) == 83


def test_the_recent_rows_are_scored_fold_by_fold() -> None:
    data = _invented()
    ids = [f"a{i}" for i in range(len(INVENTED))]
    recent = [i % 2 == 0 for i in range(len(ids))]
    options = TrainingOptions(min_df=1, iterations=100)
    report = train_tone(ids, data, options, folds=3, recent=recent, recent_weight=2.0)
    assert report.recent is not None
    assert report.recent.pooled.n == sum(recent)
    assert sum(f.n for f in report.recent.folds) == sum(recent)
    summary = report.recent.summary()
    assert summary["recent_weight"] == 2.0
    assert summary["macro_f1"]["min"] <= summary["macro_f1"]["mean"] <= summary["macro_f1"]["max"]
    assert train_tone(ids, data, options, folds=3).recent is None


def test_the_cli_default_recent_weight_is_the_trained_one() -> None:
    from streams.cli import train_cmd

    assert train_cmd._RECENT_WEIGHT == RECENT_WEIGHT


def test_cohen_kappa() -> None:
    a = ["positive", "neutral", "negative", "neutral"]
    assert cohen_kappa(a, a) == 1.0
    assert cohen_kappa(a, ["neutral"] * 4) == 0.0


def test_cli_commands_exist() -> None:
    for command in (["train", "tone", "--help"], ["evaluate", "tone", "--help"]):
        result = CliRunner().invoke(cli, command)
        assert result.exit_code == 0, result.output
        assert "TINSTREAM_SHARED_DATA" in result.output
    assert CliRunner().invoke(cli, ["train", "sentiment", "--help"]).exit_code == 2


def test_the_committed_model_meets_the_bar_on_the_shared_dev_set() -> None:
    """Reads the shared data by path (never copied): macro-F1 >= 0.75 on news-tone-dev,
    and the held-out recent slice stays where it was measured."""
    result = CliRunner().invoke(cli, ["evaluate", "tone", "--data", str(SHARED), "--json"])
    assert result.exit_code == 0, result.output
    scores = {r["set"]: r for r in json.loads(result.stdout)}
    dev = scores["news-tone-dev"]
    assert dev["articles"] == 191
    assert dev["macro_f1"] >= 0.75
    assert dev["ece"] < 0.1
    # The held-out ~30% of the team's recent labels, never trained on, scored
    # once at the end: the first 83 measured 0.763 (positive recall 0.765), all
    # 110 (with the third labels' share) 0.737 (0.667); 0.03 of noise margin on
    # the 83 (one article moves macro-F1 by about 0.01), the 0.70 bar on the 110.
    recent = scores[RECENT_HOLDOUT_NAME]
    assert recent["articles"] == 83
    assert recent["macro_f1"] >= 0.73
    assert recent["positive_recall"] >= 0.5
    everything = scores[RECENT_HOLDOUT_ALL_NAME]
    assert everything["articles"] == 110
    assert everything["macro_f1"] >= 0.70
    assert everything["positive_recall"] >= 0.5
    assert set(dev["by_class"]) == {"negative", "neutral", "positive"}
