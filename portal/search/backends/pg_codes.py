"""A search of words and a code ("agua 2235662"): the words' summary, plus the coded investments.

The investments such a search lists are those of the words, and the coded ones first. Counted in
one statement, "agua" and a code would read the ~84,000 documents of "agua" again for every code
typed beside it (160 ms at national size); counted apart, the words' summary is the one "agua"
alone has (stored, pg_summaries.py) and the codes add a few rows: the same answer, exactly.
"""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from portal.search.backends.pg_documents import DOCUMENTS
from portal.search.backends.pg_facets import facet_parts, read_facets
from portal.search.filters import apply_filters


def summarise_apart(searcher, selection, page_size: int, prefetched_pages: int) -> bool:
    """Fill ``selection``'s total, facets and first pages from its words' summary and its codes;
    False (nothing done) unless it has both, one slot, and is listed by relevance."""
    filters = selection.filters
    if not (
        selection.code_cuis
        and selection.words is not None
        and selection.pending is None
        and filters.orden == "relevancia"
        and filters.pagina <= prefetched_pages
    ):
        return False
    words = replace(
        selection, conditions=[selection.words], code_cuis=[], words=None, facets=None, top=None,
        _total=None,
    )  # fmt: skip
    searcher._summarise(words)
    c = DOCUMENTS.c
    coded = select(c.cui, selection.words.label("in_words")).where(c.cui.in_(selection.code_cuis))
    listed = dict(searcher.session.execute(apply_filters(coded, filters, DOCUMENTS)).all())
    facets = {dim: dict(values) for dim, values in words.facets.items()}
    total = words._total
    extra = [cui for cui, in_words in listed.items() if not in_words]
    if extra:
        (grouped,) = facet_parts(
            select(c.cui, c.ubigeo, c.sec_ejec, c.facet_key).where(c.cui.in_(extra)).cte("m")
        )
        more, total_more = read_facets(searcher.session.execute(grouped))
        for dim, values in more.items():
            counts = facets.setdefault(dim, {})
            for value, n in values.items():
                counts[value] = counts.get(value, 0) + n
        total += total_more
    first = [cui for cui in dict.fromkeys(selection.code_cuis) if cui in listed]
    rest = [cui for cui in words.top or [] if cui not in listed]
    selection.facets, selection._total = facets, total
    selection.top = (first + rest)[: page_size * filters.pagina]
    selection.top_order = filters.orden
    return True
