"""A stage's processor in a process of its own, with a time budget per record.

A processor is CPU-bound code over text from anywhere; one odd page (a list of forty
thousand names, a line of sixty thousand quotation marks) may take far longer than any
article should. Run in the worker's own process, such a record holds the stage: nothing
behind it comes out and, past the poll interval, the consumer leaves its group. So a stage's
work runs in a child process the worker can stop whatever the code inside is doing:

- the worker loads the models once (``warm_up``) and forks a *zygote* (twice, so that it is
  no child of the stage's process and no ``wait()`` there meets it): a process that holds
  the warm models and does nothing but fork workers on request, so that a new worker is
  ready in milliseconds with the models already in memory (shared copy-on-write). The zygote
  is forked before the worker starts its threads and forks only from itself, single-threaded;
- each call sends the batch to the current worker over a Unix socket and waits at most the
  batch's budget: ``record_budget_seconds`` for one record, and a tenth of it more for each
  further record of the batch (:func:`batch_budget`). Waiting releases the interpreter, so
  the event loop that keeps the consumer in its group goes on beating;
- past the budget the worker is killed (SIGKILL) and the call raises
  :class:`~streams.routing.OverBudget`; the routing then takes the batch record by record,
  and a record that overruns alone is delivered flagged ``<stage>_partial`` with what the
  stage gives when cut short. The next call gets a fresh worker from the zygote;
- inside the worker the processor also sees a deadline (:mod:`streams.processors.budget`:
  half the budget, for each record from when the processor turns to it), so a processor
  that works in steps delivers what it has finished before it would be killed, and a record
  after a slow one in the same batch is not cut short for the other's sake.

A worker that dies on its own (a crash in native code) fails the call as a processing error:
the batch is retried record by record, and a record that kills its worker alone is
dead-lettered with its original bytes.
"""

from __future__ import annotations

import contextlib
import logging
import math
import multiprocessing
import os
import secrets
import shutil
import signal
import socket
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from schemas.errors import ProcessingFailed
from streams.pipeline import Processor, StageDef
from streams.processors import budget
from streams.routing import OverBudget

log = logging.getLogger("newswire.isolation")

#: each record of a batch after the first adds this share of the one-record budget
BATCH_SHARE = 0.1
#: the processor's own deadline inside the worker, as a share of the budget: it stops
#: starting new steps there and delivers what it finished, before it would be killed
SOFT_SHARE = 0.5
#: seconds to wait for a new worker to connect
START_TIMEOUT = 30.0


def batch_budget(record_budget: float, records: int) -> float:
    """Seconds a batch of ``records`` may take: the budget of one record, and BATCH_SHARE of
    it for each further one (a batch is cheaper per record than records one by one)."""
    return record_budget * (1.0 + BATCH_SHARE * max(0, records - 1))


def _serve(  # pragma: no mutate block (runs in the forked worker: tests/unit/test_isolation.py)
    conn: Connection, processor: Processor, record_budget: float
) -> None:
    """A worker's loop: a batch and its budget in, the processor's results (or its error)
    out, until the socket closes."""
    while True:
        try:
            batch, seconds = conn.recv()
        except (EOFError, OSError):
            return
        budget.start(seconds * SOFT_SHARE, record_budget * SOFT_SHARE)
        try:
            reply: tuple[str, Any] = ("ok", processor.process(batch))
        except BaseException as exc:  # the worker reports every failure and goes on
            reply = ("error", exc)
        finally:
            budget.clear()
        try:
            conn.send(reply)
        except Exception as exc:  # an error or result that cannot be pickled
            conn.send(("error", ProcessingFailed(f"{type(exc).__name__}: {exc}")))


def _connect(address: str) -> Connection:  # pragma: no mutate block (the forked worker)
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(address)
    return Connection(sock.detach())


def _zygote(  # pragma: no mutate block (runs in the forked zygote: tests/unit/test_isolation.py)
    control: Connection,
    parents: tuple[Any, ...],
    address: str,
    processor: Processor,
    record_budget: float,
) -> None:
    """Fork a worker for each request on ``control`` and answer its pid; reap the workers
    that ended; stop when the control connection closes (the stage's process ended). The
    stage process's ends (``parents``) are closed here, so that its closing is seen."""
    for end in parents:
        end.close()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the stage's process decides when to stop
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    control.send(os.getpid())
    while True:
        try:
            control.recv()
        except (EOFError, OSError):
            break
        with contextlib.suppress(ChildProcessError):
            while os.waitpid(-1, os.WNOHANG)[0] > 0:
                pass
        pid = os.fork()
        if pid == 0:  # the worker
            code = 0
            try:
                control.close()
                _serve(_connect(address), processor, record_budget)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        control.send(pid)
    os._exit(0)


