"""Burrow's consumer status rules, over a sliding window of observations.

Burrow (LinkedIn) evaluates each partition over its last N offset commits, each
with the lag at that time, and only when the partition has lag now:

1. lag zero at any point of the window: OK;
2. the committed offset went backwards: REWIND;
3. now minus the last commit is longer than the window's span: STOP
   (the consumer stopped committing);
4. the committed offset never moved: STALL (committing, not progressing);
5. the offset moves but the lag never shrinks: WARN (too slow);
6. otherwise OK.

A group is ERR when a partition is STOP, STALL or REWIND, else WARN when one is
WARN, else OK. tinstream observes offsets by polling, not by reading commits, so
an observation counts as a commit when the committed offset moved or a member of
the group owns the partition (an active consumer commits on its interval); a
partition without an owner keeps the time its offset last moved, which is how
STOP is told from STALL. With fewer than two observations nothing but OK can be
said.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from streams.lag.model import GroupStatus, PartitionStatus

_ERRORS = frozenset({"STOP", "STALL", "REWIND"})


@dataclass(frozen=True, slots=True)
class Observation:
    """The committed offset and lag of a partition, and when it was last committed."""

    committed: int
    lag: int
    commit_time: float


def partition_status(window: Sequence[Observation], lag_now: int, now: float) -> PartitionStatus:
    if lag_now <= 0 or len(window) < 2 or any(o.lag == 0 for o in window):
        return "OK"
    pairs = list(pairwise(window))
    if any(b.committed < a.committed for a, b in pairs):
        return "REWIND"
    first, last = window[0].commit_time, window[-1].commit_time
    if now - last > last - first:
        return "STOP"
    if all(b.committed == a.committed for a, b in pairs):
        return "STALL"
    if all(b.lag >= a.lag for a, b in pairs):
        return "WARN"
    return "OK"


def group_status(statuses: Iterable[PartitionStatus]) -> GroupStatus:
    seen = set(statuses)
    if seen & _ERRORS:
        return "ERR"
    return "WARN" if "WARN" in seen else "OK"


class Window:
    """The last ``size`` observations of one partition."""

    def __init__(self, size: int) -> None:
        self._observations: deque[Observation] = deque(maxlen=size)

    def observe(self, committed: int, lag: int, now: float, *, owned: bool) -> None:
        previous = self._observations[-1] if self._observations else None
        moved = previous is None or previous.committed != committed
        commit_time = now if moved or owned or previous is None else previous.commit_time
        self._observations.append(Observation(committed, lag, commit_time))

    def status(self, lag_now: int, now: float) -> PartitionStatus:
        return partition_status(list(self._observations), lag_now, now)

    def __len__(self) -> int:
        return len(self._observations)
