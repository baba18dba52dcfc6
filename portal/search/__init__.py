"""Full-text search (issue: search). The rest of the code never imports whoosh."""

import click
from flask.cli import with_appcontext


def init_app(app) -> None:
    from portal.search.views import bp

    app.register_blueprint(bp)
    app.cli.add_command(reindex_command)

    def reindex_after_import() -> None:
        """Called by the import pipeline after a successful import, possibly outside a request."""
        from portal.db import session_scope
        from portal.search.queries import rebuild_index

        with app.app_context(), session_scope() as session:
            rebuild_index(session)

    app.extensions.setdefault("portal.after_import", []).append(reindex_after_import)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database and switch to it atomically."""
    from portal.db import session_scope
    from portal.search.queries import rebuild_index

    with session_scope() as session:
        rebuild_index(session)
    click.echo("Search index rebuilt.")
