"""The schema comes from Alembic migrations, and they match the models exactly."""

from alembic import command

from portal.migrate import alembic_config, upgrade_database


def test_migrations_build_the_schema_the_models_describe(app):
    engine = app.extensions["portal.engine"]
    upgrade_database(engine)  # already at head: must be a no-op
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.connect() as connection:
        config.attributes["connection"] = connection
        command.check(config)  # raises when a model and the migrations disagree
