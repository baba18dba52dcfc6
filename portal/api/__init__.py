"""The described API (issue 15): OpenAPI document, strict parameters, CORS, the API page."""


def init_app(app) -> None:
    from portal.api import cors
    from portal.api.params import InvalidParameter, invalid_parameter_response
    from portal.api.views import bp

    app.register_blueprint(bp)
    app.register_error_handler(InvalidParameter, invalid_parameter_response)
    cors.init_app(app)
