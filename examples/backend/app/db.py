"""PostgreSQL access: the pooled engine used by the API, and the readiness probe."""

from __future__ import annotations

from typing import Iterator

import psycopg2
from fastapi import Request
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker


def create_db_engine(database_url: str) -> Engine:
    """A small pool; connections are checked before use so a restarted database heals by itself."""
    return create_engine(
        database_url,
        future=True,
        pool_size=5,
        max_overflow=5,
        pool_timeout=5,
        pool_pre_ping=True,
        pool_recycle=1800,
        connect_args={"connect_timeout": 5, "application_name": "example-app"},
    )


def create_session_factory(engine: Engine) -> "sessionmaker[Session]":
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


def get_session(request: Request) -> Iterator[Session]:
    """FastAPI dependency: one session per request, always closed."""
    session: Session = request.app.state.session_factory()
    try:
        yield session
    finally:
        session.close()


def ping_postgres(database_url: str, timeout_seconds: float) -> None:
    """Open a fresh connection and run ``SELECT 1``, bounded by connect and statement timeouts.

    A dedicated connection (not one from the pool) so the probe reports whether the database
    accepts connections now, independently of how busy the API's pool is.
    """
    dsn = make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)
    # libpq's connect_timeout is whole seconds, at least 2.
    connect_timeout = max(2, int(round(timeout_seconds)))
    statement_timeout_ms = int(timeout_seconds * 1000)
    connection = psycopg2.connect(
        dsn,
        connect_timeout=connect_timeout,
        options=f"-c statement_timeout={statement_timeout_ms}",
        application_name="example-app-ready",
    )
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    finally:
        connection.close()
