"""Dead letters in a lag report: a dead-letter topic with messages nobody read is not OK.

Lag alone says nothing of a dead-letter topic: the pipeline only writes to it, so no
group commits on it and its lag is "unknown", which the rules would call OK. Here its
messages not read by the group (all of them, when it never committed) are counted and
the partitions that hold any are marked WARN.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from streams.lag.burrow import group_status
from streams.lag.model import GroupLag

TopicPartition = tuple[str, int]


@dataclass(frozen=True, slots=True)
class DeadLetterBacklog:
    """Dead letters of ``topic`` the group has not read, and how many the topic holds."""

    group: str
    topic: str
    unread: int
    total: int

    def line(self) -> str:
        return (
            f"{self.topic}: {self.unread} dead letter(s) not read by group {self.group!r} "
            f"({self.total} in the topic; see `tinstream dead-letters list`)"
        )


def flag_dead_letters(
    groups: Sequence[GroupLag], topic: str, starts: Mapping[TopicPartition, int]
) -> tuple[list[GroupLag], list[DeadLetterBacklog]]:
    """The groups with the dead-letter topic's partitions that hold unread letters
    marked WARN (the group's status follows), and each group's backlog there.

    ``starts``: the topic's first offsets (retention may have removed the oldest)."""
    flagged: list[GroupLag] = []
    backlogs: list[DeadLetterBacklog] = []
    for group in groups:
        rows = []
        unread = total = 0
        seen = False
        for p in group.partitions:
            if p.topic != topic:
                rows.append(p)
                continue
            seen = True
            first = starts.get((p.topic, p.partition), 0)
            total += max(0, p.end_offset - first)
            left = max(0, p.end_offset - max(first, p.committed or 0))
            unread += left
            flagged_row = p
            if left and p.status == "OK":
                flagged_row = dataclasses.replace(p, status="WARN")
            rows.append(flagged_row)
        if not seen:
            flagged.append(group)
            continue
        backlogs.append(DeadLetterBacklog(group.group, topic, unread, total))
        flagged.append(
            dataclasses.replace(
                group, partitions=tuple(rows), status=group_status(r.status for r in rows)
            )
        )
    return flagged, backlogs
