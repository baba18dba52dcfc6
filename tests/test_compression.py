"""Text responses travel compressed: what a phone on a rural connection downloads."""

import gzip
import re


def _without_nonces(html: bytes) -> bytes:
    return re.sub(rb'nonce="[^"]*"', b"", html)


def test_stylesheet_is_sent_gzipped_to_browsers_that_accept_it(client):
    with client.get("/static/css/portal.css", headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        css = gzip.decompress(response.get_data()).decode()
    assert ".skip-link" in css
    assert len(response.get_data()) < len(css) / 2


def test_pages_are_compressed_and_plain_for_clients_that_do_not_ask(client):
    compressed = client.get("/", headers={"Accept-Encoding": "gzip"})
    plain = client.get("/")

    assert compressed.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers
    assert _without_nonces(gzip.decompress(compressed.get_data())) == _without_nonces(plain.get_data())
