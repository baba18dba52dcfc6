"""The PostgreSQL search documents, kept in step with the investments inside the import's swap.

Each investment has one row in ``search_documents``: the terms of its name, places and executing
units, analysed by analysis.py (accent-folded as ``unaccent`` does, then Spanish Snowball stems,
the stemmer PostgreSQL's ``spanish`` configuration uses too), stored as lexemes prefixed by field
(``n_`` name, ``p_`` place, ``u_`` unit, ``x_`` a word with accents or ñ as written). Analysing in
Python, with the same code the everyday-words vocabulary and the queries go through, is what makes
a query's terms, the vocabulary's phrases and the documents agree to the letter (PostgreSQL's own
parser splits "I.E." in two and has other stop words).

Each document also carries copies of the investment's filter and facet columns (ubigeo, status,
phase, function, unit, red flags, programme years), so a search reads this one narrow table; what
only the import needs (the digest, the words counted) is in ``search_sources``.

``sync_documents`` rewrites only the rows whose words changed (a digest of their texts, computed
in SQL), copies the facet columns that changed, and updates the statistics by difference: lexeme
document frequencies (``search_terms``) and the words for typos (``search_words``); it recounts
the empty search's facets (pg_facets.py) when a change emptied them. It runs in the swap
transaction, so a search sees an import the moment it commits; a first national import writes
every row once.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable

from sqlalchemy import Integer, cast, column, literal, table, text
from sqlalchemy.dialects.postgresql import TSQUERY, TSVECTOR
from sqlalchemy.engine import Connection

from portal.search import analysis
from portal.search.backends.pg_facets import store_facets
from portal.search.spelling import sound_key

#: Field prefixes of the lexemes (a fixed width, so no two fields' terms can collide).
NAME, PLACE, UNIT, EXACT = "n_", "p_", "u_", "x_"
DOCS, LENGTH = "#docs", "#length"
_BATCH = 2000
#: Rows changed past which the statistics are refreshed (or a tenth of the documents).
_ANALYZE_AFTER = 5000

#: The columns of ``investments`` each document carries for the facets and filters.
COPIED_COLUMNS = ("ubigeo", "status", "phase", "function", "sec_ejec", "red_flags")
#: ... and the years it was prioritised in (space-separated): every column a facet counts.
DOCUMENT_FACETS = (*COPIED_COLUMNS, "pp")
_PP = (
    "(SELECT string_agg(year::text, ' ' ORDER BY year::text) FROM prioritisations p "
    "WHERE p.cui = i.cui)"
)

#: The columns the lists are ordered by ("costo", "avance", "cambio"): the investment's updated
#: cost, its progress as ``Investment.progress`` computes it (the highest any source reports; a
#: closed investment with none is complete) and its last change, so an ordered search needs no
#: join (migrations 0016, 0019).
ORDER_COLUMNS = ("cost", "progress", "changed_at")
_WRITTEN = (*DOCUMENT_FACETS, *ORDER_COLUMNS)
_PROGRESS_FROM = """
LEFT JOIN f12b_reports f ON f.cui = i.cui
LEFT JOIN (SELECT cui, max(actual_progress) AS progress FROM infobras_works GROUP BY cui) w
       ON w.cui = i.cui"""
_BEST = (
    "nullif(greatest(coalesce(i.physical_progress, -1), coalesce(f.physical_progress, -1), "
    "coalesce(w.progress, -1)), -1)"
)
_PROGRESS = f"CASE WHEN i.phase = 'cierre' AND {_BEST} IS NULL THEN 100 ELSE {_BEST} END"

_SOURCE_TEXTS = f"""
SELECT i.cui, i.name, i.province, i.district, d.name AS district_name, p.name AS province_name,
       i.executing_unit_name, i.entity, u.name AS unit_name,
       i.ubigeo, i.status, i.phase, i.function, i.sec_ejec, i.red_flags, {_PP} AS pp,
       i.updated_cost AS cost, {_PROGRESS} AS progress, i.changed_at,
       s.cui AS indexed, s.source_hash, tsvector_to_array(sd.document) AS lexemes,
       sd.name_length, s.name_words, s.known_words
