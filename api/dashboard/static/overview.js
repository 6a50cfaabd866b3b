// Park overview: participants by kind, active agreements, recent activity.

import * as api from "./api.js";
import { h, table } from "./dom.js";
import * as fmt from "./format.js";
import { t, term } from "./i18n.js";
import { address, agreementLink, card, empty, hash, stat, statusBadge } from "./widgets.js";

export async function renderOverview() {
  const [participants, agreements, recent] = await Promise.all([
    api.all("/participants"),
    api.all("/agreements"),
    api.get("/events", { sort: "-block", limit: 12 }),
  ]);
  const active = agreements.filter((a) => a.status === "Active");
  const byKind = new Map();
  for (const p of participants) byKind.set(p.kind, [...(byKind.get(p.kind) || []), p]);

  return [
    h("h1", {}, t("overview.title")),
    h(
      "div",
      { class: "stats" },
      stat(t("overview.participants"), fmt.count(participants.length), { "data-test": "stat-participants" }),
      stat(t("overview.activeAgreements"), fmt.count(active.length), { "data-test": "stat-active" }),
      stat(t("overview.agreements"), fmt.count(agreements.length), { "data-test": "stat-agreements" }),
    ),
    h(
      "div",
      { class: "columns" },
      card(
        t("overview.byKind"),
        table(
          [t("overview.kind"), t("overview.count"), t("overview.members")],
          [...byKind.entries()].map(([kind, members]) => ({
            attrs: { "data-test": "kind-row", "data-kind": kind },
            cells: [
              term("pkind", kind),
              h("span", { "data-test": "kind-count" }, fmt.count(members.length)),
              members.map((m) => h("div", {}, address(m.account), " ", statusBadge(m.status))),
            ],
          })),
        ),
      ),
      card(
        t("overview.activeAgreements"),
        active.length === 0
          ? empty("overview.noAgreements")
          : table(
              [t("col.agreement"), t("col.status"), t("col.parties"), t("col.version"), t("col.proposed")],
              active.map((a) => ({
                attrs: { "data-test": "agreement-row", "data-agreement": a.agreement_id },
                cells: [
                  agreementLink(a.agreement_id),
                  statusBadge(a.status),
                  h("span", { "data-test": "agreement-parties" }, fmt.count(a.party_count)),
                  fmt.count(a.version),
                  fmt.time(a.proposed_at),
                ],
              })),
            ),
      ),
    ),
    card(
      t("overview.recent"),
      recent.items.length === 0
        ? empty("overview.noActivity")
        : table(
            [t("col.time"), t("col.block"), t("col.event"), t("col.contract"), t("col.agreement")],
            recent.items.map((e) => ({
              attrs: { "data-test": "event-row" },
              cells: [
                fmt.time(e.block_time),
                fmt.count(e.block_number),
                h("span", { class: "event-name", "data-name": e.name, title: `${e.name} · ${e.tx_hash}` }, term("event", e.name)),
                h("span", { class: "contract-name", "data-name": e.contract, title: e.contract }, term("contract", e.contract)),
                e.agreement_id ? agreementLink(e.agreement_id) : hash(null),
              ],
            })),
          ),
    ),
  ];
}
