#!/usr/bin/env node
// An independent auditor of a Park Ledger deployment, written from the documentation alone
// (README "Deployment manifest", docs/audit.md, docs/hash-chain.md, docs/eip712.md,
// docs/vocabulary.md) and the chain over JSON-RPC. It shares no code with ledger/: when it and
// `park-ledger audit` agree, the docs are an executable specification. See README.md here.
//
//   node scripts/verifier/verify.mjs --rpc URL --deployment deployments/<chainId>.json [--block N]
//
// Prints one JSON object; exit 0 when every check passes, 2 when one fails, 1 when it cannot run.

import { readFileSync } from "node:fs";
import {
  AbiCoder,
  Interface,
  TypedDataEncoder,
  ZeroHash,
  getAddress,
  getBytes,
  hexlify,
  keccak256,
  recoverAddress,
} from "ethers-v6";

const SCHEMA = "park-ledger/independent-verifier@1";
const coder = AbiCoder.defaultAbiCoder();

// docs/hash-chain.md: for every journaled event, its contract and the fields (other than the
// agreement id, in this order) whose abi.encode is hashed into actionDataHash; their types come
// from the manifest's ABI.
const JOURNALED = {
  Agreements: {
    AgreementProposed: ["proposer", "paramsHash"],
    ConsentGiven: ["party", "version", "nonce", "deadline", "signature"],
    AgreementActivated: ["version"],
    AgreementExpired: ["consentDeadline"],
    AgreementAmended: ["version", "paramsHash"],
    AgreementClosed: ["version"],
    NonceInvalidated: ["account", "newNonce"],
  },
  Governance: {
    ProposalCreated: ["proposalId", "proposer", "kind", "baseVersion", "voteEnd", "payload"],
    ProposalAccusedExcluded: ["proposalId", "recordId", "excludedMask"],
    VoteCast: ["proposalId", "voter", "support", "nonce", "deadline", "signature"],
    ProposalExecuted: ["proposalId", "executor"],
  },
  Contributions: {
    ContributionsRecorded: ["contributor", "batchRoot", "preHead", "nonce", "records"],
    ContributionConfirmed: [
      "recordId",
      "confirmer",
      "confirmations",
      "version",
      "status",
      "challengeEndsAt",
    ],
    ContributionDisputed: ["recordId", "disputer", "contributor", "weight", "reasonHash"],
    ContributionResolved: ["recordId", "outcome", "status", "weight"],
    ContributionMatured: ["recordId", "contributor", "weight"],
  },
  Revenue: {
    RevenueDeposited: ["depositor", "token", "amount", "allocated", "accPerUnit", "carryScaled"],
    RevenueAllocated: ["caller", "allocated", "accPerUnit", "carryScaled"],
    RevenueClaimed: ["account", "to", "amount"],
    RevenueFundClaimed: ["fund", "caller", "amount"],
    PayoutAddressSet: ["account", "payout"],
  },
  Commitments: {
    CommitmentMade: ["commitmentId", "committer", "kind", "descriptionHash", "deadline", "bond"],
    DeliverableSubmitted: ["commitmentId", "committer", "deliverableHash", "reviewEnd"],
    DeliverableAccepted: [
      "commitmentId",
      "acceptor",
      "deliverableHash",
      "acceptances",
      "version",
      "status",
    ],
    DeliverableRejected: ["commitmentId", "rejector", "deliverableHash", "reasonHash"],
    CommitmentSettled: ["commitmentId", "committer", "caller", "deliverableHash", "bondReleased"],
    CommitmentArbitrated: ["commitmentId", "arbiter", "ruling", "rulingHash", "bondReleased"],
    CommitmentBreached: ["commitmentId", "committer", "caller", "bondForfeited"],
    CommitmentExtended: ["commitmentId", "oldDeadline", "newDeadline"],
  },
};

