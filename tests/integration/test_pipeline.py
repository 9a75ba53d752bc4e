"""The whole pipeline on the real Kafka and Elasticsearch: publish → enrich → index → search."""

from __future__ import annotations

import json
import re
import time
from typing import Any

import pytest
from elasticsearch import Elasticsearch

from deploy.local.harness import http_get
from indexers.search import SearchRequest, SearchResult
from indexers.search_sync import ArticleSearch
from nlp.segmenter import WordSegmenter
from nlp.text import clean_text
from streams.records import DeadLetter, EnrichedArticle, RawArticle
from tests.integration.conftest import Run, sample_articles
from tests.texts import OTHER_STORY, STORY

pytestmark = [pytest.mark.integration, pytest.mark.timeout(300)]


def _marked(fragment: str) -> set[str]:
    """The words a highlight marks."""
    return {w for m in re.findall(r"<em>(.*?)</em>", fragment) for w in m.split()}


def test_samples_become_searchable_with_entity_facets(run: Run, es: Elasticsearch) -> None:
    run.start_worker()
    ids = run.publish_samples()
    samples = sample_articles()
    assert ids == [s["id"] for s in samples]
    run.wait_indexed(es, ids)

    docs = {d["_id"]: d["_source"] for d in es.mget(index=run.alias, ids=ids)["docs"]}
    for sample in samples:
        doc = docs[sample["id"]]
        assert doc["title"] == sample["title"]
        assert doc["category"] == {"label": sample["category"], "score": 1.0, "source": "publisher"}
        assert doc["language"] == "vi"
        assert doc["ingested_at"] >= doc["enriched_at"]
    with_entities = [
        i for i, d in docs.items() if d["persons"] or d["locations"] or d["organizations"]
    ]
    assert len(with_entities) >= 28, f"only {len(with_entities)} samples got entities"

    searcher = ArticleSearch(es, run.alias, WordSegmenter())

    def search(text: str = "", **options: object) -> SearchResult:
        return searcher.search(SearchRequest(text=text, **options))  # type: ignore[arg-type]

    result = search(size=0, facet_size=100)
    assert result.total == len(samples)
    assert {(b.value, b.count) for b in result.facets["category"]} == {
        (slug, 4) for slug in {s["category"] for s in samples}
    }
    locations = {b.value: b.count for b in result.facets["locations"]}
    # Four samples name Hà Nội as a place; a fifth only inside "Công an thành phố Hà Nội".
    assert locations["Hà Nội"] >= 4
    assert "Việt Nam" in locations
    assert "Lương Văn Tú" in {b.value for b in result.facets["persons"]}
    assert [(b.value, b.count) for b in result.facets["language"]] == [("vi", len(samples))]
    assert [b.value for b in result.facets["duplicate"]] == ["false"]
    assert result.facets["keywords"]
    days = sum(b.count for b in result.facets["published_at"])
    assert days == sum(1 for s in samples if s.get("published_at"))

    # Full-text search finds the article about Hội An first.
    hoi_an = next(s["id"] for s in samples if "Hội An" in s["title"])
    assert search("lễ hội đèn lồng Hội An").hits[0].id == hoi_an
    # Typed without diacritics, the same search finds the same article first,
    # and the highlight shows the title with its diacritics.
    unaccented_hit = search("le hoi den long hoi an").hits[0]
    assert unaccented_hit.id == hoi_an
    assert {"Hội", "An"} <= _marked(unaccented_hit.highlight["title"][0])
    as_typed = search("Hà Nội", size=100)
    unaccented = search("ha noi", size=100)
    assert {h.id for h in as_typed.hits} <= {h.id for h in unaccented.hits}
    assert as_typed.total >= 5
    assert any(
        {"Hà", "Nội"} <= _marked(f) for h in unaccented.hits for f in h.highlight.get("content", [])
    )
    da_nang = {s["id"] for s in samples if "Đà Nẵng" in s["title"] + s["content"]}
    assert da_nang
    assert da_nang <= {h.id for h in search("da nang", size=100).hits}

    # Filters, with the articles most about a person first; pages do not overlap.
    about = search(persons=("Lương Văn Tú",), size=100)
    assert about.total >= 1
    assert all("Lương Văn Tú" in h.fields["persons"] for h in about.hits)
    hanoi = search(locations=("Hà Nội",), size=100)
    counts = [
        next(e["count"] for e in docs[h.id]["entities"] if e["text"] == "Hà Nội")
        for h in hanoi.hits
    ]
    assert counts == sorted(counts, reverse=True)
    category = samples[0]["category"]
    assert search(categories=(category,)).total == 4
    first, second = search(size=5), search(size=5, page=2)
    assert not {h.id for h in first.hits} & {h.id for h in second.hits}

    # Related articles share entities or keywords, never the article itself.
    anchor = hanoi.hits[0].id
    related = searcher.related(anchor, size=5)
    assert related.hits and anchor not in {h.id for h in related.hits}
    mine = {*docs[anchor]["persons"], *docs[anchor]["locations"], *docs[anchor]["organizations"]}
    mine |= set(docs[anchor]["keywords"])
    for hit in related.hits:
        theirs = {*hit.fields["persons"], *hit.fields["locations"], *hit.fields["organizations"]}
        assert mine & (theirs | set(hit.fields["keywords"])), hit.id

    # The CLI prints the same in the documented JSON shape.
    cli = run.cli("search", "Hội An", "--json", "--index", run.alias)
    assert cli.returncode == 0, cli.stderr
    out = json.loads(cli.stdout)
    assert out["hits"][0]["id"] == hoi_an
    assert {"id", "score", "title", "url", "source", "published_at"} <= out["hits"][0].keys()
    assert set(out["facets"]) >= {"persons", "locations", "organizations", "category", "sentiment"}
    assert all({"value", "count"} == set(b) for b in out["facets"]["locations"])
    assert {"Hội", "An"} <= _marked(out["hits"][0]["highlight"]["title"][0])
    assert set(out["facets"]) >= {"language", "keywords", "duplicate", "published_at"}
    filtered = run.cli(
        "search", "--location", "Hà Nội", "--since", "2000-01-01", "--json", "--index", run.alias
    )
    assert json.loads(filtered.stdout)["total"] == hanoi.total, filtered.stderr
    text = run.cli("related", anchor, "--index", run.alias)
    assert text.returncode == 0 and related.hits[0].title in text.stdout, text.stderr
    missing = run.cli("related", "no-such-article", "--index", run.alias)
    # Exit 1, one line: 2 is for usage errors only.
    assert missing.returncode == 1 and "no article 'no-such-article'" in missing.stderr
    bad = run.cli("search", "--page", "0", "--index", run.alias)
    assert bad.returncode == 2 and "--page" in bad.stderr


