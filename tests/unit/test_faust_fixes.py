"""Faust's offset bookkeeping in tinstream's consumer (Faust's own, subclassed by
streams.fixes.faust_consumer), on the state its fetch loop and streams leave behind."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from dataclasses import dataclass
from typing import Any
from weakref import WeakSet

import pytest
from faust.types import TP
from intervaltree import IntervalTree

from streams.fixes import faust_consumer as faust_fixes

RAW = TP("raw", 0)


class _Consumer(faust_fixes.Consumer):  # the worker's consumer class
    """Faust's consumer, bookkeeping only: no app, loop or connection behind it."""

    def __init__(self) -> None:  # the state Consumer.__init__ sets up for it
        self._gap = defaultdict(IntervalTree)
        self._acked = defaultdict(list)
        self._acked_index = defaultdict(set)
        self._reads = faust_fixes.ReadOffsets()
        self._read_offset = self._reads
        self._committed_offset = defaultdict(lambda: None)
        self._unacked_messages = WeakSet()
        self.flow_active = False


@pytest.fixture
def consumer() -> Any:
    return _Consumer()


@dataclass(eq=False)  # hashed by identity, as Faust's messages
class _Message:
    """What Faust's unacked set holds of a message (weakly referenced)."""

    tp: TP
    offset: int
    acked: bool = False


def _in_flight(offset: int, tp: TP = RAW) -> _Message:
    """A message a stream took and has not acked yet."""
    return _Message(tp, offset)


def _acked(consumer: Any, committed: int | None, *offsets: int) -> None:
    consumer._committed_offset[RAW] = committed
    consumer._acked[RAW] = list(offsets)
    consumer._acked_index[RAW] = set(offsets)


def test_a_commit_never_passes_a_message_still_being_processed(consumer: Any) -> None:
    # faust-streaming issue 606: 2585 is slow, 2586-2589 were acked around it.
    _acked(consumer, 2585, 2586, 2587, 2588, 2589)
    slow = _in_flight(2585)  # held here: the set keeps weak references only
    consumer._unacked_messages.add(slow)
    assert consumer._new_offset(RAW) is None
    slow.acked = True  # done: what Consumer.ack records
    consumer._acked[RAW].append(2585)
    assert consumer._new_offset(RAW) == 2590


def test_a_missing_head_offset_is_skipped_only_as_a_recorded_gap(consumer: Any) -> None:
    _acked(consumer, 70, 72, 73)  # 70, 71 never acked: Faust committed 74 past them
    assert consumer._new_offset(RAW) is None
    # After a seek to 70 the read offset is 69; a first record 72 reveals 70-71.
    asyncio.run(asyncio.wait_for(consumer._add_gap(RAW, 70, 72), timeout=5))
    assert consumer._new_offset(RAW) == 74


def test_a_commit_stops_below_the_lowest_offset_in_flight(consumer: Any) -> None:
    _acked(consumer, 10, 10, 11, 12, 14, 15)
    consumer._gap[RAW].addi(13, 14)  # a marker Kafka skipped
    pending = _in_flight(14)
    consumer._unacked_messages.add(pending)  # acked list says 14, the stream has not
    assert consumer._new_offset(RAW) == 14
    assert consumer._acked[RAW] == [14, 15]


def test_the_head_check_holds_at_offset_zero(consumer: Any) -> None:
    _acked(consumer, 0, 2, 3)  # 0 and 1 never acked: nothing to commit
    assert consumer._new_offset(RAW) is None
    _acked(consumer, 0, 0, 1, 2)
    assert consumer._new_offset(RAW) == 3


def test_a_gap_that_repeats_acked_offsets_commits_the_whole_run(consumer: Any) -> None:
    _acked(consumer, 5, 5, 6, 7, 8)
    consumer._gap[RAW].addi(6, 8)  # overlaps acked 6 and 7
    assert consumer._new_offset(RAW) == 9
    assert consumer._acked[RAW] == []


