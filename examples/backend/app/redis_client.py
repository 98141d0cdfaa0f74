"""Redis connection used by the readiness probe."""

from __future__ import annotations

import redis


def create_redis_client(redis_url: str, timeout_seconds: float) -> "redis.Redis[bytes]":
    """A pooled client; it connects lazily, so creating it never fails on a down server."""
    return redis.Redis.from_url(
        redis_url,
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry_on_timeout=False,
    )


def ping_redis(client: "redis.Redis[bytes]") -> None:
    if not client.ping():
        raise RuntimeError("PING not answered with PONG")
