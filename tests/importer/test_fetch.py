"""Downloads: INFObras answers 503 now and then, and transfers stop half-way."""

from __future__ import annotations

import http.server
import threading

import pytest

from portal.importer.fetch import fetch
from portal.importer.reading import SourceFileError


class _FlakyHandler(http.server.BaseHTTPRequestHandler):
    """503 for the first request, then the file; or a body shorter than announced."""

    calls = 0
    body = b"CODIGO_UNICO,UBIGEO\r\n2100002,60101\r\n"

    def do_GET(self):
        type(self).calls += 1
        if self.path == "/flaky.csv" and type(self).calls == 1:
            self.send_response(503)
            self.end_headers()
            return
        self.send_response(200)
        announced = len(self.body) * (2 if self.path == "/cut.csv" else 1)
        self.send_header("Content-Length", str(announced))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args):
        pass


@pytest.fixture
def flaky_server():
    _FlakyHandler.calls = 0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FlakyHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_a_503_is_retried_and_the_file_arrives(flaky_server):
    fetched = fetch(f"{flaky_server}/flaky.csv", retries=3, backoff=0.01)

    assert fetched.path.read_bytes() == _FlakyHandler.body
    assert _FlakyHandler.calls == 2
    fetched.discard()
    assert not fetched.path.exists()


def test_a_transfer_that_stops_half_way_is_refused(flaky_server):
    with pytest.raises(SourceFileError, match="half-way"):
        fetch(f"{flaky_server}/cut.csv", retries=2, backoff=0.01)


def test_a_missing_local_file_is_named_in_the_error(tmp_path):
    with pytest.raises(SourceFileError, match="file not found"):
        fetch(str(tmp_path / "nope.csv"))
