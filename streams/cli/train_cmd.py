"""``tinstream train ner|clusters|topic|sentiment|keywords|words``: rebuild the models from data."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from streams.cli.options import env_option, json_flag, print_json

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

_MODELS = Path(__file__).resolve().parents[1] / "enrichment" / "models"
_DATA_HELP = "the shared data folder (read by path, never copied)"


def _shared_data() -> Callable[[F], F]:
    return env_option(
        "--data",
        "data",
        envvar="TINSTREAM_SHARED_DATA",
        default=Path("../shared/data"),
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        help=_DATA_HELP,
    )


def _out(default: Path) -> Callable[[F], F]:
    return env_option(
        "--out",
        "out",
        envvar="TINSTREAM_TRAIN_OUT",
        default=default,
        type=click.Path(path_type=Path),
        help="where the trained model is written",
    )


def _step(message: str) -> None:
    click.echo(f"{time.strftime('%H:%M:%S')} {message}", err=True)


@click.group()
def train() -> None:
    """Train the enrichment models (see streams/enrichment/models/MODEL_CARD.md)."""


@train.command()
@_shared_data()
@_out(_MODELS / "ner")
@env_option("--folds", envvar="TINSTREAM_TRAIN_FOLDS", default=5, help="folds for the second pass")
@env_option(
    "--iterations", envvar="TINSTREAM_TRAIN_ITERATIONS", default=300, help="L-BFGS iterations"
)
@env_option("--l2", envvar="TINSTREAM_TRAIN_L2", default=0.05, help="L2 penalty")
@env_option(
    "--clusters",
    "clusters",
    envvar="TINSTREAM_TRAIN_CLUSTERS",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a syllable cluster table from 'train clusters' (default: learn it from news/)",
)
def ner(
    data: Path, out: Path, folds: int, iterations: int, l2: float, clusters: Path | None
) -> None:
    """The CRF entity tagger, from ner/vlsp2016-ner-train.conll and news/ (capitals, clusters)."""
    from streams.enrichment.ner.train import TrainingOptions
    from streams.enrichment.ner.train import train as train_ner

    options = TrainingOptions(folds=folds, l2_penalty=l2, iterations=iterations)
    train_ner(
        data / "ner" / "vlsp2016-ner-train.conll",
        data / "news" / "vntc-train.jsonl.gz",
        out,
        options,
        progress=_step,
        clusters=clusters,
    )
    click.echo(f"NER model written to {out}")


@train.command()
@_shared_data()
@_out(_MODELS / "ner" / "clusters.json")
def clusters(data: Path, out: Path) -> None:
    """Syllable clusters for the NER, from the unlabelled news/vntc-train.jsonl.gz (~2 min)."""
    from streams.enrichment.ner.train import train_clusters

    table = train_clusters(data / "news" / "vntc-train.jsonl.gz", out, progress=_step)
    click.echo(f"{len(table)} syllable clusters written to {out}")


@train.command()
@_shared_data()
@_out(_MODELS / "topic.bin")
@json_flag
def topic(data: Path, out: Path, as_json: bool) -> None:
    """The topic classifier, from news/vntc-train.jsonl.gz (10% held out by id)."""
    from streams.enrichment.training import train_topic

    report = train_topic(data / "news" / "vntc-train.jsonl.gz", out)
    if as_json:
        print_json(
            {"train": report.train, "held_out": report.held_out, "accuracy": report.accuracy}
        )
        return
    click.echo(
        f"topic model written to {out}: {report.train} articles trained, "
        f"accuracy {report.accuracy:.4f} on {report.held_out} held out"
    )


@train.command()
@_shared_data()
@_out(_MODELS / "sentiment.bin")
@json_flag
def sentiment(data: Path, out: Path, as_json: bool) -> None:
    """The sentence sentiment classifier, from sentiment/ and the team's news sentences."""
    from streams.enrichment.training import train_sentiment

    report = train_sentiment(data / "sentiment", out)
    if as_json:
        print_json({"train": report.train, "accuracy": report.accuracy})
        return
    click.echo(f"sentiment model written to {out}: {report.train} examples")
    for name, accuracy in report.accuracy.items():
        click.echo(f"  accuracy {accuracy:.4f} on {name}")


@train.command()
@_shared_data()
@_out(_MODELS / "keywords-df.json.gz")
def keywords(data: Path, out: Path) -> None:
    """Document frequencies of phrases in news/vntc-train.jsonl.gz, for TF-IDF keywords."""
    from streams.enrichment.training import train_keywords

    n = train_keywords(data / "news" / "vntc-train.jsonl.gz", out)
    click.echo(f"{n} phrases written to {out}")


@train.command()
@_shared_data()
@_out(Path(__file__).resolve().parents[2] / "indexers" / "models" / "word-counts.json.gz")
def words(data: Path, out: Path) -> None:
    """Word counts of ner/vlsp2016-ner-train.conll, for the search word segmenter."""
    import gzip
    import json

    from indexers.segmenter import count_words

    counts = count_words([data / "ner" / "vlsp2016-ner-train.conll"])
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump(counts, handle, ensure_ascii=False, separators=(",", ":"))
    click.echo(f"{len(counts)} words written to {out}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(train())
