"""Lifecycle pieces shared by long-lived objects: `with` closes them, and one background loop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Self

from ledger.domain.errors import ChainUnavailableError

log = logging.getLogger(__name__)


class Closing:
    """`with obj:` calls `obj.close()` on the way out, whatever happened inside."""

    def close(self) -> None:
        """Release what the object holds."""

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def run_until_stopped(
    step: Callable[[], float], *, stop: threading.Event, backoff: float, what: str
) -> None:
    """Call `step` until `stop` is set, waiting the delay it returns; on an error wait `backoff`."""
    while not stop.is_set():
        try:
            delay = step()
        except ChainUnavailableError as err:
            log.warning("%s", err)
            delay = backoff
        except Exception:
            # NOTE: the thread must outlive surprises (an odd RPC answer): every outbox step
            # and index chunk is one transaction, so the next step resumes from a
            # consistent state.
            log.exception("%s failed", what)
            delay = backoff
        stop.wait(delay)


def start_loop(
    step: Callable[[], float],
    *,
    stop: threading.Event,
    backoff: float,
    what: str,
    name: str,
) -> threading.Thread:
    """`run_until_stopped(step, ...)` in a started daemon thread called `name`."""
    thread = threading.Thread(
        target=run_until_stopped,
        kwargs={"step": step, "stop": stop, "backoff": backoff, "what": what},
        name=name,
        daemon=True,
    )
    thread.start()
    return thread
