"""alembic environment: the database URL comes from DATABASE_URL.

Online mode connects to that database. Offline mode (``alembic upgrade base:head --sql``) only
needs the PostgreSQL dialect and prints the SQL, so it works without a database and without
DATABASE_URL.
"""

from __future__ import annotations

import os
import sys
from logging.config import fileConfig

from alembic import context
from sqlalchemy import create_engine, pool

from app.config import normalize_database_url
from app.models import Base

config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)

target_metadata = Base.metadata

# Each revision in its own transaction, so a failure leaves the schema at the last good revision.
COMMON_OPTIONS = dict(
    target_metadata=target_metadata,
    transaction_per_migration=True,
    compare_type=True,
)


def database_url(required: bool) -> str:
    raw = os.environ.get("DATABASE_URL", "").strip()
    if not raw:
        if required:
            sys.exit("alembic: set DATABASE_URL, e.g. postgresql://user:password@host:5432/dbname")
        return "postgresql://"
    try:
        return normalize_database_url(raw)
    except ValueError as error:
        sys.exit(f"alembic: DATABASE_URL {error}")


def run_migrations_offline() -> None:
    context.configure(
        url=database_url(required=False),
        literal_binds=True,
        dialect_opts={"paramstyle": "named"},
        **COMMON_OPTIONS,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    engine = create_engine(
        database_url(required=True),
        poolclass=pool.NullPool,
        future=True,
        connect_args={"connect_timeout": 10, "application_name": "example-app-migrations"},
    )
    with engine.connect() as connection:
        context.configure(connection=connection, **COMMON_OPTIONS)
        with context.begin_transaction():
            context.run_migrations()
    engine.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
