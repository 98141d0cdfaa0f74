"""Liveness (``/health``) and readiness (``/ready``) endpoints.

``/health`` says the process is up (``"status": "healthy"``) and which build it runs; it never
touches a dependency. ``/ready`` checks PostgreSQL, Redis and, when ``DEPENDENCY_URL`` is set, an
external HTTP service concurrently, each within its own time limit, and answers 503 when any check
fails: that check says ``"status": "error"`` with a short, password-free reason.
"""

from __future__ import annotations

import asyncio
import re
import socket
import time
import urllib.error
import urllib.request
from typing import Callable, List, Optional
from urllib.parse import urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from redis import exceptions as redis_errors

from .db import ping_postgres
from .redis_client import ping_redis

NO_STORE = {"Cache-Control": "no-store"}

router = APIRouter(tags=["health"])


class HealthResponse(BaseModel):
    status: str
    version: str
    git_sha: str
    uptime_seconds: float
    track: str


class CheckResult(BaseModel):
    name: str
    status: str
    latency_ms: float
    error: Optional[str] = None


class ReadyResponse(BaseModel):
    status: str
    checks: List[CheckResult]


@router.get("/health", response_model=HealthResponse)
async def health(request: Request) -> JSONResponse:
    state = request.app.state
    settings = state.settings
    body = HealthResponse(
        status="healthy",
        version=settings.app_version,
        git_sha=settings.git_sha,
        uptime_seconds=round(time.monotonic() - state.started_at, 3),
        track=settings.track,
    )
    return JSONResponse(body.dict(), headers=NO_STORE)


@router.get(
    "/ready",
    response_model=ReadyResponse,
    responses={503: {"model": ReadyResponse, "description": "A dependency is not available"}},
)
async def ready(request: Request) -> JSONResponse:
    state = request.app.state
    settings = state.settings
    dependency_url = settings.dependency_url
    secrets = [
        s for s in [settings.database_password, _url_password(dependency_url)] if s
    ]
    probes = [
        run_check(
            "postgresql",
            lambda: ping_postgres(settings.database_url, settings.postgres_timeout),
            settings.postgres_timeout,
            secrets,
        ),
        run_check("redis", lambda: ping_redis(state.redis), settings.redis_timeout, secrets),
    ]
    if dependency_url:
        probes.append(
            run_check(
                "external-http",
                lambda: ping_http(dependency_url, settings.dependency_timeout),
                settings.dependency_timeout,
                secrets,
            )
        )
    checks = await asyncio.gather(*probes)
    ok = all(check.status == "ok" for check in checks)
    body = ReadyResponse(status="ready" if ok else "not_ready", checks=list(checks))
    return JSONResponse(
        body.dict(exclude_none=True), status_code=200 if ok else 503, headers=NO_STORE
    )


async def run_check(
    name: str, probe: Callable[[], None], timeout_seconds: float, secrets: List[str]
) -> CheckResult:
    """Run a blocking probe in a worker thread; never raises."""
    started = time.perf_counter()
    error: Optional[str] = None
    try:
        # The probe has its own socket timeouts; this outer limit is a safety net.
        await asyncio.wait_for(asyncio.to_thread(probe), timeout=timeout_seconds + 0.5)
    except Exception as exc:  # a failing dependency is a result, not an error
        error = describe_error(exc, timeout_seconds, secrets)
    latency_ms = round((time.perf_counter() - started) * 1000, 1)
    if error is None:
        return CheckResult(name=name, status="ok", latency_ms=latency_ms)
    return CheckResult(name=name, status="error", latency_ms=latency_ms, error=error)


class HttpStatusError(Exception):
    """The dependency answered, but not with success."""


def ping_http(url: str, timeout_seconds: float) -> None:
    """GET the dependency's URL: any 2xx or 3xx answer within the time limit passes."""
    request = urllib.request.Request(url, headers={"User-Agent": "example-app readiness"})
    try:
        with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
            response.read(1024)
    except urllib.error.HTTPError as error:
        # The reason phrase comes from the other service: only the status code is reported.
        raise HttpStatusError(f"HTTP {error.code}") from None


def _url_password(url: Optional[str]) -> Optional[str]:
    return urlsplit(url).password if url else None


_KNOWN_REASONS = [
    (re.compile(r"connection refused", re.I), "Connection refused"),
    (re.compile(r"timeout expired|timed out|timeout", re.I), None),  # replaced by the timeout text
    (re.compile(r"password authentication failed", re.I), "password authentication failed"),
    (re.compile(r"no password supplied", re.I), "no password supplied"),
    (re.compile(r"could not translate host name|name or service not known", re.I), "unknown host"),
    (re.compile(r"temporary failure in name resolution", re.I), "unknown host"),
    (re.compile(r"no route to host", re.I), "No route to host"),
    (re.compile(r"network is unreachable", re.I), "Network is unreachable"),
    (re.compile(r"the database system is starting up", re.I), "database is starting up"),
    (re.compile(r"the database system is shutting down", re.I), "database is shutting down"),
]


def describe_error(exc: BaseException, timeout_seconds: float, secrets: List[str]) -> str:
    """A short human reason such as "Connection refused" or "timeout after 1.0s"."""
    timeout_text = f"timeout after {timeout_seconds:.1f}s"
    if isinstance(exc, (asyncio.TimeoutError, socket.timeout, redis_errors.TimeoutError)):
        return timeout_text
    message = str(exc).strip()
    for pattern, reason in _KNOWN_REASONS:
        if pattern.search(message):
            return _redact(reason or timeout_text, secrets)
    # PostgreSQL server errors: keep the part after "FATAL:" (e.g. 'database "x" does not exist').
    fatal = re.search(r"FATAL:\s*(.+)", message)
    if fatal:
        message = fatal.group(1)
    first_line = message.splitlines()[0].strip() if message else type(exc).__name__
    if len(first_line) > 160:
        first_line = first_line[:157] + "..."
    return _redact(first_line, secrets)


def _redact(text: str, secrets: List[str]) -> str:
    for secret in secrets:
        text = text.replace(secret, "***")
    return text