class Isolated:
    """The stage's processor behind a process boundary and a time budget per record (the
    :class:`~streams.pipeline.Processor` interface: ``warm_up`` then ``process``)."""

    def __init__(self, stage: StageDef, processor: Processor, record_budget: float) -> None:
        if record_budget <= 0 or math.isinf(record_budget):
            raise ValueError(f"a time budget is a positive number of seconds: {record_budget}")
        self.stage = stage
        self.inner = processor
        self.record_budget = record_budget
        self._dir: str | None = None  # pragma: no mutate
        self._server: socket.socket | None = None  # pragma: no mutate
        self.zygote_pid: int | None = None
        self._control: Connection | None = None  # pragma: no mutate
        self._worker: tuple[int, Connection] | None = None
        self.restarts = 0
        #: the zygote could not give a worker (it died): the processor runs here, unbounded,
        #: rather than losing every record that follows
        self.in_process = False

    # --- lifecycle --------------------------------------------------------------------------
    def warm_up(self) -> None:  # pragma: no mutate block (forks: tests/unit/test_isolation.py)
        """Load the models here, then fork the zygote (before any thread starts)."""
        self.inner.warm_up()
        if self.zygote_pid is not None:
            return
        if sys.platform.startswith("linux"):
            # an abstract socket: no file is left behind when the stage is killed -9
            address = f"\0newswire-{self.stage.name}-{os.getpid()}-{secrets.token_hex(8)}"
        else:  # pragma: no cover (other systems have no abstract sockets)
            self._dir = tempfile.mkdtemp(prefix=f"newswire-{self.stage.name}-")
            address = str(Path(self._dir) / "workers.sock")
        self._server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._server.bind(address)
        self._server.listen(4)
        self._server.settimeout(START_TIMEOUT)
        ours, theirs = multiprocessing.Pipe()
        # forked twice: the zygote is nobody's child here (the intermediate is reaped at
        # once), so no wait() of this process (a test runner's, a supervisor's) ever meets
        # it; it ends when its control connection closes, with this process at the latest
        middle = os.fork()
        if middle == 0:
            try:
                if os.fork() == 0:
                    try:
                        _zygote(
                            theirs, (ours, self._server), address, self.inner, self.record_budget
                        )
                    finally:
                        os._exit(0)
            finally:
                os._exit(0)
        os.waitpid(middle, 0)
        theirs.close()
        if not ours.poll(START_TIMEOUT):
            raise RuntimeError(f"{self.stage.name}: the worker zygote did not start")
        self.zygote_pid = int(ours.recv())
        self._control = ours
        self._spawn()

    def _spawn(self) -> tuple[int, Connection]:
        if self._control is None or self._server is None:
            raise RuntimeError(f"{self.stage.name}: warm_up() was not called")
        started = time.monotonic()
        self._control.send("fork")
        pid = int(self._control.recv())
        sock, _ = self._server.accept()
        sock.setblocking(True)
        self._worker = (pid, Connection(sock.detach()))
        log.info("%s: worker %d ready in %.3fs", self.stage.name, pid, time.monotonic() - started)
        return self._worker

    def _kill(self) -> None:
        if self._worker is None:
            return
        pid, conn = self._worker
        self._worker = None
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        conn.close()
        self.restarts += 1

    def close(self) -> None:
        """Stop the worker and the zygote, remove the socket."""
        self._kill()
        if self._control is not None:
            self._control.close()
            self._control = None
        if self.zygote_pid is not None:  # it ends on the closed connection; make sure
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.zygote_pid, signal.SIGKILL)
            self.zygote_pid = None
        if self._server is not None:
            self._server.close()
            self._server = None
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
            self._dir = None

    # --- work -------------------------------------------------------------------------------
    def _current(self) -> Connection | None:
        """The worker's connection; a new worker if there is none; None when the zygote
        cannot give one any more (then the processor runs in this process)."""
        if self._worker is not None:
            return self._worker[1]
        try:
            return self._spawn()[1]
        except (OSError, EOFError, ValueError) as exc:
            log.error(
                "%s: no worker process can be started (%s): processing in the stage's own "
                "process from now on, without a time budget",
                self.stage.name,
                exc,
            )
            self.in_process = True
            return None

    def process(self, batch: list[Any]) -> list[Any]:
        """The processor's results for the batch, from the worker, within the batch's budget
        (:func:`batch_budget`); past it the worker is killed and OverBudget raised."""
        conn = None if self.in_process else self._current()
        if conn is None:
            return self.inner.process(batch)
        seconds = batch_budget(self.record_budget, len(batch))
        try:
            conn.send((batch, seconds))
            ready = conn.poll(seconds)
        except OSError as exc:  # the worker is gone
            self._kill()
            raise ProcessingFailed(f"the {self.stage.name} worker ended: {exc}") from None
        if not ready:
            self._kill()
            raise OverBudget(f"{len(batch)} records took more than {seconds:.1f}s")
        try:
            kind, payload = conn.recv()
        except (EOFError, OSError) as exc:  # it died on this batch (a native crash)
            self._kill()
            raise ProcessingFailed(
                f"the {self.stage.name} worker died on this input ({type(exc).__name__})"
            ) from None
        if kind == "error":
            raise payload
        results: list[Any] = payload
        return results


def isolate(stage: StageDef, processor: Processor, settings: Any) -> Processor:
    """The processor the worker and ``newswire enrich`` run: isolated with the settings'
    budget when the stage is, and the budget is on (greater than 0)."""
    seconds = float(getattr(settings, "record_budget_seconds", 0) or 0)
    if not stage.isolated or seconds <= 0:
        return processor
    return Isolated(stage, processor, seconds)