FROM investments i
LEFT JOIN places d ON length(i.ubigeo) >= 4 AND d.ubigeo = i.ubigeo
LEFT JOIN places p ON length(i.ubigeo) >= 4 AND p.ubigeo = left(i.ubigeo, 4)
LEFT JOIN executing_units u ON u.sec_ejec = i.sec_ejec
LEFT JOIN search_sources s ON s.cui = i.cui
LEFT JOIN search_documents sd ON sd.cui = i.cui
{_PROGRESS_FROM}
WHERE s.cui IS NULL OR sd.cui IS NULL
   OR s.source_hash <> md5(concat_ws(chr(31), i.name, i.province, i.district,
      d.name, p.name, i.executing_unit_name, i.entity, u.name))
"""

#: Documents whose investment is gone, with what they counted (both tables lose the row).
_REMOVED = """
WITH gone AS (
    DELETE FROM search_documents d
    WHERE NOT EXISTS (SELECT 1 FROM investments i WHERE i.cui = d.cui)
    RETURNING d.cui, tsvector_to_array(d.document) AS lexemes, d.name_length
), sources AS (
    DELETE FROM search_sources s
    WHERE NOT EXISTS (SELECT 1 FROM investments i WHERE i.cui = s.cui)
    RETURNING s.cui, s.name_words, s.known_words
)
SELECT gone.lexemes, gone.name_length, sources.name_words, sources.known_words
FROM gone JOIN sources ON sources.cui = gone.cui
"""

#: The facet and order columns of documents whose words did not change but whose status,
#: cost... did (their facet key emptied only when a facet column changed).
_FACETS_COPIED = f"""
UPDATE search_documents d SET {", ".join(f"{c} = i.{c}" for c in _WRITTEN)},
    facet_key = CASE WHEN ({", ".join(f"d.{c}" for c in DOCUMENT_FACETS)})
        IS DISTINCT FROM ({", ".join(f"i.{c}" for c in DOCUMENT_FACETS)}) THEN NULL
        ELSE d.facet_key END
FROM (SELECT i.cui, {", ".join(f"i.{c}" for c in COPIED_COLUMNS)}, pp.pp,
             i.updated_cost AS cost, {_PROGRESS} AS progress, i.changed_at
      FROM investments i
      LEFT JOIN (SELECT cui, string_agg(year::text, ' ' ORDER BY year::text) AS pp
                 FROM prioritisations GROUP BY cui) pp ON pp.cui = i.cui {_PROGRESS_FROM}) i
WHERE i.cui = d.cui AND ({", ".join(f"d.{c}" for c in _WRITTEN)})
      IS DISTINCT FROM ({", ".join(f"i.{c}" for c in _WRITTEN)})
"""


#: The documents as the search queries see them (postgresql.py).
DOCUMENTS = table(
    "search_documents",
    column("cui"),
    column("document", TSVECTOR),
    column("name_length", Integer),
    column("unit_length", Integer),
    *(column(name) for name in _WRITTEN),
    column("facet_key", Integer),
)


def tsquery_text(lexemes: list[str], joiner: str) -> str:
    quoted = ["'" + lex.replace("\\", "\\\\").replace("'", "''") + "'" for lex in lexemes]
    return (
        f" {joiner} ".join(quoted) if len(quoted) == 1 else "(" + f" {joiner} ".join(quoted) + ")"
    )


def matches(tsquery: str):
    return DOCUMENTS.c.document.op("@@")(cast(literal(tsquery), TSQUERY))


def tsquery_and(terms: list[list[str]]) -> str:
    """All the terms, each in any of its fields' lexemes."""
    return " & ".join(tsquery_text(fields, "|") for fields in terms)


def tsquery_any(alternatives: list[list[list[str]]]) -> str:
    """Any of the alternatives (each ``tsquery_and``'s terms), without those another one
    already covers: "salud" | "puesto" & "salud" matches what "salud" alone does, and the
    GIN index then need not merge the postings of "puesto" (or of "servicio", in most names)
    only to find documents it has anyway. The documents matched are the same."""
    clauses = [[frozenset(fields) for fields in terms] for terms in alternatives]

    def covers(a: int, b: int) -> bool:  # whatever matches b matches a
        return all(any(other <= clause for other in clauses[b]) for clause in clauses[a])

    kept = [
        terms
        for b, terms in enumerate(alternatives)
        if not any(
            covers(a, b) and (not covers(b, a) or a < b) for a in range(len(alternatives)) if a != b
        )
    ]
    return " | ".join(tsquery_and(terms) for terms in kept)


