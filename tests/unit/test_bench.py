"""The benchmarks still import: nothing else runs them in the suite, and a model or
module they use can be renamed under them (bench.enrich once imported a constant the
tone model's change removed)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"


@pytest.mark.parametrize(
    "module", sorted(p.stem for p in BENCH.glob("*.py") if p.stem != "__init__")
)
def test_benchmark_modules_import(module: str) -> None:
    importlib.import_module(f"bench.{module}")


def test_name_queries_are_folded_and_judged_by_the_accented_phrase() -> None:
    from bench.name_queries import Article, build_queries, precision_at

    articles = [
        Article("a", "Khách sạn ở Đà Nẵng kín phòng.", ("Đà Nẵng",), (), held_out=False),
        Article("b", "Nhà máy đã nâng công suất ở Đà-Nẵng.", (), (), held_out=False),
        Article("c", "Xuất khẩu đã nâng gấp đôi.", (), ("xuất khẩu",), held_out=True),
        Article("d", "Ông Lê Văn Tám nói.", ("Lê Văn Tám", "Tám"), (), held_out=True),
    ]
    queries = {q.text: q for q in build_queries(articles)}
    # One syllable is too short to be a query; names and phrases are folded.
    assert set(queries) == {"da nang", "le van tam", "xuat khau"}
    # Relevant: the accented phrase in a row (punctuation aside), not what folds alike.
    assert queries["da nang"].relevant == {"a", "b"}
    assert not queries["da nang"].held_out and queries["le van tam"].held_out
    assert queries["xuat khau"].kind == "phrase"
    assert precision_at(["x", "a", "y", "z", "w", "b"], frozenset({"a", "b"})) == 0.5
    assert precision_at(["a"], frozenset({"a"})) == 1.0


def test_capitalised_runs_are_names_inside_sentences() -> None:
    from bench.name_queries import capitalised_runs

    text = "Sáng nay, bà Lò Thị Mây về Mường Tè. Tại Hồ Gươm trời mưa.\nXe Buýt Điện Mới Về Phố Cổ."
    # Not the word opening a sentence, not a run of five or more.
    assert capitalised_runs(text) == ["Lò Thị Mây", "Mường Tè", "Hồ Gươm"]
