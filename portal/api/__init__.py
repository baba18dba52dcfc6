"""The described API (issue 15): OpenAPI document, strict parameters, CORS, the API page."""


def init_app(app) -> None:
    from portal.api import cors
    from portal.api.params import InvalidParameter, invalid_parameter_response
    from portal.api.views import bp

    app.register_blueprint(bp)
    app.register_error_handler(InvalidParameter, invalid_parameter_response)
    cors.init_app(app)
    limit_api(app)


#: The documented operations, limited per address together (one budget for the whole API).
API_ENDPOINTS = ("search.api", "maps.points", "api.openapi")


def limit_api(app) -> None:
    from flask import current_app

    limiter = app.extensions["portal.limiter"]
    shared = limiter.shared_limit(
        lambda: current_app.config["PORTAL_RATELIMIT_API"], scope="api", methods=["GET", "HEAD"]
    )
    for endpoint in API_ENDPOINTS:
        app.view_functions[endpoint] = shared(app.view_functions[endpoint])
