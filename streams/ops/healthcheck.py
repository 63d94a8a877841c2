"""A container's health check: is the worker in this container ready? (exit 0) or not (1).

    python -m streams.ops.healthcheck [PORT]

The port is the one given, else the worker's own ``--web-port`` (read from the command line
of the container's first process), else its stage's default port, else
``NEWSWIRE_WEB_PORT``, else the supervisor's. It asks the worker's ready endpoint
(``READY_PATH``) on 127.0.0.1.
"""

from __future__ import annotations

import os
import sys
import urllib.request
from pathlib import Path

from streams.pipeline import READY_PATH, STAGES, SUPERVISOR_WEB_PORT, stage


def port_from_command(argv: list[str]) -> int | None:
    """The web port a `newswire worker ...` command line runs on, or None if it does not say."""

    def value(flag: str) -> str | None:
        for i, arg in enumerate(argv):
            if arg == flag and i + 1 < len(argv):
                return argv[i + 1]
            if arg.startswith(flag + "="):
                return arg.split("=", 1)[1]
        return None

    port = value("--web-port")
    if port is not None and port.isdigit():
        return int(port)
    name = value("--stage")
    if name in STAGES:
        return stage(name).web_port
    return None


def main(args: list[str]) -> int:
    port: int | None = int(args[0]) if args else None
    if port is None:
        try:
            cmdline = Path("/proc/1/cmdline").read_bytes().split(b"\0")
            port = port_from_command([a.decode("utf-8", "replace") for a in cmdline if a])
        except OSError:
            port = None
    if port is None:
        port = int(os.environ.get("NEWSWIRE_WEB_PORT") or SUPERVISOR_WEB_PORT)
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{READY_PATH}", timeout=4) as resp:
            return 0 if resp.status == 200 else 1
    except OSError as exc:
        print(f"not ready on port {port}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