def test_a_seek_below_what_was_delivered_makes_no_gap_of_it(consumer: Any) -> None:
    """Delivered up to 41 when the seek to committed 37 lands, the batch goes on
    with 42: 37-41 are in the agents' hands, not skipped by Kafka."""
    consumer._read_offset[RAW] = 41

    fresh = TP("raw", 1)

    async def seek_to_committed() -> dict[TP, int]:
        return {RAW: 37, fresh: 0}

    consumer.seek_to_committed = seek_to_committed

    async def steps() -> None:
        await consumer.perform_seek()
        assert consumer._read_offset[RAW] == 36  # re-read from the committed offset
        assert consumer._committed_offset[RAW] == 37
        assert (consumer._read_offset[fresh], consumer._committed_offset[fresh]) == (-1, 0)
        await consumer._add_gap(RAW, 37, 42)  # what the fetch loop does on 42
        assert not consumer._gap[RAW]
        await consumer._add_gap(RAW, 43, 47)  # a real jump later: 43-46, not 47 itself
        assert sorted((i.begin, i.end) for i in consumer._gap[RAW]) == [(43, 47)]

    asyncio.run(asyncio.wait_for(steps(), timeout=5))


def test_a_delivery_begun_before_a_seek_does_not_set_the_read_offset(consumer: Any) -> None:
    reads = consumer._read_offset
    reads[RAW] = 72
    consumer.flow_active = True
    flow: list[str] = []
    consumer.stop_flow = lambda: flow.append("stopped")
    consumer.resume_flow = lambda: flow.append("resumed")

    async def seek_to_committed() -> dict[TP, int]:
        flow.append("seek")
        return {RAW: 70}

    consumer.seek_to_committed = seek_to_committed

    async def steps() -> None:
        assert reads[RAW] == 72  # the fetch loop takes the offset, delivers 73...
        await consumer.perform_seek()
        reads[RAW] = 73  # ...and sets it after the seek: ignored
        assert reads[RAW] == 69  # so 70 onwards are read again, not dropped
        reads[RAW] = 70  # a delivery begun after the seek sets it
        assert reads[RAW] == 70

    asyncio.run(asyncio.wait_for(steps(), timeout=5))
    assert flow == ["stopped", "seek"]  # no delivery while seeking, nor after: see below


class _Fetching(_Consumer):
    """The consumer's flow switch, and a fetch loop's delivery step: a record is
    put in the agent's queue only while the flow runs, and then its offset is read."""

    def __init__(self, queue: Any, committed: int) -> None:
        super().__init__()
        self.flow_active = True
        self._queue = queue
        self._committed = committed
        self._position = committed  # Kafka's fetch position

    async def seek_to_committed(self) -> dict[TP, int]:
        self._position = self._committed
        return {RAW: self._committed}

    def stop_flow(self) -> None:
        self.flow_active = False

    def resume_flow(self) -> None:
        self.flow_active = True

    def fetch_one(self) -> None:
        if not self.flow_active:
            return
        offset = self._position
        r_offset = self._read_offset[RAW]
        if r_offset is None or offset >= r_offset:
            self._queue.put_nowait(offset)
            self._read_offset[RAW] = offset
        self._position += 1


def test_what_is_fetched_after_a_seek_is_not_emptied_from_the_queues_by_recovery() -> None:
    """Faust's recovery: seek, resume flow control (which empties every agent's
    queue), resume the consumer's flow. Enriched 0@9 was fetched between the first
    two, emptied from the queue with its read offset set, and never processed."""
    from mode.utils.queues import FlowControlEvent, FlowControlQueue

    async def recovery() -> list[int]:
        flow_control = FlowControlEvent()
        queue: FlowControlQueue[int] = FlowControlQueue(
            flow_control=flow_control, clear_on_resume=True
        )
        consumer = _Fetching(queue, committed=9)
        await consumer.perform_seek()
        consumer.fetch_one()  # the fetch loop runs before recovery goes on
        flow_control.resume()  # Faust's own steps after the seek
        consumer.resume_flow()
        consumer.fetch_one()
        consumer.fetch_one()
        return [queue.get_nowait() for _ in range(queue.qsize())]

    assert asyncio.run(asyncio.wait_for(recovery(), timeout=5)) == [9, 10]


def test_records_of_a_partition_paused_mid_fetch_are_still_delivered() -> None:
    enriched = TP("enriched", 0)
    live = {RAW, enriched}
    records = {enriched: ["r1", "r2"]}
    deliverable = faust_fixes.fetched_partitions(live, records)
    live.discard(enriched)  # the indexer pauses it while the batch is delivered
    assert deliverable == {RAW, enriched}
    assert faust_fixes.fetched_partitions(None, records) is None  # client-only: all


def test_gap_range() -> None:
    assert faust_fixes.gap_range(None, 38, 42) == (38, 41)
    assert faust_fixes.gap_range(41, 38, 42) == (42, 41)  # empty
    assert faust_fixes.gap_range(39, 38, 45) == (40, 44)
