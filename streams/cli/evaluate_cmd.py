"""``tinstream evaluate ner GOLD.conll``: precision, recall and F1 per entity type."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from streams.cli.options import json_flag, print_json


@click.group()
def evaluate() -> None:
    """Measure the enrichment models against gold data."""


@evaluate.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@json_flag
def ner(gold: Path, as_json: bool) -> None:
    """Entity-level scores of the NER on GOLD (CoNLL: word, POS, chunk, NER), from raw text."""
    from streams.enrichment import UndertheseaAnalyzer
    from streams.enrichment.evaluation import evaluate as run_evaluation
    from streams.enrichment.evaluation import read_conll

    sentences = list(read_conll(gold))
    with click.progressbar(
        length=len(sentences), label="evaluating", file=sys.stderr, show_pos=True
    ) as bar:
        scores = run_evaluation(UndertheseaAnalyzer(), sentences, on_sentence=lambda: bar.update(1))
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