#: The few-valued facet columns a document is grouped by through ``facet_key``.
KEYED = ("status", "phase", "function", "red_flags", "pp")
_KEYS_ADDED = f"""
INSERT INTO search_facet_keys ({", ".join(KEYED)})
SELECT DISTINCT {", ".join(f"coalesce({c}, '')" for c in KEYED)}
FROM search_documents WHERE facet_key IS NULL
ON CONFLICT DO NOTHING
"""
_KEYS_SET = f"""
UPDATE search_documents d SET facet_key = k.key FROM search_facet_keys k
WHERE d.facet_key IS NULL AND {" AND ".join(f"k.{c} = coalesce(d.{c}, '')" for c in KEYED)}
"""


_KEY_INSERT = text(
    f"INSERT INTO search_facet_keys ({', '.join(KEYED)}) "
    f"VALUES ({', '.join(':' + c for c in KEYED)}) ON CONFLICT DO NOTHING"
)


def _facet_keys(conn: Connection) -> dict[tuple, int]:
    rows = conn.execute(text(f"SELECT key, {', '.join(KEYED)} FROM search_facet_keys"))
    return {tuple(row[1:]): row[0] for row in rows}


def source_hash(row) -> str:
    """The digest the SQL above compares (md5 of the texts joined by the unit separator)."""
    parts = [
        row.name, row.province, row.district, row.district_name, row.province_name,
        row.executing_unit_name, row.entity, row.unit_name,
    ]  # fmt: skip
    joined = "\x1f".join(p for p in parts if p is not None)
    return hashlib.md5(joined.encode("utf-8"), usedforsecurity=False).hexdigest()


def document_of(row) -> dict:
    """The search document of one investment row (see load_catalogue: the same texts)."""
    place_text = " ".join(
        sorted({row.province or "", row.district or "", row.district_name or "",
                row.province_name or ""})
    )  # fmt: skip
    unit_text = " ".join(
        sorted({row.executing_unit_name or "", row.entity or "",
                row.unit_name or row.executing_unit_name or ""})
    )  # fmt: skip
    name_terms = analysis.terms(row.name)
    unit_terms = list(dict.fromkeys(analysis.terms(unit_text)))
    lexemes = {NAME + t for t in name_terms}
    lexemes.update(PLACE + t for t in analysis.terms(place_text))
    lexemes.update(UNIT + t for t in unit_terms)
    lexemes.update(EXACT + w for w in analysis.accented_words(row.name + " " + place_text))
    place_words = analysis.vocabulary_words(place_text)
    return {
        "cui": row.cui,
        "lexemes": sorted(lexemes),
        "name_length": min(len(name_terms), 32000),
        "unit_length": min(len(unit_terms), 32000),
        "name_words": sorted(analysis.vocabulary_words(row.name) | place_words),
        "known_words": sorted(place_words | analysis.vocabulary_words(unit_text)),
        "source_hash": source_hash(row),
        **{c: getattr(row, c) for c in _WRITTEN},
    }


