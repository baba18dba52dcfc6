"""The glossary (/glosario): the words of public investment in plain language, one anchor each."""


def init_app(app) -> None:
    from portal.glossary.terms import GLOSSARY
    from portal.glossary.views import bp

    app.register_blueprint(bp)
    # The inline-definition macro (templates/_macros/glossary.html) looks terms up here.
    app.jinja_env.globals["GLOSSARY"] = GLOSSARY
