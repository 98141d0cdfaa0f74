"""ASGI middleware that applies the fault switch and records request metrics.

It wraps the whole router, so an injected 500 is counted like any other 500. Requests to
``/metrics`` are neither faulted nor counted: a scrape must see the truth about the other routes.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any, Awaitable, Callable, MutableMapping

from starlette.routing import Match, Router

from .faults import FaultInjector
from .metrics import HttpMetrics

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

METRICS_PATH = "/metrics"
UNMATCHED_ROUTE = "unmatched"


class ObservabilityMiddleware:
    def __init__(
        self,
        app: ASGIApp,
        *,
        router: Router,
        metrics: HttpMetrics,
        faults: FaultInjector,
        version: str,
        track: str,
    ) -> None:
        self.app = app
        self.router = router
        self.metrics = metrics
        self.faults = faults
        self.extra_headers = [
            (b"x-app-version", version.encode("latin-1", "replace")),
            (b"x-app-track", track.encode("latin-1", "replace")),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == METRICS_PATH or path.startswith(METRICS_PATH + "/"):
            await self.app(scope, receive, send)
            return

        started = time.perf_counter()
        route = route_template(self.router, scope)
        status = 500  # if the application raises before answering, the client sees a 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = list(message.get("headers", [])) + self.extra_headers
            await send(message)

        faulted = self.faults.applies_to(path)
        try:
            if faulted and self.faults.latency_seconds > 0:
                await asyncio.sleep(self.faults.latency_seconds)
            if faulted and self.faults.should_fail():
                await self._fault_response(send_with_headers)
            else:
                await self.app(scope, receive, send_with_headers)
        finally:
            self.metrics.observe(scope["method"], route, status, time.perf_counter() - started)

    async def _fault_response(self, send: Send) -> None:
        body = json.dumps({"detail": "injected fault (FAULT_ERROR_PERCENT)"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 500,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"x-fault-injected", b"error"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def route_template(router: Router, scope: Scope) -> str:
    """The path template of the route that will serve the request (``/api/items/{item_id}``).

    Labels use the template, never the raw path, so the number of time series stays bounded.
    A path that matches no route is labelled ``unmatched``.
    """
    partial = None
    for route in router.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return getattr(route, "path", UNMATCHED_ROUTE)
        if match == Match.PARTIAL and partial is None:  # right path, other method (405)
            partial = getattr(route, "path", None)
    return partial or UNMATCHED_ROUTE
