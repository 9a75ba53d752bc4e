"""A soak: articles at a steady rate for minutes, with the worker's memory and open
files sampled all along; neither may keep growing, and every article is indexed once.

CI runs 3 minutes (``TINSTREAM_SOAK_S``, default 180); 1,800 is the 30-minute soak.
The bounds, stated once here and in the README:

- resident memory (the worker and its enrichment process, summed): the last third of
  the run may not exceed the first third's peak by more than 15% + 40 MiB (the first
  third holds the warm-up: models loaded, caches filling, the table's changelog);
- open file descriptors (the same processes): at most 16 more at the end than the
  first third's peak (a leaked socket or file per batch would add hundreds).
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from tests import processes
from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.scenario import sample_copies, settle_paced, start_paced

SOAK_S = float(os.environ.get("TINSTREAM_SOAK_S", "180"))
RATE_PER_S = 4.0
SAMPLE_EVERY_S = 5.0

pytestmark = [
    pytest.mark.integration,
    pytest.mark.reliability,
    pytest.mark.chaos_only,
    pytest.mark.timeout(int(SOAK_S) + 420),
]


def _rss_mib(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def _fds(pid: int) -> int:
    try:
        return len(os.listdir(f"/proc/{pid}/fd"))
    except OSError:
        return 0


def _sample(worker_pid: int) -> tuple[float, int]:
    """Resident MiB and open descriptors of the worker and everything it started."""
    pids = [worker_pid, *(p.pid for p in processes.descendants(worker_pid))]
    return sum(_rss_mib(p) for p in pids), sum(_fds(p) for p in pids)


def test_a_steady_stream_for_minutes_grows_neither_memory_nor_open_files(
    run: Run, es: Elasticsearch, report: list[Outcome]
) -> None:
    articles = sample_copies(max(1, int(SOAK_S * RATE_PER_S) // 32), "soak")
    worker = run.start_worker()
    run.wait_ready(0)
    started = time.monotonic()
    publisher = start_paced(run, articles, per_s=RATE_PER_S)
    samples: list[tuple[float, float, int]] = []
    while publisher.poll() is None and time.monotonic() - started < SOAK_S + 120:
        assert worker.poll() is None, "the worker died during the soak"
        rss, fds = _sample(worker.pid)
        samples.append((time.monotonic() - started, rss, fds))
        time.sleep(SAMPLE_EVERY_S)  # sampling interval of the soak, not a wait for the world
    outcome = settle_paced(
        "soak", run, es, publisher=publisher, articles=articles, since=started, report=report
    )
    assert len(samples) >= 6, f"too few samples: {samples}"
    third = max(1, len(samples) // 3)
    first, last = samples[:third], samples[-third:]
    rss_peak = max(r for _, r, _ in first)
    fds_peak = max(f for _, _, f in first)
    rss_end = max(r for _, r, _ in last)
    fds_end = max(f for _, _, f in last)
    outcome.notes = (
        f"minutes={SOAK_S / 60:.1f} rss_mib={rss_peak:.0f}->{rss_end:.0f} "
        f"fds={fds_peak}->{fds_end}"
    )
    assert rss_end <= rss_peak * 1.15 + 40, samples
    assert fds_end <= fds_peak + 16, samples
