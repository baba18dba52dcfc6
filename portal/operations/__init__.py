"""Operations: structured logs with a request id, and Prometheus metrics (issue 14)."""


def init_app(app) -> None:
    from portal.operations import logs, metrics

    logs.init_app(app)
    metrics.init_app(app)
