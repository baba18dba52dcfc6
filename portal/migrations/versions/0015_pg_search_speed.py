"""Faster search inside PostgreSQL: narrow documents that carry the facet columns, the import's
bookkeeping apart, facet counts of the whole data precomputed, the typo lookups indexed

On SQLite this migration does nothing (the Whoosh index serves search there).

- ``search_documents`` keeps only what a search reads: the lexemes, the lengths BM25 needs and
  the columns the facets count and the filters test (copied from ``investments`` by the import's
  swap, portal/search/backends/pg_documents.py). A broad word matches a third of the country:
  one narrow table read once answers the count, the facets and the first page.
- ``search_sources``: what ``sync_documents`` compares and counts (digest, words), read only by
  the import.
- ``search_facet_keys``: the combinations of the few-valued facet columns (status, phase,
  function, red flags, programme years), one integer per document to group by.
- ``search_facets``: every facet's counts (and the executing units' names) over all investments,
  the answer of the empty search; a statement trigger on the tables they come from empties it,
  so a change not followed by ``sync_documents`` makes the search count live, never wrong.

Revision ID: 0015_pg_search_speed
Revises: 0014_contract_signals
Create Date: 2026-12-07 13:00:00
"""

from alembic import op

revision = "0015_pg_search_speed"
down_revision = "0014_contract_signals"
branch_labels = None
depends_on = None

_WATCHED = ("investments", "prioritisations", "executing_units")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE TABLE search_sources (
            cui varchar(20) PRIMARY KEY,
            source_hash char(32) NOT NULL,
            name_words text[] NOT NULL,
            known_words text[] NOT NULL
        )
        """
    )
    op.execute(
        "INSERT INTO search_sources SELECT cui, source_hash, name_words, known_words "
        "FROM search_documents"
    )
    op.execute(
        """
        CREATE TABLE search_documents_new (
            cui varchar(20) PRIMARY KEY,
            document tsvector NOT NULL,
            name_length smallint NOT NULL,
            unit_length smallint NOT NULL,
            ubigeo varchar(6),
            status varchar(20),
            phase varchar(20),
            function varchar(120),
            sec_ejec varchar(12),
            red_flags varchar(200),
            pp varchar(200),
            facet_key integer
        )
        """
    )
    op.execute(
        """
        INSERT INTO search_documents_new
            (cui, document, name_length, unit_length, ubigeo, status, phase, function, sec_ejec,
             red_flags, pp)
        SELECT s.cui, s.document, s.name_length, s.unit_length, i.ubigeo, i.status, i.phase,
               i.function, i.sec_ejec, i.red_flags, pp.pp
        FROM search_documents s LEFT JOIN investments i ON i.cui = s.cui
        LEFT JOIN (SELECT cui, string_agg(year::text, ' ' ORDER BY year::text) AS pp
                   FROM prioritisations GROUP BY cui) pp ON pp.cui = s.cui
        """
    )
    op.execute("DROP TABLE search_documents")
    op.execute("ALTER TABLE search_documents_new RENAME TO search_documents")
    op.execute("ALTER INDEX search_documents_new_pkey RENAME TO search_documents_pkey")
    op.execute("CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)")
    # The few-valued facet columns' combinations (a few hundred): a search groups its matches
    # by one integer rather than by five strings.
    op.execute(
        """
        CREATE TABLE search_facet_keys (
            key serial PRIMARY KEY,
            status text NOT NULL,
            phase text NOT NULL,
            function text NOT NULL,
            red_flags text NOT NULL,
            pp text NOT NULL,
            UNIQUE (status, phase, function, red_flags, pp)
        )
        """
    )
    op.execute(
        """
        CREATE TABLE search_facets (
            dim text NOT NULL,
            value text NOT NULL,
            count integer NOT NULL,
            label text,
            PRIMARY KEY (dim, value)
        )
        """
    )
    op.execute(
        """
        CREATE FUNCTION search_facets_stale() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            DELETE FROM search_facets;
            RETURN NULL;
        END $$
        """
    )
    for name in _WATCHED:
        op.execute(
            f"CREATE TRIGGER search_facets_stale AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {name} FOR EACH STATEMENT EXECUTE FUNCTION search_facets_stale()"
        )
    op.execute("ANALYZE search_documents")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for name in _WATCHED:
        op.execute(f"DROP TRIGGER search_facets_stale ON {name}")
    op.execute("DROP FUNCTION search_facets_stale()")
    op.execute("DROP TABLE search_facets")
    op.execute("DROP TABLE search_facet_keys")
    op.execute("ALTER TABLE search_documents DROP COLUMN facet_key")
    op.execute("ALTER TABLE search_documents ADD COLUMN name_words text[]")
    op.execute("ALTER TABLE search_documents ADD COLUMN known_words text[]")
    op.execute("ALTER TABLE search_documents ADD COLUMN source_hash char(32)")
    op.execute(
        "UPDATE search_documents d SET name_words = s.name_words, known_words = s.known_words, "
        "source_hash = s.source_hash FROM search_sources s WHERE s.cui = d.cui"
    )
    for column in ("ubigeo", "status", "phase", "function", "sec_ejec", "red_flags", "pp"):
        op.execute(f"ALTER TABLE search_documents DROP COLUMN {column}")
    op.execute("DELETE FROM search_documents WHERE source_hash IS NULL")
    for column in ("name_words", "known_words", "source_hash"):
        op.execute(f"ALTER TABLE search_documents ALTER COLUMN {column} SET NOT NULL")
    op.execute("DROP TABLE search_sources")
