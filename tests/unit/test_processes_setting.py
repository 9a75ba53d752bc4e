"""How many enrichment processes a worker runs: ``auto`` and its bounds, from the
settings and from ``tinstream worker --processes``."""

from __future__ import annotations

import os

import click
import pytest
from click.testing import CliRunner
from pydantic import ValidationError

from config import EnrichmentSettings
from config.settings import AUTO_PROCESSES_MAX
from streams.cli.main import cli
from streams.cli.options import ProcessCount


def test_auto_is_the_default_and_means_one_per_cpu_at_most_the_cap(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("TINSTREAM_ENRICH_PROCESSES", raising=False)
    settings = EnrichmentSettings()
    assert settings.processes == "auto"
    assert settings.process_count == min(len(os.sched_getaffinity(0)), AUTO_PROCESSES_MAX)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(40)))
    assert EnrichmentSettings().process_count == AUTO_PROCESSES_MAX


@pytest.mark.parametrize(("text", "expected"), [("0", 0), ("3", 3), ("auto", "auto")])
def test_the_environment_sets_it(
    monkeypatch: pytest.MonkeyPatch, text: str, expected: int | str
) -> None:
    monkeypatch.setenv("TINSTREAM_ENRICH_PROCESSES", text)
    settings = EnrichmentSettings()
    assert settings.processes == expected
    if expected != "auto":
        assert settings.process_count == expected


@pytest.mark.parametrize("bad", [-1, 65, "many"])
def test_out_of_range_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError):
        EnrichmentSettings(processes=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(("given", "parsed"), [("auto", "auto"), ("2", 2), (0, 0)])
def test_the_flag_accepts_auto_or_a_count(given: object, parsed: object) -> None:
    assert ProcessCount().convert(given, None, None) == parsed


@pytest.mark.parametrize("bad", ["-1", "65", "all"])
def test_the_flag_refuses_anything_else(bad: str) -> None:
    with pytest.raises(click.BadParameter):
        ProcessCount().convert(bad, None, None)


def test_a_bad_count_is_a_usage_error_shown_with_its_default() -> None:
    runner = CliRunner()
    refused = runner.invoke(cli, ["worker", "--processes", "lots"])
    assert refused.exit_code == 2
    assert "neither 'auto' nor a whole number" in refused.output
    shown = runner.invoke(cli, ["worker", "--help"], terminal_width=200)
    assert "TINSTREAM_ENRICH_PROCESSES" in shown.output
    assert "default: auto" in shown.output
