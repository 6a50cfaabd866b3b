"""Where the index stands and who may read what: the last indexed block, auditors, parties."""

from __future__ import annotations

from eth_utils import keccak
from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger.reads.indexer.models import AgreementParty, Event, SyncState
from ledger.reads.queries.paging import IndexReader

AUDITOR_ROLE = "0x" + keccak(text="AUDITOR_ROLE").hex()


class BookkeepingQueries(IndexReader):
    """The index's cursor and the role and party checks the API authorises with."""

    def last_block(self) -> int | None:
        """The last indexed block (None before the first sync): what every read is as of."""
        with Session(self.engine) as session:
            state = session.get(SyncState, 1)
            return None if state is None else state.last_block

    def is_auditor(self, account: str) -> bool:
        """Whether the registry's latest role event for `account` granted AUDITOR_ROLE."""
        statement = (
            select(Event.name, Event.args)
            .where(
                Event.contract == "ParkRegistry",
                Event.name.in_(("RoleGranted", "RoleRevoked")),
                Event.partition == "p:" + account,
            )
            .order_by(Event.block_number, Event.log_index)
        )
        granted = False
        with Session(self.engine) as session:
            for name, args in session.execute(statement):
                if str(args.get("role", "")).lower() == AUDITOR_ROLE:
                    granted = name == "RoleGranted"
        return granted

    def is_party(self, agreement_id: str, account: str) -> bool:
        """Whether `account` is or was a party of the agreement."""
        with Session(self.engine) as session:
            return session.get(AgreementParty, (agreement_id, account)) is not None


__all__ = ["AUDITOR_ROLE", "BookkeepingQueries"]
