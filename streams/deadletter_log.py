"""Reading the dead-letter topic back, and replaying dead letters once.

Reading never joins a consumer group and never commits: it assigns every
partition, takes the end offsets at the start, reads up to them and stops, so
an empty topic (or one still being written) never makes it wait.

A replay sends a dead letter's original key and bytes back to the topic they
came from, with two headers: the dead letter it replays and the message that
letter was about. Before sending, the target topic is read from the time of the
oldest original onwards, and a dead letter is not replayed when a replay of it
(or of another letter about the same message) is already there, nor when the
message it is about was itself a replay (its failure is then final: replaying
it again could loop).
"""

from __future__ import annotations

import base64
import logging
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from streams.errors import StreamsError
from streams.records import DeadLetter

log = logging.getLogger(__name__)

# On a replayed message: "<dead-letter topic>/<partition>/<offset>" of the letter replayed,
# and "<topic>/<partition>/<offset>" of the message that letter was about.
HEADER_REPLAY_OF = "tinstream-replay-of"
HEADER_REPLAY_ORIGIN = "tinstream-replay-origin"

Coordinates = tuple[str, int, int]


class DeadLetterError(StreamsError):
    """The dead-letter topic (or a replay's target) cannot be read or written."""


def coordinates_text(where: Coordinates) -> str:
    return f"{where[0]}/{where[1]}/{where[2]}"


def parse_coordinates(text: str) -> Coordinates | None:
    topic, _, rest = text.rpartition("/")
    topic, _, partition = topic.rpartition("/")
    if not topic or not partition.isdigit() or not rest.isdigit():
        return None
    return topic, int(partition), int(rest)


@dataclass(frozen=True, slots=True)
class Entry:
    """One record of the dead-letter topic: where it is, and the letter it holds
    (None when the record is not a dead letter, with ``error`` saying why)."""

    topic: str
    partition: int
    offset: int
    timestamp_ms: int
    headers: tuple[tuple[str, bytes], ...]
    letter: DeadLetter | None
    error: str | None = None

    @property
    def ref(self) -> str:
        """How the CLI names it: partition@offset."""
        return f"{self.partition}@{self.offset}"

    @property
    def coordinates(self) -> Coordinates:
        return (self.topic, self.partition, self.offset)

    @property
    def stage(self) -> str:
        return self.letter.stage if self.letter is not None else "?"

    @property
    def reason(self) -> str:
        if self.letter is None:
            return f"not a dead letter: {self.error}"
        return self.letter.reason

    def original_key(self) -> bytes | None:
        if self.letter is None or self.letter.key_b64 is None:
            return None
        return base64.b64decode(self.letter.key_b64)

    def origin(self) -> Coordinates | None:
        """The message this letter is about."""
        if self.letter is None:
            return None
        return (self.letter.topic, self.letter.partition, self.letter.offset)


def entry_from_record(record: Any) -> Entry:
    """An Entry from a kafka-python ConsumerRecord."""
    headers = tuple((str(k), bytes(v or b"")) for k, v in (record.headers or []))
    letter: DeadLetter | None = None
    error: str | None = None
    try:
        letter = DeadLetter.from_bytes(record.value or b"")
    except (ValueError, TypeError) as exc:
        error = f"{type(exc).__name__}: {exc}"[:300]
    return Entry(
        topic=record.topic,
        partition=record.partition,
        offset=record.offset,
        timestamp_ms=int(record.timestamp),
        headers=headers,
        letter=letter,
        error=error,
    )


