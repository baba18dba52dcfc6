"""Observation figures: photo intake (check + re-encode + thumbnail) for a 12 MP phone photo,
a full form POST with three photos through the app, and redaction throughput.

    .venv/bin/python bench/observations.py
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from portal import create_app  # noqa: E402
from portal.complaints.photos import check_photo, store_photo  # noqa: E402
from portal.complaints.redaction import redact_personal_data  # noqa: E402
from portal.db import make_engine  # noqa: E402
from portal.migrate import upgrade_database  # noqa: E402
from tests.complaints.obs_helpers import add_investment, form_tokens, valid_fields  # noqa: E402


def phone_photo(width=4000, height=3000) -> bytes:
    """A noisy 12 MP JPEG with EXIF, about the size a phone sends."""
    image = Image.effect_noise((width, height), 40).convert("RGB")
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return out.getvalue()


def timed(fn, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    photo = phone_photo()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "uploads"
        intake = timed(lambda: store_photo(check_photo(io.BytesIO(photo), 30 * 2**20), folder), 5)
        print(
            f"photo intake, 12 MP JPEG ({len(photo) / 2**20:.1f} MB): "
            f"median {statistics.median(intake) * 1000:.0f} ms"
        )
        stored = sorted(folder.glob("*.jpg"))
        full = [p for p in stored if not p.name.endswith("-t.jpg")][0]
        thumb = [p for p in stored if p.name.endswith("-t.jpg")][0]
        print(
            f"stored photo {full.stat().st_size / 1024:.0f} KB, thumbnail {thumb.stat().st_size / 1024:.0f} KB"
        )

        url = f"sqlite:///{tmp}/bench.db"
        upgrade_database(make_engine(url))
        app = create_app(
            {
                "PORTAL_DATABASE_URL": url,
                "SECRET_KEY": "bench",
                "PORTAL_INSTANCE_DIR": tmp,
                "PORTAL_RATELIMIT_OBSERVATIONS": "10000 per hour",
                "PORTAL_MIN_FILL_SECONDS": 0,
            }
        )
        add_investment(app)
        client = app.test_client()

        def post():
            data = {**form_tokens(client), **valid_fields()}
            data["photos"] = [(io.BytesIO(photo), f"f{i}.jpg") for i in range(3)]
            response = client.post(
                "/observaciones/nueva", data=data, content_type="multipart/form-data"
            )
            assert response.status_code == 303, response.status_code

        posts = timed(post, 5)
        print(
            f"form POST with 3 x 12 MP photos (GET form + POST): median {statistics.median(posts) * 1000:.0f} ms"
        )

        text = "La obra está parada. Mi DNI 43218765, celular 976 543 210, correo a@b.pe. " * 20
        with app.test_request_context():
            runs = timed(lambda: redact_personal_data(text), 200)
        print(
            f"redaction of a {len(text)}-character description: median {statistics.median(runs) * 1e6:.0f} µs"
        )


if __name__ == "__main__":
    main()
