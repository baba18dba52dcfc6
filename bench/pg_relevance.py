"""Relevance of the two search backends on the everyday queries (tests/search/everyday_queries.tsv)
over the demo data: mean recall and precision@10 of each, and how much of the PostgreSQL backend's
first ten the Whoosh backend's first ten share.

    .venv/bin/python bench/pg_relevance.py --url postgresql+psycopg://postgres@127.0.0.1/i25rel

The database is emptied and the demo data imported with the import pipeline (as the tests do);
both backends then search the same rows (Whoosh with its own index in a temporary folder).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from sqlalchemy import create_engine, select, text

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "search"))

from everyday import TOP, read_queries, scores  # noqa: E402

from portal import create_app  # noqa: E402
from portal.db import session_scope  # noqa: E402
from portal.demo import write_demo_data  # noqa: E402
from portal.importer.pipeline import ImportSettings, run_import  # noqa: E402
from portal.importer.sources import all_sources  # noqa: E402
from portal.investments.models import Investment  # noqa: E402
from portal.migrate import upgrade_database  # noqa: E402
from portal.search.queries import rebuild_index  # noqa: E402

DEMO_SOURCES = (
    ("mef-inversiones", "DETALLE_INVERSIONES.csv"),
    ("mef-cierre", "CIERRE_INVERSIONES.csv"),
    ("mef-f12b", "FORMATO_12B.csv"),
    ("mef-estado-situacional", "ESTADO_SITUACIONAL.csv"),
    ("presupuesto-participativo", "presupuesto_participativo.csv"),
)


def load_demo(url: str, folder: Path) -> None:
    engine = create_engine(url)
    upgrade_database(engine)
    with engine.begin() as conn:
        names = conn.scalars(
            text("SELECT tablename FROM pg_tables WHERE schemaname = 'public' "
                 "AND tablename <> 'alembic_version'")
        ).all()  # fmt: skip
        conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))
    engine.dispose()
    write_demo_data(folder)
    app = create_app({"PORTAL_DATABASE_URL": url, "PORTAL_INSTANCE_DIR": str(folder / "inst")})
    specs = all_sources()
    ordered = [(specs[name], str(folder / file)) for name, file in DEMO_SOURCES]
    ordered.append((specs["mef-seguimiento"], str(next(folder.glob("*-Seguimiento-PI.csv")))))
    with app.app_context():
        run_import(app.extensions["portal.engine"], ImportSettings.from_config(app.config), ordered)


def ranked(client, q: str) -> list[str]:
    response = client.get("/buscar.csv", query_string={"q": q, "orden": "relevancia"})
    lines = response.get_data(as_text=True).lstrip("\ufeff").splitlines()[1:]
    return [line.split(",", 1)[0].strip('"') for line in lines]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="pg-relevance-"))
    load_demo(args.url, folder)
    apps = {
        name: create_app({
            "PORTAL_DATABASE_URL": args.url, "PORTAL_SEARCH_BACKEND": name,
            "PORTAL_INSTANCE_DIR": str(folder / name),
        })
        for name in ("postgresql", "whoosh")
    }  # fmt: skip
    with apps["whoosh"].app_context(), session_scope() as session:
        rebuild_index(session)
        rows = session.scalars(select(Investment)).all()
        right_of = {}
        for query in read_queries():
            right = {inv.cui for inv in rows if query.is_right(inv)}
            if right:
                right_of[query.query] = right
    results = {
        name: {q: ranked(app.test_client(), q) for q in right_of} for name, app in apps.items()
    }
    for name, found in results.items():
        judged = [scores(found[q], right) for q, right in right_of.items()]
        recall = sum(r for r, _ in judged) / len(judged)
        precision = sum(p for _, p in judged) / len(judged)
        print(
            f"{name}: {len(judged)} queries, recall {recall:.3f}, precision@{TOP} {precision:.3f}"
        )
    shared = [
        len(set(results["postgresql"][q][:TOP]) & set(results["whoosh"][q][:TOP]))
        / max(1, min(TOP, len(results["whoosh"][q])))
        for q in right_of
    ]
    print(f"first {TOP} shared with Whoosh's: {sum(shared) / len(shared):.3f} (mean over queries)")
    differ = [q for q, s in zip(right_of, shared, strict=True) if s < 1]
    print("queries whose first ten differ:", ", ".join(repr(q) for q in differ) or "none")


if __name__ == "__main__":
    main()