def read_topic(
    consumer: Any,
    topic: str,
    *,
    since_ms: int | None = None,
    starts: dict[int, int] | None = None,
    timeout_s: float = 60.0,
) -> Iterator[Any]:
    """The records of ``topic`` up to its end offsets as they were when called.

    ``consumer`` is a group-less kafka-python KafkaConsumer. From ``since_ms``
    (by record timestamp) or, per partition, from ``starts`` when lower;
    otherwise from the beginning. Raises DeadLetterError for a missing topic or
    when the records do not arrive within ``timeout_s``."""
    from kafka import TopicPartition
    from kafka.errors import KafkaError

    try:
        partitions = sorted(consumer.partitions_for_topic(topic) or ())
        if not partitions:
            raise DeadLetterError(f"topic {topic!r} does not exist")
        tps = [TopicPartition(topic, p) for p in partitions]
        consumer.assign(tps)
        ends = consumer.end_offsets(tps)
        firsts = consumer.beginning_offsets(tps)
        begin = dict(firsts)
        if since_ms is not None:
            found = consumer.offsets_for_times(dict.fromkeys(tps, since_ms))
            begin = {tp: ends[tp] if found.get(tp) is None else found[tp].offset for tp in tps}
        for tp in tps:
            if starts and tp.partition in starts:
                begin[tp] = min(begin[tp], starts[tp.partition])
            begin[tp] = max(begin[tp], firsts[tp])
        pending = {tp for tp in tps if begin[tp] < ends[tp]}
        for tp in tps:
            consumer.seek(tp, begin[tp])
        consumer.pause(*[tp for tp in tps if tp not in pending])
        deadline = time.monotonic() + timeout_s
        while pending:
            if time.monotonic() > deadline:
                raise DeadLetterError(
                    f"timed out after {timeout_s:.0f}s reading topic {topic!r} "
                    f"({len(pending)} partition(s) not read to their end)"
                )
            batch = consumer.poll(timeout_ms=500)
            for tp, records in batch.items():
                for record in records:
                    if record.offset < ends[tp]:
                        yield record
            for tp in list(pending):
                if consumer.position(tp) >= ends[tp]:
                    pending.discard(tp)
                    consumer.pause(tp)
    except KafkaError as exc:
        raise DeadLetterError(f"cannot read topic {topic!r}: {exc}") from exc


@dataclass(frozen=True, slots=True)
class Filter:
    """Which dead letters a command is about."""

    stages: frozenset[str] = frozenset()
    since_ms: int | None = None

    def __call__(self, entry: Entry) -> bool:
        if self.stages and entry.stage not in self.stages:
            return False
        return self.since_ms is None or entry.timestamp_ms >= self.since_ms


def read_dead_letters(
    consumer: Any, topic: str, which: Filter, *, timeout_s: float = 60.0
) -> list[Entry]:
    """The dead letters of ``topic`` that ``which`` selects, in partition then offset order."""
    entries = [
        entry_from_record(r)
        for r in read_topic(consumer, topic, since_ms=which.since_ms, timeout_s=timeout_s)
    ]
    return sorted((e for e in entries if which(e)), key=lambda e: (e.partition, e.offset))


def find(entries: Sequence[Entry], ref: str) -> list[Entry]:
    """The entries ``ref`` names: "P@O" (or "P:O"), a bare offset (in any partition),
    or an article id or original key."""
    for sep in ("@", ":"):
        partition, found, offset = ref.partition(sep)
        if found and partition.isdigit() and offset.isdigit():
            return [e for e in entries if (e.partition, e.offset) == (int(partition), int(offset))]
    if ref.isdigit():
        return [e for e in entries if e.offset == int(ref)]
    key = ref.encode()
    return [
        e
        for e in entries
        if (e.letter is not None and e.letter.article_id == ref) or e.original_key() == key
    ]


# -- replay ---------------------------------------------------------------------------

Decision = Literal["send", "skip", "refuse"]


@dataclass(frozen=True, slots=True)
class Plan:
    """What a replay does with one dead letter, and why."""

    entry: Entry
    decision: Decision
    why: str
    target: str | None = None


@dataclass(frozen=True, slots=True)
class Sent:
    entry: Entry
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class ReplayHistory:
    """What the target topics say about earlier replays."""

    # dead letter -> the replayed message
    replayed: dict[Coordinates, Coordinates]
    # original message -> the replayed message
    origins: dict[Coordinates, Coordinates]
    # a message that is a replay -> the dead letter it replays
    replays: dict[Coordinates, Coordinates]


