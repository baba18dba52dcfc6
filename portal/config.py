"""Settings: defaults here, then ``PORTAL_*`` environment variables, then a test dict."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

#: Where each public record is fetched from when ``portal import`` gets no ``--source``.
#: Operators point these at the official downloads (or a mirror) with
#: ``PORTAL_SOURCE_<NAME>`` variables, e.g. ``PORTAL_SOURCE_MEF_INVERSIONES=https://...``.
DEFAULT_SOURCE_FILES = {
    "mef-inversiones": "DETALLE_INVERSIONES.csv",
    "mef-cierre": "CIERRE_INVERSIONES.csv",
    "mef-f12b": "FORMATO_12B.csv",
    "mef-estado-situacional": "ESTADO_SITUACIONAL.csv",
    "mef-seguimiento": "*-Seguimiento-PI.csv",
    "infobras": "DataSet-Obras-Publicas*.xlsx",
    "presupuesto-participativo": "presupuesto_participativo.csv",
    # OECE's monthly bulk JSON ZIPs (record packages), or API release packages: a folder.
    "oece-ocds": "oece",
}


class DefaultConfig:
    SECRET_KEY = "dev-only-change-me"
    PORTAL_ENV = "development"
    #: Default: an SQLite file inside the instance folder (zero set-up).
    PORTAL_DATABASE_URL = None
    #: Optional read replica (PostgreSQL streaming replica): public GET pages read from it.
    PORTAL_DATABASE_REPLICA_URL = None
    #: INEI department code whose investments are published ('01'–'25'); ``all``: the country.
    PORTAL_REGION = "06"
    #: The region's name on every page; default: the department's name in the boundary files.
    PORTAL_REGION_NAME = None
    PORTAL_INSTANCE_DIR = "instance"
    #: Folder the default source locations are relative to (``portal import`` with no --source).
    #: Default: the instance folder's data/ (where ``portal demo-data`` writes the demo files).
    PORTAL_DATA_DIR = None
    #: A file with fewer rows than this share of the last good import is refused as truncated.
    PORTAL_IMPORT_MIN_ROWS_RATIO = 0.5
    PORTAL_DOWNLOAD_RETRIES = 3
    PORTAL_DOWNLOAD_TIMEOUT = 120
    PORTAL_TILE_URL = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
    PORTAL_TILE_ATTRIBUTION = "&copy; OpenStreetMap contributors"
    BABEL_DEFAULT_LOCALE = "es"
    #: Time zone of every time and day shown (pages and files): Lima. Babel's setting follows it.
    PORTAL_TIMEZONE = "America/Lima"
    PORTAL_LANGUAGES = ("es", "en")
    MAX_CONTENT_LENGTH = 25 * 1024 * 1024
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    #: Observations: rate-limit storage — memory:// in dev, redis://host:6379 in production.
    PORTAL_RATELIMIT_STORAGE_URL = "memory://"
    #: Observations stored per address; every POST (rejected ones too) counts against ATTEMPTS.
    #: One address is often many people (a municipal office, an internet cabin): generous per
    #: address, tighter per email typed in the form.
    PORTAL_RATELIMIT_OBSERVATIONS = "30 per hour; 100 per day"
    PORTAL_RATELIMIT_OBSERVATIONS_EMAIL = "6 per hour; 20 per day"
    PORTAL_RATELIMIT_ATTEMPTS = "120 per hour"
    PORTAL_RATELIMIT_LOGIN = "10 per 15 minutes"
    PORTAL_RATELIMIT_KEY_PREFIX = "vigia"
    #: Seconds a person needs at least to fill the observation form (faster is a bot).
    PORTAL_MIN_FILL_SECONDS = 3
    #: Where observation photos are stored; default: the instance folder's uploads/.
    PORTAL_UPLOAD_DIR = None
    PORTAL_PHOTO_MAX_BYTES = 8 * 1024 * 1024
    #: Largest PDF (acta, oficio) attached to an observation.
    PORTAL_DOCUMENT_MAX_BYTES = 10 * 1024 * 1024
    #: Days the status page promises for moderation, and for the entity's reply once routed.
    PORTAL_OBSERVATION_REVIEW_DAYS = 5
    PORTAL_OBSERVATION_REPLY_DAYS = 30
    #: Days after an official reply when the sender is asked by email whether it was resolved.
    PORTAL_OBSERVATION_FOLLOWUP_DAYS = 28
    #: Salt for hashing client IPs (only the hash is stored); default: derived from SECRET_KEY.
    PORTAL_IP_SALT = None
    #: Outbox: "store" keeps emails in the database (dev, tests); "smtp" sends them.
    PORTAL_MAIL_MODE = "store"
    #: Follow-by-email requests per address, and per email (each sends a confirmation email).
    PORTAL_RATELIMIT_FOLLOW = "30 per hour; 100 per day"
    PORTAL_RATELIMIT_FOLLOW_EMAIL = "5 per hour; 10 per day"
    #: Requests to /api/v1/ per address (the map page reads its points there too).
    PORTAL_RATELIMIT_API = "120 per minute"
    #: Comités de vigilancia: sign-in link requests per client, and minutes a link stays valid.
    PORTAL_RATELIMIT_SIGN_IN = "5 per 15 minutes; 20 per day"
    PORTAL_SIGN_IN_LINK_MINUTES = 20
    PORTAL_MAIL_SENDER = "Vigía <no-responder@vigia.example>"
    PORTAL_MAIL_SMTP_HOST = "localhost"
    PORTAL_MAIL_SMTP_PORT = 587
    PORTAL_MAIL_SMTP_USER = None
    PORTAL_MAIL_SMTP_PASSWORD = None
    PORTAL_MAIL_SMTP_STARTTLS = True
    #: Red-flag thresholds (see /metodologia): financial minus physical progress, in points…
    PORTAL_FLAG_SPENDING_AHEAD_POINTS = 30
    #: …months without devengado while in execution, and updated cost above viable cost (%).
    PORTAL_FLAG_NO_SPENDING_MONTHS = 12
    PORTAL_FLAG_COST_OVERRUN_PERCENT = 30
    #: Vigía's own contract risk signal (see /metodologia, portal/contracts/signals.py): an award
    #: above the estimate by more than this percent. Cardinal's thresholds (R003, R018) are in
    #: portal/contracts/cardinal.ini, applied by the import.
    PORTAL_CONTRACT_ABOVE_ESTIMATE_PERCENT = 10
    #: Official pages of an investment; {cui} (and {code} for INFObras) are filled in.
    #: Reverse proxies in front that set X-Forwarded-For/-Proto/-Host (nginx or Caddy: 1).
    PORTAL_TRUSTED_PROXIES = 0
    #: Logs: "json" (one object per line; set it in production) or "text"; unset: Flask's own.
    PORTAL_LOG_FORMAT = None
    PORTAL_LOG_LEVEL = "INFO"
    #: /metrics answers only these networks (comma separated) or a bearer token, if set.
    PORTAL_METRICS_ALLOWED = "127.0.0.1/32,::1/128"
    PORTAL_METRICS_TOKEN = None
    PORTAL_URL_MEF_CONSULTA = "https://ofi5.mef.gob.pe/ssi/Ssi/Index?codigo={cui}&tipo=2"
    PORTAL_URL_MEF_INVIERTE = "https://ofi5.mef.gob.pe/invierte/ejecucion/verFichaEjecucion/{cui}"
    #: Public address of the portal, for links in files written outside a request (dated files,
    #: the OC4IDS package, emails). Production refuses to start without a real one.
    PORTAL_PUBLIC_URL = "http://localhost:5000"
    #: Import days whose dated files (/datos/<day>/) are kept; older days are removed.
    PORTAL_DATOS_KEEP_DAYS = 60
    #: Map selections with more investments than this are sent by place (maps/aggregates.py).
    PORTAL_MAP_MAX_POINTS = 5_000
    # Public pages kept in memory (portal/page_cache.py): how long a node trusts its data version
    # before asking the database again (0 = no page cache), and the memory per process.
    PORTAL_PAGE_CACHE_SECONDS = 2
    PORTAL_PAGE_CACHE_MB = 64
    #: OC4IDS project identifier prefix: register one with the Open Contracting Partnership.
    PORTAL_OC4IDS_PREFIX = "oc4ids-vigia0"
    PORTAL_PUBLISHER_NAME = "Vigía"
    PORTAL_URL_INFOBRAS = "https://infobras.contraloria.gob.pe/InfobrasWeb/Mapa/Obra?ObraId={code}"


def load_config(app, overrides: dict | None = None) -> None:
    """Apply defaults, then the environment, then explicit overrides (tests)."""
    app.config.from_object(DefaultConfig)
    # Our setting names keep their PORTAL_ prefix (they are the public interface), so the
    # environment is copied as is rather than through from_prefixed_env, which strips it.
    for key, value in os.environ.items():
        if key.startswith("PORTAL_"):
            app.config[key] = value
    if "PORTAL_SECRET_KEY" in os.environ:
        app.config["SECRET_KEY"] = os.environ["PORTAL_SECRET_KEY"]
    app.config.update(overrides or {})
    instance = Path(app.config["PORTAL_INSTANCE_DIR"])
    app.config["PORTAL_INSTANCE_DIR"] = str(instance.resolve())
    if not app.config["PORTAL_DATABASE_URL"]:
        app.config["PORTAL_DATABASE_URL"] = f"sqlite:///{instance.resolve() / 'portal.db'}"
    if not app.config["PORTAL_DATA_DIR"]:
        app.config["PORTAL_DATA_DIR"] = str(instance.resolve() / "data")
    _settle_region(app.config)
    _settle_timezone(app.config)
    if app.config["PORTAL_ENV"] == "production":
        app.config["SESSION_COOKIE_SECURE"] = True
        # Tests of production behaviour (TESTING) and a debugging session may run without one;
        # the dated files still refuse to be written (``public_url``).
        if not (app.config.get("TESTING") or app.config.get("DEBUG")):
            public_url(app.config)
    _check_oc4ids_prefix(app.config["PORTAL_OC4IDS_PREFIX"])


def _settle_region(config) -> None:
    """'6' → '06'; an unknown code stops the start with a clear message, not empty pages later."""
    from portal.places import NATIONAL, region_name, valid_region

    region = str(config["PORTAL_REGION"]).strip().lower()
    if region.isdigit():
        region = region.zfill(2)
    if not valid_region(region):
        raise ValueError(
            f"PORTAL_REGION={config['PORTAL_REGION']!r} is not a department code (01–25) "
            f"nor {NATIONAL!r}"
        )
    config["PORTAL_REGION"] = region
    if not config.get("PORTAL_REGION_NAME"):
        config["PORTAL_REGION_NAME"] = region_name(region)


class PublicUrlError(ValueError):
    """Production without the portal's public address: links would point at nowhere."""


