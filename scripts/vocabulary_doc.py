"""Write docs/vocabulary.md from the contracts themselves: every enum with its members' numeric
values, and every event of the suite with its fields, which of them are indexed, and topic 0.

A third party decodes logs with the manifest's ABIs (`deployments/<chainId>.json`) and reads
enum values with this table; generating it keeps it from drifting, and `--check` (run by the
suite) fails when the contracts changed and the document did not.

    python scripts/vocabulary_doc.py            # rewrite docs/vocabulary.md
    python scripts/vocabulary_doc.py --check    # exit 1 if it is stale
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from eth_utils import keccak

from ledger.domain.abi import canonical_type
from ledger.infra.compiler import compile_project
from ledger.infra.suite import PARK_SUITE

ROOT = Path(__file__).resolve().parent.parent
DOCUMENT = ROOT / "docs" / "vocabulary.md"
# `/// @notice text` directly above `enum Name { A, B }` (members may carry `//` comments).
_ENUM = re.compile(
    r"(?:///\s*@notice\s*(?P<notice>[^\n]*)\n\s*)?enum\s+(?P<name>\w+)\s*\{(?P<body>[^}]*)\}"
)
_COMMENT = re.compile(r"//[^\n]*")

HEADER = """# Vocabulary: enums and events

Generated from `contracts/` by `python scripts/vocabulary_doc.py` (the suite fails when it is
stale). The API and the index spell enum members as in Solidity; the chain stores their
numeric values. Every contract's ABI is in `deployments/<chainId>.json`, so a log
decodes from the manifest alone; the tables below say which fields are indexed (in the log's
topics, after topic 0) and which are in its data.
"""


def enums(contracts_dir: Path) -> Iterator[tuple[str, str, list[str], str]]:
    """(source file, enum name, member names in order, notice) for every enum of the sources."""
    for path in sorted(contracts_dir.rglob("*.sol")):
        for match in _ENUM.finditer(path.read_text()):
            body = _COMMENT.sub("", match["body"])
            members = [m.strip() for m in body.split(",") if m.strip()]
            relative = path.relative_to(contracts_dir.parent).as_posix()
            yield relative, match["name"], members, (match["notice"] or "").strip()


def events(abis: Mapping[str, Sequence[Mapping[str, Any]]]) -> Iterator[tuple[str, Any]]:
    """(first contract of the suite that emits it, event ABI) for each event, once."""
    seen: set[str] = set()
    for contract, abi in abis.items():
        for item in abi:
            if item.get("type") != "event":
                continue
            signature = _signature(item)
            if signature not in seen:
                seen.add(signature)
                yield contract, item


def _signature(event: Mapping[str, Any]) -> str:
    return f"{event['name']}({','.join(canonical_type(p) for p in event['inputs'])})"


def render(contracts_dir: Path, abis: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """The whole document."""
    lines = [HEADER, "## Enums", ""]
    for source, name, members, notice in enums(contracts_dir):
        lines += [f"### `{name}`", "", f"{notice} (`{source}`)" if notice else f"`{source}`", ""]
        lines += ["| value | member |", "|---:|---|"]
        lines += [f"| {value} | `{member}` |" for value, member in enumerate(members)]
        lines.append("")
    lines += ["## Events", ""]
    for contract, event in events(abis):
        signature = _signature(event)
        topic = "0x" + keccak(text=signature).hex()
        lines += [f"### `{event['name']}` — {contract}", "", f"topic 0: `{topic}`", ""]
        lines += ["| # | field | type | where |", "|---:|---|---|---|"]
        for index, param in enumerate(event["inputs"]):
            where = "indexed (topic)" if param.get("indexed") else "data"
            lines.append(f"| {index} | `{param['name']}` | `{canonical_type(param)}` | {where} |")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def current() -> str:
    """The document as the contracts of this tree define it."""
    artifacts = compile_project()
    abis = {spec.name: artifacts[spec.name].abi for spec in PARK_SUITE}
    return render(ROOT / "contracts", abis)


def main(argv: Sequence[str] | None = None) -> int:
    """Rewrite docs/vocabulary.md, or with --check exit 1 when it is stale."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    text = current()
    if args.check:
        if DOCUMENT.exists() and DOCUMENT.read_text() == text:
            return 0
        print(f"{DOCUMENT} is stale: run `python scripts/vocabulary_doc.py`", file=sys.stderr)
        return 1
    DOCUMENT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
