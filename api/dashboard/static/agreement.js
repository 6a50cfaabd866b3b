// One agreement: parties and shares (chart), signatures per version, contributions timeline,
// revenue per party, commitments, proposals and votes, hash-chain head, private pending intents.

import * as api from "./api.js";
import { h, svg, table } from "./dom.js";
import * as fmt from "./format.js";
import { t, term } from "./i18n.js";
import { address, badge, card, empty, hash, stat, statusBadge } from "./widgets.js";

const PALETTE = ["#2f6f8f", "#d9822b", "#5a9e6f", "#8e5ea2", "#c0504d", "#4b8bbe", "#b5a642", "#6d6875"];

export async function renderAgreement(id, params) {
  const [detail, records, balances, deposits, commitments, proposals, participants] = await Promise.all([
    api.get(`/agreements/${id}`),
    api.all("/contributions", { agreement_id: id }),
    api.get("/revenue/balances", { agreement_id: id }),
    api.all("/revenue/deposits", { agreement_id: id }),
    api.all("/commitments", { agreement_id: id }),
    api.all("/proposals", { agreement_id: id }),
    api.all("/participants"),
  ]);
  const [recordDetails, proposalDetails] = await Promise.all([
    Promise.all(records.map((r) => api.get(`/contributions/${r.record_id}`))),
    Promise.all(proposals.map((p) => api.get(`/proposals/${p.proposal_id}`))),
  ]);
  const kinds = Object.fromEntries(participants.map((p) => [p.account, p.kind]));
  const colours = Object.fromEntries(detail.parties.map((p, i) => [p.party, PALETTE[i % PALETTE.length]]));
  const highlight = params.get("tx");

  const content = [
    h("h1", {}, t("agreement.title"), " ", h("code", { class: "title-id" }, fmt.shortHash(detail.agreement_id)), " ", statusBadge(detail.status, { "data-test": "agreement-status" })),
    h("p", { class: "muted mono" }, detail.agreement_id),
    summary(detail, kinds),
    highlight ? h("p", { class: "notice" }, t("agreement.highlighted", { tx: fmt.shortHash(highlight) })) : null,
    h("div", { class: "columns" }, partiesCard(detail, kinds, colours), signaturesCard(detail, kinds)),
    contributionsCard(detail, recordDetails, kinds, colours),
    revenueCard(detail, balances.items, deposits, commitments, kinds),
    h("div", { class: "columns" }, commitmentsCard(commitments, kinds), headCard(detail.head)),
    proposalsCard(proposalDetails, kinds),
    privateCard(detail.pending_intents),
  ];
  return { content, highlight };
}

function summary(detail, kinds) {
  const fields = [
    [t("agreement.proposer"), address(detail.proposer, kinds)],
    [t("col.version"), fmt.count(detail.version)],
    [t("agreement.revenueMode"), term("mode", detail.revenue_mode)],
    [t("agreement.votingMode"), term("mode", detail.voting_mode)],
    [t("agreement.fundShare"), h("span", { "data-test": "fund-share" }, fmt.bps(detail.fund_share_bps))],
    [t("agreement.confirmationsRequired"), fmt.count(detail.confirmations_required)],
    [t("agreement.activated"), fmt.time(detail.activated_at)],
  ];
  return h("dl", { class: "facts" }, fields.map(([label, value]) => h("div", {}, h("dt", {}, label), h("dd", {}, value))));
}

function donut(parties, colours) {
  const total = parties.reduce((sum, p) => sum + p.share_bps, 0) || 1;
  const radius = 70;
  const centre = 90;
  let angle = -Math.PI / 2;
  const slices = parties.map((p) => {
    const sweep = (p.share_bps / total) * 2 * Math.PI;
    const start = angle;
    angle += sweep;
    const title = svg("title", {}, `${p.party}: ${fmt.bps(p.share_bps)}`);
    if (sweep >= 2 * Math.PI - 1e-9) {
      return svg("circle", { cx: centre, cy: centre, r: radius, fill: "none", stroke: colours[p.party], "stroke-width": 34 }, title);
    }
    const point = (a) => `${centre + radius * Math.cos(a)} ${centre + radius * Math.sin(a)}`;
    const large = sweep > Math.PI ? 1 : 0;
    return svg(
      "path",
      { d: `M ${point(start)} A ${radius} ${radius} 0 ${large} 1 ${point(angle)}`, fill: "none", stroke: colours[p.party], "stroke-width": 34, "data-test": "share-slice" },
      title,
    );
  });
  return svg("svg", { viewBox: "0 0 180 180", width: 180, height: 180, role: "img", "aria-label": t("agreement.shareChart"), class: "chart" }, ...slices);
}

function partiesCard(detail, kinds, colours) {
  const current = detail.parties.filter((p) => p.is_current);
  return card(
    t("agreement.parties"),
    h(
      "div",
      { class: "chart-row" },
      donut(current, colours),
      table(
        [t("col.party"), t("col.share")],
        detail.parties.map((p) => ({
          attrs: { "data-test": "party-row", "data-party": p.party },
          cells: [
            h("span", {}, h("span", { class: "swatch", style: `background:${colours[p.party]}` }), address(p.party, kinds)),
            h("span", { "data-test": "party-share" }, fmt.bps(p.share_bps)),
          ],
        })),
      ),
    ),
    h("p", { class: "muted" }, `${t("agreement.fund")}: ${fmt.bps(detail.fund_share_bps)}`),
  );
}

