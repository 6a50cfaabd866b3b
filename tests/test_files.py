"""Durable writes: the old file survives a failed write, the new one lands whole."""

from __future__ import annotations

from pathlib import Path

import pytest

from ledger.infra.files import write_atomically


def test_write_atomically_keeps_old_file_when_write_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "file"
    write_atomically(path, b"old")

    def fail(*_: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr("ledger.infra.files.os.replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_atomically(path, b"new")
    assert path.read_bytes() == b"old"
    assert [p.name for p in path.parent.iterdir()] == ["file"]


def test_write_atomically_creates_folders_and_sets_the_mode(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "secret"
    write_atomically(path, b"key", mode=0o600)
    assert path.read_bytes() == b"key"
    assert path.stat().st_mode & 0o777 == 0o600
