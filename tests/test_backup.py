"""The restore drill: a backup made by scripts/backup comes back whole in a throwaway database."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import import_sources

ROOT = Path(__file__).resolve().parents[1]
ON_POSTGRES = os.environ.get("PORTAL_TEST_DATABASE_URL", "").startswith("postgresql")


def _facts(url: str) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        facts = {
            "investments": conn.scalar(text("SELECT count(*) FROM investments")),
            "runs": conn.scalar(text("SELECT count(*) FROM import_runs")),
            "names": conn.scalar(
                text("SELECT md5(string_agg(name, '|' ORDER BY cui)) FROM investments")
            ),
            "schema": conn.scalar(text("SELECT version_num FROM alembic_version")),
        }
    engine.dispose()
    return facts


@pytest.mark.skipif(
    not ON_POSTGRES,
    reason="PostgreSQL only: scripts/backup is pg_dump; an SQLite deployment copies its file",
)
def test_a_backup_restores_into_a_throwaway_database(app, demo_dir, database_url, tmp_path):
    import_sources(app, [("mef-inversiones", demo_dir / "DETALLE_INVERSIONES.csv")])
    uploads = tmp_path / "uploads"
    (uploads / "2026").mkdir(parents=True)
    (uploads / "2026" / "foto.jpg").write_bytes(b"\xff\xd8 a photo")
    env = {**os.environ, "PORTAL_DATABASE_URL": database_url, "PORTAL_UPLOAD_DIR": str(uploads)}
    backup = subprocess.run(
        [ROOT / "scripts" / "backup", tmp_path / "backups"],
        env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    dump = Path(backup.stdout.strip())
    assert dump.is_file() and dump.stat().st_size > 0
    photos = next((tmp_path / "backups").glob("uploads-*.tar.gz"))

    drill = make_url(database_url).set(database=f"{make_url(database_url).database}_drill")
    admin = create_engine(drill.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{drill.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{drill.database}"'))
    drill_url = drill.render_as_string(hide_password=False)
    try:
        restored_uploads = tmp_path / "restored-uploads"
        subprocess.run(
            [ROOT / "scripts" / "restore", dump, drill_url, photos, restored_uploads],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        original = _facts(database_url)
        assert original["investments"] > 0
        assert _facts(drill_url) == original
        assert (restored_uploads / "2026" / "foto.jpg").read_bytes() == b"\xff\xd8 a photo"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{drill.database}" WITH (FORCE)'))
        admin.dispose()
