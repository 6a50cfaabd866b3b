"""ABI helpers shared by the revert decoder and the event catalog."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def canonical_type(param: Mapping[str, Any]) -> str:
    """The canonical ABI type of an ABI parameter (tuples spelled out)."""
    kind = str(param["type"])
    if kind.startswith("tuple"):
        inner = ",".join(canonical_type(c) for c in param.get("components", []))
        return f"({inner}){kind[len('tuple') :]}"
    return kind
