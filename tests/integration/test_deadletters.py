"""``tinstream dead-letters`` and dead letters in ``tinstream lag``, on the real stack."""

from __future__ import annotations

import json
import time
from datetime import datetime, timedelta
from typing import Any

from elasticsearch import Elasticsearch

from streams.deadletter import dead_letter, headers
from streams.deadletter_log import HEADER_REPLAY_OF, HEADER_REPLAY_ORIGIN, read_topic
from streams.kafka import make_producer, make_reader
from tests.integration.conftest import Run

BAD_JSON = b'{"id": "dl-broken", "title": "Thi\xe1\xba\xbfu ngo\xe1\xba\xb7c'


def _raw_messages(run: Run) -> list[Any]:
    consumer = make_reader(run.settings.kafka)
    try:
        return list(read_topic(consumer, run.raw, timeout_s=30))
    finally:
        consumer.close()


def _wait_letters(run: Run, expected: int) -> None:
    letters = run.dead_letters(expected=expected, timeout_s=90)
    if len(letters) < expected:
        run.fail_with_logs(f"{len(letters)} dead letters, expected {expected}")


def _enrich_failure(run: Run, article: dict[str, Any]) -> None:
    """A dead letter as the pipeline writes it for an article whose enrichment failed
    (say, a model that crashed, since fixed): its bytes are a good article."""
    value = json.dumps(article, ensure_ascii=False).encode()
    letter = dead_letter(
        stage="enrich",
        reason="the enrichment process died (simulated, since fixed)",
        error_type="EnrichmentCrashed",
        retriable=True,
        topic=run.raw,
        partition=0,
        offset=10_000,
        timestamp_ms=int(time.time() * 1000),
        key=article["id"].encode(),
        value=value,
        article_id=article["id"],
    )
    producer = make_producer(run.settings.kafka)
    try:
        producer.send(
            run.dead_letter,
            key=article["id"].encode(),
            value=letter.to_bytes(),
            headers=headers(letter),
        ).get(timeout=30)
    finally:
        producer.close()


def test_dead_letters_are_listed_shown_and_replayed_once(run: Run, es: Elasticsearch) -> None:
    run.start_worker()
    run.wait_ready(0)
    run.produce(
        (b"dl-broken", BAD_JSON), (b"dl-untitled", '{"content": "Chỉ có nội dung."}'.encode())
    )
    _wait_letters(run, 2)
    article = {
        "id": "dl-fixed",
        "title": "Cầu Long Biên được sửa xong",
        "content": "Cây cầu ở Hà Nội mở lại cho xe máy sau ba tháng sửa chữa.",
    }
    _enrich_failure(run, article)

    listed = run.cli("dead-letters", "list")
    assert listed.returncode == 0, listed.stderr
    lines = listed.stdout.splitlines()
    assert len(lines) == 3, listed.stdout
    by_key = {line.split("key=")[1].split()[0]: line for line in lines}
    assert set(by_key) == {"dl-broken", "dl-untitled", "dl-fixed"}
    assert " decode " in by_key["dl-broken"] and "not valid JSON" in by_key["dl-broken"]
    assert (
        " validate " in by_key["dl-untitled"]
        and "missing required field 'title'" in by_key["dl-untitled"]
    )
    assert " enrich " in by_key["dl-fixed"]

    # Filters: by stage, by a duration, by a date in the future, and as JSON.
    only_decode = run.cli("dead-letters", "list", "--stage", "decode", "--json")
    assert [e["key"] for e in json.loads(only_decode.stdout)] == ["dl-broken"]
    recent = run.cli(
        "dead-letters", "list", "--since", "1h", "--stage", "validate", "--stage", "enrich"
    )
    assert len(recent.stdout.splitlines()) == 2, recent.stdout
    future = (datetime.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    assert run.cli("dead-letters", "list", "--since", future).stdout == ""

    shown = run.cli("dead-letters", "show", "dl-broken", "--json")
    assert shown.returncode == 0, shown.stderr
    [detail] = json.loads(shown.stdout)
    assert detail["value"]["encoding"] == "utf-8" and detail["value"]["text"].encode() == BAD_JSON
    assert detail["origin"].startswith(f"{run.raw}[")
    missing = run.cli("dead-letters", "show", "9@999")
    assert (
        missing.returncode == 1
        and missing.stderr.count("\n") == 1
        and "no dead letter" in missing.stderr
    )

    raw_before = len(_raw_messages(run))
    dry = run.cli("dead-letters", "replay", "--dry-run", "--stage", "enrich")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("would send") and "key=dl-fixed" in dry.stdout
    assert "would send 1, skipped 0, refused 0" in dry.stderr
    assert len(_raw_messages(run)) == raw_before

    # The cause is fixed: the replay indexes the article.
    fixed = run.cli("dead-letters", "replay", "--stage", "enrich")
    assert fixed.returncode == 0, fixed.stderr
    assert fixed.stdout.startswith("sent ") and f"to {run.raw}[" in fixed.stdout, fixed.stdout
    run.wait_indexed(es, ["dl-fixed"])

    # Everything: the two bad ones are sent with their key, bytes and replay headers.
    replayed = run.cli("dead-letters", "replay")
    assert replayed.returncode == 0, replayed.stderr
    assert len(replayed.stdout.splitlines()) == 2, replayed.stdout
    assert "skip" in replayed.stderr and "already replayed" in replayed.stderr
    messages = _raw_messages(run)
    copies = {m.key: m for m in messages if any(k == HEADER_REPLAY_OF for k, _ in m.headers)}
    assert set(copies) == {b"dl-broken", b"dl-untitled", b"dl-fixed"}
    assert copies[b"dl-broken"].value == BAD_JSON
    origin = dict(copies[b"dl-broken"].headers)[HEADER_REPLAY_ORIGIN].decode()
    assert origin == detail["origin"].replace("[", "/").replace("]@", "/")

    # The replays of the bad ones fail again: those letters are refused, nothing is sent twice.
    _wait_letters(run, 5)
    again = run.cli("dead-letters", "replay")
    assert again.returncode == 0, again.stderr
    assert again.stdout == ""
    assert "sent 0, skipped 3, refused 2" in again.stderr, again.stderr
    assert again.stderr.count("was itself a replay of dead letter") == 2
    assert len(_raw_messages(run)) == len(messages)

    # Nobody reads the dead letters: lag says so instead of OK.
    lag = run.cli(
        "lag",
        "--group",
        f"tinstream-test-{run.run_id}",
        "--topic",
        run.dead_letter,
        "--samples",
        "1",
    )
    assert lag.returncode == 0, lag.stderr
    assert "WARN" in lag.stdout and "5 dead letter(s) not read" in lag.stdout, lag.stdout


def test_dead_letters_of_a_missing_topic_or_an_unreachable_kafka_are_one_line(run: Run) -> None:
    missing = run.cli("dead-letters", "list")  # the run's topics are created by its worker only
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"dead-letters list: topic '{run.dead_letter}' does not exist"
    down = run.cli("dead-letters", "replay", "--bootstrap-servers", "127.0.0.1:9", "--timeout", "2")
    assert down.returncode == 1
    assert down.stderr.count("\n") == 1 and "cannot reach Kafka" in down.stderr
