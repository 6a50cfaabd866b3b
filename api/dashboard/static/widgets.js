// Small pieces every page uses: cards, badges, stats, party labels.

import { h } from "./dom.js";
import * as fmt from "./format.js";
import { t, term } from "./i18n.js";

const TONES = {
  Active: "good", Confirmed: "good", Fulfilled: "good", Executed: "good", Passed: "good",
  pass: "good", confirmed: "good", mined: "good",
  Proposed: "wait", Pending: "wait", Open: "wait", Submitted: "wait", Voting: "wait",
  queued: "wait", sent: "wait",
  Disputed: "bad", Rejected: "bad", Breached: "bad", Expired: "bad", Stale: "bad",
  Suspended: "bad", fail: "bad", failed: "bad",
};

export function card(title, ...content) {
  return h("section", { class: "card" }, h("h2", {}, title), ...content);
}

export function badge(text, tone = "plain", attrs = {}) {
  return h("span", { class: `badge ${tone}`, ...attrs }, text);
}

// A chain status (enum name) as a translated, coloured badge.
export function statusBadge(status, attrs = {}) {
  return badge(term("status", status), TONES[status] || "plain", attrs);
}

export function stat(label, value, attrs = {}) {
  return h("div", { class: "stat" }, h("div", { class: "stat-value", ...attrs }, value), h("div", { class: "stat-label" }, label));
}

export function address(value, kinds = {}) {
  if (!value) return "—";
  const kind = kinds[value];
  return h(
    "span",
    { class: "party", title: value },
    h("code", {}, fmt.shortAddress(value)),
    kind ? h("span", { class: "muted" }, ` ${term("pkind", kind)}`) : null,
  );
}

export function hash(value) {
  return value ? h("code", { class: "hash", title: value }, fmt.shortHash(value)) : "—";
}

export function empty(key) {
  return h("p", { class: "muted" }, t(key));
}

export function agreementLink(id) {
  return h("a", { href: `#/agreement/${id}` }, h("code", { title: id }, fmt.shortHash(id)));
}
