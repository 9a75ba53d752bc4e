"""``tinstream train ner|clusters|topic|tone|keywords|words``: rebuild the models from data."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from streams.cli.options import env_option, json_flag, print_json, shared_data_option

log = logging.getLogger(__name__)
F = TypeVar("F", bound=Callable[..., Any])

# Training writes beside the caller, never into the installed package (which may be
# read-only, and is what running workers load): a model ships once it is copied into
# nlp/models/ and committed with its card.
_MODELS = Path("trained")
_DATA_HELP = "the shared data folder (read by path, never copied)"
# Keep equal to training.tone.RECENT_WEIGHT (a unit test checks); not imported
# here so that the CLI starts without numpy.
_RECENT_WEIGHT = 1.0


def _shared_data() -> Callable[[F], F]:
    return shared_data_option(_DATA_HELP)


def _out(default: Path) -> Callable[[F], F]:
    return env_option(
        "--out",
        "out",
        envvar="TINSTREAM_TRAIN_OUT",
        default=default,
        type=click.Path(path_type=Path),
        help="where the trained model is written (copy it into nlp/models/ to ship it)",
    )


def _step(message: str) -> None:
    click.echo(f"{time.strftime('%H:%M:%S')} {message}", err=True)


@click.group()
def train() -> None:
    """Train the enrichment models (see nlp/models/MODEL_CARD.md); each writes to --out."""


@train.command()
@_shared_data()
@_out(_MODELS / "ner")
@env_option("--folds", envvar="TINSTREAM_TRAIN_FOLDS", default=5, help="folds for the second pass")
@env_option(
    "--iterations", envvar="TINSTREAM_TRAIN_ITERATIONS", default=300, help="L-BFGS iterations"
)
@env_option("--l2", envvar="TINSTREAM_TRAIN_L2", default=0.05, help="L2 penalty")
@env_option(
    "--org-repeat",
    envvar="TINSTREAM_TRAIN_ORG_REPEAT",
    default=2,
    type=click.IntRange(1, 10),
    help="times a sentence naming an organisation is seen in training",
)
@env_option(
    "--clusters",
    "clusters",
    envvar="TINSTREAM_TRAIN_CLUSTERS",
    default=None,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="a syllable cluster table from 'train clusters' (default: learn it from news/)",
)
def ner(
    data: Path,
    out: Path,
    folds: int,
    iterations: int,
    l2: float,
    org_repeat: int,
    clusters: Path | None,
) -> None:
    """The CRF entity tagger, from ner/vlsp2016-ner-train.conll and news/ (capitals, clusters)."""
    from training.ner import TrainingOptions
    from training.ner import train as train_ner

    options = TrainingOptions(
        folds=folds, l2_penalty=l2, iterations=iterations, org_repeat=org_repeat
    )
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
    from training.ner import train_clusters

    table = train_clusters(data / "news" / "vntc-train.jsonl.gz", out, progress=_step)
    click.echo(f"{len(table)} syllable clusters written to {out}")


@train.command()
@_shared_data()
@_out(_MODELS / "topic.npz")
@env_option(
    "--recent-holdout",
    envvar="TINSTREAM_TRAIN_RECENT_HOLDOUT",
    default=25,
    type=click.IntRange(0, 90),
    help="percent of news-recent-train (fixed by id, per topic) never trained on",
)
@json_flag
def topic(data: Path, out: Path, recent_holdout: int, as_json: bool) -> None:
    """The topic model, from news/vntc-train.jsonl.gz and news/news-recent-train.jsonl.gz."""
    from streams.cli.topic_report import echo_topic_evaluation
    from training.topic import train as train_topic

    trained = train_topic(
        data / "news" / "vntc-train.jsonl.gz",
        data / "news" / "news-recent-train.jsonl.gz",
        recent_holdout=recent_holdout,
        progress=_step,
    )
    trained.model.save(out)
    if as_json:
        print_json({"out": str(out), **trained.evaluation.to_dict()})
        return
    click.echo(f"topic model written to {out}")
    echo_topic_evaluation(trained.evaluation)


@train.command()
@_shared_data()
@_out(_MODELS / "tone.json.gz")
@env_option("--folds", envvar="TINSTREAM_TRAIN_FOLDS", default=5, help="cross-validation folds")
@env_option(
    "--recent-weight",
    envvar="TINSTREAM_TONE_RECENT_WEIGHT",
    default=_RECENT_WEIGHT,
    type=float,
    help="weight of a team-labelled recent article against an older one (chosen by CV)",
)
@json_flag
def tone(data: Path, out: Path, folds: int, recent_weight: float, as_json: bool) -> None:
    """The news tone model, from news/news-tone-train.jsonl (text joined by id from
    news/vntc-train.jsonl.gz), the team's labels (more vntc-train articles; recent
    articles outside the final held-out slice) and news sentences; calibrated by
    cross-validation, with the recent articles also scored fold by fold."""
    from training.tone import train_from_data

    report = train_from_data(data, folds=folds, recent_weight=recent_weight, progress=_step)
    report.model.save(out)
    recent = report.recent.summary() if report.recent else None
    if as_json:
        print_json(
            {
                "out": str(out),
                "train": report.train,
                "extra": report.extra,
                "cross_validated": report.cross_validated.to_dict(),
                "recent_cross_validated": recent,
            }
        )
        return
    cv = report.cross_validated
    click.echo(
        f"tone model written to {out}: {report.train} articles (+{report.extra} team sentences), "
        f"{len(report.model.vocabulary)} features"
    )
    click.echo(
        f"  {cv.name}: macro-F1 {cv.macro_f1:.4f}, positive recall {cv.positive_recall:.4f}, "
        f"ECE {cv.ece:.4f}"
    )
    if recent:
        for measure in ("macro_f1", "positive_recall", "ece"):
            m = recent[measure]
            click.echo(
                f"  recent ({recent['articles']} articles, {recent['folds']}-fold CV, weight "
                f"{recent['recent_weight']}): {measure} mean {m['mean']:.4f} sd {m['std']:.4f} "
                f"[{m['min']:.4f}, {m['max']:.4f}], pooled {recent['pooled'][measure]:.4f}"
            )


@train.command()
@_shared_data()
@_out(_MODELS / "keywords-df.json.gz")
def keywords(data: Path, out: Path) -> None:
    """Document frequencies of words and phrases in news/vntc-train.jsonl.gz, for keywords."""
    from training.common import train_keywords

    with click.progressbar(
        length=25_338, label="segmenting articles", file=sys.stderr, show_pos=True
    ) as bar:
        n = train_keywords(data / "news" / "vntc-train.jsonl.gz", out, progress=bar.update)
    click.echo(f"{n} words and phrases written to {out}")


@train.command()
@_shared_data()
@_out(_MODELS / "word-counts.json.gz")
def words(data: Path, out: Path) -> None:
    """Word counts of ner/vlsp2016-ner-train.conll, for the search word segmenter."""
    import gzip
    import json

    from nlp.segmenter import count_words

    counts = count_words([data / "ner" / "vlsp2016-ner-train.conll"])
    out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(out, "wt", encoding="utf-8") as handle:
        json.dump(counts, handle, ensure_ascii=False, separators=(",", ":"))
    click.echo(f"{len(counts)} words written to {out}")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(train())