_LOOPBACK = ("localhost", "127.0.0.1", "::1", "0.0.0.0")


def public_url(config) -> str:
    """The portal's public address (``PORTAL_PUBLIC_URL``) for links written outside a request.

    In production a missing, non-HTTP or loopback address raises ``PublicUrlError``: the OC4IDS
    package's URIs, the dated files' links and email links would otherwise point at localhost.
    """
    url = (config.get("PORTAL_PUBLIC_URL") or "").strip().rstrip("/")
    if config.get("PORTAL_ENV") != "production":
        return url or DefaultConfig.PORTAL_PUBLIC_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.hostname in _LOOPBACK:
        raise PublicUrlError(
            f"PORTAL_PUBLIC_URL={url or None!r}: production needs the portal's public address, "
            "e.g. PORTAL_PUBLIC_URL=https://vigia.example.pe — the OC4IDS package, the dated "
            "files and the emails are written with it (nothing is published without it)."
        )
    return url


#: What the Open Contracting Partnership registers: ``oc4ids-`` and six lower-case letters/digits.
OC4IDS_PREFIX = re.compile(r"oc4ids-[a-z0-9]{6}")


def _check_oc4ids_prefix(prefix: str) -> None:
    if not OC4IDS_PREFIX.fullmatch(str(prefix)):
        raise ValueError(
            f"PORTAL_OC4IDS_PREFIX={prefix!r} is not an OC4IDS project identifier prefix: "
            "'oc4ids-' and six lower-case letters or digits, as registered with the Open "
            "Contracting Partnership (e.g. oc4ids-bu3kcz)"
        )


def source_locations(config) -> dict[str, str]:
    """Configured default location (path, glob or URL) for every source."""
    data_dir = Path(config["PORTAL_DATA_DIR"])
    locations = {}
    for name, filename in DEFAULT_SOURCE_FILES.items():
        env_key = "PORTAL_SOURCE_" + name.upper().replace("-", "_")
        locations[name] = config.get(env_key) or str(data_dir / filename)
    return locations


def _settle_timezone(config) -> None:
    """PORTAL_TIMEZONE ('America/Lima') for babel too; an unknown zone stops the start."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = str(config["PORTAL_TIMEZONE"]).strip()
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"PORTAL_TIMEZONE={name!r} is not a known time zone") from None
    config["PORTAL_TIMEZONE"] = config["BABEL_DEFAULT_TIMEZONE"] = name
