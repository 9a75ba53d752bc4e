"""Fixes to faust-streaming 0.15's offset bookkeeping, each of which let the
worker commit an offset past an article it never processed, or never process one.

Faust commits, per partition, the end of the first run of acked offsets; offsets
its fetch loop believes Kafka skipped (compaction, transaction markers) count as
acked ("gaps"). The reliability scenarios showed that belief, or the run, wrong
in these ways:

- **After table recovery Faust seeks while still delivering.** It resumes the
  flow to read the near-duplicate table's changelog, then resumes the stream
  partitions and seeks them to their committed offsets with the flow still on.
  A delivery begun before the seek then set the read offset back above what the
  seek re-reads, so those records were dropped as already read, while the
  messages delivered before the seek were cleared from the agents' queues when
  the flow resumed (raw 0@41 and raw 1@71, in two runs). A seek now
  stops the flow, read offsets set by deliveries begun before a seek or
  revocation are ignored, and the read offset after a seek is the one before
  the committed offset, so that a transaction marker at the committed offset is
  seen as a gap.
- **Records delivered between the seek and the end of recovery were cleared.**
  Faust's recovery, after the seek, resumes its flow control, which empties
  every agent's queue (mode's ``FlowControlEvent.resume`` clears them whether or
  not they were suspended), and only then the consumer's flow. The seek resumed
  the consumer's flow itself, so a record fetched in between was put in a queue,
  its read offset set, and the queue emptied: it was never processed nor read
  again, and the partition's commit stayed below it while the records after it
  were indexed (enriched 0@9 in the expired-key scenario, 1 run in 4 of a
  loop). A seek now leaves the flow stopped for recovery to resume after the
  clearing; both of Faust's callers that seek with the flow running do so.
- **A gap was computed from a read offset a seek had lowered**, so records already
  delivered, not yet processed, were acked. A gap now starts above the highest
  offset the fetch loop delivered, and never includes the record that revealed it.
- **Records fetched for a partition paused meanwhile were dropped.** Faust checks
  each record against the live set of active partitions; pausing one (the indexer
  does while Elasticsearch is down) dropped the rest of the fetched batch, though
  Kafka's position had moved past it, and the next record made them a gap. Every
  record fetched for a partition active when the fetch began is now delivered;
  a pause stops further fetches only.
- **A commit could pass an offset nobody processed.** The head check let one
  missing offset through (taken for a marker; the gap logic now records markers)
  and none at all at offset 0, and with agent concurrency above one a slow
  message at the head was skipped once the next was acked (faust-streaming issue
  606). The run must now start at the committed offset, and a commit never passes
  the lowest offset a stream took and has not acked.

They live in a subclass of Faust's consumer, made by a subclass of its aiokafka
transport: Faust's own extension point, so nothing of Faust is patched. They were
written against faust-streaming 0.15.3's private methods; importing this module
with another version fails, so that an upgrade re-checks them.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from streams.fixes.versions import require

require("faust-streaming", "0.15.3", __name__)

from faust.transport.consumer import ensure_TP  # noqa: E402 - after the version check
from faust.transport.drivers import aiokafka as _faust_aiokafka  # noqa: E402

log = logging.getLogger(__name__)


class ReadOffsets(defaultdict[Any, int | None]):
    """Faust's read offsets (partition -> last offset its fetch loop delivered),
    ignoring what a delivery begun before the latest seek or revocation sets.

    The fetch loop reads a partition's offset before delivering a record and sets
    it after; both go through here, so a set whose read predates ``moved()`` is
    the late echo of a batch the seek replaced, and would make the fetch loop drop
    the records the seek re-reads. ``delivered`` keeps, per partition, the highest
    offset set since it was assigned, which a seek does not lower.
    """

    def __init__(self) -> None:
        super().__init__(lambda: None)
        self.moves = 0
        self._read_at: dict[Any, int] = {}
        self.delivered: dict[Any, int] = {}

    def __getitem__(self, tp: Any) -> int | None:
        self._read_at[tp] = self.moves
        return super().__getitem__(tp)

    def __setitem__(self, tp: Any, offset: int | None) -> None:
        if self._read_at.get(tp, self.moves) == self.moves:
            super().__setitem__(tp, offset)
            if offset is not None:
                self.delivered[tp] = max(self.delivered.get(tp, -1), offset)

    def moved(self, offsets: dict[Any, int | None] | None = None) -> None:
        """A seek or revocation: deliveries begun before it no longer set offsets."""
        self.moves += 1
        for tp, offset in (offsets or {}).items():
            super().__setitem__(tp, offset)

    def forget(self, tps: Iterable[Any]) -> None:
        """Partitions revoked: what was delivered of them no longer matters."""
        for tp in tps:
            self.delivered.pop(tp, None)


class Consumer(_faust_aiokafka.Consumer):
    """Faust's aiokafka consumer with the five fixes above (see the module docstring)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Faust's own attribute (its fetch loop reads and sets it), and ours typed.
        self._reads = ReadOffsets()
        self._read_offset = self._reads

    async def _wait_next_records(self, timeout: float) -> Any:
        records, active = await super()._wait_next_records(timeout)
        return records, fetched_partitions(active, records)

    async def _add_gap(self, tp: Any, offset_from: int, offset_to: int) -> None:
        start, end = gap_range(self._reads.delivered.get(tp), offset_from, offset_to)
        committed = self._committed_offset[tp]
        if committed is not None:
            start = max(start, committed)  # nothing below it is owed
        if start <= end:
            gaps = self._gap[tp]
            gaps.addi(start, end + 1)
            gaps.merge_overlaps()

    async def perform_seek(self) -> None:
        # Faust's steps (seek every partition to its committed offset, and set the
        # read and committed offsets), with the flow stopped, and left stopped:
        # recovery (the only caller that seeks with the flow running) resumes it
        # once it has emptied the agents' queues, so nothing fetched after the
        # seek is emptied with them.
        reads = self._reads
        reads.moved()
        if self.flow_active:
            self.stop_flow()
        committed = await self.seek_to_committed()
        reads.moved({tp: read_offset_after_seek(o) for tp, o in committed.items()})
        # Faust stored a committed 0 as None, which skipped the head check.
        self._committed_offset.update(
            {ensure_TP(tp): o for tp, o in committed.items() if o is not None and o >= 0}
        )
        log.debug("sought to the committed offsets %s", committed)

    async def on_partitions_revoked(self, revoked: Any) -> None:
        self._reads.moved()
        self._reads.forget(revoked)
        await super().on_partitions_revoked(revoked)

    def _new_offset(self, tp: Any) -> int | None:
        return new_offset(self, tp)


