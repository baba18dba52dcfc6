"""Embeds and sharing (issue 15): the framable card, the oEmbed provider, the share image."""


def init_app(app) -> None:
    from portal.sharing.views import bp

    app.register_blueprint(bp)
