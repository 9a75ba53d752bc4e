"""``tinstream dead-letters list|show|replay``: read dead letters back and replay them once."""

from __future__ import annotations

import base64
import logging
import re
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any, TypeVar

import click

from config import KafkaSettings, TopicSettings
from streams.cli.options import (
    bootstrap_servers_option,
    default_of,
    env_option,
    json_flag,
    print_json,
)
from streams.deadletter_log import (
    Entry,
    Filter,
    Plan,
    Sent,
    find,
    plan_replay,
    read_dead_letters,
    read_topic,
    replay_history,
    send_replays,
)
from streams.errors import StreamsError

F = TypeVar("F", bound=Callable[..., Any])

STAGES = ("decode", "validate", "enrich", "index")
_DURATION = re.compile(r"^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


class Since(click.ParamType):
    """A moment: a duration back from now (2h, 90m, 1d12h, 30s, 1w) or a date or
    date and time (2025-05-01, 2025-05-01T08:30, with an offset or local time)."""

    name = "since"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        if isinstance(value, datetime):
            return value
        text = str(value).strip()
        match = _DURATION.match(text)
        if text and match and any(match.groups()):
            weeks, days, hours, minutes, seconds = (int(g or 0) for g in match.groups())
            span = timedelta(weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds)
            return datetime.now().astimezone() - span
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            self.fail(
                f"{text!r} is neither a duration (2h, 90m, 1d) nor a date/time "
                "(2025-05-01 or 2025-05-01T08:30)",
                param,
                ctx,
            )
        return moment if moment.tzinfo else moment.astimezone()


def _where_options(f: F) -> F:
    f = env_option(
        "--timeout",
        envvar="TINSTREAM_DEAD_LETTERS_TIMEOUT_S",
        default=30.0,
        type=click.FloatRange(1),
        help="Seconds to wait for Kafka before giving up.",
    )(f)
    f = bootstrap_servers_option(f)
    return env_option(
        "--topic",
        envvar="TINSTREAM_TOPIC_DEAD_LETTER",
        default=default_of(TopicSettings, "dead_letter"),
        help="The dead-letter topic.",
    )(f)


def _filter_options(f: F) -> F:
    f = env_option(
        "--since",
        envvar="TINSTREAM_DEAD_LETTERS_SINCE",
        type=Since(),
        default=None,
        help="Only dead letters written since then: a duration back from now "
        "(2h, 90m, 1d) or a date/time (2025-05-01T08:30).",
    )(f)
    return env_option(
        "--stage",
        "stages",
        envvar="TINSTREAM_DEAD_LETTERS_STAGE",
        multiple=True,
        type=click.Choice(STAGES),
        help="Only dead letters of this stage (repeat for more).",
    )(f)


def _filter(stages: tuple[str, ...], since: datetime | None) -> Filter:
    return Filter(
        stages=frozenset(stages),
        since_ms=None if since is None else int(since.timestamp() * 1000),
    )


@contextmanager
def _failures(command: str) -> Iterator[None]:
    """Expected failures (Kafka unreachable, no such topic) as one line and exit 1."""
    from kafka.errors import KafkaError

    # kafka-python logs each failed connection itself; the command says it once.
    logging.getLogger("kafka").setLevel(logging.CRITICAL)
    try:
        yield
    except (StreamsError, KafkaError) as exc:
        text = str(exc) or type(exc).__name__
        if isinstance(exc, KafkaError) and not isinstance(exc, StreamsError):
            text = f"cannot reach Kafka: {exc}"
        click.echo(f"dead-letters {command}: {text}", err=True)
        sys.exit(1)


def _settings(bootstrap_servers: str, timeout: float) -> KafkaSettings:
    return KafkaSettings(bootstrap_servers=bootstrap_servers, request_timeout_s=timeout)


def _read(topic: str, bootstrap_servers: str, timeout: float, which: Filter) -> list[Entry]:
    from streams.kafka import make_reader

    consumer = make_reader(_settings(bootstrap_servers, timeout), timeout_s=timeout)
    try:
        return read_dead_letters(consumer, topic, which, timeout_s=max(60.0, timeout))
    finally:
        consumer.close()


def _time(ms: int | None) -> str:
    if ms is None:
        return "-"
    return datetime.fromtimestamp(ms / 1000).astimezone().strftime("%Y-%m-%d %H:%M:%S")


def _one_line(text: str, limit: int = 160) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _key_text(key: bytes | None) -> str:
    if key is None:
        return "-"
    try:
        return key.decode("utf-8")
    except UnicodeDecodeError:
        return "b64:" + base64.b64encode(key).decode("ascii")


def _bytes_json(raw: bytes | None) -> dict[str, Any] | None:
    """Original bytes for humans and JSON: the text if UTF-8, else base64."""
    if raw is None:
        return None
    try:
        return {"encoding": "utf-8", "text": raw.decode("utf-8"), "bytes": len(raw)}
    except UnicodeDecodeError:
        return {
            "encoding": "base64",
            "text": base64.b64encode(raw).decode("ascii"),
            "bytes": len(raw),
        }


def _summary(entry: Entry) -> dict[str, Any]:
    origin = entry.origin()
    return {
        "ref": entry.ref,
        "topic": entry.topic,
        "partition": entry.partition,
        "offset": entry.offset,
        "time": _time(entry.timestamp_ms),
        "timestamp_ms": entry.timestamp_ms,
        "stage": entry.stage,
        "reason": entry.reason,
        "key": _key_text(entry.original_key()),
        "article_id": entry.letter.article_id if entry.letter else None,
        "origin": None if origin is None else f"{origin[0]}[{origin[1]}]@{origin[2]}",
    }


def _detail(entry: Entry) -> dict[str, Any]:
    letter = entry.letter
    out = _summary(entry)
    out["headers"] = {k: _bytes_json(v) for k, v in entry.headers}
    if letter is None:
        return out
    out |= {
        "error_type": letter.error_type,
        "retriable": letter.retriable,
        "original_time": _time(letter.timestamp_ms),
        "failed_at": letter.failed_at,
        "pipeline_version": letter.pipeline_version,
        "details": dict(letter.details),
        "value": _bytes_json(letter.original_value()),
    }
    return out


@click.group(name="dead-letters")
def dead_letters() -> None:
    """Read the dead-letter topic: list, show, and replay dead letters once their
    cause is fixed. Reads without a consumer group (nothing is committed) up to the
    end offsets at the start."""


@dead_letters.command(name="list")
@_filter_options
@_where_options
@json_flag
def list_(
    stages: tuple[str, ...],
    since: datetime | None,
    topic: str,
    bootstrap_servers: str,
    timeout: float,
    as_json: bool,
) -> None:
    """One line per dead letter: partition@offset, time, stage, reason, original key."""
    with _failures("list"):
        entries = _read(topic, bootstrap_servers, timeout, _filter(stages, since))
    if as_json:
        print_json([_summary(e) for e in entries])
        return
    for e in entries:
        click.echo(
            f"{e.ref:<9} {_time(e.timestamp_ms)}  {e.stage:<8}  "
            f"key={_key_text(e.original_key())}  {_one_line(e.reason)}"
        )
    click.echo(f"{len(entries)} dead letter(s) in {topic}", err=True)


@dead_letters.command()
@click.argument("ref")
@_where_options
@json_flag
def show(ref: str, topic: str, bootstrap_servers: str, timeout: float, as_json: bool) -> None:
    """Everything about a dead letter: REF is PARTITION@OFFSET, an offset, or the
    article id or original key. The original bytes are shown as text when they are
    UTF-8, else base64."""
    with _failures("show"):
        entries = find(_read(topic, bootstrap_servers, timeout, Filter()), ref)
    if not entries:
        click.echo(f"dead-letters show: no dead letter {ref!r} in {topic}", err=True)
        sys.exit(1)
    if as_json:
        print_json([_detail(e) for e in entries])
        return
    for n, entry in enumerate(entries):
        if n:
            click.echo("")
        detail = _detail(entry)
        value = detail.pop("value", None)
        headers = detail.pop("headers")
        for name, field in detail.items():
            click.echo(f"{name + ':':<17} {field}")
        for name, header in headers.items():
            click.echo(f"{'header:':<17} {name}={_one_line(header['text'], 300)}")
        if value is None:
            click.echo("value:            -")
        else:
            click.echo(f"value ({value['encoding']}, {value['bytes']} bytes):")
            click.echo(value["text"])


@dead_letters.command()
@_filter_options
@env_option(
    "--dry-run/--send",
    envvar="TINSTREAM_DEAD_LETTERS_DRY_RUN",
    default=False,
    help="Only say what would be sent.",
)
@env_option(
    "--raw-topic",
    envvar="TINSTREAM_TOPIC_RAW",
    default=default_of(TopicSettings, "raw"),
    help="The pipeline's raw topic (where decode, validate and enrich failures go back).",
)
@env_option(
    "--enriched-topic",
    envvar="TINSTREAM_TOPIC_ENRICHED",
    default=default_of(TopicSettings, "enriched"),
    help="The pipeline's enriched topic (where index failures go back).",
)
@_where_options
@json_flag
def replay(
    stages: tuple[str, ...],
    since: datetime | None,
    dry_run: bool,
    raw_topic: str,
    enriched_topic: str,
    topic: str,
    bootstrap_servers: str,
    timeout: float,
    as_json: bool,
) -> None:
    """Send the original bytes of dead letters, with their original key, back to the
    topic they came from, once: a dead letter already replayed, a second letter about
    the same message, and a letter about a replayed message are skipped, each with a
    line saying why. Exit status 1 if Kafka cannot be read or a send fails."""
    from streams.kafka import make_producer, make_reader

    settings = _settings(bootstrap_servers, timeout)
    sent: list[Sent] = []
    with _failures("replay"):
        entries = _read(topic, bootstrap_servers, timeout, _filter(stages, since))
        targets = (raw_topic, enriched_topic)
        history_consumer = make_reader(settings, timeout_s=timeout)
        try:
            records: list[Any] = []
            for target in targets:
                about = [e for e in entries if e.letter is not None and e.letter.topic == target]
                if not about:
                    continue
                stamps = [e.letter.timestamp_ms for e in about if e.letter is not None]
                since_ms = (
                    None
                    if any(s is None for s in stamps)
                    else min(s for s in stamps if s is not None)
                )
                starts: dict[int, int] = {}
                for e in about:
                    origin = e.origin()
                    if origin is not None:
                        starts[origin[1]] = min(starts.get(origin[1], origin[2]), origin[2])
                records.extend(
                    read_topic(
                        history_consumer,
                        target,
                        since_ms=since_ms,
                        starts=starts,
                        timeout_s=max(60.0, timeout),
                    )
                )
        finally:
            history_consumer.close()
        plans = plan_replay(entries, replay_history(records), targets)
        if not as_json:
            for plan in plans:
                if plan.decision != "send":
                    click.echo(_plan_line(plan), err=True)
        if dry_run:
            if not as_json:
                for plan in plans:
                    if plan.decision == "send":
                        click.echo(_plan_line(plan))
        elif any(p.decision == "send" for p in plans):
            producer = make_producer(settings)
            try:
                sent = send_replays(
                    producer,
                    plans,
                    timeout_s=timeout,
                    on_sent=(lambda _: None) if as_json else (lambda s: click.echo(_sent_line(s))),
                )
            finally:
                producer.close(timeout=timeout)
    counts = {d: sum(p.decision == d for p in plans) for d in ("send", "skip", "refuse")}
    if as_json:
        print_json(
            {
                "dry_run": dry_run,
                "sent": [
                    {
                        "dead_letter": s.entry.ref,
                        "topic": s.topic,
                        "partition": s.partition,
                        "offset": s.offset,
                        "key": _key_text(s.entry.original_key()),
                    }
                    for s in sent
                ],
                "plans": [
                    {
                        "dead_letter": p.entry.ref,
                        "decision": p.decision,
                        "why": p.why,
                        "target": p.target,
                    }
                    for p in plans
                ],
            }
        )
        return
    verb = "would send" if dry_run else "sent"
    click.echo(
        f"replay: {verb} {counts['send'] if dry_run else len(sent)}, "
        f"skipped {counts['skip']}, refused {counts['refuse']} "
        f"(of {len(entries)} dead letter(s) in {topic})",
        err=True,
    )


def _plan_line(plan: Plan) -> str:
    entry = plan.entry
    if plan.decision == "send":
        size = len(entry.letter.original_value() or b"") if entry.letter else 0
        return (
            f"would send {entry.ref} ({entry.stage}) to {plan.target} "
            f"key={_key_text(entry.original_key())} ({size} bytes)"
        )
    return f"{plan.decision} {entry.ref} ({entry.stage}): {plan.why}"


def _sent_line(sent: Sent) -> str:
    entry = sent.entry
    size = len(entry.letter.original_value() or b"") if entry.letter else 0
    return (
        f"sent {entry.ref} ({entry.stage}) to {sent.topic}[{sent.partition}]@{sent.offset} "
        f"key={_key_text(entry.original_key())} ({size} bytes)"
    )
