"""Configuration read from the environment.

Every value is validated once at start-up; an invalid value raises ``ConfigError`` naming the
variable, so a bad deployment fails before it serves anything. Empty variables count as unset.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable, List, Mapping, Optional, Tuple, TypeVar
from urllib.parse import urlsplit, urlunsplit

from sqlalchemy.engine import make_url

DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/app"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
TRACKS = ("stable", "canary")

_DATABASE_SCHEMES = ("postgresql", "postgresql+psycopg2")
_REDIS_SCHEMES = ("redis", "rediss", "unix")

T = TypeVar("T")


class ConfigError(ValueError):
    """One or more environment variables hold invalid values."""

    def __init__(self, problems: List[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems))


@dataclass(frozen=True)
class Settings:
    app_version: str = "0.0.0-dev"
    git_sha: str = "unknown"
    track: str = "stable"
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str = DEFAULT_REDIS_URL
    fault_error_percent: float = 0.0
    fault_latency_ms: int = 0
    fault_seed: Optional[int] = None
    # Path prefixes the fault switch applies to; empty: every route but /metrics.
    fault_paths: Tuple[str, ...] = ()
    startup_delay_seconds: float = 0.0
    # An external HTTP service the app depends on; /ready checks it when set.
    dependency_url: Optional[str] = field(default=None, repr=False)
    # Time limits of the readiness checks, in seconds.
    postgres_timeout: float = field(default=2.0, repr=False)
    redis_timeout: float = field(default=1.0, repr=False)
    dependency_timeout: float = field(default=5.0, repr=False)

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "Settings":
        env = os.environ if environ is None else environ
        problems: List[str] = []

        def read(name: str, default: T, parse: Callable[[str], T]) -> T:
            raw = env.get(name, "").strip()
            if raw == "":
                return default
            try:
                return parse(raw)
            except ValueError as error:
                problems.append(f"{name} {error} (got {raw!r})")
                return default

        settings = cls(
            app_version=read("APP_VERSION", cls.app_version, str),
            git_sha=read("GIT_SHA", cls.git_sha, str),
            track=read("APP_TRACK", cls.track, _parse_track),
            database_url=read("DATABASE_URL", cls.database_url, normalize_database_url),
            redis_url=read("REDIS_URL", cls.redis_url, _parse_redis_url),
            fault_error_percent=read("FAULT_ERROR_PERCENT", cls.fault_error_percent, _parse_percent),
            fault_latency_ms=read("FAULT_LATENCY_MS", cls.fault_latency_ms, _parse_non_negative_int),
            fault_seed=read("FAULT_SEED", cls.fault_seed, _parse_int),
            fault_paths=read("FAULT_PATHS", cls.fault_paths, _parse_path_prefixes),
            startup_delay_seconds=read(
                "STARTUP_DELAY_SECONDS", cls.startup_delay_seconds, _parse_non_negative_float
            ),
            dependency_url=read("DEPENDENCY_URL", cls.dependency_url, _parse_http_url),
        )
        if problems:
            raise ConfigError(problems)
        return settings

    @property
    def database_url_redacted(self) -> str:
        """The database URL without its password, safe for logs."""
        return make_url(self.database_url).render_as_string(hide_password=True)

    @property
    def redis_url_redacted(self) -> str:
        """The Redis URL without its password, safe for logs."""
        parts = urlsplit(self.redis_url)
        if parts.password is None:
            return self.redis_url
        netloc = parts.netloc.rsplit("@", 1)[1]
        user = f"{parts.username}:***@" if parts.username else ":***@"
        return urlunsplit(parts._replace(netloc=user + netloc))

    @property
    def database_password(self) -> Optional[str]:
        password = make_url(self.database_url).password
        return str(password) if password else None


def normalize_database_url(raw: str) -> str:
    """Accept ``postgresql://`` (and the older ``postgres://``) URLs, for the psycopg2 driver."""
    if raw.startswith("postgres://"):
        raw = "postgresql://" + raw[len("postgres://") :]
    try:
        url = make_url(raw)
    except Exception:
        raise ValueError("must be a URL like postgresql://user:password@host:5432/dbname") from None
    if url.drivername not in _DATABASE_SCHEMES:
        raise ValueError("must start with postgresql://")
    if not url.database:
        raise ValueError("must name a database, e.g. postgresql://user@host:5432/dbname")
    return raw


def _parse_redis_url(raw: str) -> str:
    scheme, sep, rest = raw.partition("://")
    if not sep or scheme not in _REDIS_SCHEMES or not rest:
        raise ValueError("must be a URL like redis://host:6379/0")
    return raw


def _parse_http_url(raw: str) -> str:
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("must be an http:// or https:// URL, e.g. https://payments.internal/health")
    return raw


def _parse_track(raw: str) -> str:
    if raw not in TRACKS:
        raise ValueError(f"must be one of {', '.join(TRACKS)}")
    return raw


def _parse_int(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("must be an integer") from None


def _parse_non_negative_int(raw: str) -> int:
    value = _parse_int(raw)
    if value < 0:
        raise ValueError("must not be negative")
    return value


def _parse_non_negative_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("must be a number") from None
    if not value >= 0 or value == float("inf"):  # also rejects NaN
        raise ValueError("must be a finite number, 0 or more")
    return value


def _parse_path_prefixes(raw: str) -> Tuple[str, ...]:
    prefixes = tuple(part.strip() for part in raw.split(",") if part.strip())
    if not prefixes or any(not prefix.startswith("/") for prefix in prefixes):
        raise ValueError("must be path prefixes starting with /, separated by commas, e.g. /api")
    return prefixes


def _parse_percent(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("must be a number from 0 to 100") from None
    if not 0 <= value <= 100:
        raise ValueError("must be a number from 0 to 100")
    return value
