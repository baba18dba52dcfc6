"""The map data of a new import is ready before the first visitor asks for it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path


def test_import_leaves_the_unfiltered_map_data_on_disk_for_every_web_process(demo_app):
    cached = list((Path(demo_app.config["PORTAL_INSTANCE_DIR"]) / "cache" / "maps").glob("*.gz"))

    served = demo_app.test_client().get("/api/v1/inversiones.geojson")

    assert len(cached) == 1
    assert json.loads(gzip.decompress(cached[0].read_bytes())) == served.get_json()
    assert len(served.get_json()["features"]) == 440
