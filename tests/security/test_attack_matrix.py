"""The attack matrix (docs/security.md): one named test per attack row that no contract test
already covers. Each test fails if its mitigation is removed; rows covered elsewhere are listed
in docs/security.md with the name of the test that covers them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from agreement_helpers import (
    FOR,
    ZERO_ADDRESS,
    compact,
    consent_signature,
    default_params,
    equal_shares,
    events,
    expect_revert,
    new_accounts,
    propose,
    register,
    sign_typed,
    vote_signature,
    vote_typed_data,
)
from eth_abi import encode
from eth_utils import keccak
from module_helpers import (
    DAY,
    GRACE,
    VOTING_PERIOD,
    admitted_token,
    assert_conserved,
    open_agreement,
    open_agreement_with_contract,
    record,
    record_typed_data,
    register_all,
)

from ledger.domain.errors import RevertError
from ledger.infra.tx import transact

ETH = 10**18
ACCEPT, REENTER, BURN_GAS = range(3)
MAGIC_FOR_ANYTHING, REVERTS, GARBAGE, NOTHING = range(4)
GUARD_ERROR = "ReentrancyGuardReentrantCall"
BLOCK_GAS_LIMIT = 30_000_000
DESCRIPTION = keccak(text="security: a bonded promise")
DELIVERABLE = keccak(text="security: the deliverable")


@pytest.fixture
def parties(suite: Any) -> list[Any]:
    return list(suite.accounts[1:4])


def act(suite: Any, party: Any, fn: Any, value: int = 0) -> Any:
    """Send `fn` from the contract `party` (through its `exec`), paid for by accounts[1]."""
    data = fn._encode_transaction_data()
    return suite.transact(party.functions.exec(fn.address, data), suite.accounts[1], value=value)


def arm(suite: Any, party: Any, mode: int, *calls: Any) -> None:
    """Set the ReentrantParty's callback behaviour and the calls it makes on the next callback."""
    targets = [fn.address for fn in calls]
    data = [fn._encode_transaction_data() for fn in calls]
    suite.transact(party.functions.arm(mode, targets, data), suite.accounts[1])


def reentry_errors(suite: Any, party: Any) -> list[str | None]:
    """The decoded error of each armed call (None for a call that succeeded)."""
    ok, returned = party.functions.outcomes().call()
    return [
        None if good else suite.decoder.decode(bytes(data)).name
        for good, data in zip(ok, returned, strict=True)
    ]


def hostile_agreement(
    suite: Any, parties: list[Any], token: str = ZERO_ADDRESS
) -> tuple[bytes, Any]:
    """An Active agreement among parties[0:2] and a ReentrantParty (30 %)."""
    party = suite.deploy_fixture("ReentrantParty")
    aid = open_agreement_with_contract(
        suite, parties[:2], party, token=token, shares=[4000, 3000, 3000]
    )
    return aid, party


def hook_token(suite: Any, holders: list[Any]) -> Any:
    """A HookToken; each holder (account or contract party) gets 10^24 and approves Revenue."""
    token = admitted_token(suite, "HookToken")
    revenue = suite["Revenue"].address
    for holder in holders:
        suite.transact(token.functions.mint(holder.address, 10**24), suite.accounts[0])
        approve = token.functions.approve(revenue, 2**256 - 1)
        if hasattr(holder, "functions"):
            act(suite, holder, approve)
        else:
            suite.transact(approve, holder)
    return token


def books(parties: list[Any], party: Any) -> list[str]:
    return [p.address for p in parties[:2]] + [party.address]


# ---------------------------------------------------------------------------------------
# Reentrancy
# ---------------------------------------------------------------------------------------