class Transport(_faust_aiokafka.Transport):
    """Faust's aiokafka transport, making :class:`Consumer` (Faust's extension point:
    the transport's ``Consumer`` class). Set on the app by ``streams.pipeline``."""

    Consumer = Consumer


def read_offset_after_seek(committed: int | None) -> int | None:
    """The read offset of a partition sought to ``committed``: the one before it
    was read, so that a first record past it reveals a gap at it. None: unknown."""
    return committed - 1 if committed is not None and committed >= 0 else None


def fetched_partitions(active: set[Any] | None, records: Any) -> set[Any] | None:
    """What the fetch loop may deliver: the partitions active when the fetch began
    (a snapshot, not the live set) and every partition the fetch returned records
    for, which Kafka's position has already passed."""
    if active is None:
        return None
    return set(active) | set(records or ())


def gap_range(delivered_up_to: int | None, offset_from: int, offset_to: int) -> tuple[int, int]:
    """The offsets (inclusive) that may really have been skipped between the read
    offset and the record at ``offset_to``: none already delivered, not the record."""
    start = offset_from if delivered_up_to is None else max(offset_from, delivered_up_to + 1)
    return start, offset_to - 1


def new_offset(self: Any, tp: Any) -> int | None:
    """``Consumer._new_offset`` with an exact head check and a cap at the lowest
    offset still being processed: the offset to commit for ``tp``, or None."""
    from faust.utils.functional import consecutive_numbers

    acked: list[int] = self._acked[tp]
    if not acked:
        return None
    max_offset = max(acked)
    gaps = self._gap[tp]
    if gaps:
        # As Faust does: the gaps below the highest acked offset count as acked.
        ranges = sorted(gaps.overlap(0, max_offset), key=lambda interval: interval.begin)
        if ranges:
            skipped = [o for interval in ranges for o in range(interval.begin, interval.end)]
            acked.extend(skipped)
            gaps.chop(0, max(skipped[-1], max_offset + 1))
    # Sorted and without repeats (a gap may cover an acked offset), so that the
    # first run is all that is contiguous.
    acked[:] = sorted(set(acked))
    committed = self._committed_offset[tp]
    # The committed offset is the next one to process: the run starts there.
    if committed is not None and acked[0] > committed:
        return None
    batch = next(consecutive_numbers(acked))
    pending = pending_offsets(self._unacked_messages, tp)
    if pending is not None:
        batch = [o for o in batch if o < pending]
        if not batch:
            return None
    acked[: len(batch)] = []
    self._acked_index[tp].difference_update(batch)
    return int(batch[-1]) + 1


def pending_offsets(unacked: Iterable[Any], tp: Any) -> int | None:
    """The lowest offset of ``tp`` a stream took and has not acked yet."""
    offsets = [m.offset for m in list(unacked) if m.tp == tp and not m.acked]
    return min(offsets) if offsets else None
