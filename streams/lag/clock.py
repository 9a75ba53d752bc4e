"""Lag in seconds, estimated from offsets and their times as kafka-lag-exporter does.

Each observation of a partition's log end offset is a point (offset, time) on the
partition's write history. The committed offset is placed on that history by
linear interpolation between the two points around it: that is about when the
next unprocessed message was written, and lag in seconds is now minus that time.
No payload is read. When the committed offset is older than the oldest point
(the first observations), the caller may read the timestamp of that one record
instead, once.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import deque


class LagClock:
    """The write history of one partition: up to ``size`` (offset, time) points."""

    def __init__(self, size: int = 60) -> None:
        self._points: deque[tuple[int, float]] = deque(maxlen=size)

    def observe(self, end_offset: int, now: float) -> None:
        last = self._points[-1][0] if self._points else None
        if end_offset == last:
            return  # nothing written since: the point keeps the time it was first seen
        if last is not None and end_offset < last:
            self._points.clear()  # the topic was recreated or truncated
        self._points.append((end_offset, now))

    def written_at(self, offset: int) -> float | None:
        """About when the message at ``offset`` was written; None when it predates
        the history (the end offset had already passed it at the first point)."""
        points = self._points
        # The first point whose end offset is past ``offset``: written before it.
        j = bisect_right([p[0] for p in points], offset)
        if j == 0:
            return None
        if j == len(points):
            return points[-1][1]
        (o1, t1), (o2, t2) = points[j - 1], points[j]
        return t1 + (t2 - t1) * (offset + 1 - o1) / (o2 - o1)

    def lag_seconds(self, committed: int, end_offset: int, now: float) -> float | None:
        if committed >= end_offset:
            return 0.0
        written = self.written_at(committed)
        return None if written is None else max(0.0, now - written)
