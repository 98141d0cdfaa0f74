"""Application entry point: ``uvicorn app.main:app``.

``create_app`` builds an application from explicit settings (the tests use it); the module-level
``app`` is built from the environment and exits with a clear message when it is invalid.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Awaitable, Callable, MutableMapping, Optional

from fastapi import FastAPI
from prometheus_client import make_asgi_app

from . import api, health
from .config import ConfigError, Settings
from .db import create_db_engine, create_session_factory
from .faults import FaultInjector
from .metrics import HttpMetrics
from .middleware import METRICS_PATH, ObservabilityMiddleware
from .redis_client import create_redis_client

logger = logging.getLogger("uvicorn.error")

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Any, Any], Awaitable[None]]


class _AsgiEndpoint:
    """Lets a plain ASGI function serve a Starlette ``Route`` (a function would be wrapped as a
    request handler instead)."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        await self._app(scope, receive, send)


def create_app(settings: Optional[Settings] = None) -> FastAPI:
    return _build_app(settings or Settings.from_env())


def _build_app(settings: Settings) -> FastAPI:

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.startup_delay_seconds > 0:
            # uvicorn opens its port only after start-up completes: a slow start, on purpose.
            logger.info("Delaying start-up by %ss (STARTUP_DELAY_SECONDS)", settings.startup_delay_seconds)
            await asyncio.sleep(settings.startup_delay_seconds)
        logger.info(
            "example-app %s (%s) track=%s database=%s redis=%s faults=%s",
            settings.app_version,
            settings.git_sha,
            settings.track,
            settings.database_url_redacted,
            settings.redis_url_redacted,
            app.state.faults.describe(),
        )
        try:
            yield
        finally:
            app.state.engine.dispose()
            app.state.redis.close()

    app = FastAPI(title="example-app", version=settings.app_version)
    # FastAPI 0.92 has no lifespan argument yet; its Starlette router supports one.
    app.router.lifespan_context = lifespan

    engine = create_db_engine(settings.database_url)
    app.state.settings = settings
    app.state.started_at = time.monotonic()
    app.state.engine = engine
    app.state.session_factory = create_session_factory(engine)
    app.state.redis = create_redis_client(settings.redis_url, settings.redis_timeout)
    app.state.faults = FaultInjector(
        settings.fault_error_percent,
        settings.fault_latency_ms,
        settings.fault_seed,
        settings.fault_paths,
    )
    app.state.metrics = HttpMetrics(settings)

    app.include_router(health.router)
    app.include_router(api.router)

    # Prometheus scrapes "/metrics/" from the mount; the route serves "/metrics" without a redirect.
    metrics_app = make_asgi_app(registry=app.state.metrics.registry)
    app.add_route(METRICS_PATH, _AsgiEndpoint(metrics_app), include_in_schema=False)
    app.mount(METRICS_PATH, metrics_app)

    app.add_middleware(
        ObservabilityMiddleware,
        router=app.router,
        metrics=app.state.metrics,
        faults=app.state.faults,
        version=settings.app_version,
        track=settings.track,
    )
    return app


def _app_from_environment() -> FastAPI:
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print("example-app: invalid configuration:", file=sys.stderr)
        for problem in error.problems:
            print(f"  - {problem}", file=sys.stderr)
        raise SystemExit(2) from None
    return create_app(settings)


app = _app_from_environment()
