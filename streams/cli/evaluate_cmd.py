"""``tinstream evaluate ner GOLD.conll`` and ``evaluate tone``: the models against gold."""

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
    envvar="TINSTREAM_TONE_MODEL",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    default=None,
    help="a tone model other than the packaged one",
)
@json_flag
def tone(data: Path, model_path: Path | None, as_json: bool) -> None:
    """Tone scores on news/news-tone-dev.jsonl, the held-out ~30% of the team's recent
    labels (never trained on) and the team's news items:
    per-class precision, recall and F1, macro-F1, positive recall, calibration (ECE)."""
    from streams.enrichment.tone import TONE_MODEL, ToneModel
    from streams.enrichment.tone_training import evaluate as evaluate_tone
    from streams.enrichment.tone_training import evaluation_sets

    model = ToneModel.load(model_path or TONE_MODEL)
    sets = evaluation_sets(data)
    with click.progressbar(sets, label="evaluating", file=sys.stderr) as bar:
        results = [evaluate_tone(model, s) for s in bar]
    if as_json:
        print_json([r.to_dict() for r in results])
        return
    for r in results:
        click.echo(
            f"{r.name}: {r.n} articles, macro-F1 {r.macro_f1:.3f}, accuracy {r.accuracy:.3f}, "
            f"positive recall {r.positive_recall:.3f}, ECE {r.ece:.3f}"
        )
        click.echo(f"  {'class':<9} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
        for name, s in r.by_class.items():
            click.echo(
                f"  {name:<9} {s.precision:>9.3f} {s.recall:>7.3f} {s.f1:>7.3f} {s.support:>8}"
            )
        click.echo("  reliability (top class): probability bin, articles, confidence, accuracy")
        for b in r.reliability:
            row = f"{b.low:.1f}-{b.high:.1f} {b.count:>5} {b.confidence:>10.3f} {b.accuracy:>9.3f}"
            click.echo(f"    {row}")
        click.echo("  label accuracy by |score|")
        for b in r.by_strength:
            click.echo(f"    {b.low:.1f}-{b.high:.1f} {b.count:>5} {b.accuracy:>9.3f}")
