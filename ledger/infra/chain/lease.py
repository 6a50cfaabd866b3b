"""One owner per file on disk: an fcntl lock beside it that names its holder (a node's URL, a
server's address, and the pid), so a second process refuses in one sentence or uses the first."""

from __future__ import annotations

import fcntl
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ledger.domain.errors import ConfigurationError

LOCK_SUFFIX = ".lock"


@dataclass(frozen=True)
class Holder:
    """Who holds a lease: the URL it serves and its process id."""

    url: str
    pid: int


def lock_path(owned: Path) -> Path:
    """The lock file that guards `owned` (beside it, `<name>.lock`)."""
    return owned.with_name(owned.name + LOCK_SUFFIX)


def _read_holder(fd: int, path: Path) -> Holder:
    raw = os.pread(fd, 4096, 0)
    try:
        data: Any = json.loads(raw)
        return Holder(url=str(data["url"]), pid=int(data["pid"]))
    except (ValueError, KeyError, TypeError) as err:
        raise ConfigurationError(
            f"{path} is locked by a process that is still starting; try again in a moment."
        ) from err


def holder(owned: Path) -> Holder | None:
    """The live process holding `owned`'s lease, or None when nobody holds it."""
    path = lock_path(owned)
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return _read_holder(fd, path)
        # NOTE: nobody holds the lock: the file is what a stopped (or killed) owner left.
        return None
    finally:
        os.close(fd)


class Lease:
    """An exclusive lease on `owned`, held until `release()` (or the process ends); refused
    with the sentence `refusal(holder)` while another process holds it."""

    def __init__(self, owned: Path, *, url: str, refusal: Callable[[Holder], str]) -> None:
        path = lock_path(owned)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as err:
            found = _read_holder(fd, path)
            os.close(fd)
            raise ConfigurationError(refusal(found)) from err
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps({"url": url, "pid": os.getpid()}).encode(), 0)
        self._fd: int | None = fd

    def release(self) -> None:
        """Give the lease up (idempotent)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
