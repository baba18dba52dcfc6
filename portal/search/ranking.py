"""How matches are scored: one set of weights for both search backends (Whoosh and PostgreSQL)."""

#: A word found only in the district or province name counts for less than one in the title.
PLACE_BOOST = 0.3
#: A word found only in the executing unit's or entity's name counts for less still: "chota"
#: means works in Chota first, then the Chota sub-region's works elsewhere.
UNIT_BOOST = 0.15
#: An everyday word's record phrase (posta -> puesto de salud) counts this share of the word typed
#: (a phrase counts as one word: the mean of its words' scores).
EXPANSION_WEIGHT = 0.6
#: Added, per word, when every word of the query is in the unit's name ("subregión chota").
UNIT_PHRASE_BONUS = 1.0
#: Fields the typed words are looked for in, and those of the vocabulary's phrases: a record
#: phrase is looked for in the work's name only (a district named "Unión Agua Blanca" is not
#: drinking water, a riego work of the unit "SALUD CAJAMARCA" is not a health post), or in the
#: unit's name only when the vocabulary marks it so.
FIELDS_OF = {
    "typed": (("name", 1.0), ("place", PLACE_BOOST), ("unit", UNIT_BOOST)),
    "name": (("name", 1.0),),
    "unit": (("unit", UNIT_BOOST),),
}
BM25_K1, BM25_B = 1.2, 0.75
#: How much the spelling typed (with or without accents and ñ) adds, as a share of the word's idf.
EXACT_BONUS = 1.0
