"""Time as every layer reads it: window sizes, an article's arrival, ages and instants.

The client (``newswire tail --since``, ``trending_windows``), the settings (the trends
windows are checked at start), the dedup stage and the trends counting all read time the
same way, so the rules live here, below all of them. Nothing here reads the clock unless
asked to (``parse_since`` takes ``now``)."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

#: seconds in each unit a duration may be written in
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_WINDOW = re.compile(r"^\s*(\d+)\s*([smhd])\s*$")
_AGE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([smhd])\s*")


@dataclass(frozen=True)
class Window:
    """A window size: its label ("1h") and its length in seconds."""

    label: str
    seconds: int

    def start_of(self, t: float) -> int:
        """The start of the window holding time t (seconds since the epoch)."""
        return int(t // self.seconds) * self.seconds

    def id(self, start: int) -> str:
        """The window's id, the key of its records: ``1h@2026-12-01T13:00:00Z``."""
        return f"{self.label}@{iso(start)}"


def iso(t: float) -> str:
    """Seconds since the epoch as an ISO 8601 UTC time to the second."""
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_window(spec: str) -> Window:
    """``30s``, ``15m``, ``1h``, ``1d``: a window size."""
    m = _WINDOW.match(spec)
    if not m or int(m.group(1)) == 0:
        raise ValueError(f"a window is a positive number and s, m, h or d (like 1h), not {spec!r}")
    n, unit = int(m.group(1)), m.group(2)
    return Window(f"{n}{unit}", n * UNITS[unit])


def parse_windows(specs: str) -> tuple[Window, ...]:
    """A comma-separated list of window sizes, each once, shortest first."""
    windows = {parse_window(s).seconds: parse_window(s) for s in specs.split(",") if s.strip()}
    if not windows:
        raise ValueError("at least one trends window is needed (like 1h,1d)")
    return tuple(windows[k] for k in sorted(windows))


def parse_since(text: str, now: float | None = None) -> int:
    """Milliseconds since the epoch for --since: an ISO 8601 time (UTC when it names no zone)
    or an age before now: a number with s, m, h or d."""
    now = time.time() if now is None else now
    m = _AGE.fullmatch(text)
    if m:
        seconds = float(m.group(1)) * UNITS[m.group(2)]
        return int((now - seconds) * 1000)
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{text!r} is neither an ISO 8601 time nor an age like 15m") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return int(when.timestamp() * 1000)


def arrival(article: Any) -> float:
    """When the article entered the pipeline (the clean stage's stamp; the same on every
    replay, so a replayed article gets the same answer), in seconds since the epoch."""
    for stamp in getattr(article, "trace", None) or ():
        if stamp.stage.split(":")[0] == "clean":
            return float(stamp.at.timestamp())
    published = getattr(article, "published_at", None)
    return float(published.timestamp()) if published is not None else 0.0
