"""Operations: JSON logs with a request id, Prometheus metrics, the proxy in front (issue 14)."""

from werkzeug.middleware.proxy_fix import ProxyFix


def init_app(app) -> None:
    from portal.operations import logs, metrics

    proxies = int(app.config.get("PORTAL_TRUSTED_PROXIES") or 0)
    if proxies:
        # Behind nginx/Caddy the socket peer is the proxy: without this every visitor would share
        # one rate limit and /metrics would trust the proxy's address.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)
    logs.init_app(app)
    metrics.init_app(app)
