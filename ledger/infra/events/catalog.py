"""The event catalog: topic 0 → a decoder with precomputed eth-abi types, built from ABIs.

Decoding skips web3's per-log contract machinery: one dictionary lookup by (address, topic 0),
then a layout compiled once per event (`ledger.infra.events.fastabi`: word slicing straight into
JSON-native values, the data hash spliced from the raw topics and data) with a precompiled
eth-abi tuple decoder and a type-driven normalisation as the fallback for layouts or
non-canonical data the fast path does not take. Either way the values are JSON-native Python
(checksummed addresses, ``0x`` hex for bytes, ints, lists, dicts for tuples), so a decoded
event can be stored as JSON and read back unchanged.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from eth_abi.abi import default_codec
from eth_hash.auto import keccak
from eth_utils import to_checksum_address

from ledger.domain.abi import canonical_type
from ledger.domain.encoding import prefixed_hex
from ledger.domain.errors import EventDecodeError
from ledger.domain.hashing import keccak256
from ledger.infra.events.fastabi import (
    FastLayout,
    NotCanonicalError,
    checksum,
    compile_layout,
    component_name,
)
from ledger.infra.events.hashchain import HashChainRules

Normalizer = Callable[[Any], Any]
TupleDecoder = Callable[[bytes], tuple[Any, ...]]


@dataclass(frozen=True, slots=True)
class RawLog:
    """One log as the node returned it, parsed into bytes and ints."""

    address: str
    topics: tuple[bytes, ...]
    data: bytes
    block_number: int
    block_hash: bytes
    tx_hash: bytes
    tx_index: int
    log_index: int
    block_timestamp: int | None = None

    @classmethod
    def from_web3(cls, item: Any) -> RawLog:
        """A web3 log (from a receipt or `get_logs`) as a RawLog."""
        return cls(
            address=str(item["address"]),
            topics=tuple(bytes(t) for t in item["topics"]),
            data=bytes(item["data"]),
            block_number=int(item["blockNumber"]),
            block_hash=bytes(item["blockHash"]),
            tx_hash=bytes(item["transactionHash"]),
            tx_index=int(item["transactionIndex"]),
            log_index=int(item["logIndex"]),
        )


@dataclass(frozen=True, slots=True)
class DecodedEvent:
    """A decoded log: where it happened, what it is, and its JSON-native arguments.

    `action_hash` is the event's hash-chain data hash (docs/hash-chain.md) when the event
    advances its agreement's hash chain, else None.
    """

    contract: str
    address: str
    name: str
    topic0: bytes
    block_number: int
    block_hash: bytes
    tx_hash: bytes
    tx_index: int
    log_index: int
    args: dict[str, Any]
    agreement_id: str | None = None
    action_hash: bytes | None = None
    block_timestamp: int | None = None

    @property
    def position(self) -> tuple[int, int]:
        """(block number, log index): the total order of events on one chain."""
        return (self.block_number, self.log_index)


@dataclass(frozen=True)
class EventParam:
    """One event input: name, canonical ABI type, whether it is indexed, its normaliser."""

    name: str
    abi_type: str
    indexed: bool
    normalize: Normalizer


@dataclass(frozen=True)
class EventSpec:
    """One event of one contract with everything decoding needs precomputed."""

    contract: str
    name: str
    signature: str
    topic0: bytes
    params: tuple[EventParam, ...]
    data_types: tuple[str, ...]
    journaled: bool
    hash_fields: tuple[int, ...]
    agreement_index: int | None
    _data_decoder: TupleDecoder = field(repr=False, compare=False)
    _topic_decoders: tuple[tuple[int, TupleDecoder | None], ...] = field(repr=False, compare=False)
    _data_positions: tuple[int, ...] = field(repr=False, compare=False)
    _hash_is_data: bool = field(repr=False, compare=False, default=False)
    _fast: FastLayout | None = field(repr=False, compare=False, default=None)

    def decode_args(
        self, topics: Sequence[bytes], data: bytes
    ) -> tuple[dict[str, Any], bytes | None]:
        """JSON-native arguments by name and the hash-chain data hash (None if not journaled)."""
        if self._fast is not None:
            try:
                values, preimage = self._fast.decode(topics, data)
            except NotCanonicalError:
                pass  # NOTE: eth-abi decodes (or rejects) what the fast path does not take
            else:
                names = (p.name for p in self.params)
                return dict(zip(names, values, strict=True)), (
                    None if preimage is None else keccak256(preimage)
                )
        return self.decode_generic(topics, data)

    def decode_generic(
        self, topics: Sequence[bytes], data: bytes
    ) -> tuple[dict[str, Any], bytes | None]:
        """`decode_args` through eth-abi alone: the reference the fast path must equal."""
        raw = self.decode_values(topics, data)
        args = {p.name: p.normalize(v) for p, v in zip(self.params, raw, strict=True)}
        return args, self.action_hash(raw, data)

    def decode_values(self, topics: Sequence[bytes], data: bytes) -> list[Any]:
        """The raw eth-abi values of every input, in declaration order."""
        if len(topics) != len(self._topic_decoders) + 1:
            raise EventDecodeError(
                f"{self.contract}.{self.name} expects {len(self._topic_decoders)} indexed "
                f"topics, the log has {len(topics) - 1}"
            )
        values: list[Any] = [None] * len(self.params)
        for (position, decoder), topic in zip(self._topic_decoders, topics[1:], strict=True):
            # NOTE: an indexed dynamic value (string, bytes, array, tuple) is only its hash.
            values[position] = topic if decoder is None else decoder(topic)[0]
        if self._data_positions:
            try:
                decoded = self._data_decoder(data)
            except Exception as err:
                raise EventDecodeError(
                    f"cannot decode the data of {self.contract}.{self.name}: {err}"
                ) from err
            for position, value in zip(self._data_positions, decoded, strict=True):
                values[position] = value
        return values

    def action_hash(self, values: Sequence[Any], data: bytes) -> bytes | None:
        """The hash-chain data hash of an event with these raw values (None if not journaled)."""
        if not self.journaled:
            return None
        if self._hash_is_data:
            return keccak256(data)
        types = [self.params[i].abi_type for i in self.hash_fields]
        return keccak256(default_codec.encode(types, [values[i] for i in self.hash_fields]))


class EventCatalog:
    """Every event of a set of contracts, keyed by (address, topic 0)."""

    def __init__(self, specs: Mapping[str, Sequence[EventSpec]], addresses: Mapping[str, str]):
        self.addresses: dict[str, str] = {
            name: to_checksum_address(a) for name, a in addresses.items()
        }
        self.specs_by_contract: dict[str, tuple[EventSpec, ...]] = {
            name: tuple(items) for name, items in specs.items()
        }
        self._by_key: dict[tuple[str, bytes], EventSpec] = {}
        for name, address in self.addresses.items():
            for spec in self.specs_by_contract.get(name, ()):
                self._by_key[(address.lower(), spec.topic0)] = spec

    @classmethod
    def from_abis(
        cls,
        contracts: Mapping[str, tuple[str, Iterable[Mapping[str, Any]]]],
        *,
        rules: HashChainRules | None = None,
    ) -> EventCatalog:
        """Build the catalog from ``{contract name: (address, abi)}``."""
        rules = rules or HashChainRules()
        specs = {
            name: [_spec(name, entry, rules) for entry in abi if _is_event(entry)]
            for name, (_, abi) in contracts.items()
        }
        return cls(specs, {name: address for name, (address, _) in contracts.items()})

    @property
    def address_list(self) -> list[str]:
        """The checksummed addresses the catalog decodes logs of."""
        return list(self.addresses.values())

    def spec(self, address: str, topic0: bytes) -> EventSpec | None:
        """The event a log with this emitter and topic 0 is, or None when unknown."""
        return self._by_key.get((address.lower(), topic0))

    def find(self, contract: str, name: str) -> EventSpec:
        """The spec of event `name` of `contract`."""
        for spec in self.specs_by_contract.get(contract, ()):
            if spec.name == name:
                return spec
        raise KeyError(f"{contract} has no event {name}")

    def decode(self, log: RawLog) -> DecodedEvent | None:
        """Decode one log; None for an anonymous or unknown event of a known contract."""
        if not log.topics:
            return None
        spec = self._by_key.get((log.address.lower(), log.topics[0]))
        if spec is None:
            return None
        args, action_hash = spec.decode_args(log.topics, log.data)
        agreement = (
            args[spec.params[spec.agreement_index].name]
            if spec.agreement_index is not None
            else None
        )
        return DecodedEvent(
            contract=spec.contract,
            address=self.addresses[spec.contract],
            name=spec.name,
            topic0=spec.topic0,
            block_number=log.block_number,
            block_hash=log.block_hash,
            tx_hash=log.tx_hash,
            tx_index=log.tx_index,
            log_index=log.log_index,
            args=args,
            agreement_id=agreement,
            action_hash=action_hash,
            block_timestamp=log.block_timestamp,
        )


# ---------------------------------------------------------------------------------------
# Building specs
# ---------------------------------------------------------------------------------------

AGREEMENT_ID_PARAM = "agreementId"


def _is_event(entry: Mapping[str, Any]) -> bool:
    return entry.get("type") == "event" and not entry.get("anonymous", False)


def _spec(contract: str, entry: Mapping[str, Any], rules: HashChainRules) -> EventSpec:
    inputs = list(entry.get("inputs", []))
    name = str(entry["name"])
    params = tuple(
        EventParam(
            name=str(p.get("name") or f"arg{i}"),
            abi_type=canonical_type(p),
            indexed=bool(p.get("indexed")),
            normalize=normalizer(p),
        )
        for i, p in enumerate(inputs)
    )
    signature = f"{name}({','.join(p.abi_type for p in params)})"
    topic_decoders = tuple(
        (i, None if _is_dynamic(p.abi_type) else _tuple_decoder((p.abi_type,)))
        for i, p in enumerate(params)
        if p.indexed
    )
    data_positions = tuple(i for i, p in enumerate(params) if not p.indexed)
    data_types = tuple(params[i].abi_type for i in data_positions)
    names = [p.name for p in params]
    agreement_index = names.index(AGREEMENT_ID_PARAM) if AGREEMENT_ID_PARAM in names else None
    journaled = agreement_index is not None and rules.is_journaled(contract, name)
    hash_fields: tuple[int, ...] = ()
    hash_is_data = False
    if journaled:
        wanted = rules.hash_fields(name)
        if wanted is None:
            hash_fields = tuple(i for i in range(len(params)) if i != agreement_index)
        else:
            unknown = [w for w in wanted if w not in names]
            if unknown:
                raise ValueError(f"hash-chain rule of {name} names unknown fields {unknown}")
            hash_fields = tuple(names.index(w) for w in wanted)
        # NOTE: abi.encode of exactly the non-indexed inputs in order *is* the log data.
        hash_is_data = hash_fields == data_positions
    return EventSpec(
        contract=contract,
        name=name,
        signature=signature,
        topic0=bytes(keccak(signature.encode())),
        params=params,
        data_types=data_types,
        journaled=journaled,
        hash_fields=hash_fields,
        agreement_index=agreement_index,
        _data_decoder=_tuple_decoder(data_types),
        _topic_decoders=topic_decoders,
        _data_positions=data_positions,
        _hash_is_data=hash_is_data,
        _fast=compile_layout(inputs, hash_fields if journaled else None),
    )


@lru_cache(maxsize=512)
def _tuple_decoder(types: tuple[str, ...]) -> TupleDecoder:
    # NOTE: strict=False decodes like Solidity does (no padding checks); built once per type.
    decoder = default_codec._registry.get_tuple_decoder(*types, strict=False)
    stream_class: Any = default_codec.stream_class

    def decode(data: bytes) -> tuple[Any, ...]:
        return tuple(decoder(stream_class(data)))

    return decode


def _is_dynamic(abi_type: str) -> bool:
    return abi_type in ("string", "bytes") or abi_type.endswith("]") or abi_type.startswith("(")


# ---------------------------------------------------------------------------------------
# Normalisation: raw eth-abi values → JSON-native Python, driven by the ABI type
# ---------------------------------------------------------------------------------------


def _identity(value: Any) -> Any:
    return value


def _int(value: Any) -> int:
    return int(value)


def _bool(value: Any) -> bool:
    return bool(value)


def normalizer(param: Mapping[str, Any]) -> Normalizer:
    """The function turning a raw decoded value of this ABI parameter into JSON-native form."""
    kind = str(param["type"])
    if kind.endswith("]"):
        inner = dict(param)
        inner["type"] = kind[: kind.rindex("[")]
        element = normalizer(inner)
        return lambda values: [element(v) for v in values]
    if kind == "tuple":
        components = list(param.get("components", []))
        fields = [(component_name(c, i), normalizer(c)) for i, c in enumerate(components)]
        return lambda values: {n: f(v) for (n, f), v in zip(fields, values, strict=True)}
    return _scalar_normalizer(kind)


def _scalar_normalizer(kind: str) -> Normalizer:
    """The normalizer of a scalar ABI type: checksummed addresses, 0x-hex bytes, Python ints."""
    if kind == "address":
        return checksum
    if kind.startswith("bytes"):
        return prefixed_hex
    if kind.startswith(("uint", "int")):
        return _int
    return _bool if kind == "bool" else _identity


__all__ = [
    "DecodedEvent",
    "EventCatalog",
    "EventParam",
    "EventSpec",
    "RawLog",
    "canonical_type",
    "checksum",
    "normalizer",
]