def test_bad_messages_are_dead_lettered_and_valid_ones_indexed(run: Run, es: Elasticsearch) -> None:
    valid_a = RawArticle.from_mapping(
        {"id": "ok-a", "title": "Mưa lớn ở Huế", "content": "Nhiều tuyến phố ở Huế bị ngập."}
    )
    valid_b = RawArticle.from_mapping(
        {"id": "ok-b", "title": "Nắng nóng ở Hà Nội", "content": "Nhiệt độ ở Hà Nội lên tới 40 độ."}
    )
    bad = {
        b"malformed": b'{"title": "Thi\xe1\xba\xbfu ngo\xe1\xba\xb7c", "content": "x"',
        b"not-json": b"this is not JSON at all",
        b"bad-utf8": b"\xff\xfe\xfa",
        b"no-title": json.dumps({"content": "Chỉ có nội dung."}).encode(),
        b"int-title": json.dumps({"title": 7, "content": "Tiêu đề là số."}).encode(),
    }
    run.produce((b"ok-a", valid_a.to_bytes()), *bad.items(), (b"ok-b", valid_b.to_bytes()))
    # An enriched article Elasticsearch refuses (a date that is no date): index-stage failure.
    refused = EnrichedArticle(
        id="refused", title="t", content="c", language="vi", published_at="not a date"
    )
    run.produce((b"refused", refused.to_bytes()), topic=run.enriched)
    run.start_worker()

    run.wait_indexed(es, ["ok-a", "ok-b"])
    letters = {letter.key_b64: letter for letter in run.dead_letters(expected=len(bad) + 1)}

    assert len(letters) == len(bad) + 1
    for key, value in bad.items():
        letter = letters[DeadLetter.encode(key)]
        assert letter.original_value() == value
        assert letter.topic == run.raw
        assert letter.offset >= 0 and 0 <= letter.partition < 3
        assert not letter.retriable
    reasons = {k: letters[DeadLetter.encode(k)].reason for k in bad}
    assert "not valid JSON" in reasons[b"malformed"]
    assert "not valid JSON" in reasons[b"not-json"]
    assert "not valid UTF-8" in reasons[b"bad-utf8"]
    assert reasons[b"no-title"] == "missing required field 'title'"
    assert reasons[b"int-title"] == "field 'title' must be a string, got int"
    assert letters[DeadLetter.encode(b"bad-utf8")].stage == "decode"
    assert letters[DeadLetter.encode(b"no-title")].stage == "validate"
    index_letter = letters[DeadLetter.encode(b"refused")]
    assert (index_letter.stage, index_letter.topic) == ("index", run.enriched)
    assert "document_parsing_exception" in index_letter.reason or "date" in index_letter.reason
    assert es.count(index=run.alias)["count"] == 2


