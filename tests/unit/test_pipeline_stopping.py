"""Stopping a worker whose writes wait for Elasticsearch (down, or refusing its key):
the waiting batch is given up unacked and Faust does not wait for its events."""

from __future__ import annotations

from pathlib import Path

import pytest
from prometheus_client import CollectorRegistry

from config import Settings, WorkerSettings
from streams.pipeline import Pipeline


def _pipeline(tmp_path: Path) -> Pipeline:
    # No client is used while the app is built: stand-ins will do.
    return Pipeline(
        Settings(worker=WorkerSettings(data_dir=tmp_path)),
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        object(),  # type: ignore[arg-type]
        registry=CollectorRegistry(),
    )


@pytest.mark.parametrize("waiting", [True, False])
def test_stopping_gives_up_only_a_waiting_batch(tmp_path: Path, waiting: bool) -> None:
    pipeline = _pipeline(tmp_path)
    pipeline.writer.waiting = waiting
    pipeline.stopping()
    # Waiting: Faust must not wait for the batch's events, and the write ends now.
    # Not waiting: a write to a healthy node is waited for, as before.
    assert pipeline.app.conf.stream_wait_empty is (not waiting)
    assert pipeline.writer._closed.is_set() is waiting