function signaturesCard(detail, kinds) {
  const versions = Array.from({ length: detail.version }, (_, i) => i + 1);
  const signed = new Set(detail.consents.map((c) => `${c.party}|${c.version}`));
  return card(
    t("agreement.signatures"),
    table(
      [t("col.party"), ...versions.map((v) => t("col.signed", { version: v }))],
      detail.parties.map((p) => ({
        attrs: { "data-test": "signature-row", "data-party": p.party },
        cells: [
          address(p.party, kinds),
          ...versions.map((v) => {
            const member = p.joined_version <= v && (p.left_version === null || v < p.left_version);
            if (!member) return "";
            return signed.has(`${p.party}|${v}`)
              ? badge(`✓ ${t("agreement.signed")}`, "good", { "data-test": "signature", "data-version": v, "data-signed": "yes" })
              : badge(t("agreement.notSigned"), "wait", { "data-test": "signature", "data-version": v, "data-signed": "no" });
          }),
        ],
      })),
    ),
  );
}

function provenanceBadge(record, kinds) {
  if (record.provenance === "None") return badge(term("prov", "None"), "plain", { "data-test": "provenance" });
  return h(
    "span",
    {},
    badge(term("prov", record.provenance), "ai", { "data-test": "provenance" }),
    " ",
    h("span", { class: "muted" }, t("agreement.accountable", { party: "" }), address(record.accountable, kinds)),
  );
}

function contributionsCard(detail, records, kinds, colours) {
  if (records.length === 0) return card(t("agreement.contributions"), empty("agreement.noContributions"));
  return card(
    t("agreement.contributions"),
    h(
      "ol",
      { class: "timeline" },
      records.map((r) => {
        const confirmers = r.confirmation_log.map((c) => c.confirmer);
        const weight = r.counted_weight !== r.weight && r.status === "Confirmed"
          ? `${fmt.count(r.weight)} → ${fmt.count(r.counted_weight)}`
          : fmt.count(r.weight);
        return h(
          "li",
          { "data-test": "contribution", "data-record": r.record_id, "data-tx": r.tx_hash, style: `--dot:${colours[r.contributor] || "#888"}` },
          h("div", { class: "when" }, fmt.time(r.recorded_at)),
          h(
            "div",
            { class: "what" },
            h("strong", {}, term("ckind", r.kind)),
            " · ",
            h("span", {}, `${t("col.weight")} `, h("span", { "data-test": "contribution-weight" }, weight)),
            " · ",
            address(r.contributor, kinds),
            " ",
            statusBadge(r.status, { "data-test": "contribution-status" }),
            " ",
            provenanceBadge(r, kinds),
          ),
          h(
            "div",
            { class: "muted small" },
            `${t("col.confirmations")}: `,
            h("span", { "data-test": "contribution-confirmations" }, `${fmt.count(r.confirmations)} / ${fmt.count(detail.confirmations_required)}`),
            confirmers.length ? h("span", {}, " · ", t("agreement.confirmedBy", { parties: "" }), confirmers.map((c) => address(c, kinds))) : null,
            r.dispute ? h("span", {}, " · ", t("agreement.disputedBy", { party: "" }), address(r.dispute.disputer, kinds)) : null,
            r.dispute?.outcome ? h("span", {}, " · ", t("agreement.resolved", { outcome: term("outcome", r.dispute.outcome) })) : null,
            " · ",
            hash(r.record_id),
          ),
        );
      }),
    ),
  );
}

// NOTE: a fulfilled commitment's bond goes back to its committer's balance, so claims include
// returned bonds; they are shown on their own so that claims can exceed deposits visibly.
function bondsReturned(commitments) {
  return commitments.filter((c) => c.status === "Fulfilled").reduce((sum, c) => sum + BigInt(c.bond), 0n);
}

