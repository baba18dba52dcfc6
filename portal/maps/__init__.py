"""Maps (issue: maps). folium is used only in maps/render.py."""


def init_app(app) -> None:
    from portal.maps.points import prewarm_after_import
    from portal.maps.views import bp, small_map_for

    app.register_blueprint(bp)
    app.jinja_env.globals["small_map_for"] = small_map_for
    app.extensions.setdefault("portal.after_import", []).append(prewarm_after_import(app))
