"""Word-slicing decoders for canonically encoded event data: the fast path of the catalog.

eth-abi's generic decoder costs tens of microseconds per value, and the data hash of a journaled
event would re-encode what it just decoded. For the layouts events actually use (elementary
static values, `bytes`, and arrays of elementary values or of tuples of them) a layout is
compiled once into plain `int.from_bytes` / slice readers producing the catalog's JSON-native
values directly.

A reader accepts only the *canonical* encoding — the one Solidity emits: offsets pointing at
contiguous tails in order, the exact total length, zero padding, in-range integers, 0/1 bools.
Canonical data is the unique encoding of its values, so (1) the values equal what eth-abi
decodes and (2) re-encoding them reproduces the data byte for byte, which lets the data hash be
spliced from the raw topics and data. Anything else raises `NotCanonicalError` and the caller
falls back to eth-abi, which then decodes (or rejects) it exactly as before.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from eth_utils import to_checksum_address

WORD = 32
ZERO_WORD = bytes(WORD)

WordReader = Callable[[bytes, int], Any]
"""Reads the value whose 32-byte word starts at an offset of the data (JSON-native result)."""


class NotCanonicalError(Exception):
    """The data is not the canonical encoding this layout expects (use the generic decoder)."""


@lru_cache(maxsize=65_536)
def checksum(address: str) -> str:
    """EIP-55 checksum of an address (cached: the same parties appear over and over)."""
    return str(to_checksum_address(address))


def component_name(param: Mapping[str, Any], index: int) -> str:
    """The key of a tuple component in decoded values (its name, else ``field<index>``)."""
    return str(param.get("name") or f"field{index}")


# ---------------------------------------------------------------------------------------
# Elementary static values: one word each
# ---------------------------------------------------------------------------------------

_INT = re.compile(r"(u?)int(\d*)")
_FIXED_BYTES = re.compile(r"bytes(\d+)")


def _uint(bits: int) -> WordReader:
    limit = 1 << bits

    def read(data: bytes, at: int) -> int:
        value = int.from_bytes(data[at : at + WORD], "big")
        if value >= limit:
            raise NotCanonicalError
        return value

    return read


def _int(bits: int) -> WordReader:
    half = 1 << (bits - 1)

    def read(data: bytes, at: int) -> int:
        value = int.from_bytes(data[at : at + WORD], "big", signed=True)
        if not -half <= value < half:
            raise NotCanonicalError
        return value

    return read


def _address(data: bytes, at: int) -> str:
    if data[at : at + 12] != ZERO_WORD[:12]:
        raise NotCanonicalError
    return checksum("0x" + data[at + 12 : at + WORD].hex())


def _bool(data: bytes, at: int) -> bool:
    value = int.from_bytes(data[at : at + WORD], "big")
    if value > 1:
        raise NotCanonicalError
    return value == 1


def _fixed_bytes(size: int) -> WordReader:
    padding = ZERO_WORD[size:]

    def read(data: bytes, at: int) -> str:
        if data[at + size : at + WORD] != padding:
            raise NotCanonicalError
        return "0x" + data[at : at + size].hex()

    return read


def word_reader(abi_type: str) -> WordReader | None:
    """The reader of a one-word elementary type, or None for any other type."""
    if abi_type == "address":
        return _address
    if abi_type == "bool":
        return _bool
    if match := _INT.fullmatch(abi_type):
        bits = int(match.group(2) or 256)
        return _uint(bits) if match.group(1) else _int(bits)
    if match := _FIXED_BYTES.fullmatch(abi_type):
        return _fixed_bytes(int(match.group(1)))
    return None


_read_length = _uint(64)  # NOTE: a longer array or byte string could never fit in a log anyway


# ---------------------------------------------------------------------------------------
# Dynamic values: an offset word in the head, a tail after it
# ---------------------------------------------------------------------------------------

TailReader = Callable[[bytes, int], tuple[Any, int]]
"""Reads a dynamic value whose tail starts at an offset; returns it and the tail's end."""


