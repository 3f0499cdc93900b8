"""What one ``wrk --latency`` run printed, as numbers (shared by the benchmarks that load apps)."""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["WrkRun", "parse_wrk"]

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


@dataclass(frozen=True)
class WrkRun:
    """Requests per second, latency percentiles, and the requests that failed."""

    rate: float
    p50_ms: float
    p99_ms: float
    requests: int
    failures: int  # non-2xx/3xx answers and socket errors (connect, read, write, timeout)


def parse_wrk(output: str) -> WrkRun:
    """Read ``wrk --latency``'s report; a figure it did not print is 0."""

    def number(pattern: str) -> float:
        found = re.search(pattern, output)
        return float(found.group(1)) if found else 0.0

    def latency(percentile: str) -> float:
        found = re.search(rf"{percentile}%\s+([\d.]+)(us|ms|s)\b", output)
        return float(found.group(1)) * _UNITS[found.group(2)] if found else 0.0

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return WrkRun(
        rate=number(r"Requests/sec:\s+([\d.]+)"),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        requests=int(number(r"(\d+) requests in")),
        failures=int(number(r"Non-2xx or 3xx responses: (\d+)"))
        + (sum(int(n) for n in errors.groups()) if errors else 0),
    )
