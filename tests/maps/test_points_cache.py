"""The map data of a new import is ready before the first visitor asks for it."""

from __future__ import annotations

import gzip
import json
from pathlib import Path


def test_import_leaves_the_unfiltered_map_data_on_disk_for_every_web_process(demo_app):
    cached = list((Path(demo_app.config["PORTAL_INSTANCE_DIR"]) / "cache" / "maps").glob("*.gz"))

    served = demo_app.test_client().get("/api/v1/inversiones.geojson")

    # One per language the portal speaks: the popups' figures are written in it.
    assert len(cached) == len(demo_app.config["PORTAL_LANGUAGES"])
    files = [json.loads(gzip.decompress(path.read_bytes())) for path in cached]
    assert served.get_json() in files
    assert len(served.get_json()["features"]) == 440


def test_visitors_asking_at_once_for_new_map_data_share_one_build(demo_app, monkeypatch):
    """Right after an import every province's data is new: it is built once, not per visitor."""
    import threading
    import time

    import portal.maps.points as points

    builds = []
    real_build = points._build

    def slow_build(session, filters):
        builds.append(filters)
        time.sleep(0.3)  # a province's data under load
        return real_build(session, filters)

    monkeypatch.setattr(points, "_build", slow_build)
    answers = []

    def visitor():
        response = demo_app.test_client().get("/api/v1/inversiones.geojson?provincia=0604")
        answers.append((response.status_code, len(response.get_json()["features"])))

    visitors = [threading.Thread(target=visitor) for _ in range(5)]
    for thread in visitors:
        thread.start()
    for thread in visitors:
        thread.join()
    assert len(builds) == 1
    assert len(set(answers)) == 1 and answers[0][0] == 200 and answers[0][1] > 0
