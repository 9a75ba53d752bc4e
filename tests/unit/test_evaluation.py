"""NER evaluation: CoNLL reading, raw-text reconstruction and exact-span scoring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from nlp.ner.lexicon import Lexicon
from nlp.repair import SpanRepair
from tests.unit.fakes import DictionaryAnalyzer
from training.evaluation import evaluate, read_conll

# Written for this test: two sentences, one document marker, MISC ignored.
GOLD = """# doc test
Ông\tNc\tB-NP\tO
Trần_Văn_Bình\tNp\tB-NP\tB-PER
đến\tV\tB-VP\tO
Bộ\tN\tB-NP\tB-ORG
Y_tế\tN\tB-NP\tI-ORG
ở\tE\tB-PP\tO
Hà_Nội\tNp\tB-NP\tB-LOC
.\tCH\tO\tO

Lễ_hội\tN\tB-NP\tO
Tết\tN\tB-NP\tB-MISC
ở\tE\tB-PP\tO
Huế\tNp\tB-NP\tB-LOC
"""


@pytest.fixture
def gold(tmp_path: Path) -> Path:
    path = tmp_path / "gold.conll"
    path.write_text(GOLD, encoding="utf-8")
    return path


def test_read_conll_rebuilds_text_and_spans(gold: Path) -> None:
    ((first, second),) = read_conll(gold)
    assert first.text == "Ông Trần Văn Bình đến Bộ Y tế ở Hà Nội ."
    assert {(first.text[s:e], t) for s, e, t in first.entities} == {
        ("Trần Văn Bình", "PER"),
        ("Bộ Y tế", "ORG"),
        ("Hà Nội", "LOC"),
    }
    assert {(second.text[s:e], t) for s, e, t in second.entities} == {("Huế", "LOC")}


def test_scores_count_exact_typed_spans(gold: Path) -> None:
    # Right: the person and Huế. Wrong type: Hà Nội as ORG. Missed: Bộ Y tế. Extra: Tết.
    analyzer = DictionaryAnalyzer(
        {"Trần Văn Bình": "PER", "Hà Nội": "ORG", "Huế": "LOC", "Tết": "LOC"}
    )
    # The tagger's spans alone: no lexicon to repair them (see the test below).
    scores = evaluate(analyzer, read_conll(gold), repair=SpanRepair(Lexicon([])))
    per, loc, org = (scores.by_type[t] for t in ("PER", "LOC", "ORG"))
    assert (per.tp, per.fp, per.fn) == (1, 0, 0)
    assert (loc.tp, loc.fp, loc.fn) == (1, 1, 1)
    assert (org.tp, org.fp, org.fn) == (0, 1, 1)
    micro = scores.micro
    assert (micro.tp, micro.fp, micro.fn) == (2, 2, 2)
    assert micro.f1 == pytest.approx(0.5)
    assert scores.sentences == 2


def test_scores_are_of_the_spans_the_lexicon_repaired(gold: Path) -> None:
    # The packaged lexicon fixes Hà Nội's type, adds Bộ Y tế and drops Tết (not a facet).
    analyzer = DictionaryAnalyzer(
        {"Trần Văn Bình": "PER", "Hà Nội": "ORG", "Huế": "LOC", "Tết": "LOC"}
    )
    micro = evaluate(analyzer, read_conll(gold)).micro
    assert (micro.tp, micro.fp, micro.fn) == (4, 0, 0)


def test_cli_prints_every_type(gold: Path) -> None:
    from streams.cli.main import cli

    result = CliRunner().invoke(cli, ["evaluate", "ner", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    import json

    out = json.loads(result.stdout)
    assert set(out["by_type"]) == {"PER", "LOC", "ORG"}
    assert out["sentences"] == 2
    assert 0.0 <= out["micro"]["f1"] <= 1.0


def test_bracketed_gold_and_the_team_news_set(tmp_path: Path) -> None:
    from training.evaluation import read_gold

    path = tmp_path / "gold.txt"
    path.write_text(
        "# comment\n[PER Trần Văn Bình] đến [ORG Bộ Y tế].\n\nMưa ở [LOC Huế] và [MISC Tết].\n",
        encoding="utf-8",
    )
    first, second = read_gold(path)
    (sentence,) = first
    assert sentence.text == "Trần Văn Bình đến Bộ Y tế."
    assert {(sentence.text[a:b], t) for a, b, t in sentence.entities} == {
        ("Trần Văn Bình", "PER"),
        ("Bộ Y tế", "ORG"),
    }
    assert {(second[0].text[a:b], t) for a, b, t in second[0].entities} == {("Huế", "LOC")}


def test_the_packaged_model_on_news_the_team_annotated() -> None:
    from nlp.ner.model import CrfAnalyzer
    from training.evaluation import read_gold

    gold = Path(__file__).parents[2] / "training" / "data" / "news-ner-test.txt"
    scores = evaluate(CrfAnalyzer(), read_gold(gold))
    assert scores.micro.tp + scores.micro.fn == 53
    # Measured 0.827 (model card); a regression below 0.8 fails here.
    assert scores.micro.f1 >= 0.8


def test_evaluate_entities_scores_document_facets(tmp_path: Path) -> None:
    from streams.cli.main import cli

    articles = tmp_path / "gold.jsonl"
    article = {
        "id": "a1",
        "title": "Vietjet mở đường bay mới",
        "content": "Hãng Vietjet mở đường bay từ Hà Nội đến Tokyo. Ông Nguyễn Văn An cho biết.",
    }
    articles.write_text(json.dumps(article, ensure_ascii=False) + "\n", encoding="utf-8")
    gold = tmp_path / "gold.tsv"
    gold.write_text(
        "a1\tORG\tVietjet\tVietjet Air\na1\tLOC\tHà Nội\na1\tLOC\tTokyo\n"
        "a1\tPER\tNguyễn Văn An\na1\tORG\tBộ Y tế\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["evaluate", "entities", str(gold), "--json"])
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("{") :])
    assert scores["documents"] == 1
    assert scores["by_type"]["ORG"]["recall"] == 0.5  # Vietjet found, Bộ Y tế not in the text
    assert scores["by_type"]["LOC"]["f1"] == 1.0


def test_evaluate_entities_reads_gzipped_articles_in_place(tmp_path: Path) -> None:
    import gzip

    from streams.cli.main import cli

    articles = tmp_path / "crawl.jsonl.gz"
    rows = [
        {"id": "a1", "title": "Mưa lớn ở Huế", "content": "Huế mưa lớn suốt đêm qua."},
        {"id": "a2", "title": "Không chấm", "content": "Bài này không có trong gold."},
    ]
    with gzip.open(articles, "wt", encoding="utf-8") as handle:
        handle.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
    gold = tmp_path / "gold.tsv"
    gold.write_text("a1\tLOC\tHuế\n", encoding="utf-8")
    result = CliRunner().invoke(
        cli, ["evaluate", "entities", str(gold), "--articles", str(articles), "--json"]
    )
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output[result.output.index("{") :])
    assert scores["documents"] == 1  # only the gold's articles are scored
    assert scores["by_type"]["LOC"]["f1"] == 1.0


def test_evaluate_entities_without_articles_is_a_usage_error(tmp_path: Path) -> None:
    from streams.cli.main import cli

    gold = tmp_path / "gold.tsv"
    gold.write_text("a1\tORG\tVietjet\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["evaluate", "entities", str(gold)])
    assert result.exit_code == 2
