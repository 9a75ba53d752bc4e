"""Reliability scenarios: the integration fixtures (real stack, private pipeline per
test), and one summary line per scenario at the end of the run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.integration.conftest import (  # noqa: F401 - fixtures
    es,
    make_run,
    run,
    settings,
    stack,
)


@dataclass
class Outcome:
    """What a scenario published and what became of it."""

    name: str
    published: int
    indexed: int
    dead_lettered: int
    lost: int
    duplicated: int
    recovery_s: float
    # More figures of the scenario, "name=value ..." (e.g. the shutdown's duration).
    notes: str = ""

    def line(self) -> str:
        return (
            f"scenario={self.name} published={self.published} indexed={self.indexed} "
            f"dead_lettered={self.dead_lettered} lost={self.lost} "
            f"duplicated={self.duplicated} recovery_s={self.recovery_s:.1f}"
            + (f" {self.notes}" if self.notes else "")
        )


_OUTCOMES = pytest.StashKey[list[Outcome]]()


@pytest.fixture
def report(request: pytest.FixtureRequest) -> Iterator[list[Outcome]]:
    """Append a scenario's outcome; it is printed in the summary."""
    yield request.config.stash.setdefault(_OUTCOMES, [])


def pytest_terminal_summary(terminalreporter: Any) -> None:
    outcomes = terminalreporter.config.stash.get(_OUTCOMES, [])
    if outcomes:
        terminalreporter.section("reliability scenarios")
        for outcome in outcomes:
            terminalreporter.write_line(outcome.line())