def _bytes_tail(data: bytes, at: int) -> tuple[str, int]:
    size = _read_length(data, at)
    start = at + WORD
    end = start + size
    padded = start + -(-size // WORD) * WORD
    if padded > len(data) or data[end:padded] != ZERO_WORD[: padded - end]:
        raise NotCanonicalError
    return "0x" + data[start:end].hex(), padded


def _array_tail(element: Callable[[bytes, int], Any], words: int) -> TailReader:
    stride = words * WORD

    def read(data: bytes, at: int) -> tuple[list[Any], int]:
        count = _read_length(data, at)
        start = at + WORD
        end = start + count * stride
        if end > len(data):
            raise NotCanonicalError
        return [element(data, base) for base in range(start, end, stride)], end

    return read


def _static_tuple(components: Sequence[Mapping[str, Any]]) -> tuple[WordReader, int] | None:
    fields: list[tuple[str, WordReader, int]] = []
    for index, component in enumerate(components):
        reader = word_reader(str(component["type"]))
        if reader is None:
            return None
        fields.append((component_name(component, index), reader, index * WORD))

    def read(data: bytes, at: int) -> dict[str, Any]:
        return {name: reader(data, at + offset) for name, reader, offset in fields}

    return read, len(fields)


def tail_reader(param: Mapping[str, Any]) -> TailReader | None:
    """The reader of `bytes`, `T[]` or `(T,…)[]` with elementary `T`, or None for others."""
    kind = str(param["type"])
    if kind == "bytes":
        return _bytes_tail
    if kind == "tuple[]":
        compiled = _static_tuple(list(param.get("components", [])))
        return None if compiled is None else _array_tail(*compiled)
    if kind.endswith("[]") and (element := word_reader(kind[:-2])) is not None:
        return _array_tail(element, 1)
    return None


# ---------------------------------------------------------------------------------------
# A whole event: indexed topics + data, and the spliced data hash
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FastLayout:
    """A compiled event layout: decodes topics and data, and splices the hash-chain preimage.

    `topic_readers` are (input position, reader) per indexed input, `data_readers` (input
    position, head reader, tail reader) per data input — exactly one of the two readers is set.
    `hash_parts` lists, per hash-chain field, (True, topic number) for an indexed field or
    (False, data index) for a data field; None when the event is not journaled.
    """

    size: int
    topic_readers: tuple[tuple[int, WordReader], ...]
    data_readers: tuple[tuple[int, WordReader | None, TailReader | None], ...]
    hash_parts: tuple[tuple[bool, int], ...] | None

    def decode(self, topics: Sequence[bytes], data: bytes) -> tuple[list[Any], bytes | None]:
        """JSON-native values of every input and the data-hash preimage (None: not journaled).

        Raises NotCanonicalError unless topics and data are canonical for this layout.
        """
        if len(topics) != len(self.topic_readers) + 1:
            raise NotCanonicalError
        values: list[Any] = [None] * self.size
        for (position, reader), topic in zip(self.topic_readers, topics[1:], strict=True):
            if len(topic) != WORD:
                raise NotCanonicalError
            values[position] = reader(topic, 0)
        head = len(self.data_readers) * WORD
        if len(data) < head:
            raise NotCanonicalError
        end = head
        for index, (position, read_word, read_tail) in enumerate(self.data_readers):
            if read_word is not None:
                values[position] = read_word(data, index * WORD)
                continue
            assert read_tail is not None
            # NOTE: canonical tails follow the head contiguously, in input order.
            if int.from_bytes(data[index * WORD : (index + 1) * WORD], "big") != end:
                raise NotCanonicalError
            values[position], end = read_tail(data, end)
        if len(data) != end:
            raise NotCanonicalError
        return values, self._preimage(topics, data, head)

    def _preimage(self, topics: Sequence[bytes], data: bytes, head: int) -> bytes | None:
        # NOTE: abi.encode(hash fields) = their head words then the data's tails; indexed words
        # come from the topics and push every tail (so every offset) right by one word each.
        if self.hash_parts is None:
            return None
        shift = sum(WORD for from_topic, _ in self.hash_parts if from_topic)
        if not shift:
            return data
        words: list[bytes] = []
        for from_topic, index in self.hash_parts:
            if from_topic:
                words.append(topics[index])
                continue
            word = data[index * WORD : (index + 1) * WORD]
            if self.data_readers[index][2] is not None:
                word = (int.from_bytes(word, "big") + shift).to_bytes(WORD, "big")
            words.append(word)
        words.append(data[head:])
        return b"".join(words)


def compile_layout(
    inputs: Sequence[Mapping[str, Any]], hash_fields: Sequence[int] | None
) -> FastLayout | None:
    """The fast layout of an event's ABI inputs, or None when a type or the hash rule needs eth-abi.

    `hash_fields` are the input positions the hash-chain data hash covers (None: not journaled);
    the preimage can be spliced only when they are in declaration order, include every data
    input, and their indexed members are one-word elementary values.
    """
    topic_readers: list[tuple[int, WordReader]] = []
    data_readers: list[tuple[int, WordReader | None, TailReader | None]] = []
    slots: dict[int, tuple[bool, int]] = {}
    for position, param in enumerate(inputs):
        if param.get("indexed"):
            reader = word_reader(str(param["type"]))
            if reader is None:
                return None
            slots[position] = (True, len(topic_readers) + 1)
            topic_readers.append((position, reader))
            continue
        reader = word_reader(str(param["type"]))
        tail = None if reader is not None else tail_reader(param)
        if reader is None and tail is None:
            return None
        slots[position] = (False, len(data_readers))
        data_readers.append((position, reader, tail))
    hash_parts: tuple[tuple[bool, int], ...] | None = None
    if hash_fields is not None:
        data_positions = [position for position, _, _ in data_readers]
        in_order = list(hash_fields) == sorted(set(hash_fields))
        if not in_order or not set(data_positions) <= set(hash_fields):
            return None
        hash_parts = tuple(slots[position] for position in hash_fields)
    return FastLayout(
        size=len(inputs),
        topic_readers=tuple(topic_readers),
        data_readers=tuple(data_readers),
        hash_parts=hash_parts,
    )


__all__ = [
    "FastLayout",
    "NotCanonicalError",
    "checksum",
    "compile_layout",
    "component_name",
    "tail_reader",
    "word_reader",
]