// docs/eip712.md
const DOMAIN_NAMES = { Agreements: "Park Ledger Agreements", Governance: "Park Ledger Governance" };
const CONSENT_TYPES = {
  Consent: [
    { name: "agreementId", type: "bytes32" },
    { name: "version", type: "uint32" },
    { name: "paramsHash", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const VOTE_TYPES = {
  Vote: [
    { name: "agreementId", type: "bytes32" },
    { name: "proposalId", type: "uint256" },
    { name: "support", type: "uint8" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
};
const SECP256K1_HALF_N = 0x7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0n;
const ERC1271 = new Interface([
  "function isValidSignature(bytes32 hash, bytes signature) view returns (bytes4)",
]);
const ERC1271_MAGIC = "0x1626ba7e";
const ADD_PARTY = 1n; // ProposalKind.AddParty, docs/vocabulary.md

class RunError extends Error {}

function parseArgs(argv) {
  const args = { block: null };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new RunError(`${flag} needs a value`);
    if (flag === "--rpc") args.rpc = value;
    else if (flag === "--deployment") args.deployment = value;
    else if (flag === "--block") {
      args.block = Number(value);
      if (!Number.isSafeInteger(args.block) || args.block < 0) {
        throw new RunError(`--block ${value} is not a block number`);
      }
    }
    else throw new RunError(`unknown option ${flag}`);
  }
  if (!args.rpc || !args.deployment) {
    throw new RunError("usage: verify.mjs --rpc URL --deployment deployments/<chainId>.json [--block N]");
  }
  return args;
}

/** A JSON-RPC client that sends its calls as batches, or one by one to a node without batches. */
class Rpc {
  constructor(url) {
    this.url = url;
    this.id = 0;
    this.batches = true;
  }

  async post(payload) {
    let response;
    try {
      response = await fetch(this.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
    } catch (error) {
      throw new RunError(`cannot reach ${this.url}: ${error.cause?.message ?? error.message}`);
    }
    if (!response.ok) throw new RunError(`${this.url} answered HTTP ${response.status}`);
    return response.json();
  }

  /** [{result} | {error}] for each [method, params] of `calls`, in order. */
  async many(calls, chunk = 200) {
    const results = [];
    for (let start = 0; start < calls.length; start += chunk) {
      const body = calls.slice(start, start + chunk)
        .map(([method, params]) => ({ jsonrpc: "2.0", id: ++this.id, method, params }));
      let answers = this.batches ? await this.post(body) : null;
      if (!Array.isArray(answers)) {
        // NOTE: a node without batches answers a batch with one error object.
        this.batches = false;
        answers = [];
        for (const request of body) answers.push(await this.post(request));
      }
      const byId = new Map(answers.map((a) => [a.id, a]));
      for (const request of body) {
        const answer = byId.get(request.id);
        if (!answer) throw new RunError(`${request.method}: no answer`);
        results.push(answer.error ? { error: answer.error } : { result: answer.result });
      }
    }
    return results;
  }

  async one(method, params) {
    const [answer] = await this.many([[method, params]]);
    if (answer.error) throw new RunError(`${method}: ${answer.error.message}`);
    return answer.result;
  }
}

const hexBlock = (n) => "0x" + n.toString(16);

/** Every log of `addresses` in [from, to], in (block, logIndex) order; halves a range the node refuses. */
async function getLogs(rpc, addresses, from, to) {
  const pending = [[from, to]];
  const logs = [];
  while (pending.length) {
    const [lo, hi] = pending.pop();
    const [answer] = await rpc.many([
      ["eth_getLogs", [{ address: addresses, fromBlock: hexBlock(lo), toBlock: hexBlock(hi) }]],
    ]);
    if (!answer.error) logs.push(...answer.result);
    else if (hi > lo) {
      const mid = Math.floor((lo + hi) / 2);
      pending.push([mid + 1, hi], [lo, mid]);
    } else throw new RunError(`eth_getLogs at block ${lo}: ${answer.error.message}`);
  }
  const key = (l) => [BigInt(l.blockNumber), BigInt(l.logIndex)];
  return logs.sort((a, b) => {
    const [ab, ai] = key(a);
    const [bb, bi] = key(b);
    return ab === bb ? (ai < bi ? -1 : ai > bi ? 1 : 0) : ab < bb ? -1 : 1;
  });
}

function finding(message, log = null, extra = {}) {
  return {
    message,
    block: log ? Number(BigInt(log.blockNumber)) : null,
    tx: log ? log.transactionHash : null,
    logIndex: log ? Number(BigInt(log.logIndex)) : null,
    expected: extra.expected ?? null,
    found: extra.found ?? null,
  };
}

function check(name, subject, checked, findings, note = "") {
  return { check: name, subject, status: findings.length ? "fail" : "pass", checked, note, findings };
}

/** (1) code: the chain id and every contract's runtime code hash at `tag` match the manifest. */
async function checkCode(rpc, manifest, contracts, tag) {
  const findings = [];
  const chainId = Number(BigInt(await rpc.one("eth_chainId", [])));
  if (chainId !== manifest.chainId) {
    findings.push(finding("the chain id differs from the manifest's", null, {
      expected: String(manifest.chainId), found: String(chainId),
    }));
  }
  const names = Object.keys(contracts);
  const codes = await rpc.many(names.map((n) => ["eth_getCode", [contracts[n].address, tag]]));
  names.forEach((name, i) => {
    if (codes[i].error) throw new RunError(`eth_getCode ${name}: ${codes[i].error.message}`);
    const found = keccak256(codes[i].result);
    const expected = manifest.contracts[name].runtimeCodeHash.toLowerCase();
    if (found !== expected) {
      const message = `${name} at ${contracts[name].address}: runtime code differs from the manifest`;
      findings.push(finding(message, null, { expected, found }));
    }
  });
  return check("code", "suite", names.length, findings);
}

/** docs/hash-chain.md: actionDataHash of a journaled event. */
function actionDataHash(fragment, args, fields) {
  const types = fields.map((f) => {
    const input = fragment.inputs.find((i) => i.name === f);
    if (!input) throw new RunError(`${fragment.name} has no field ${f} in the manifest's ABI`);
    return input;
  });
  return keccak256(coder.encode(types, fields.map((f) => args[f])));
}

/** docs/hash-chain.md: head' = keccak256(abi.encode(head, actionType, actionDataHash)). */
function fold(head, topic0, dataHash) {
  return keccak256(coder.encode(["bytes32", "bytes32", "bytes32"], [head, topic0, dataHash]));
}

/** The manifest's contracts: checksummed address, ABI interface and deployment block. */
function loadManifest(path) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new RunError(`cannot read the manifest ${path}: ${error.message}`);
  }
  const contracts = {};
  for (const [name, entry] of Object.entries(manifest.contracts ?? {})) {
    if (!entry.abi) {
      throw new RunError(`the manifest has no ABI for ${name} (version 1): re-run park-ledger deploy`);
    }
    contracts[name] = {
      address: getAddress(entry.address),
      iface: new Interface(entry.abi),
      block: entry.block ?? 0,
    };
  }
  for (const name of Object.keys(JOURNALED)) {
    if (!contracts[name]) throw new RunError(`the manifest has no ${name}`);
  }
  return { manifest, contracts };
}

/** Every log of the manifest's addresses up to `block` (a look-alike elsewhere is never read),
 * decoded with the ABI of the contract at the log's address; the logs that do not decode. */
async function collect(rpc, contracts, block) {
  const byAddress = new Map(Object.entries(contracts).map(([name, c]) => [c.address.toLowerCase(), name]));
  const from = Math.min(...Object.values(contracts).map((c) => c.block));
  const raw = await getLogs(rpc, [...byAddress.keys()], from, block);
  const events = [];
  const undecoded = [];
  for (const log of raw) {
    const contract = byAddress.get(log.address.toLowerCase());
    if (!contract) continue;
    let parsed = null;
    try {
      parsed = contracts[contract].iface.parseLog({ topics: log.topics, data: log.data });
    } catch {
      parsed = null;
    }
    if (!parsed) undecoded.push(finding(`a ${contract} log decodes with no event of its ABI`, log));
    else events.push({ log, contract, name: parsed.name, fragment: parsed.fragment, args: parsed.args });
  }
  return { raw, events, undecoded };
}

/** Every agreement a journaled event names: its journaled events in log order, its versions'
 * paramsHash and parties, its proposals. */
function groupAgreements(events) {
  const agreements = new Map();
  for (const e of events) {
    const fields = JOURNALED[e.contract]?.[e.name];
    if (!fields) continue;
    const id = e.args.agreementId;
    if (!agreements.has(id)) agreements.set(id, { journaled: [], versions: new Map(), proposals: new Map() });
    const a = agreements.get(id);
    a.journaled.push({ ...e, fields });
    if (e.name === "AgreementProposed") {
      a.versions.set(1n, { paramsHash: e.args.paramsHash, parties: [...e.args.params[0]] });
    } else if (e.name === "AgreementAmended") {
      const version = { paramsHash: e.args.paramsHash, parties: [...e.args.parties] };
      a.versions.set(BigInt(e.args.version), version);
    } else if (e.name === "ProposalCreated") {
      a.proposals.set(BigInt(e.args.proposalId), e.args);
    }
  }
  return agreements;
}

/** (2) hash chain: each agreement's journaled events folded, against Agreements.headOf at `tag`. */
async function checkHashChains(rpc, contracts, agreements, ids, tag) {
  const { address, iface } = contracts.Agreements;
  const heads = await rpc.many(ids.map((id) => [
    "eth_call",
    [{ to: address, data: iface.encodeFunctionData("headOf", [id]) }, tag],
  ]));
  const checks = [];
  const summaries = [];
  ids.forEach((id, i) => {
    if (heads[i].error) throw new RunError(`headOf(${id}): ${heads[i].error.message}`);
    const onchain = iface.decodeFunctionResult("headOf", heads[i].result)[0];
    const journaled = agreements.get(id).journaled;
    let head = ZeroHash;
    for (const e of journaled) {
      head = fold(head, e.log.topics[0], actionDataHash(e.fragment, e.args, e.fields));
    }
    const findings = onchain === head ? [] : [finding(
      `the ${journaled.length} journaled events fold to a head other than headOf`,
      journaled.at(-1)?.log ?? null,
      { expected: onchain, found: head },
    )];
    checks.push(check("hash-chain", id, journaled.length, findings));
    summaries.push({ agreementId: id, onchainHead: onchain, recomputedHead: head, events: journaled.length });
  });
  return { checks, summaries };
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const { manifest, contracts } = loadManifest(args.deployment);
  const rpc = new Rpc(args.rpc);
  const block = args.block ?? Number(BigInt(await rpc.one("eth_blockNumber", [])));
  const tag = hexBlock(block);
  const header = await rpc.one("eth_getBlockByNumber", [tag, false]);
  if (!header) throw new RunError(`the node has no block ${block}`);

  const checks = [await checkCode(rpc, manifest, contracts, tag)];
  const { raw, events, undecoded } = await collect(rpc, contracts, block);
  const agreements = groupAgreements(events);
  const ids = [...agreements.keys()].sort();
  const chains = await checkHashChains(rpc, contracts, agreements, ids, tag);
  checks.push(...chains.checks);
  checks.push(...(await checkSignatures(rpc, manifest, contracts, agreements, ids, tag)));
  // (4) counts: every log of a manifest address decodes with its contract's ABI.
  const note = `${events.length} events decoded, ${ids.length} agreements`;
  checks.push(check("counts", "suite", raw.length, undecoded, note));

  const failed = checks.filter((c) => c.status === "fail").length;
  return {
    schema: SCHEMA,
    chainId: manifest.chainId,
    block,
    blockHash: header.hash,
    agreements: chains.summaries,
    events: events.length,
    checks,
    result: failed ? "fail" : "pass",
    summary: { checks: checks.length, failed },
  };
}

const sameAddress = (a, b) => getAddress(a) === getAddress(b);

/** The signer, digest and membership finding of a ConsentGiven or VoteCast (docs/eip712.md). */
function intentOf(e, id, a, domains) {
  if (e.name === "ConsentGiven") {
    const version = a.versions.get(BigInt(e.args.version));
    if (!version) return { problem: `consent to version ${e.args.version}, which no event created` };
    const signer = e.args.party;
    const digest = TypedDataEncoder.hash(domains.Agreements, CONSENT_TYPES, {
      agreementId: id,
      version: e.args.version,
      paramsHash: version.paramsHash,
      nonce: e.args.nonce,
      deadline: e.args.deadline,
    });
    const outsider = !version.parties.some((p) => sameAddress(p, signer));
    return {
      signer,
      digest,
      problem: outsider ? `${signer} consented to version ${e.args.version} without being its party` : null,
    };
  }
  const proposal = a.proposals.get(BigInt(e.args.proposalId));
  if (!proposal) return { problem: `vote on proposal ${e.args.proposalId}, which no event created` };
  const signer = e.args.voter;
  const digest = TypedDataEncoder.hash(domains.Governance, VOTE_TYPES, {
    agreementId: id,
    proposalId: e.args.proposalId,
    support: e.args.support,
    nonce: e.args.nonce,
    deadline: e.args.deadline,
  });
  const party = a.versions.get(BigInt(proposal.baseVersion))?.parties.some((p) => sameAddress(p, signer));
  // docs/audit.md: the joiner of an AddParty proposal, abi.encode(party, sharesBps), votes with weight 0.
  const joiner = BigInt(proposal.kind) === ADD_PARTY
    && sameAddress(coder.decode(["address"], getBytes(proposal.payload).slice(0, 32))[0], signer);
  const outsider = !party && !(joiner && BigInt(e.args.weight) === 0n);
  return {
    signer,
    digest,
    problem: outsider
      ? `${signer} voted on proposal ${e.args.proposalId} without being a party of its base version`
      : null,
  };
}

/** (3) AgreementProposed params against paramsHash; every ConsentGiven and VoteCast by its party. */
async function checkSignatures(rpc, manifest, contracts, agreements, ids, tag) {
  const domains = {};
  for (const name of ["Agreements", "Governance"]) {
    domains[name] = {
      name: DOMAIN_NAMES[name],
      version: "1",
      chainId: manifest.chainId,
      verifyingContract: contracts[name].address,
    };
  }
  const paramsType = contracts.Agreements.iface.getEvent("AgreementProposed").inputs
    .find((i) => i.name === "params");
  const results = new Map(ids.map((id) => [id, { checked: 0, findings: [] }]));
  // What only the chain can settle (ERC-1271 answers, direct calls' transactions), in one batch.
  const pending = [];
  for (const id of ids) {
    const a = agreements.get(id);
    const out = results.get(id);
    for (const e of a.journaled) {
      if (e.name === "AgreementProposed") {
        const hash = keccak256(coder.encode([paramsType], [e.args.params]));
        if (hash !== e.args.paramsHash) {
          out.findings.push(finding("AgreementProposed.params do not hash to its paramsHash", e.log, {
            expected: e.args.paramsHash,
            found: hash,
          }));
        }
        continue;
      }
      if (e.name !== "ConsentGiven" && e.name !== "VoteCast") continue;
      const { signer, digest, problem } = intentOf(e, id, a, domains);
      if (problem) out.findings.push(finding(problem, e.log));
      if (!digest) continue;
      out.checked += 1;
      const signature = getBytes(e.args.signature);
      if (signature.length === 0) {
        const call = ["eth_getTransactionByHash", [e.log.transactionHash]];
        pending.push({ out, e, signer, call, direct: true });
        continue;
      }
      const recovered = recoverEoa(digest, signature);
      if (recovered && sameAddress(recovered, signer)) continue;
      // docs/eip712.md: a signer whose ECDSA check fails is asked through ERC-1271.
      const data = ERC1271.encodeFunctionData("isValidSignature", [digest, signature]);
      pending.push({ out, e, signer, recovered, call: ["eth_call", [{ to: signer, data }, tag]] });
    }
  }
  const answers = await rpc.many(pending.map((p) => p.call));
  pending.forEach(({ out, e, signer, recovered, direct }, i) => {
    const { result, error } = answers[i];
    if (direct) {
      if (error || !result) throw new RunError(`transaction ${e.log.transactionHash} not found`);
      // A direct call: the sender, or the wallet the transaction called, is the signer.
      if (!sameAddress(result.from, signer) && !(result.to && sameAddress(result.to, signer))) {
        const message = `${e.name} without a signature, sent by ${result.from}, not by ${signer}`;
        out.findings.push(finding(message, e.log));
      }
      return;
    }
    const magic = !error && typeof result === "string" ? result.slice(0, 10) : null;
    if (magic !== ERC1271_MAGIC) {
      out.findings.push(finding(`${e.name} signature does not recover to ${signer}`, e.log, {
        expected: signer,
        found: recovered ?? null,
      }));
    }
  });
  return ids.map((id) => check("signatures", id, results.get(id).checked, results.get(id).findings));
}

/** The address a canonical 65-byte signature (v 27/28, low s) of `digest` recovers to, else null. */
function recoverEoa(digest, signature) {
  if (signature.length !== 65) return null;
  const v = signature[64];
  const s = BigInt(hexlify(signature.slice(32, 64)));
  if ((v !== 27 && v !== 28) || s > SECP256K1_HALF_N) return null;
  try {
    return getAddress(recoverAddress(digest, {
      r: hexlify(signature.slice(0, 32)), s: hexlify(signature.slice(32, 64)), v,
    }));
  } catch {
    return null;
  }
}

try {
  const report = await main();
  process.stdout.write(JSON.stringify(report, null, 2) + "\n");
  process.exitCode = report.result === "pass" ? 0 : 2;
} catch (error) {
  if (!(error instanceof RunError)) throw error;
  process.stderr.write(error.message + "\n");
  process.exitCode = 1;
}
