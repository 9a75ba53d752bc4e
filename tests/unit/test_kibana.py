"""Kibana saved objects: in step with the code and the mapping; imports explained."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any, ClassVar

import pytest
from pydantic import SecretStr

from config import KibanaSettings
from indexers.kibana import (
    DATA_VIEW_ID,
    LAG_DATA_VIEW_ID,
    NDJSON_PATH,
    saved_objects,
    to_ndjson,
)
from indexers.kibana_import import KibanaError, KibanaImporter
from indexers.lag_mapping import LagDocument
from indexers.mapping import mappings

AGGREGATABLE = {"keyword", "date", "boolean", "integer", "long", "float", "double"}
SEARCHABLE = AGGREGATABLE | {"text"}


MAPPINGS = {
    DATA_VIEW_ID: mappings(),
    LAG_DATA_VIEW_ID: LagDocument._doc_type.mapping.to_dict(),
}


def _field_type(data_view: str, path: str) -> str | None:
    """The mapping type of a dotted field path; None when absent or inside a nested."""
    node: dict[str, Any] = {"properties": MAPPINGS[data_view]["properties"]}
    for part in path.split("."):
        if node.get("type") == "nested":
            return None  # needs a nested aggregation: not usable by these objects
        node = node.get("properties", {}).get(part)
        if node is None:
            return None
    return str(node.get("type", "object"))


def _kql_fields(query: str) -> list[str]:
    return re.findall(r"([\w.]+)\s*:", query)


def _references(objects: list[dict[str, Any]]) -> Iterator[tuple[str, str, str, str]]:
    """(object id, data view, field, need) for every field an object refers to."""
    for obj in objects:
        attrs, oid = obj["attributes"], obj["id"]
        if obj["type"] == "dashboard":
            continue
        if obj["type"] == "index-pattern":
            yield oid, oid, attrs["timeFieldName"], "date"
            for name in json.loads(attrs["fieldFormatMap"]):
                yield oid, oid, name, "search"
            continue
        (view,) = [r["id"] for r in obj["references"] if r["type"] == "index-pattern"]
        meta = attrs.get("kibanaSavedObjectMeta", {}).get("searchSourceJSON")
        if meta:
            for name in _kql_fields(json.loads(meta)["query"]["query"]):
                yield oid, view, name, "search"
        for name in attrs.get("columns", []):
            yield oid, view, name, "search"
        for name, _ in attrs.get("sort", []):
            yield oid, view, name, "aggregate"
        if "visState" in attrs:
            for agg in json.loads(attrs["visState"])["aggs"]:
                if "field" in agg["params"]:
                    yield oid, view, agg["params"]["field"], "aggregate"


def test_the_committed_file_is_what_the_code_makes() -> None:
    assert NDJSON_PATH.read_text(encoding="utf-8") == to_ndjson(saved_objects()), (
        "run `python -m indexers.kibana` and commit deploy/kibana/tinstream.ndjson"
    )


def test_every_field_an_object_uses_is_mapped_with_a_usable_type() -> None:
    refs = list(_references(saved_objects()))
    assert len(refs) > 20
    for oid, view, name, need in refs:
        kind = _field_type(view, name)
        allowed = (
            {"date"} if need == "date" else AGGREGATABLE if need == "aggregate" else SEARCHABLE
        )
        assert kind in allowed, f"{oid} uses {name!r}: mapped as {kind}, needs {need}"


def test_every_reference_is_to_an_object_in_the_file() -> None:
    objects = saved_objects()
    ids = {(o["type"], o["id"]) for o in objects}
    for obj in objects:
        for ref in obj["references"]:
            assert (ref["type"], ref["id"]) in ids, (obj["id"], ref)
    dashboards = [o for o in objects if o["type"] == "dashboard"]
    assert len(dashboards) == 2
    for dashboard in dashboards:
        panels = json.loads(dashboard["attributes"]["panelsJSON"])
        assert {p["panelRefName"] for p in panels} == {r["name"] for r in dashboard["references"]}


class _Kibana(BaseHTTPRequestHandler):
    # Set per test on a subclass made by the fixture.
    status: ClassVar[int] = 200
    body: ClassVar[dict[str, Any]] = {}
    seen: ClassVar[list[dict[str, str]]] = []

    def do_POST(self) -> None:
        length = int(self.headers["Content-Length"])
        payload = self.rfile.read(length)
        type(self).seen.append(
            {
                "path": self.path,
                "auth": self.headers.get("Authorization", ""),
                "xsrf": self.headers.get("kbn-xsrf", ""),
            }
            | {"has_file": str(b"tinstream-articles" in payload)}
        )
        data = json.dumps(type(self).body).encode()
        self.send_response(type(self).status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        return None


@pytest.fixture
def kibana() -> Iterator[tuple[str, type[_Kibana]]]:
    handler = type("Handler", (_Kibana,), {"seen": []})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", handler
    server.shutdown()
    server.server_close()


def test_a_clean_import(kibana: tuple[str, type[_Kibana]]) -> None:
    url, handler = kibana
    handler.body = {"success": True, "successCount": 20}
    settings = KibanaSettings(url=url, api_key=SecretStr("s3cret"), space="news")
    result = KibanaImporter(settings).import_objects(to_ndjson(saved_objects()))
    assert (result.ok, result.success_count) == (True, 20)
    request = handler.seen[0]
    assert request["path"] == "/s/news/api/saved_objects/_import?overwrite=true"
    assert request["auth"] == "ApiKey s3cret" and request["xsrf"] and request["has_file"] == "True"


def test_refused_objects_are_explained(kibana: tuple[str, type[_Kibana]]) -> None:
    url, handler = kibana
    handler.body = {
        "success": False,
        "successCount": 11,
        "errors": [
            {
                "id": "a",
                "type": "search",
                "meta": {"title": "Latest"},
                "error": {"type": "conflict"},
            },
            {
                "id": "b",
                "type": "visualization",
                "error": {
                    "type": "missing_references",
                    "references": [{"type": "index-pattern", "id": "gone"}],
                },
            },
        ],
    }
    result = KibanaImporter(KibanaSettings(url=url)).import_objects("{}\n", overwrite=False)
    assert not result.ok
    assert (
        result.problems[0]
        == "search 'a' (Latest) already exists; import with --overwrite to replace it"
    )
    assert "refers to objects Kibana does not have: index-pattern 'gone'" in result.problems[1]


def test_bad_credentials_and_no_kibana_are_one_clear_error(
    kibana: tuple[str, type[_Kibana]],
) -> None:
    url, handler = kibana
    handler.status, handler.body = 401, {"message": "unauthorized"}
    settings = KibanaSettings(url=url, username="elastic", password=SecretStr("wrong"))
    with pytest.raises(KibanaError, match="refused the credentials") as caught:
        KibanaImporter(settings).import_objects("{}\n")
    assert "wrong" not in str(caught.value)
    with pytest.raises(KibanaError, match="cannot reach Kibana"):
        KibanaImporter(KibanaSettings(url="http://127.0.0.1:9")).import_objects("{}\n")