def sync_documents(conn: Connection) -> int:
    """Bring the search documents up to date with the investments; returns rows rewritten.

    Also copies the facet columns that changed, recounts the facets of all investments (the
    empty search's) and, after a large change, refreshes the planner's statistics: a first
    national import must not be searched with the estimates of an empty table.
    """
    terms: Counter[str] = Counter()
    names: Counter[str] = Counter()
    known: Counter[str] = Counter()
    removed = conn.execute(text(_REMOVED)).all()
    for old in removed:
        _count(old, -1, terms, names, known)
    changed = 0
    batch: list[dict] = []
    keys = _facet_keys(conn)
    for row in conn.execute(text(_SOURCE_TEXTS)).yield_per(_BATCH):
        if row.indexed is not None and row.lexemes is not None:
            _count(row, -1, terms, names, known)
        document = document_of(row)
        _count_new(document, terms, names, known)
        batch.append(document)
        if len(batch) >= _BATCH:
            changed += _write(conn, batch, keys)
            batch = []
    changed += _write(conn, batch, keys)
    _apply(conn, terms, names, known)
    copied = conn.execute(text(_FACETS_COPIED)).rowcount
    if copied:  # their facet_key was emptied: the rows whose status, phase... changed
        conn.execute(text(_KEYS_ADDED))
        conn.execute(text(_KEYS_SET))
    if not conn.scalar(text("SELECT EXISTS (SELECT 1 FROM search_facets)")):
        store_facets(conn)  # emptied by a change to the tables they count (migration 0015)
    documents = conn.scalar(text("SELECT df FROM search_terms WHERE lexeme = :d"), {"d": DOCS})
    if changed + len(removed) + copied > max(_ANALYZE_AFTER, (documents or 0) // 10):
        conn.execute(text("ANALYZE search_documents"))
        conn.execute(text("ANALYZE search_words"))
        conn.execute(text("ANALYZE search_terms"))
    return changed + len(removed)


def _count(old, sign: int, terms: Counter, names: Counter, known: Counter) -> None:
    terms.update({lexeme: sign for lexeme in old.lexemes})
    terms[DOCS] += sign
    terms[LENGTH] += sign * old.name_length
    names.update({w: sign for w in old.name_words})
    known.update({w: sign for w in old.known_words})


def _count_new(document: dict, terms: Counter, names: Counter, known: Counter) -> None:
    terms.update(dict.fromkeys(document["lexemes"], 1))
    terms[DOCS] += 1
    terms[LENGTH] += document["name_length"]
    names.update(dict.fromkeys(document["name_words"], 1))
    known.update(dict.fromkeys(document["known_words"], 1))


_UPSERT = text(
    f"""
    INSERT INTO search_documents
        (cui, document, name_length, unit_length, {", ".join(_WRITTEN)}, facet_key)
    VALUES (:cui, array_to_tsvector(CAST(:lexemes AS text[])), :name_length, :unit_length,
            {", ".join(":" + c for c in _WRITTEN)}, :facet_key)
    ON CONFLICT (cui) DO UPDATE SET document = excluded.document,
        name_length = excluded.name_length, unit_length = excluded.unit_length,
        {", ".join(f"{c} = excluded.{c}" for c in _WRITTEN)},
        facet_key = excluded.facet_key
    """
)
_UPSERT_SOURCE = text(
    """
    INSERT INTO search_sources (cui, source_hash, name_words, known_words)
    VALUES (:cui, :source_hash, CAST(:name_words AS text[]), CAST(:known_words AS text[]))
    ON CONFLICT (cui) DO UPDATE SET source_hash = excluded.source_hash,
        name_words = excluded.name_words, known_words = excluded.known_words
    """
)


def _write(conn: Connection, batch: list[dict], keys: dict[tuple, int]) -> int:
    """Write a batch of documents, each with its facet key (new combinations added first, so
    a first import writes every row once: no second pass leaving a dead copy of each)."""
    if batch:
        combos = [tuple(d[c] or "" for c in KEYED) for d in batch]
        missing = [dict(zip(KEYED, combo, strict=True)) for combo in set(combos) - keys.keys()]
        if missing:
            conn.execute(_KEY_INSERT, missing)
            keys.update(_facet_keys(conn))
        for document, combo in zip(batch, combos, strict=True):
            document["facet_key"] = keys[combo]
        conn.execute(_UPSERT, batch)
        conn.execute(_UPSERT_SOURCE, batch)
    return len(batch)


def _apply(conn: Connection, terms: Counter, names: Counter, known: Counter) -> None:
    """Add the differences to the statistics; drop what no document has any more."""
    deltas = [{"lexeme": k, "df": v} for k, v in terms.items() if v]
    for chunk in _chunks(deltas):
        conn.execute(
            text(
                "INSERT INTO search_terms (lexeme, df) VALUES (:lexeme, :df) "
                "ON CONFLICT (lexeme) DO UPDATE SET df = search_terms.df + excluded.df"
            ),
            chunk,
        )
    words = [
        {"word": w, "folded": analysis.fold(w), "sound": sound_key(w),
         "names": names.get(w, 0), "known": known.get(w, 0)}
        for w in set(names) | set(known)
        if names.get(w, 0) or known.get(w, 0)
    ]  # fmt: skip
    for chunk in _chunks(words):
        conn.execute(
            text(
                "INSERT INTO search_words (word, folded, sound, names, known) "
                "VALUES (:word, :folded, :sound, :names, :known) "
                "ON CONFLICT (word) DO UPDATE SET names = search_words.names + excluded.names, "
                "known = search_words.known + excluded.known"
            ),
            chunk,
        )
    if deltas:
        conn.execute(text("DELETE FROM search_terms WHERE df <= 0 AND lexeme NOT LIKE '#%'"))
    if words:
        conn.execute(text("DELETE FROM search_words WHERE names <= 0 AND known <= 0"))


def _chunks(items: list[dict], size: int = 5000) -> Iterable[list[dict]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def has_search_tables(conn: Connection) -> bool:
    """Whether this database holds the search tables (PostgreSQL, migrated to 0015)."""
    if conn.dialect.name != "postgresql":
        return False
    return conn.scalar(text("SELECT to_regclass('search_sources') IS NOT NULL"))
