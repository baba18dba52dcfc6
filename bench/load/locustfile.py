"""What visitors do, for locust: home, search, investment pages, map data, the observation form.

    locust -f bench/load/locustfile.py --host http://127.0.0.1:8000 --headless -u 100 -r 10

``VIGIA_CUIS`` names a file of CUIs (one a line) to visit; ``VIGIA_WAIT`` the seconds a visitor
pauses between pages (default 1–3 s, as a person reading; 0 measures raw throughput);
``VIGIA_ONLY`` = ``investment`` (random pages of ``VIGIA_CUIS``), ``story`` (everybody on the
first one: the morning a story links it) or ``bare`` limits the visit to one kind of page;
``VIGIA_SKIP=search`` leaves searches out of the mix (to measure the other pages apart from it).
Driven by bench/load/run.py, which starts gunicorn, Redis and the import and prints the figures.
"""

from __future__ import annotations

import os
import random

from locust import HttpUser, between, constant, task

WORDS = [
    "agua", "colegio", "puente", "carretera", "salud", "riego", "saneamiento", "pista",
    "posta", "canal", "colejio", "agua potable chota", "mejoramiento vial", "electrificacion",
]  # fmt: skip
PROVINCES = ["0601", "0604", "1501", "0401", "2001", "1301", "0801", "2101"]


def _cuis() -> list[str]:
    path = os.environ.get("VIGIA_CUIS")
    if not path:
        return []
    with open(path, encoding="ascii") as handle:
        return [line.strip() for line in handle if line.strip()]


CUIS = _cuis()
WAIT = os.environ.get("VIGIA_WAIT")
ONLY = os.environ.get("VIGIA_ONLY", "")
SKIP = set(filter(None, os.environ.get("VIGIA_SKIP", "").split(",")))


class Visitor(HttpUser):
    wait_time = constant(float(WAIT)) if WAIT else between(1, 3)

    def _cui(self) -> str:
        return random.choice(CUIS) if CUIS else "2001234"

    @task(3)
    def home(self):
        if ONLY:
            return self._only()
        self.client.get("/", name="/")

    @task(4)
    def search(self):
        if ONLY:
            return self._only()
        if "search" in SKIP:
            return self.investment()
        word = random.choice(WORDS)
        self.client.get("/buscar", params={"q": word}, name="/buscar?q=…")

    @task(6)
    def investment(self):
        if ONLY:
            return self._only()
        self.client.get(f"/inversiones/{self._cui()}", name="/inversiones/<CUI>")

    @task(2)
    def map_data(self):
        if ONLY:
            return self._only()
        self.client.get(
            "/api/v1/inversiones.geojson",
            params={"provincia": random.choice(PROVINCES)},
            name="/api/v1/inversiones.geojson?provincia=…",
            headers={"Accept-Encoding": "gzip"},
        )

    @task(1)
    def observation_form(self):
        if ONLY:
            return self._only()
        self.client.get(
            "/observaciones/nueva", params={"cui": self._cui()}, name="/observaciones/nueva"
        )

    def _only(self):
        if ONLY == "bare":
            self.client.get("/", name="bare Flask + Jinja page")
        elif ONLY == "story":
            cui = CUIS[0] if CUIS else "2001234"
            self.client.get(f"/inversiones/{cui}", name="/inversiones/<one CUI>")
        else:
            self.client.get(f"/inversiones/{self._cui()}", name="/inversiones/<CUI>")
