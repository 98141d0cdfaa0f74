"""Reading samples out of a Prometheus text exposition."""

from __future__ import annotations

from typing import Dict, Optional

from prometheus_client.parser import text_string_to_metric_families


def sample_value(exposition: str, name: str, labels: Dict[str, str]) -> Optional[float]:
    """The value of the sample ``name`` whose labels include ``labels``, or None."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return None
