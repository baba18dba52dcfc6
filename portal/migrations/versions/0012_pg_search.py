"""Search inside PostgreSQL: unaccent and pg_trgm, the search documents and their statistics

On SQLite this migration does nothing: the embedded Whoosh index serves search there.
``CREATE EXTENSION`` needs a superuser (or the extensions created beforehand by one): see
docs/deploying.md.

Revision ID: 0012_pg_search
Revises: 0012_i22b
Create Date: 2027-01-10 00:00:00
"""
from alembic import op


revision = "0012_pg_search"
down_revision = "0012_i22b"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    # One row per investment: its analysed words as lexemes prefixed by field (n_ name,
    # p_ place, u_ unit, x_ spelling with accents), see portal/search/backends/pg_documents.py.
    op.execute(
        """
        CREATE TABLE search_documents (
            cui varchar(20) PRIMARY KEY,
            document tsvector NOT NULL,
            name_length smallint NOT NULL,
            unit_length smallint NOT NULL,
            name_words text[] NOT NULL,
            known_words text[] NOT NULL,
            source_hash char(32) NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX ix_search_documents_document ON search_documents USING gin (document)")
    # Document frequency of each lexeme (and '#docs', '#length'): ranking and "is this a word".
    op.execute("CREATE TABLE search_terms (lexeme text PRIMARY KEY, df integer NOT NULL)")
    # Words as written, for typos and partial words (pg_trgm): used in names, in place/unit names.
    op.execute(
        """
        CREATE TABLE search_words (
            word text PRIMARY KEY,
            folded text NOT NULL,
            sound text NOT NULL,
            names integer NOT NULL,
            known integer NOT NULL
        )
        """
    )
    op.execute("CREATE INDEX ix_search_words_folded ON search_words USING gin (folded gin_trgm_ops)")
    op.execute("CREATE INDEX ix_search_words_sound ON search_words USING gin (sound gin_trgm_ops)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TABLE search_words")
    op.execute("DROP TABLE search_terms")
    op.execute("DROP TABLE search_documents")
