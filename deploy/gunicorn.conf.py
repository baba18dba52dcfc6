"""gunicorn settings for Vigía: ``gunicorn -c deploy/gunicorn.conf.py 'portal:create_app()'``.

Every value can be changed with an environment variable (GUNICORN_WORKERS…) or on the command
line. Threads let a worker answer other visitors while one waits on PostgreSQL.
"""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
# A page never takes this long; a stuck worker is replaced instead of holding a slot forever.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then: memory of a long-lived Python process only grows. Not often: a
# new worker starts with empty page and map caches and reopens the search snapshot (19 s of CPU
# at national size); at 5,000 a busy morning restarted each worker every few seconds.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "100000"))
max_requests_jitter = max_requests // 10
accesslog = os.environ.get("GUNICORN_ACCESSLOG") or None  # the portal logs requests itself
errorlog = "-"


def child_exit(server, worker):
    """With PROMETHEUS_MULTIPROC_DIR, a dead worker's live gauges must not be summed any more."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_worker_init(worker):
    """Warm a new worker in the background: its first visitors must not pay for the search
    snapshot (19 s to open at national size) or the home page's aggregates (7 s) themselves.

    ``GUNICORN_WARM_PATHS`` (comma-separated, default the home page and one search) are asked of
    the worker's own app, in a thread, so the worker answers at once; an empty value turns it off.
    """
    import threading

    paths = [p for p in os.environ.get("GUNICORN_WARM_PATHS", "/,/buscar?q=agua").split(",") if p]
    app = getattr(worker, "wsgi", None)
    if not paths or app is None or not hasattr(app, "test_client"):
        return

    def warm():
        client = app.test_client()
        for path in paths:
            try:
                client.get(path.strip())
            except Exception:  # a warm-up must never take the worker down
                worker.log.exception("warm-up of %s failed", path)

    threading.Thread(target=warm, name="warm-up", daemon=True).start()
