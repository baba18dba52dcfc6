"""Maps (issue: maps). folium is used only in maps/render.py."""


def init_app(app) -> None:
    from portal.maps.views import bp

    app.register_blueprint(bp)
