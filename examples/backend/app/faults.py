"""The fault switch: make a build answer errors or slow responses on purpose.

Used to rehearse canary analysis and rollback with a deliberately bad version.
"""

from __future__ import annotations

import random
from typing import Optional, Tuple


class FaultInjector:
    def __init__(
        self,
        error_percent: float,
        latency_ms: int,
        seed: Optional[int] = None,
        paths: Tuple[str, ...] = (),
    ) -> None:
        self.error_percent = error_percent
        self.latency_seconds = latency_ms / 1000
        # With a seed the sequence of failing requests is the same on every run.
        self._random = random.Random(seed)
        # Only these path prefixes are faulted (e.g. /api: the API fails while /health still passes,
        # like a release that breaks users but not its health checks); empty: every path.
        self.paths = paths

    def applies_to(self, path: str) -> bool:
        if not self.paths:
            return True
        return any(path == p or path.startswith(p.rstrip("/") + "/") for p in self.paths)

    @property
    def enabled(self) -> bool:
        return self.error_percent > 0 or self.latency_seconds > 0

    def should_fail(self) -> bool:
        """Decide for one request. Called on the event loop only, so no locking is needed."""
        if self.error_percent <= 0:
            return False
        if self.error_percent >= 100:
            return True
        return self._random.random() * 100 < self.error_percent

    def describe(self) -> str:
        if not self.enabled:
            return "off"
        parts = []
        if self.error_percent > 0:
            parts.append(f"{self.error_percent:g}% errors")
        if self.latency_seconds > 0:
            parts.append(f"+{self.latency_seconds * 1000:g} ms latency")
        where = f" on {', '.join(self.paths)}" if self.paths else ""
        return ", ".join(parts) + where
