"""Prometheus metrics at ``/metrics``: requests and latencies, and what the features add.

Requests are counted by prometheus-flask-exporter (one owner of that library: this module). A
feature adds its own figures with ``add_collector`` at start-up: the importer's are read from
the ``import_runs`` table at scrape time (portal/importer/metrics.py), because imports run in
another process (cron or a worker machine) whose counters a web node never sees.

With several gunicorn workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder: each worker
writes its counters there and any worker answers with the sum (see docs/deploying.md).
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Callable
from typing import Any

from flask import Flask, abort, current_app, request
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_flask_exporter import PrometheusMetrics
from sqlalchemy import Engine

COLLECTORS = "portal.metrics.collectors"


def add_collector(app: Flask, make: Callable[[Engine], Any]) -> None:
    """Publish a feature's figures too: ``make(engine)`` builds a prometheus_client collector,
    asked on every scrape (so it reads the database then, not a counter of this process)."""
    app.extensions.setdefault(COLLECTORS, []).append(make)


def metrics_allowed(remote_addr: str | None, authorization: str | None, config) -> bool:
    """From an allowed network (``PORTAL_METRICS_ALLOWED``) or with the bearer token, if set."""
    token = config.get("PORTAL_METRICS_TOKEN")
    if token and authorization and hmac.compare_digest(authorization, f"Bearer {token}"):
        return True
    allowed = config.get("PORTAL_METRICS_ALLOWED") or ""
    if isinstance(allowed, str):
        allowed = [part.strip() for part in allowed.split(",")]
    try:
        address = ipaddress.ip_address(remote_addr or "")
    except ValueError:
        return False
    for network in allowed:
        if network and address in ipaddress.ip_network(network, strict=False):
            return True
    return False


def _exposition(app: Flask) -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        requests_registry = CollectorRegistry()
        MultiProcessCollector(requests_registry)
    else:
        requests_registry = app.extensions["portal.metrics"].registry
    features_registry = CollectorRegistry()
    for make in app.extensions.get(COLLECTORS, []):
        features_registry.register(make(app.extensions["portal.engine"]))
    return generate_latest(requests_registry) + generate_latest(features_registry)


def init_app(app: Flask) -> None:
    # A registry per app: tests and several apps in one process never clash on metric names.
    metrics = PrometheusMetrics(
        app,
        path=None,
        registry=CollectorRegistry(),
        group_by="url_rule",
        defaults_prefix="vigia",
        excluded_paths=["^/metrics$"],
    )
    app.extensions["portal.metrics"] = metrics

    @app.get("/metrics")
    def prometheus_metrics():
        config = current_app.config
        if not metrics_allowed(request.remote_addr, request.headers.get("Authorization"), config):
            abort(404)
        return (
            _exposition(current_app._get_current_object()),
            200,
            {
                "Content-Type": CONTENT_TYPE_LATEST,
                "Cache-Control": "no-store",
            },
        )
