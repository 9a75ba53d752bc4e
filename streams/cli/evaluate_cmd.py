"""``tinstream evaluate``: the enrichment measured against gold data: NER spans, document
facets (entities), keywords, topic and tone, each per class with its bar."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from streams.cli.options import env_option, json_flag, print_json, shared_data_option
from streams.resources import packaged

if TYPE_CHECKING:
    from training.evaluation import Scores


# The NER model the evaluation runs, for both NER commands.
_ner_model_dir = env_option(
    "--model-dir",
    envvar="TINSTREAM_NER_MODEL_DIR",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="a tinstream NER model other than the packaged one",
)


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
@_ner_model_dir
@json_flag
def ner(gold: Path, model: str, model_dir: Path | None, as_json: bool) -> None:
    """Entity-level scores of the NER on GOLD, from raw text, one document at a time.

    GOLD is CoNLL (.conll: word, POS, chunk, NER; ``# doc`` lines) or text with
    entities written [TYPE text], a sentence per line, documents apart by a blank line."""
    from nlp import UndertheseaAnalyzer
    from nlp.analysis import Analyzer
    from nlp.ner.model import DEFAULT_MODEL_DIR, CrfAnalyzer
    from training.evaluation import evaluate as run_evaluation
    from training.evaluation import read_gold

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
    _table(scores)


@evaluate.command()
@click.argument("gold", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@env_option(
    "--articles",
    envvar="TINSTREAM_EVALUATE_ARTICLES",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="JSONL (or .jsonl.gz) of the documents ({id, title, content}); default: GOLD with .jsonl",
)
@_ner_model_dir
@json_flag
def entities(gold: Path, articles: Path | None, model_dir: Path | None, as_json: bool) -> None:
    """Document-level entity facets against GOLD: P/R/F1 per type and micro.

    GOLD has a line per entity: ``doc-id<TAB>TYPE<TAB>name<TAB>alias|alias``. A
    predicted facet is right when its type agrees and any of its forms (name or
    alias) equals any gold form, case aside; each gold entity matches once."""

    from config import EnrichmentSettings
    from nlp import Enricher
    from nlp.ner.model import DEFAULT_MODEL_DIR, CrfAnalyzer
    from streams.records import RawArticle
    from training.common import read_jsonl
    from training.evaluation import Scores, read_facet_gold, score_facets

    source = articles or gold.with_suffix(".jsonl")
    if not source.is_file():
        raise click.UsageError(f"no articles at {source}: give --articles")
    expected = read_facet_gold(gold)
    # The shared crawls are gzipped JSONL: their articles are read in place, never copied.
    documents = [d for d in read_jsonl(source) if d["id"] in expected]
    missing = sorted(set(expected) - {d["id"] for d in documents})
    if missing:
        raise click.UsageError(f"gold documents without text in {source}: {', '.join(missing)}")
    enricher = Enricher(CrfAnalyzer(model_dir or DEFAULT_MODEL_DIR), EnrichmentSettings())
    scores = Scores()
    with click.progressbar(documents, label="evaluating", file=sys.stderr, show_pos=True) as bar:
        for document in bar:
            article = enricher.enrich(RawArticle.from_mapping(document))
            predicted = [(e.type, [e.text, *e.aliases]) for e in article.entities]
            score_facets(scores, predicted, expected[document["id"]])
    if as_json:
        print_json(
            {
                "documents": scores.sentences,
                **{k: v for k, v in scores.to_dict().items() if k != "sentences"},
            }
        )
        return
    click.echo(f"{scores.sentences} documents of {gold}")
    _table(scores)


def _table(scores: Scores) -> None:
    click.echo(f"{'type':<6} {'precision':>9} {'recall':>7} {'f1':>7} {'support':>8}")
    for name, score in [*scores.by_type.items(), ("micro", scores.micro)]:
        row = score.to_dict()
        click.echo(
            f"{name:<6} {row['precision']:>9.3f} {row['recall']:>7.3f} {row['f1']:>7.3f} "
            f"{row['support']:>8}"
        )


_LABELS = packaged("training", "data", "keywords")


@evaluate.command()
@shared_data_option("the shared data folder, where the labelled articles are read by id")
@env_option(
    "--labels",
    "labels",
    envvar="TINSTREAM_KEYWORD_LABELS",
    default=_LABELS,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="folder of keyword label files (*.jsonl: id and keywords)",
)
@env_option(
    "--entities/--no-entities",
    "with_entities",
    envvar="TINSTREAM_KEYWORD_EVAL_ENTITIES",
    default=True,
    help="give the extractor the article's entity facets (from tinstream's NER) to "
    "demote, as the enricher does",
)
@json_flag
def keywords(data: Path, labels: Path, with_entities: bool, as_json: bool) -> None:
    """precision@5 and the whole-word share of the keywords, per label file.

    See training/keyword_evaluation.py for the matching rule."""
    from config import EnrichmentSettings
    from nlp.keywords import KeywordExtractor
    from nlp.ner.model import CrfAnalyzer
    from nlp.segmenter import WordSegmenter
    from training.keyword_evaluation import (
        LabelledArticle,
        entity_forms,
        evaluate_keywords,
        labelled_articles,
        read_labels,
        read_news,
    )

    files = sorted(labels.glob("*.jsonl"))
    if not files:
        raise click.UsageError(f"no *.jsonl label files in {labels}")
    news = [data / "news" / "news-recent-train.jsonl.gz", data / "news" / "vntc-train.jsonl.gz"]
    gold = {f.stem: read_labels(f) for f in files}
    wanted = {k: v for g in gold.values() for k, v in g.items()}
    articles = {a.id: a for a in labelled_articles(wanted, read_news(news))}
    extractor = KeywordExtractor()
    segmenter = WordSegmenter()
    analyzer = CrfAnalyzer()
    # The enricher reads this much content at most.
    limit = EnrichmentSettings().max_nlp_chars

    def extract(article: LabelledArticle) -> list[str]:
        content = article.content[:limit]
        forms = entity_forms(analyzer, article.title, content) if with_entities else []
        return extractor.extract(article.title, content, 5, entities=forms)

    results = {}
    for name, labelled in gold.items():
        chosen = [articles[k] for k in labelled]
        with click.progressbar(
            length=len(chosen), label=name, file=sys.stderr, show_pos=True
        ) as bar:
            results[name] = evaluate_keywords(
                extract,
                chosen,
                segmenter,
                on_article=lambda: bar.update(1),
            )
    if as_json:
        print_json({name: scores.to_dict() for name, scores in results.items()})
        return
    click.echo(
        f"{'labels':<10} {'articles':>8} {'p@5':>6} {'exact p@5':>9} {'gold found':>10} "
        f"{'whole words':>11}"
    )
    for name, scores in results.items():
        click.echo(
            f"{name:<10} {scores.articles:>8} {scores.precision_at_5:>6.3f} "
            f"{scores.exact_precision_at_5:>9.3f} "
            f"{scores.gold_found:>10.3f} {scores.whole_word_share:>11.3f}"
        )


@evaluate.command()
@shared_data_option("the shared data folder (read by path, never copied)")
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
    from nlp.classifiers import TOPIC_MODEL
    from nlp.topic import TopicModel
    from streams.cli.topic_report import echo_topic_evaluation
    from training.topic import Options, add_held_out, load_split, validate

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


@evaluate.command()
@shared_data_option("the shared data folder (read by path, never copied)")
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
    from nlp.tone import TONE_MODEL, ToneModel
    from training.tone import evaluate as evaluate_tone
    from training.tone import evaluation_sets

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
