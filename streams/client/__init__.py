"""Python clients for other services: a Publisher of raw articles and a typed Subscriber of
enriched ones, and group-less readers of any topic. All speak the wire format through
:mod:`schemas` (the one encode/decode) and need only :mod:`schemas` and the settings: a
subscriber's install (no extras) imports nothing of the processors.

- :mod:`streams.client.publishing`: :class:`Publisher`, :class:`AsyncPublisher`;
- :mod:`streams.client.subscribing`: :class:`Subscriber`, :class:`AsyncSubscriber`;
- :mod:`streams.client.reading`: :class:`Start`, ``open_reader``, ``read_to``, the trend windows.
"""

from streams.client.options import aiokafka_options
from streams.client.publishing import AsyncPublisher, Published, Publisher
from streams.client.reading import (
    Start,
    StartArg,
    open_reader,
    read_to,
    seek_start,
    seek_to_time,
    trending_windows,
)
from streams.client.subscribing import AsyncSubscriber, Subscriber

__all__ = [
    "AsyncPublisher",
    "AsyncSubscriber",
    "Published",
    "Publisher",
    "Start",
    "StartArg",
    "Subscriber",
    "aiokafka_options",
    "open_reader",
    "read_to",
    "seek_start",
    "seek_to_time",
    "trending_windows",
]
