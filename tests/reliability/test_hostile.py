"""Hostile input mixed into a valid stream, as a table: each class of input with its
expected outcome, indexed clean or dead-lettered with its stage and reason.

One worker takes all of it at once, between valid articles; the worker stays up,
every valid article is indexed once, and every row's outcome is asserted. The
README's table is this one (``python -m tests.reliability.test_hostile`` prints it).
"""

from __future__ import annotations

import json
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from tests.integration.conftest import Run
from tests.reliability.conftest import Outcome
from tests.reliability.scenario import indexed_ids, measure, sample_copies

pytestmark = [pytest.mark.integration, pytest.mark.reliability, pytest.mark.timeout(600)]

_BASE = {"title": "Tin thử nghiệm", "content": "Hà Nội mưa lớn suốt đêm qua."}
_NFD = unicodedata.normalize("NFD", "Mưa lớn ở Thừa Thiên Huế")
_XSS = '<img src=x onerror="alert(1)">'
# 10.5 MB of UTF-8 (8 million characters).
_BIG = "Hà Nội mưa lớn. " * 500_000


@dataclass(frozen=True)
class Row:
    """One class of hostile input: its message and what must become of it."""

    name: str
    what: str
    value: bytes | None
    # "indexed", or "<stage>: <words of the reason>" for a dead letter.
    expect: str
    # For an indexed row: what must hold of the document Elasticsearch holds.
    check: Callable[[dict[str, Any]], bool] | None = None
    headers: list[tuple[str, bytes]] = field(default_factory=list)

    @property
    def key(self) -> bytes:
        return self.name.encode()

    @property
    def indexed(self) -> bool:
        return self.expect == "indexed"


def _article(name: str, **fields: Any) -> bytes:
    return json.dumps({**_BASE, "id": name, **fields}, ensure_ascii=False).encode()


def _wrong_type(name: str) -> Row:
    value = json.dumps({**_BASE, name: {"a": [1]}}).encode()
    reason = "must be a list of strings" if name == "tags" else f"field '{name}' must be"
    return Row(f"type-{name}", f"an object as `{name}`", value, f"validate: {reason}")


ROWS: list[Row] = [
    Row("bad-utf8", "malformed UTF-8", b'{"title":"\xff\xfe","content":"x"}',
        "decode: not valid UTF-8"),
    Row("not-json", "not JSON", b"{not json", "decode: not valid JSON"),
    Row("empty-bytes", "an empty value (not a tombstone)", b"", "decode: not valid JSON"),
    Row("deep-nesting", "a JSON bomb: 5,000 nested objects",
        ('{"x":' * 5000 + "{}" + "}" * 5000).encode(), "decode: not valid JSON"),
    Row("array", "a JSON array", b"[1, 2]", "validate: expected a JSON object"),
    Row("number", "a bare number", b"42", "validate: expected a JSON object"),
    Row("no-title", "no title", json.dumps({"content": "Thiếu tiêu đề."}).encode(),
        "validate: missing required field 'title'"),
    Row("empty-title", "a blank title", _article("empty-title", title="  "),
        "validate: field 'title' is empty"),
    Row("markup-title", "a title of markup only", _article("markup-title", title="<b></b>"),
        "validate: no text once HTML is removed"),
    Row("zero-width", "a title of zero-width spaces", _article("zero-width", title="\u200b\u200b"),
        "validate: no text once HTML is removed"),
    *[_wrong_type(name) for name in (
        "title", "content", "url", "source", "author", "category", "summary", "language",
        "published_at", "tags", "id",
    )],
    Row("long-id", "a 5,000-byte id", _article("x" * 5000),
        "validate: longer than 512 bytes"),
    Row("future-date", "`published_at` 9999-12-31",
        _article("future-date", published_at="9999-12-31"), "validate: outside 1900 to tomorrow"),
    Row("ancient-date", "`published_at` 0001-01-01",
        _article("ancient-date", published_at="0001-01-01"), "validate: outside 1900 to tomorrow"),
    Row("language-script", '`"language": "<script>"`',
        _article("language-script", language="<script>"), "validate: must be a language code"),
    Row("url-javascript", '`"url": "javascript:alert(1)"`',
        _article("url-javascript", url="javascript:alert(1)"),
        "validate: must be an http or https address"),
    Row("url-data", "a `data:` URL", _article("url-data", url="data:text/html,<script>x</script>"),
        "validate: must be an http or https address"),
    Row("null-bytes", "NUL and control characters in the text",
        _article("null-bytes", title="Tin\u0000 nóng\u0007", content="Hà\u0000 Nội mưa."),
        "indexed", lambda d: d["title"] == "Tin nóng" and "\x00" not in d["content"]),
    Row("duplicate-keys", "a key twice (the last one counts, as in JSON.parse)",
        '{"id":"duplicate-keys","title":"Bản trước","title":"Bản sau","content":"Hà."}'.encode(),
        "indexed", lambda d: d["title"] == "Bản sau"),
    Row("huge-headers", "1,000 Kafka headers of 1 KB", _article("huge-headers"), "indexed",
        lambda d: d["title"] == _BASE["title"],
        headers=[(f"h{n}", b"x" * 1024) for n in range(1000)]),
    Row("article-10mb", "a 10.5 MB article", _article("article-10mb", content=_BIG), "indexed",
        lambda d: len(d["content"]) == len(_BIG.strip())),
    Row("script-in-content", "`<script>` and tags in the content",
        _article("script-in-content", content="<script>alert(1)</script><p>Hà Nội mưa.</p>"),
        "indexed", lambda d: d["content"] == "Hà Nội mưa."),
    Row("script-in-shown-fields", "markup in title, author, source, tags (Kibana shows them)",
        _article("script-in-shown-fields", title=f"Tin {_XSS}nóng", author=f"{_XSS}Lê Hoa",
                 source="<script>alert(1)</script>Báo Mẫu", tags=[_XSS, "mưa"]),
        "indexed", lambda d: (d["title"], d["author"], d["source"], d["tags"])
        == ("Tin nóng", "Lê Hoa", "Báo Mẫu", ["mưa"])),
    Row("nfd", "Vietnamese in NFD (decomposed)",
        _article("nfd", title=_NFD, content=f"{_NFD}. {_NFD}"),
        "indexed", lambda d: d["title"] == unicodedata.normalize("NFC", _NFD)),
]  # fmt: skip