def replay_history(records: Iterable[Any]) -> ReplayHistory:
    replayed: dict[Coordinates, Coordinates] = {}
    origins: dict[Coordinates, Coordinates] = {}
    replays: dict[Coordinates, Coordinates] = {}
    for record in records:
        headers = {str(k): bytes(v or b"") for k, v in (record.headers or [])}
        here = (record.topic, record.partition, record.offset)
        of = parse_coordinates(headers.get(HEADER_REPLAY_OF, b"").decode(errors="replace"))
        origin = parse_coordinates(headers.get(HEADER_REPLAY_ORIGIN, b"").decode(errors="replace"))
        if of is not None:
            replayed.setdefault(of, here)
            replays[here] = of
        if origin is not None:
            origins.setdefault(origin, here)
    return ReplayHistory(replayed, origins, replays)


def plan_replay(
    entries: Sequence[Entry], history: ReplayHistory, targets: Iterable[str]
) -> list[Plan]:
    """Decide, for each dead letter, whether to send it; at most one replay per
    original message, none of a letter already replayed or about a replay."""
    allowed = set(targets)
    plans: list[Plan] = []
    planned: dict[Coordinates, Entry] = {}
    for entry in entries:
        letter = entry.letter
        origin = entry.origin()
        if letter is None or origin is None:
            plans.append(Plan(entry, "refuse", entry.reason))
            continue
        if letter.value_b64 is None:
            plans.append(Plan(entry, "refuse", "nothing to replay: the message had no value"))
            continue
        if letter.topic not in allowed:
            plans.append(
                Plan(
                    entry,
                    "refuse",
                    f"its message came from topic {letter.topic!r}, "
                    f"not one of the pipeline's ({', '.join(sorted(allowed))})",
                )
            )
            continue
        if (sent := history.replayed.get(entry.coordinates)) is not None:
            plans.append(Plan(entry, "skip", f"already replayed as {_at(sent)}"))
            continue
        if (of := history.replays.get(origin)) is not None:
            plans.append(
                Plan(
                    entry,
                    "refuse",
                    f"its message {_at(origin)} was itself a replay of dead letter {_at(of)}; "
                    "a failed replay is not replayed again",
                )
            )
            continue
        if (sent := history.origins.get(origin)) is not None:
            plans.append(
                Plan(
                    entry, "skip", f"its message {_at(origin)} was already replayed as {_at(sent)}"
                )
            )
            continue
        if (twin := planned.get(origin)) is not None:
            plans.append(
                Plan(
                    entry,
                    "skip",
                    f"its message {_at(origin)} is replayed once, with dead letter {twin.ref}",
                )
            )
            continue
        planned[origin] = entry
        plans.append(Plan(entry, "send", "", target=letter.topic))
    return plans


def _at(where: Coordinates) -> str:
    return f"{where[0]}[{where[1]}]@{where[2]}"


def replay_headers(entry: Entry) -> list[tuple[str, bytes]]:
    origin = entry.origin()
    assert origin is not None
    return [
        (HEADER_REPLAY_OF, coordinates_text(entry.coordinates).encode()),
        (HEADER_REPLAY_ORIGIN, coordinates_text(origin).encode()),
    ]


def send_replays(
    producer: Any,
    plans: Sequence[Plan],
    *,
    timeout_s: float = 60.0,
    on_sent: Callable[[Sent], None] = lambda _: None,
) -> list[Sent]:
    """Send the planned replays, each acknowledged before the next (so that what is
    reported sent was written); raises DeadLetterError at the first failure."""
    from kafka.errors import KafkaError

    out: list[Sent] = []
    for plan in plans:
        if plan.decision != "send" or plan.target is None or plan.entry.letter is None:
            continue
        entry, letter = plan.entry, plan.entry.letter
        try:
            metadata = producer.send(
                plan.target,
                key=entry.original_key(),
                value=letter.original_value(),
                headers=replay_headers(entry),
            ).get(timeout=timeout_s)
        except KafkaError as exc:
            raise DeadLetterError(
                f"replaying dead letter {entry.ref} to {plan.target!r} failed after "
                f"{len(out)} sent: {exc}"
            ) from exc
        sent = Sent(entry, plan.target, int(metadata.partition), int(metadata.offset))
        out.append(sent)
        on_sent(sent)
    return out
