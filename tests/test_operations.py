"""Request ids in responses and JSON logs; Prometheus metrics, not public unless allowed."""

from __future__ import annotations

import json
import logging

import pytest

from portal.operations.logs import configure_logging
from tests.conftest import make_test_app


def test_a_request_id_from_the_proxy_is_echoed(client):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-1234.abc"})
    assert response.headers["X-Request-ID"] == "proxy-1234.abc"


def test_a_request_id_is_made_when_none_or_a_bad_one_is_given(client):
    made = client.get("/healthz").headers["X-Request-ID"]
    other = client.get("/healthz").headers["X-Request-ID"]
    assert len(made) == 32 and made != other
    forged = client.get("/healthz", headers={"X-Request-ID": 'a b" fake=1 ' + "x" * 200})
    assert " " not in forged.headers["X-Request-ID"] and len(forged.headers["X-Request-ID"]) == 32


@pytest.fixture
def json_logs():
    configure_logging("json", "INFO")
    yield
    root = logging.getLogger()
    for handler in list(root.handlers):
        if type(handler).__name__ == "_StderrHandler":
            root.removeHandler(handler)
    root.setLevel(logging.WARNING)


def test_logs_are_json_lines_carrying_the_request_id(json_logs, tmp_path, capsys):
    down = make_test_app("postgresql+psycopg://postgres@127.0.0.1:1/vigia", tmp_path / "i")
    response = down.test_client().get("/", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 503
    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
    ours = [entry for entry in lines if entry["request_id"] == "req-42"]
    error = next(entry for entry in ours if entry["level"] == "ERROR")
    assert "Database unavailable" in error["message"]
    access = next(entry for entry in ours if entry["logger"] == "portal.access")
    assert access["status"] == 503 and access["path"] == "/" and access["duration_ms"] >= 0


def test_metrics_count_requests_and_describe_imports(demo_app):
    client = demo_app.test_client()
    client.get("/")
    client.get("/buscar?q=agua")
    body = client.get("/metrics").get_data(as_text=True)
    assert 'vigia_http_request_total{method="GET",status="200"}' in body
    home = 'vigia_http_request_duration_seconds_count{method="GET",status="200",url_rule="/"}'
    assert home in body
    assert "vigia_http_request_duration_seconds_bucket" in body
    assert "vigia_database_up 1.0" in body
    assert 'vigia_import_runs_total{source="mef-inversiones",status="imported"} 1.0' in body
    assert 'vigia_import_last_rows{kind="imported",source="mef-inversiones"}' in body
    assert 'vigia_import_last_success_timestamp_seconds{source="mef-inversiones"}' in body


def test_metrics_are_not_public_from_other_networks(app):
    client = app.test_client()
    outside = {"REMOTE_ADDR": "203.0.113.9"}
    assert client.get("/metrics", environ_base=outside).status_code == 404
    app.config["PORTAL_METRICS_ALLOWED"] = "10.0.0.0/8, 203.0.113.0/24"
    assert client.get("/metrics", environ_base=outside).status_code == 200


def test_metrics_open_to_the_bearer_token(app):
    app.config.update(PORTAL_METRICS_ALLOWED="", PORTAL_METRICS_TOKEN="s3cret")
    client = app.test_client()
    assert client.get("/metrics").status_code == 404
    wrong = client.get("/metrics", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 404
    right = client.get("/metrics", headers={"Authorization": "Bearer s3cret"})
    assert right.status_code == 200 and "vigia_database_up" in right.get_data(as_text=True)


def test_metrics_say_the_database_is_down_and_still_answer(tmp_path):
    down = make_test_app("postgresql+psycopg://postgres@127.0.0.1:1/vigia", tmp_path / "i")
    response = down.test_client().get("/metrics")
    assert response.status_code == 200
    assert "vigia_database_up 0.0" in response.get_data(as_text=True)


def test_blanked_values_are_read_whatever_shape_the_run_recorded():
    from portal.importer.metrics import _blanked_counts

    detailed = {"MONTO_LAUDO": {"count": 3, "expected": "amount"}, "FECHA": {"count": 1}}
    assert sorted(_blanked_counts(detailed)) == [("FECHA", 1), ("MONTO_LAUDO", 3)]
    assert _blanked_counts({"AVANCE": 7}) == [("AVANCE", 7)]
    assert _blanked_counts(None) == [] and _blanked_counts(["odd"]) == []


def test_behind_the_proxy_metrics_judge_the_visitor_not_the_proxy(database_url, tmp_path):
    app = make_test_app(database_url, tmp_path / "i", PORTAL_TRUSTED_PROXIES=1)
    client = app.test_client()
    via_proxy = {"REMOTE_ADDR": "127.0.0.1"}
    outside = client.get(
        "/metrics", environ_base=via_proxy, headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert outside.status_code == 404
    inside = client.get(
        "/metrics", environ_base=via_proxy, headers={"X-Forwarded-For": "127.0.0.1"}
    )
    assert inside.status_code == 200
    app.extensions["portal.engine"].dispose()


_WORKER = """
import sys
from tests.conftest import make_test_app
app = make_test_app(sys.argv[1], sys.argv[2])
client = app.test_client()
for _ in range(int(sys.argv[3])):
    assert client.get("/healthz").status_code == 200
if sys.argv[4] == "scrape":
    print(client.get("/metrics").get_data(as_text=True))
"""


def test_metrics_of_several_workers_are_summed_in_multiprocess_mode(database_url, tmp_path):
    """As gunicorn workers do with PROMETHEUS_MULTIPROC_DIR: any worker answers for all."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    shared = tmp_path / "prometheus"
    shared.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(shared)}
    root = Path(__file__).resolve().parents[1]

    def worker(requests: int, action: str) -> str:
        return subprocess.run(
            [sys.executable, "-c", _WORKER, database_url, str(tmp_path), str(requests), action],
            env=env, cwd=root, capture_output=True, text=True, check=True,
        ).stdout  # fmt: skip

    worker(2, "")
    body = worker(3, "scrape")
    labels = '{method="GET",status="200",url_rule="/healthz"}'
    assert f"vigia_http_request_duration_seconds_count{labels} 5.0" in body


def test_the_setting_turns_json_logs_on_for_a_real_app(database_url, tmp_path, capsys):
    app = make_test_app(database_url, tmp_path / "i", TESTING=False, PORTAL_LOG_FORMAT="json")
    try:
        app.test_client().get("/healthz", headers={"X-Request-ID": "from-setting"})
        lines = [json.loads(line) for line in capsys.readouterr().err.splitlines() if line]
        assert any(entry.get("request_id") == "from-setting" for entry in lines)
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if type(handler).__name__ == "_StderrHandler":
                root.removeHandler(handler)
        root.setLevel(logging.WARNING)
        app.extensions["portal.engine"].dispose()
