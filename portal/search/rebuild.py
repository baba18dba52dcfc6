"""A web node's search index, rebuilt in a process of its own: ``python -m portal.search.rebuild``.

The rebuild (~3 s of CPU per 20,000 investments, ~15 s per 100,000) used to run in a thread of
the web worker that noticed a new import: it held that worker's interpreter lock, and every page
the worker served meanwhile waited its turn. In a process of its own, at a lower priority, the
worker keeps answering. Arguments: the index folder and the import run it is built from; the
database comes from ``PORTAL_DATABASE_URL`` (not the command line, which ``ps`` shows).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy.orm import Session


def main(argv: list[str]) -> int:
    from portal.db import make_engine
    from portal.search.index import build_index

    root, generation = Path(argv[0]), int(argv[1])
    engine = make_engine(os.environ["PORTAL_DATABASE_URL"])
    try:
        with Session(engine) as session:
            build_index(session, root, generation, only_if_older=True)
    finally:
        engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
