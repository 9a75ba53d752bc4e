"""The demo's check that its own worker wrote the samples: the worker's counter may
lag Elasticsearch by a bulk answer, and that lag is not another worker's doing."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from streams.cli.demo_cmd import _counted


class _Metrics(BaseHTTPRequestHandler):
    """/metrics whose written count rises by one on each request, up to a cap."""

    seen = 0
    cap = 0

    def do_GET(self) -> None:
        type(self).seen = min(type(self).seen + 1, type(self).cap)
        body = f"# HELP x\ntinstream_documents_indexed_total {type(self).seen}.0\n".encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def metrics() -> Iterator[tuple[int, type[_Metrics]]]:
    handler = type("Handler", (_Metrics,), {"seen": 0, "cap": 0})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], handler
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


@pytest.mark.timeout(30)
def test_a_count_that_catches_up_is_waited_for(metrics: tuple[int, type[_Metrics]]) -> None:
    port, handler = metrics
    handler.seen, handler.cap = 28, 32  # 29 on the first read, 32 on the fourth
    assert _counted(port, 32, timeout_s=10) == 32


@pytest.mark.timeout(30)
def test_a_count_that_stays_short_is_reported_at_the_deadline(
    metrics: tuple[int, type[_Metrics]],
) -> None:
    port, handler = metrics
    handler.seen, handler.cap = 29, 29  # another worker took three
    assert _counted(port, 32, timeout_s=1) == 29
