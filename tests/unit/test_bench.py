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
