"""``tinstream evaluate ner GOLD.conll``: precision, recall and F1 per entity type;
``tinstream evaluate topic``: topic accuracy on recent and old news, and calibration."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from streams.cli.options import env_option, json_flag, print_json


@click.group()
def evaluate() -> None:
    """Measure the enrichment models against gold data."""


@evaluate.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@env_option(
    "--model",
    "model",
    envvar="TINSTREAM_ENRICH_NER_MODEL",
    type=click.Choice(["tinstream", "underthesea"]),
    default="tinstream",
    help="tinstream's own CRF or underthesea's stock tagger",
)
@env_option(
    "--model-dir",
    envvar="TINSTREAM_NER_MODEL_DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="a tinstream NER model other than the packaged one",
)
@json_flag
def ner(gold: Path, model: str, model_dir: Path | None, as_json: bool) -> None:
    """Entity-level scores of the NER on GOLD, from raw text, one document at a time.

    GOLD is CoNLL (.conll: word, POS, chunk, NER; ``# doc`` lines) or text with
    entities written [TYPE text], a sentence per line, documents apart by a blank line."""
    from streams.enrichment import UndertheseaAnalyzer
    from streams.enrichment.analysis import Analyzer
    from streams.enrichment.evaluation import evaluate as run_evaluation
    from streams.enrichment.evaluation import read_gold
    from streams.enrichment.ner.model import DEFAULT_MODEL_DIR, CrfAnalyzer

    documents = list(read_gold(gold))
    analyzer: Analyzer = (
        CrfAnalyzer(model_dir or DEFAULT_MODEL_DIR)
        if model == "tinstream"
        else UndertheseaAnalyzer()
    )
    with click.progressbar(
        length=sum(len(d) for d in documents), label="evaluating", file=sys.stderr, show_pos=True
    ) as bar:
        scores = run_evaluation(analyzer, documents, on_sentence=lambda: bar.update(1))
    if as_json:
        print_json(scores.to_dict())
        return
    click.echo(f"{scores.sentences} sentences of {gold}")
    click.echo(f"{'type':<6} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
    for name, score in [*scores.by_type.items(), ("micro", scores.micro)]:
        row = score.to_dict()
        click.echo(
            f"{name:<6} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>7.3f} "
            f"{row['support']:>8}"
        )


@evaluate.command()
@env_option(
    "--data",
    "data",
    envvar="TINSTREAM_SHARED_DATA",
    default=Path("../shared/data"),
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="the shared data folder (read by path, never copied)",
)
@env_option(
    "--model",
    "model_path",
    envvar="TINSTREAM_TOPIC_MODEL",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a topic model other than the packaged one (scored on the held-out sets)",
)
@env_option(
    "--recent-holdout",
    envvar="TINSTREAM_TRAIN_RECENT_HOLDOUT",
    default=25,
    type=click.IntRange(0, 90),
    help="percent of news-recent-train (fixed by id) held out, as the model was trained",
)
@env_option("--folds", envvar="TINSTREAM_EVAL_FOLDS", default=5, help="cross-validation folds")
@env_option("--seeds", envvar="TINSTREAM_EVAL_SEEDS", default=3, help="repeats of the folds")
@json_flag
def topic(
    data: Path,
    model_path: Path | None,
    recent_holdout: int,
    folds: int,
    seeds: int,
    as_json: bool,
) -> None:
    """Topic accuracy on recent news (repeated cross-validation of the training recipe,
    per topic), the model's accuracy on held-out recent and old articles, and the
    calibration of its scores."""
    from streams.cli.topic_report import echo_topic_evaluation
    from streams.enrichment.classifiers import TOPIC_MODEL
    from streams.enrichment.topic import TopicModel
    from streams.enrichment.topic_training import Options, add_held_out, load_split, validate

    split = load_split(
        data / "news" / "vntc-train.jsonl.gz",
        data / "news" / "news-recent-train.jsonl.gz",
        recent_holdout,
    )
    options = Options(folds=folds, seeds=seeds)

    def step(message: str) -> None:
        click.echo(message, err=True)

    with click.progressbar(
        length=folds * seeds, label="cross-validating", file=sys.stderr, show_pos=True
    ) as bar:
        validated = validate(split, options, step, on_fold=lambda: bar.update(1))
    model = TopicModel.load(model_path or TOPIC_MODEL)
    evaluation = validated.evaluation
    add_held_out(evaluation, model, split.old_test, split.recent_test)
    if as_json:
        print_json(evaluation.to_dict())
        return
    echo_topic_evaluation(evaluation, f"the model {model_path or TOPIC_MODEL}")
