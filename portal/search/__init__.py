"""Full-text search (issue: search). The rest of the code never imports whoosh.

Two backends (portal/search/backends): the Whoosh index each node builds after an import, or, on
PostgreSQL, documents the import's swap transaction keeps in the database itself.
"""

import click
from flask.cli import with_appcontext


def init_app(app) -> None:
    from portal.search.backends import backend_name, check_config
    from portal.search.views import bp

    check_config(app)
    app.register_blueprint(bp)
    app.cli.add_command(reindex_command)

    def reindex_after_import() -> None:
        """Called by the import pipeline after a successful import, possibly outside a request.

        Only the Whoosh backend has an index to rebuild: the PostgreSQL documents were written
        by the import's own transaction; there, the broad searches' summaries the import made
        stale are computed again (pg_summaries.py).
        """
        from portal.db import session_scope
        from portal.search.queries import rebuild_index, warm_summaries

        with app.app_context():
            if backend_name(app) == "whoosh":
                with session_scope() as session:
                    rebuild_index(session)
                return
            try:
                with session_scope() as session:
                    warm_summaries(session)
            except Exception:  # noqa: BLE001 - the searches run their statements: only speed is lost
                app.logger.exception("The broad searches were not answered again after the import")

    app.extensions.setdefault("portal.after_import", []).append(reindex_after_import)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index (Whoosh) or bring the search documents up to date (PostgreSQL)."""
    from portal.db import session_scope
    from portal.search.queries import rebuild_index

    with session_scope() as session:
        rebuild_index(session)
    click.echo("Search index rebuilt.")
