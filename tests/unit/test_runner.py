"""The process-pool runner: results, errors as data, and a pool whose process dies."""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

import pytest

from config import EnrichmentSettings
from streams.errors import EnrichmentError, InvalidArticle
from streams.records import EnrichedArticle, RawArticle
from streams.stages.runners import Outcome, ProcessRunner

pytestmark = pytest.mark.timeout(120)


def _nothing(settings: EnrichmentSettings) -> None:
    """Stands in for loading the models."""


def _task(raw: RawArticle) -> Outcome:
    """Echoes the article; its title says how to misbehave."""
    if raw.title == "die":
        os._exit(3)
    if raw.title == "die once":
        marker = Path(raw.content)
        if not marker.exists():
            marker.write_text("died", encoding="utf-8")
            os._exit(3)
    if raw.title == "invalid":
        return "invalid", None, "no text", False
    if raw.title == "fails":
        return "error", None, "NLP failed", True
    return "ok", EnrichedArticle(id=raw.id, title=raw.title, content="", language="vi"), "", False


def _raw(title: str, content: str = "nội dung") -> RawArticle:
    return RawArticle.from_mapping({"id": title, "title": title, "content": content})


def test_results_and_errors_come_back_and_a_dead_process_is_replaced(tmp_path: Path) -> None:
    async def scenario() -> None:
        runner = ProcessRunner(EnrichmentSettings(), 2, task=_task, initializer=_nothing)
        try:
            runner.warm_up(timeout_s=60)  # both processes started before the first article
            assert (await runner.enrich(_raw("ok"))).title == "ok"
            with pytest.raises(InvalidArticle, match="no text"):
                await runner.enrich(_raw("invalid"))
            with pytest.raises(EnrichmentError, match="NLP failed") as failed:
                await runner.enrich(_raw("fails"))
            assert failed.value.retriable
            # Dies once: a new pool, and the second try succeeds.
            marker = tmp_path / "marker"
            assert (await runner.enrich(_raw("die once", str(marker)))).title == "die once"
            assert runner.restarts == 1
            # Dies every time: reported after the second try; the stream can go on.
            with pytest.raises(EnrichmentError, match="died twice"):
                await runner.enrich(_raw("die"))
            assert runner.restarts == 3
            results = await asyncio.gather(*(runner.enrich(_raw(f"a{n}")) for n in range(6)))
            assert [r.title for r in results] == [f"a{n}" for n in range(6)]
        finally:
            runner.close()

    asyncio.run(asyncio.wait_for(scenario(), timeout=100))
