"""Compressed responses: rural phones pay for every byte (Leaflet: 143 KB raw, 42 KB gzipped)."""

from __future__ import annotations

from flask import Flask, Response
from flask_compress import Compress

#: Static files up to this size are read into memory so they can be compressed.
BUFFER_LIMIT = 2 * 1024 * 1024


def init_app(app: Flask) -> None:
    app.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip", "deflate"])
    # Flask-Compress's streaming path never closes the file it streams; static files are
    # buffered below instead, so its stream support stays off.
    app.config.setdefault("COMPRESS_STREAMS", False)
    Compress(app)
    # Registered after Compress, so it runs before it (after_request runs in reverse order).
    app.after_request(_buffer_small_files)


def _buffer_small_files(response: Response) -> Response:
    if (
        not response.direct_passthrough
        or (response.content_length or BUFFER_LIMIT + 1) > BUFFER_LIMIT
    ):
        return response
    response.direct_passthrough = False
    try:
        data = b"".join(response.response)
    finally:
        response.close()
    response.set_data(data)
    return response
