"""The team's facet gold files parse, and hold ids and names only (never the shared text)."""

from __future__ import annotations

from pathlib import Path

import pytest

from training.evaluation import read_facet_gold

GOLD_DIR = Path(__file__).resolve().parents[2] / "training" / "data" / "facets"


@pytest.mark.parametrize("path", sorted(GOLD_DIR.glob("*.tsv")), ids=lambda p: p.name)
def test_a_gold_file_holds_ids_and_names_only(path: Path) -> None:
    gold = read_facet_gold(path)
    assert len(gold) >= 10
    for doc_id, facets in gold.items():
        assert len(doc_id) == 16 and int(doc_id, 16) >= 0  # the shared crawl's ids
        for facet in facets:
            # a name, not a sentence: copying the shared articles' text is not allowed
            assert all(len(form) <= 120 and form.count(" ") < 20 for form in facet.forms)


def test_the_held_out_sets_share_no_article_with_the_dev_sets() -> None:
    def ids(name: str) -> set[str]:
        return set(read_facet_gold(GOLD_DIR / name))

    dev = ids("recent-dev.tsv") | ids("recent-dev-2.tsv")
    assert not dev & ids("recent-test.tsv")
    assert not dev & ids("recent-test-2.tsv")
    assert not ids("recent-test.tsv") & ids("recent-test-2.tsv")