def test_reentrancy_claim_pays_once_when_erc777_hook_reenters(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    party = suite.deploy_fixture("ReentrantParty")
    token = hook_token(suite, [suite.accounts[8]])
    aid = open_agreement_with_contract(
        suite, parties[:2], party, token=token.address, shares=[4000, 3000, 3000]
    )
    act(suite, party, token.functions.registerHooks())
    suite.transact(revenue.functions.deposit(aid, token.address, 10_000), suite.accounts[8])
    arm(suite, party, REENTER, revenue.functions.claim(aid))
    act(suite, party, revenue.functions.claim(aid))
    assert reentry_errors(suite, party) == [GUARD_ERROR]
    assert token.functions.balanceOf(party.address).call() == 3000
    assert revenue.functions.claimableOf(aid, party.address).call() == 0
    assert_conserved(
        suite, token.functions.balanceOf(revenue.address).call(), {aid: books(parties, party)}
    )


@pytest.mark.parametrize("asset", ["eth", "erc777"])
def test_reentrancy_bond_release_pays_bond_once_when_committer_reenters_claim(
    suite: Any, parties: list[Any], asset: str
) -> None:
    revenue, commitments = suite["Revenue"], suite["Commitments"]
    party = suite.deploy_fixture("ReentrantParty")
    token = hook_token(suite, [party]) if asset == "erc777" else None
    aid = open_agreement_with_contract(
        suite,
        parties[:2],
        party,
        token=token.address if token else ZERO_ADDRESS,
        shares=[4000, 3000, 3000],
    )
    bond = 5 * 10**17
    deadline = suite.chain.timestamp() + 10 * DAY
    commit = commitments.functions.commit(aid, 0, DESCRIPTION, deadline, bond)
    act(suite, party, commit, value=0 if token else bond)
    act(suite, party, commitments.functions.submitDeliverable(aid, 1, DELIVERABLE))
    suite.transact(commitments.functions.acceptDeliverable(aid, 1, DELIVERABLE), parties[1])
    if token:
        act(suite, party, token.functions.registerHooks())
    before = token.functions.balanceOf(party.address).call() if token else 0
    arm(suite, party, REENTER, revenue.functions.claim(aid))
    act(suite, party, revenue.functions.claim(aid))
    after = (
        token.functions.balanceOf(party.address).call()
        if token
        else suite.w3.eth.get_balance(party.address)
    )
    assert reentry_errors(suite, party) == [GUARD_ERROR]
    assert after - before == bond
    assert revenue.functions.accountOf(aid).call()[5] == 0  # bondsHeld
    balance = (
        token.functions.balanceOf(revenue.address).call()
        if token
        else suite.w3.eth.get_balance(revenue.address)
    )
    assert_conserved(suite, balance, {aid: books(parties, party)})


def test_reentrancy_breach_blocked_when_bond_pull_hook_reenters(
    suite: Any, parties: list[Any]
) -> None:
    revenue, commitments = suite["Revenue"], suite["Commitments"]
    party = suite.deploy_fixture("ReentrantParty")
    token = hook_token(suite, [party])
    aid = open_agreement_with_contract(
        suite, parties[:2], party, token=token.address, shares=[4000, 3000, 3000]
    )
    act(suite, party, token.functions.registerHooks())
    first = commitments.functions.commit(aid, 0, DESCRIPTION, suite.chain.timestamp() + DAY, 1000)
    act(suite, party, first)
    suite.chain.increase_time(DAY + GRACE + 1)
    # The second bond's pull calls the committer's tokensToSend, which tries to breach the
    # first commitment and to claim from inside Commitments.commit -> Revenue.lockBond.
    arm(
        suite,
        party,
        REENTER,
        commitments.functions.markBreached(aid, 1),
        revenue.functions.claim(aid),
    )
    second = commitments.functions.commit(aid, 0, DESCRIPTION, suite.chain.timestamp() + DAY, 700)
    act(suite, party, second)
    assert reentry_errors(suite, party) == [GUARD_ERROR, GUARD_ERROR]
    assert commitments.functions.commitmentOf(aid, 1).call()[3] == 1  # still Open
    suite.transact(commitments.functions.markBreached(aid, 1), parties[1])
    assert revenue.functions.accountOf(aid).call()[5] == 700  # only the second bond is held
    assert_conserved(
        suite, token.functions.balanceOf(revenue.address).call(), {aid: books(parties, party)}
    )


# ---------------------------------------------------------------------------------------
# Hostile receivers and odd tokens
# ---------------------------------------------------------------------------------------


def test_gas_burning_receiver_blocks_only_itself_when_claiming(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    aid, party = hostile_agreement(suite, parties)
    suite.transact(
        revenue.functions.deposit(aid, ZERO_ADDRESS, 10 * ETH), suite.accounts[8], value=10 * ETH
    )
    arm(suite, party, BURN_GAS)
    claim = revenue.functions.claim(aid)._encode_transaction_data()
    # A fixed gas budget: estimating a call that burns whatever it gets would run py-evm's
    # binary search over the whole block gas limit.
    with pytest.raises(RevertError) as caught:
        transact(
            party.functions.exec(revenue.address, claim),
            sender=suite.accounts[1].address,
            decoder=suite.decoder,
            gas=1_000_000,
        )
    assert caught.value.name == "RevenueTransferFailed"
    assert revenue.functions.claimableOf(aid, party.address).call() == 3 * ETH
    for p in parties[:2]:
        suite.transact(revenue.functions.claim(aid), p)  # the others are not blocked
    payout = suite.accounts[7].address
    before = suite.w3.eth.get_balance(payout)
    act(suite, party, revenue.functions.setPayoutAddress(aid, payout))
    act(suite, party, revenue.functions.claim(aid))
    assert suite.w3.eth.get_balance(payout) - before == 3 * ETH
    assert_conserved(suite, suite.w3.eth.get_balance(revenue.address), {aid: books(parties, party)})


def test_false_returning_token_changes_nothing_when_transfer_returns_false(
    suite: Any, parties: list[Any]
) -> None:
    revenue = suite["Revenue"]
    token = admitted_token(suite, "FalseReturnToken")
    payer = suite.accounts[8]
    suite.transact(token.functions.mint(payer.address, 10**24), payer)
    suite.transact(token.functions.approve(revenue.address, 2**256 - 1), payer)
    aid = open_agreement(suite, parties, token=token.address)
    suite.transact(revenue.functions.deposit(aid, token.address, 9_000), payer)
    suite.transact(token.functions.setRefuse(True), payer)
    account = revenue.functions.accountOf(aid).call()
    owed = revenue.functions.claimableOf(aid, parties[0].address).call()
    for fn, sender in (
        (revenue.functions.claim(aid), parties[0]),
        (revenue.functions.deposit(aid, token.address, 9_000), payer),
    ):
        expect_revert(suite, fn, sender, "SafeERC20FailedOperation", agreement=aid)
    assert revenue.functions.accountOf(aid).call() == account
    assert revenue.functions.claimableOf(aid, parties[0].address).call() == owed
    assert token.functions.balanceOf(revenue.address).call() == 9_000


# ---------------------------------------------------------------------------------------
# Signatures
# ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("lie", [MAGIC_FOR_ANYTHING, REVERTS, GARBAGE, NOTHING])
def test_erc1271_lying_wallet_binds_only_itself_when_it_lies(
    suite: Any, parties: list[Any], lie: int
) -> None:
    agreements = suite["Agreements"]
    wallet = suite.deploy_fixture("LyingWallet", lie)
    register_all(suite, [parties[0].address, parties[1].address, wallet.address])
    params = default_params(suite, [parties[0], parties[1], wallet])
    aid = propose(suite, parties[0], params)
    junk = keccak(text="not a signature") * 2 + b"\x1b"
    deadline = suite.chain.timestamp() + 3600
    fn = agreements.functions.consentBySignatures
    relayer = suite.accounts[10]
    # Whatever the wallet says, it cannot vouch for an EOA party.
    forged = (parties[1].address, 0, deadline, junk)
    expect_revert(suite, fn(aid, [forged]), relayer, "AgreementInvalidSignature", agreement=aid)
    own = (wallet.address, 0, deadline, junk)
    if lie == MAGIC_FOR_ANYTHING:
        # ERC-1271 lets a wallet define its own validity: the lie binds only the wallet.
        suite.transact(fn(aid, [own]), relayer)
        assert agreements.functions.consentVersionOf(aid, wallet.address).call() == 1
    else:
        expect_revert(
            suite,
            fn(aid, [own]),
            relayer,
            "AgreementInvalidSignature",
            {"signer": wallet.address},
            agreement=aid,
        )
        assert agreements.functions.consentVersionOf(aid, wallet.address).call() == 0
    assert agreements.functions.consentVersionOf(aid, parties[1].address).call() == 0


@dataclass(frozen=True)
class Signed:
    """A relayed action signed under a (possibly wrong) domain, and how to submit it."""

    submit: Callable[[bytes], Any]
    sign: Callable[[dict[str, Any]], bytes]
    invalid: str
    replayed: str


def _relayed_vote(suite: Any, parties: list[Any], aid: bytes) -> Signed:
    gov = suite["Governance"]
    receipt = suite.transact(
        gov.functions.proposeAmend(aid, keccak(text="replay"), [4000, 3000, 3000]), parties[0]
    )
    pid = int(events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"])
    voter, deadline = parties[1], suite.chain.timestamp() + 3600
    nonce = suite["Agreements"].functions.nonceOf(aid, voter.address).call()

    def sign(domain: dict[str, Any]) -> bytes:
        typed = vote_typed_data(
            chain_id=domain["chainId"],
            contract=domain["verifyingContract"],
            agreement=aid,
            proposal_id=pid,
            support=FOR,
            nonce=nonce,
            deadline=deadline,
        )
        return sign_typed(voter, typed)

    def submit(signature: bytes) -> Any:
        return gov.functions.voteBySignatures(
            pid, [(voter.address, FOR, nonce, deadline, signature)]
        )

    # A replayed vote is a vote already cast: the batch skips it, and a batch of only
    # such votes reverts.
    return Signed(submit, sign, "VoteInvalidSignature", "VoteAlreadyCast")


def _relayed_records(suite: Any, parties: list[Any], aid: bytes) -> Signed:
    contributions = suite["Contributions"]
    signer, records = parties[0], [record(5)]
    deadline = suite.chain.timestamp() + 3600

    def sign(domain: dict[str, Any]) -> bytes:
        typed = record_typed_data(suite, aid, signer.address, records, 0, deadline)
        typed["domain"].update(domain)
        return sign_typed(signer, typed)

    def submit(signature: bytes) -> Any:
        return contributions.functions.recordBySignature(
            aid, signer.address, records, 0, deadline, signature
        )

    return Signed(submit, sign, "ContributionInvalidSignature", "AgreementInvalidNonce")


@pytest.mark.parametrize("action", ["vote", "records"])
@pytest.mark.parametrize("case", ["other chain", "other contract", "replayed"])
def test_signature_replay_rejected_when_domain_or_nonce_differs(
    suite: Any, parties: list[Any], action: str, case: str
) -> None:
    aid = open_agreement(suite, parties)
    signed = (_relayed_vote if action == "vote" else _relayed_records)(suite, parties, aid)
    home = {"chainId": suite.w3.eth.chain_id, "verifyingContract": signed.submit(b"").address}
    relayer = suite.accounts[10]
    if case == "replayed":
        good = signed.sign(home)
        suite.transact(signed.submit(good), relayer)
        expect_revert(suite, signed.submit(good), relayer, signed.replayed, agreement=aid)
        return
    elsewhere = (
        {**home, "chainId": home["chainId"] + 1}
        if case == "other chain"
        else {**home, "verifyingContract": suite["Agreements"].address}
    )
    expect_revert(
        suite, signed.submit(signed.sign(elsewhere)), relayer, signed.invalid, agreement=aid
    )


def test_compact_vote_signature_rejected_when_64_bytes(suite: Any, parties: list[Any]) -> None:
    aid = open_agreement(suite, parties)
    signed = _relayed_vote(suite, parties, aid)
    home = {"chainId": suite.w3.eth.chain_id, "verifyingContract": suite["Governance"].address}
    expect_revert(
        suite,
        signed.submit(compact(signed.sign(home))),
        suite.accounts[10],
        "VoteInvalidSignature",
        agreement=aid,
    )


def test_front_run_vote_batch_skips_cast_votes_when_voters_got_in_first(
    suite: Any, parties: list[Any]
) -> None:
    gov = suite["Governance"]
    aid = open_agreement(suite, parties)
    receipt = suite.transact(
        gov.functions.proposeAmend(aid, keccak(text="front-run"), [4000, 3000, 3000]), parties[0]
    )
    pid = int(events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"])
    batch = [vote_signature(suite, p, aid, pid, FOR) for p in parties]
    relay = gov.functions.voteBySignatures
    suite.transact(gov.functions.vote(pid, FOR), parties[1])  # votes directly first
    suite.transact(relay(pid, batch[2:]), suite.accounts[11])  # copies a signature from the pool
    receipt = suite.transact(relay(pid, batch), suite.accounts[10])
    assert [e["args"]["voter"] for e in events(gov, receipt, "VoteCast")] == [parties[0].address]
    expect_revert(suite, relay(pid, batch), suite.accounts[10], "VoteAlreadyCast", agreement=aid)


# ---------------------------------------------------------------------------------------
# 64 parties within the block gas limit
# ---------------------------------------------------------------------------------------


def within_half_block(suite: Any, fn: Any, sender: Any) -> int:
    """Send `fn` with half a block's gas (no estimate: py-evm's binary search would run a
    multi-million-gas call a dozen times); returns the gas it used. More than half a block
    would make the transaction fail."""
    receipt = transact(fn, sender=sender.address, decoder=suite.decoder, gas=BLOCK_GAS_LIMIT // 2)
    assert receipt["status"] == 1
    return int(receipt["gasUsed"])


def test_max_parties_heaviest_operations_fit_half_block_when_64_parties(
    suite: Any, parties: list[Any]
) -> None:
    agreements, gov, revenue = suite["Agreements"], suite["Governance"], suite["Revenue"]
    others = new_accounts(63, "security:64")
    register(suite, [parties[0], *others])
    everyone = [parties[0], *others]
    params = default_params(suite, everyone, fund_share_bps=500)
    salt = b"\x40" * 32
    aid = keccak(encode(["address", "bytes32"], [parties[0].address, salt]))
    consents = [consent_signature(suite, p, aid, params.hash()) for p in others]
    gas = {
        "proposeWithSignatures(64)": within_half_block(
            suite,
            agreements.functions.proposeWithSignatures(params.as_tuple(), salt, consents),
            parties[0],
        )
    }
    shares = list(reversed(equal_shares(64)))
    terms = keccak(text="security:64 amended")
    receipt = suite.transact(gov.functions.proposeAmend(aid, terms, shares), parties[0])
    pid = int(events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"])
    votes = [vote_signature(suite, p, aid, pid, FOR) for p in everyone]
    relayer = suite.accounts[10]
    gas["voteBySignatures(64)"] = within_half_block(
        suite, gov.functions.voteBySignatures(pid, votes), relayer
    )
    payload = encode(["bytes32", "uint16[]"], [terms, shares])
    gas["execute amend(64)"] = within_half_block(
        suite, gov.functions.execute(pid, payload), parties[0]
    )
    suite.transact(
        revenue.functions.deposit(aid, ZERO_ADDRESS, 10**18), suite.accounts[8], value=10**18
    )
    target, rest = others[-1], equal_shares(63)
    receipt = suite.transact(
        gov.functions.proposeRemoveParty(aid, target.address, rest), parties[0]
    )
    pid = int(events(gov, receipt, "ProposalCreated")[0]["args"]["proposalId"])
    votes = [vote_signature(suite, p, aid, pid, FOR) for p in everyone[:-1]]
    within_half_block(suite, gov.functions.voteBySignatures(pid, votes), relayer)
    suite.chain.increase_time(VOTING_PERIOD + 1)
    payload = encode(["address", "uint16[]"], [target.address, rest])
    gas["execute removeParty(64)"] = within_half_block(
        suite, gov.functions.execute(pid, payload), parties[0]
    )
    gas["claim after 64-party changes"] = within_half_block(
        suite, revenue.functions.claim(aid), parties[0]
    )
    print("64-party gas:", gas)  # the numbers docs/security.md quotes
    assert agreements.functions.partiesOf(aid).call()[0] == [p.address for p in everyone[:-1]]
    assert max(gas.values()) <= BLOCK_GAS_LIMIT // 2, gas


# ---------------------------------------------------------------------------------------
# Every role x every restricted function
# ---------------------------------------------------------------------------------------

ACTORS = ("admin", "registrar", "auditor", "party", "outsider")


@dataclass(frozen=True)
class Restricted:
    """A restricted function: its builder, the one actor allowed (None: a contract) and the
    error every other actor gets."""

    contract: str
    function: str
    build: Callable[[dict[str, Any]], Any]
    allowed: str | None
    error: str


ZERO32 = b"\x00" * 32
H = keccak(text="security:h")

RESTRICTED = [
    Restricted(
        "ParkRegistry",
        "register",
        lambda c: c["registry"].functions.register(c["outsider"], 0, H),
        "registrar",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "update",
        lambda c: c["registry"].functions.update(c["party"], 1, H),
        "registrar",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "suspend",
        lambda c: c["registry"].functions.suspend(c["party"], H),
        "registrar",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "reinstate",
        lambda c: c["registry"].functions.reinstate(c["party"]),
        "registrar",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "setCultureFund",
        lambda c: c["registry"].functions.setCultureFund(c["outsider"]),
        "admin",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "setTokenAdmitted",
        lambda c: c["registry"].functions.setTokenAdmitted(c["outsider"], True),
        "admin",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "attest",
        lambda c: c["registry"].functions.attest(c["aid"], H, 1, H),
        "auditor",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "grantRole",
        lambda c: c["registry"].functions.grantRole(c["registrar_role"], c["outsider"]),
        "admin",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "revokeRole",
        lambda c: c["registry"].functions.revokeRole(c["registrar_role"], c["registrar"]),
        "admin",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "beginDefaultAdminTransfer",
        lambda c: c["registry"].functions.beginDefaultAdminTransfer(c["outsider"]),
        "admin",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "changeDefaultAdminDelay",
        lambda c: c["registry"].functions.changeDefaultAdminDelay(1),
        "admin",
        "AccessControlUnauthorizedAccount",
    ),
    Restricted(
        "ParkRegistry",
        "recordBreach",
        lambda c: c["registry"].functions.recordBreach(c["party"]),
        None,
        "RegistryUnauthorizedBreachRecorder",
    ),
    Restricted(
        "Agreements",
        "journal",
        lambda c: c["agreements"].functions.journal(c["aid"], c["party"], 0, ZERO32, ZERO32),
        None,
        "AgreementUnauthorizedModule",
    ),
    Restricted(
        "Agreements",
        "journalSigned",
        lambda c: c["agreements"].functions.journalSigned(
            c["aid"], c["party"], 0, 0, ZERO32, ZERO32
        ),
        None,
        "AgreementUnauthorizedModule",
    ),
    Restricted(
        "Agreements",
        "amend",
        lambda c: c["agreements"].functions.amend(c["aid"], H, [5000, 3000, 2000]),
        None,
        "AgreementUnauthorizedModule",
    ),
    Restricted(
        "Agreements",
        "addParty",
        lambda c: c["agreements"].functions.addParty(c["aid"], c["outsider"], [2500] * 4),
        None,
        "AgreementUnauthorizedModule",
    ),
    Restricted(
        "Agreements",
        "removeParty",
        lambda c: c["agreements"].functions.removeParty(c["aid"], c["party"], [5000, 5000]),
        None,
        "AgreementUnauthorizedModule",
    ),
    Restricted(
        "Agreements",
        "close",
        lambda c: c["agreements"].functions.close(c["aid"]),
        None,
        "AgreementUnauthorizedModule",
    ),
    Restricted(
        "Agreements",
        "onParticipantStatusChanged",
        lambda c: c["agreements"].functions.onParticipantStatusChanged(c["outsider"], True),
        None,
        "AgreementUnauthorizedModule",
    ),
    Restricted(
        "Revenue",
        "onMembershipChange",
        lambda c: c["revenue"].functions.onMembershipChange(c["aid"], []),
        None,
        "RevenueUnauthorized",
    ),
    Restricted(
        "Revenue",
        "onWeightConfirmed",
        lambda c: c["revenue"].functions.onWeightConfirmed(c["aid"], c["party"], 0, 5),
        None,
        "RevenueUnauthorized",
    ),
    Restricted(
        "Revenue",
        "lockBond",
        lambda c: c["revenue"].functions.lockBond(c["aid"], c["party"], 0),
        None,
        "RevenueUnauthorized",
    ),
    Restricted(
        "Revenue",
        "releaseBond",
        lambda c: c["revenue"].functions.releaseBond(c["aid"], c["party"], 1),
        None,
        "RevenueUnauthorized",
    ),
    Restricted(
        "Revenue",
        "forfeitBond",
        lambda c: c["revenue"].functions.forfeitBond(c["aid"], c["party"], 1),
        None,
        "RevenueUnauthorized",
    ),
    Restricted(
        "Commitments",
        "extendDeadline",
        lambda c: c["commitments"].functions.extendDeadline(c["aid"], 1, 2**40),
        None,
        "CommitmentUnauthorized",
    ),
    Restricted(
        "Contributions",
        "resolveDispute",
        lambda c: c["contributions"].functions.resolveDispute(c["aid"], 1, 0, 0),
        None,
        "ContributionUnauthorized",
    ),
]


@pytest.mark.parametrize("restricted", RESTRICTED, ids=lambda r: f"{r.contract}.{r.function}")
def test_restricted_function_rejects_every_other_role_when_called(
    suite: Any, parties: list[Any], restricted: Restricted
) -> None:
    registry = suite["ParkRegistry"]
    admin, registrar, auditor, outsider = (suite.accounts[i] for i in (0, 13, 14, 15))
    registrar_role = registry.functions.REGISTRAR_ROLE().call()
    suite.transact(registry.functions.grantRole(registrar_role, registrar.address), admin)
    suite.transact(
        registry.functions.grantRole(registry.functions.AUDITOR_ROLE().call(), auditor.address),
        admin,
    )
    aid = open_agreement(suite, parties)
    # open_agreement lets the admin register; take it back so each role is held by one actor.
    suite.transact(registry.functions.revokeRole(registrar_role, admin.address), admin)
    context = {
        "registry": registry,
        "agreements": suite["Agreements"],
        "revenue": suite["Revenue"],
        "commitments": suite["Commitments"],
        "contributions": suite["Contributions"],
        "aid": aid,
        "party": parties[1].address,
        "outsider": outsider.address,
        "registrar": registrar.address,
        "registrar_role": registrar_role,
    }
    senders = {
        "admin": admin,
        "registrar": registrar,
        "auditor": auditor,
        "party": parties[0],
        "outsider": outsider,
    }
    fn = restricted.build(context)
    for actor in ACTORS:
        if actor == restricted.allowed:
            continue
        err = expect_revert(suite, fn, senders[actor], restricted.error, agreement=aid)
        caller = err.arguments.get("account", err.arguments.get("caller"))
        assert caller == senders[actor].address, (actor, err.arguments)
    if restricted.allowed is not None:
        assert passes_access_check(suite, fn, senders[restricted.allowed], restricted.error)


def passes_access_check(suite: Any, fn: Any, sender: Any, error: str) -> bool:
    """Whether `sender` gets past `fn`'s access check (an eth_call; a state check may still
    refuse it, e.g. reinstating an Active participant)."""
    try:
        suite.call(fn, sender)
    except RevertError as err:
        return err.name != error
    return True