def markdown() -> str:
    """The table as the README shows it."""
    lines = ["| input | outcome |", "|---|---|"]
    for row in ROWS:
        if row.indexed:
            outcome = "indexed clean"
        else:
            stage, reason = row.expect.split(": ", 1)
            outcome = f"dead-lettered at `{stage}`: {reason}"
        lines.append(f"| {row.what} | {outcome} |")
    return "\n".join(lines)


def test_hostile_input_mixed_into_the_stream(
    run: Run, es: Elasticsearch, report: list[Outcome]
) -> None:
    valid = sample_copies(2, "ok")
    run.start_worker()
    run.publish(valid)
    for row in ROWS:
        run.produce((row.key, row.value), headers=row.headers)
    # A copy replaced by a later one, and a tombstone deleting a valid article.
    run.produce((b"same", _article("same", title="Bản đầu")))
    run.produce((b"same", _article("same", title="Bản sửa")))
    run.produce((valid[0]["id"].encode(), None))
    indexed_rows = {row.name for row in ROWS if row.indexed}
    expected = {a["id"] for a in valid} - {valid[0]["id"]} | indexed_rows | {"same"}
    letters_expected = [row for row in ROWS if not row.indexed]
    since = time.monotonic()
    deadline = since + 300
    while True:
        ids = set(indexed_ids(es, run.alias))
        same = es.options(ignore_status=404).get(index=run.alias, id="same")
        if ids == expected and same.get("_source", {}).get("title") == "Bản sửa":
            break
        if time.monotonic() > deadline:
            missing, extra = sorted(expected - ids)[:5], sorted(ids - expected)[:5]
            run.fail_with_logs(f"missing {missing}, extra {extra}")
        time.sleep(0.5)  # polling interval of the deadline loop
    letters_n = len(letters_expected)
    outcome = measure("hostile-input", run, es, expected, letters=letters_n, since=since)
    outcome.published = len(valid) + len(ROWS) + 3
    report.append(outcome)
    assert (outcome.lost, outcome.duplicated) == (0, 0)
    assert run.workers[0][0].poll() is None, "the worker died"

    letters = run.dead_letters(len(letters_expected))
    by_key = {letter.key_b64: letter for letter in letters}
    assert len(letters) == len(letters_expected) == len(by_key)
    failed = []
    for row in letters_expected:
        letter = by_key.get(_b64(row.key))
        stage, reason = row.expect.split(": ", 1)
        if letter is None or letter.stage != stage or reason not in letter.reason:
            got = None if letter is None else f"{letter.stage}: {letter.reason[:200]}"
            failed.append(f"{row.name}: expected {row.expect!r}, got {got!r}")
    for row in ROWS:
        if row.indexed and row.check is not None:
            source = es.get(index=run.alias, id=row.name)["_source"]
            if not row.check(source):
                shown = {k: str(v)[:80] for k, v in source.items() if k in _SHOWN}
                failed.append(f"{row.name}: indexed as {shown}")
    assert not failed, "\n".join(failed)


_SHOWN = ("title", "content", "author", "source", "tags")


def _b64(key: bytes) -> str | None:
    from streams.records import DeadLetter

    return DeadLetter.encode(key)


if __name__ == "__main__":
    print(markdown())  # noqa: T201 - the README's table
