"""Where the observation form's uploads (photos and documents) are kept on disk.

Its own module because the form's pages, the committees' PDF report (which embeds published
photos) and the purge command all need the folder, and none of them should import another's
views to find it.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app


def upload_dir() -> Path:
    configured = current_app.config.get("PORTAL_UPLOAD_DIR")
    return Path(configured or Path(current_app.config["PORTAL_INSTANCE_DIR"]) / "uploads")