def test_publishing_again_leaves_the_count_unchanged(run: Run, es: Elasticsearch) -> None:
    run.start_worker()
    ids = run.publish_samples()
    run.wait_indexed(es, ids)
    docs = es.mget(index=run.alias, ids=ids)["docs"]
    first = {d["_id"]: d["_source"]["ingested_at"] for d in docs}

    assert run.publish_samples() == ids
    # Wait until every document was written again (its ingested_at moved on).
    deadline = time.monotonic() + 120
    while True:
        es.indices.refresh(index=run.alias)
        docs = es.mget(index=run.alias, ids=ids)["docs"]
        if all(d["_source"]["ingested_at"] > first[d["_id"]] for d in docs):
            break
        if time.monotonic() > deadline:
            run.fail_with_logs("the second publication was not re-indexed in 120s")
        time.sleep(0.5)
    assert es.count(index=run.alias)["count"] == len(ids)
    assert run.dead_letters(expected=0, timeout_s=1) == []


def test_tombstone_deletes_the_article(run: Run, es: Elasticsearch) -> None:
    run.start_worker()
    ids = run.publish_samples()
    run.wait_indexed(es, ids)
    run.produce((ids[0].encode(), None))
    deadline = time.monotonic() + 60
    while es.count(index=run.alias, query={"ids": {"values": [ids[0]]}})["count"]:
        if time.monotonic() > deadline:
            run.fail_with_logs("the tombstone did not delete the article")
        time.sleep(0.3)
        es.indices.refresh(index=run.alias)
    assert es.count(index=run.alias)["count"] == len(ids) - 1


