"""``Access-Control-Allow-Origin: *`` on read-only data (API, oEmbed, .json, .geojson, CSV, XLSX).

Anyone may already download these files; CORS lets a newsroom's page read them in the browser.
HTML pages, forms and the admin never get it, so no other site can read a visitor's page.
"""

from __future__ import annotations

from flask import Flask, Response, request

DATA_SUFFIXES = (".json", ".geojson", ".csv", ".xlsx")
EXPOSED_HEADERS = "RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset, Retry-After"


def is_open_data(path: str, method: str) -> bool:
    if method not in ("GET", "HEAD"):
        return False
    # /oembed is read-only JSON too: script-based embedders fetch it from the browser.
    return path.startswith("/api/v1/") or path == "/oembed" or path.endswith(DATA_SUFFIXES)


def init_app(app: Flask) -> None:
    @app.after_request
    def _allow_any_origin(response: Response) -> Response:
        if is_open_data(request.path, request.method):
            response.headers["Access-Control-Allow-Origin"] = "*"
            # Scripts on other sites may read how much of the rate limit is left.
            response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        return response