function revenueCard(detail, balances, deposits, commitments, kinds) {
  const revenue = detail.revenue || {};
  const token = detail.token;
  const money = (value) => fmt.amount(value ?? "0", token);
  const byAccount = Object.fromEntries(balances.map((b) => [b.account, b]));
  const shares = Object.fromEntries(detail.parties.map((p) => [p.party, p.share_bps]));
  const accounts = [...new Set([...detail.parties.map((p) => p.party), ...balances.map((b) => b.account)])];
  return card(
    t("agreement.revenue"),
    h(
      "div",
      { class: "stats" },
      stat(t("agreement.deposited"), money(revenue.deposited), { "data-test": "revenue-deposited" }),
      stat(t("agreement.totalClaimed"), money(revenue.claimed), { "data-test": "revenue-claimed" }),
      stat(t("agreement.fundClaimed"), money(revenue.fund_claimed), { "data-test": "revenue-fund-claimed" }),
      stat(t("agreement.fundClaimable"), money(revenue.fund_claimable), { "data-test": "revenue-fund-claimable" }),
      stat(t("agreement.bondsLocked"), money(revenue.bonds_locked), { "data-test": "revenue-bonds-locked" }),
      stat(t("agreement.bondsReturned"), money(bondsReturned(commitments).toString()), { "data-test": "revenue-bonds-returned" }),
    ),
    h("h3", {}, t("agreement.perParty")),
    table(
      [t("col.party"), t("col.share"), t("col.claimed"), t("col.claimable")],
      accounts.map((account) => ({
        attrs: { "data-test": "balance-row", "data-account": account },
        cells: [
          address(account, kinds),
          account in shares ? fmt.bps(shares[account]) : "—",
          h("span", { "data-test": "balance-claimed" }, money(byAccount[account]?.claimed)),
          h("span", { "data-test": "balance-claimable" }, money(byAccount[account]?.claimable)),
        ],
      })),
    ),
    h("h3", {}, t("agreement.deposits")),
    deposits.length === 0
      ? empty("agreement.noDeposits")
      : table(
          [t("col.time"), t("col.depositor"), t("col.amount")],
          deposits.map((d) => ({
            attrs: { "data-test": "deposit-row", "data-tx": d.tx_hash },
            cells: [fmt.time(d.time), address(d.depositor, kinds), h("span", { "data-test": "deposit-amount" }, money(d.amount))],
          })),
        ),
  );
}

function commitmentsCard(commitments, kinds) {
  if (commitments.length === 0) return card(t("agreement.commitments"), empty("agreement.noCommitments"));
  return card(
    t("agreement.commitments"),
    h("div", { class: "one-line" }, table(
      [t("col.kind"), t("col.committer"), t("col.deadline"), t("col.bond"), t("col.status"), t("col.acceptances")],
      commitments.map((c) => ({
        attrs: { "data-test": "commitment-row", "data-commitment": c.commitment_id },
        cells: [
          term("mkind", c.kind),
          address(c.committer, kinds),
          h("span", { "data-test": "commitment-deadline" }, fmt.time(c.deadline)),
          h("span", { "data-test": "commitment-bond" }, fmt.amount(c.bond)),
          h("span", {}, statusBadge(c.status, { "data-test": "commitment-status" }), c.bond_forfeited ? ` −${fmt.amount(c.bond_forfeited)}` : ""),
          fmt.count(c.acceptances),
        ],
      })),
    )),
  );
}

function headCard(head) {
  if (!head) return card(t("agreement.head"), empty("common.none"));
  const verdict = head.head_ok === null
    ? badge(t("agreement.headUnchecked"), "wait")
    : head.head_ok
      ? badge(`✓ ${t("agreement.headVerified")}`, "good", { "data-test": "head-ok" })
      : badge(t("agreement.headMismatch"), "bad", { "data-test": "head-ok" });
  return card(
    t("agreement.head"),
    h("p", {}, h("code", { class: "mono wrap", "data-test": "head" }, head.head)),
    h(
      "dl",
      { class: "facts" },
      h("div", {}, h("dt", {}, t("agreement.headEvents")), h("dd", { "data-test": "head-events" }, fmt.count(head.event_count))),
      h("div", {}, h("dt", {}, t("agreement.headBlock")), h("dd", {}, fmt.count(head.head_block))),
    ),
    verdict,
  );
}

function proposalsCard(proposals, kinds) {
  if (proposals.length === 0) return card(t("agreement.proposals"), empty("agreement.noProposals"));
  return card(
    t("agreement.proposals"),
    table(
      [t("col.proposal"), t("col.kind"), t("col.status"), t("col.for"), t("col.against"), t("col.abstain"), t("col.votes")],
      proposals.map((p) => ({
        attrs: { "data-test": "proposal-row", "data-proposal": p.proposal_id },
        cells: [
          `#${p.proposal_id}`,
          term("gkind", p.kind),
          statusBadge(p.status, { "data-test": "proposal-status" }),
          h("span", { "data-test": "proposal-for" }, fmt.count(p.weight_for)),
          fmt.count(p.weight_against),
          fmt.count(p.weight_abstain),
          p.votes.map((v) => h("div", { "data-test": "vote" }, address(v.voter, kinds), " ", badge(term("support", v.support), v.support === "For" ? "good" : v.support === "Against" ? "bad" : "plain"))),
        ],
      })),
    ),
  );
}

function privateCard(pending) {
  if (pending === null || pending === undefined) {
    return card(t("agreement.private"), h("p", { class: "muted", "data-test": "private-hidden" }, t("agreement.privateHidden")));
  }
  return card(
    t("agreement.private"),
    h(
      "div",
      { "data-test": "private-pending" },
      pending.length === 0
        ? h("p", {}, t("agreement.noPending"))
        : h("ul", {}, pending.map((e) => h("li", {}, t("agreement.pendingItem", { id: e.id, kind: e.kind, signer: fmt.shortAddress(e.submitter), status: term("status", e.status) })))),
    ),
  );
}
