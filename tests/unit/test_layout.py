"""The module map holds: each top-level package imports only what its concern needs.

``docs/architecture.md`` says where a change goes; this test keeps the tree honest
about it, so that a newcomer's mental map and the imports never drift apart.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The records, errors, version and resource lookup are the only parts of `streams`
# the NLP may use: they are the schema and plumbing, not Kafka.
NLP_MAY_USE_FROM_STREAMS = {"streams", "streams.records", "streams.errors", "streams.resources"}
# Commands that train and evaluate are the only run-time entry points into training.
TRAINING_ENTRY_POINTS = {
    "streams/cli/train_cmd.py",
    "streams/cli/evaluate_cmd.py",
    "streams/cli/topic_report.py",
}


def imports(path: Path) -> set[str]:
    """Every module a file imports, at any depth (lazy imports included)."""
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _top(module: str) -> str:
    return module.split(".", maxsplit=1)[0]


@pytest.mark.parametrize("path", files("nlp"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_nlp_uses_neither_kafka_nor_elasticsearch_nor_training(path: Path) -> None:
    bad = {
        m
        for m in imports(path)
        if _top(m) in {"faust", "aiokafka", "kafka", "elasticsearch", "indexers", "training"}
        or (_top(m) == "streams" and m not in NLP_MAY_USE_FROM_STREAMS)
    }
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


@pytest.mark.parametrize(
    "path",
    files("streams") + files("indexers") + files("nlp"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_nothing_a_worker_runs_imports_the_training_code(path: Path) -> None:
    if str(path.relative_to(ROOT)) in TRAINING_ENTRY_POINTS:
        return
    assert not {m for m in imports(path) if _top(m) == "training"}


@pytest.mark.parametrize("path", files("indexers"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_elasticsearch_side_never_talks_to_kafka(path: Path) -> None:
    bad = {m for m in imports(path) if _top(m) in {"aiokafka", "kafka"}}
    # Faust only for serving the web views on the worker's own web server.
    if "web" not in path.relative_to(ROOT).parts:
        bad |= {m for m in imports(path) if _top(m) == "faust"}
    assert not bad, f"{path.relative_to(ROOT)} imports {sorted(bad)}"


def test_the_layout_check_sees_the_packages() -> None:
    # Guards the test itself: an empty parametrisation would pass silently.
    assert len(files("nlp")) > 10 and len(files("indexers")) > 10
    assert "streams.records" in imports(ROOT / "nlp" / "enricher.py")
