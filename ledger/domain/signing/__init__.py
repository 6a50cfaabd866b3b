"""EIP-712 intents of the suite: payload builders (what `eth_signTypedData_v4` signs), signing,
digests and recovery with the contracts' own rules (docs/eip712.md)."""

from ledger.domain.signing.signatures import (
    ERC1271_ABI,
    ERC1271_MAGIC,
    check_encoding,
    digest,
    expand_compact,
    recover,
    sign,
    verify,
)
from ledger.domain.signing.typed_data import (
    AGREEMENTS_DOMAIN,
    CONTRIBUTIONS_DOMAIN,
    GOVERNANCE_DOMAIN,
    TypedData,
    consent_typed_data,
    domain,
    record_typed_data,
    vote_typed_data,
)

__all__ = [
    "AGREEMENTS_DOMAIN",
    "CONTRIBUTIONS_DOMAIN",
    "ERC1271_ABI",
    "ERC1271_MAGIC",
    "GOVERNANCE_DOMAIN",
    "TypedData",
    "check_encoding",
    "consent_typed_data",
    "digest",
    "domain",
    "expand_compact",
    "recover",
    "record_typed_data",
    "sign",
    "verify",
    "vote_typed_data",
]
