"""The committee's report as PDF: the report page's HTML, laid out on A4 by WeasyPrint.

WeasyPrint fetches only what the page links to on this portal, read straight from disk: the
stylesheets and fonts under static/, and photos of published observations. Nothing goes over the
network (an unknown address is skipped, as a browser would show a missing image).
"""

from __future__ import annotations

import logging
import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from portal.complaints.service import photo_is_visible
from portal.complaints.uploads import upload_dir
from portal.db import get_session

# WeasyPrint logs a warning for each rule of the site's stylesheets it does not support (screen
# media queries, SVG fills…): expected, and noise in the server's log. Errors still show.
logging.getLogger("weasyprint").setLevel(logging.ERROR)


class PortalFetcher(URLFetcher):
    """Serves /static/… and published /observaciones/fotos/… from disk; refuses the rest."""

    def __init__(self, root_url: str):
        super().__init__(allowed_protocols=("http", "https"))
        self.root = urlsplit(root_url)
        self.static = Path(current_app.static_folder).resolve()
        self.uploads = upload_dir().resolve()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if (parts.scheme, parts.netloc) != (self.root.scheme, self.root.netloc):
            raise ValueError(f"not a resource of this portal: {url}")
        path = unquote(parts.path)
        if path.startswith("/static/"):
            file = (self.static / path.removeprefix("/static/")).resolve()
            base = self.static
        elif path.startswith("/observaciones/fotos/"):
            name = path.removeprefix("/observaciones/fotos/")
            if not photo_is_visible(get_session(), name, moderator=False):
                raise ValueError(f"not a published photo: {url}")
            file, base = (self.uploads / name).resolve(), self.uploads
        else:
            raise ValueError(f"not a file the report may include: {url}")
        if base not in file.parents or not file.is_file():
            raise ValueError(f"no such file: {url}")
        mime = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, file.read_bytes(), {"Content-Type": mime})


def html_to_pdf(html: str, root_url: str) -> bytes:
    """The PDF of ``html`` (a page of this portal whose links are relative to ``root_url``)."""
    return HTML(string=html, base_url=root_url, url_fetcher=PortalFetcher(root_url)).write_pdf()