def test_publish_reports_rejected_lines(run: Run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    source = tmp_path / "in.jsonl"
    source.write_text(
        json.dumps({"title": "Huế", "content": "Mưa."})
        + "\n{oops\n"
        + json.dumps({"title": "", "content": "x"})
        + "\n",
        encoding="utf-8",
    )
    result = run.cli("publish", str(source), "--topic", run.raw)
    assert result.returncode == 1
    assert "sent 1, rejected 2" in result.stdout
    assert f"rejected {source}:2: invalid JSON" in result.stdout
    assert f"rejected {source}:3: field 'title' is empty" in result.stdout


def test_a_long_article_is_indexed_whole(run: Run, es: Elasticsearch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    # About 3 MB: above Kafka's and aiokafka's 1 MB defaults, so every hop must allow it.
    paragraph = "Mưa lớn kéo dài ở Huế khiến nhiều tuyến phố ngập sâu. "
    content = "\n".join([paragraph * 20] * 2800)
    assert len(content.encode()) > 3_000_000
    source = tmp_path / "long.jsonl"
    source.write_text(
        json.dumps({"id": "long", "title": "Huế ngập", "content": content}) + "\n", encoding="utf-8"
    )
    run.start_worker()
    published = run.cli("publish", str(source), "--topic", run.raw)
    assert published.returncode == 0, published.stdout + published.stderr
    run.wait_indexed(es, ["long"])
    doc = es.get(index=run.alias, id="long")["_source"]
    assert doc["content"] == clean_text(content)
    assert doc["word_count"] == len(content.split())
    assert "Huế" in doc["locations"]


def test_a_late_older_copy_never_overwrites_a_newer_one(run: Run, es: Elasticsearch) -> None:
    run.start_worker()
    run.publish([{"id": "v", "title": "Bản mới", "content": STORY}])
    run.wait_indexed(es, ["v"])
    indexed = es.get(index=run.alias, id="v")
    assert indexed["_version"] > 10**15  # the publish time, in ms, times a million

    # An older copy reaches the enriched topic late (a replay, a slow process),
    # followed on the same partition by a marker: once the marker is indexed,
    # the old copy has been dealt with.
    when = "2026-01-01T00:00:00+00:00"
    old = EnrichedArticle(
        id="v", title="Bản cũ", content=STORY, language="vi", enriched_at=when, version=1
    )
    marker = EnrichedArticle(
        id="marker", title="Mốc", content=STORY, language="vi", enriched_at=when, version=1
    )
    run.produce(
        (b"v", old.to_bytes()),
        (b"marker", marker.to_bytes()),
        topic=run.enriched,
        partition=0,
    )
    run.wait_indexed(es, ["marker"])
    after = es.get(index=run.alias, id="v")
    assert after["_source"]["title"] == "Bản mới"
    assert after["_version"] == indexed["_version"]


def _story(extra: str = "") -> str:
    return STORY + extra


def test_near_duplicates_point_at_the_original_across_restarts(run: Run, es: Elasticsearch) -> None:
    # Two enrichment processes: the process pool is what runs here.
    worker = run.start_worker(TINSTREAM_ENRICH_PROCESSES="2")
    run.publish([{"id": "orig", "title": "Mưa lớn gây ngập", "content": _story()}])
    run.wait_indexed(es, ["orig"])
    run.publish(
        [
            {"id": "copy", "title": "Ngập sâu sau mưa", "content": _story(" Theo báo địa phương.")},
            {"id": "other", "title": "Tin thể thao", "content": OTHER_STORY},
        ]
    )
    run.wait_indexed(es, ["copy", "other"])
    docs = {
        d["_id"]: d["_source"]
        for d in es.mget(index=run.alias, ids=["orig", "copy", "other"])["docs"]
    }
    assert docs["orig"].get("duplicate_of") is None
    assert docs["copy"]["duplicate_of"] == "orig"
    assert docs["other"].get("duplicate_of") is None
    assert docs["orig"]["sentiment"]["label"] in {"negative", "neutral"}
    assert docs["orig"]["category"]["source"] == "model"

    # The fingerprints live in a Faust table: a new worker knows the original.
    worker.terminate()
    assert worker.wait(timeout=60) == 0
    run.start_worker()
    run.publish([{"id": "late", "title": "Mưa ngập phố", "content": _story(" Cập nhật.")}])
    run.wait_indexed(es, ["late"])
    late = es.get(index=run.alias, id="late")["_source"]
    assert late["duplicate_of"] == "orig"
    assert late["is_duplicate"] is True

    # Copies are flagged for the facet, left out on request and never "related".
    searcher = ArticleSearch(es, run.alias, WordSegmenter())
    flags = searcher.search(SearchRequest()).facets["duplicate"]
    assert {(b.value, b.count) for b in flags} == {("true", 2), ("false", 2)}
    originals = searcher.search(SearchRequest(include_duplicates=False))
    assert {h.id for h in originals.hits} == {"orig", "other"}
    for anchor in ("orig", "copy"):
        assert not {"orig", "copy", "late"} & {h.id for h in searcher.related(anchor).hits}


def _get(port: int, path: str) -> tuple[int, dict[str, Any]]:
    status, body = http_get(port, path)
    assert status, f"nothing answered GET {path}"
    return status, json.loads(body)


def test_health_readiness_search_and_metrics_over_http(run: Run, es: Elasticsearch) -> None:
    run.start_worker(TINSTREAM_LAG_INTERVAL_S="1")
    port = run.web_ports[-1]
    # Its web server starts before it has joined its group.
    report = run.wait_ready(0, timeout_s=120)
    assert report["kafka"] is True and report["elasticsearch"] is True
    assert isinstance(report["partitions"], int) and report["partitions"] >= 1
    assert _get(port, "/health") == (200, {"status": "alive"})

    # The same search as the CLI, over HTTP.
    run.publish(
        [
            {"id": "flood", "title": "Mưa lớn gây ngập ở Hà Nội", "content": STORY},
            {"id": "match", "title": "Tin thể thao", "content": OTHER_STORY},
        ]
    )
    run.wait_indexed(es, ["flood", "match"])
    status, body = _get(port, "/search?q=ha+noi&size=5")
    assert status == 200, body
    assert body["total"] >= 1 and body["hits"][0]["id"] == "flood"
    assert {"Hà", "Nội"} <= _marked(body["hits"][0]["highlight"]["title"][0])
    assert {"persons", "locations", "published_at"} <= set(body["facets"])
    status, body = _get(port, "/search?page=zero")
    assert status == 400 and "page must be an integer" in str(body["error"])
    status, body = _get(port, "/articles/nope/related")
    assert status == 404 and "no article 'nope'" in str(body["error"])
    status, body = _get(port, "/articles/flood/related")
    assert status == 200 and "flood" not in {h["id"] for h in body["hits"]}
    status, spec = _get(port, "/openapi.json")
    assert status == 200 and "/search" in spec["paths"]

    # Prometheus: the pipeline's counters, Faust's sensors and the worker's own lag.
    group = f"tinstream-test-{run.run_id}"
    deadline = time.monotonic() + 60
    while True:
        metrics = http_get(port, "/metrics")[1].decode()
        if f'tinstream_consumer_lag_messages{{group="{group}"' in metrics:
            break
        if time.monotonic() > deadline:
            run.fail_with_logs(f"no lag gauges in /metrics after 60 s:\n{metrics[-2000:]}")
        time.sleep(0.5)  # polling interval of the deadline loop
    samples = dict(
        line.rsplit(" ", 1) for line in metrics.splitlines() if line and not line.startswith("#")
    )
    assert float(samples["tinstream_documents_indexed_total"]) >= 2
    assert float(samples["tinstream_articles_enriched_total"]) >= 2
    assert float(samples["tinstream_bulk_seconds_count"]) >= 1
    assert any(k.startswith("tinstream_faust_") for k in samples)
    assert f'tinstream_consumer_group_status{{group="{group}",status="OK"}}' in samples
    # The lag history, for Kibana.
    deadline = time.monotonic() + 60
    while not es.options(ignore_status=404).count(index=run.lag_alias).get("count"):
        if time.monotonic() > deadline:
            run.fail_with_logs("no lag history in 60 s")
        time.sleep(0.5)  # polling interval of the deadline loop
        es.options(ignore_status=404).indices.refresh(index=run.lag_alias)
    doc = es.search(index=run.lag_alias, size=1)["hits"]["hits"][0]["_source"]
    assert doc["group"] == group and doc["topic"] in (run.raw, run.enriched)
