// The audit page: run an audit through POST /audit (one agreement: anyone, read-only too; every
// agreement: auditors) and show every check with its result and evidence; the last report stays in this tab so it can be viewed again.

import * as api from "./api.js";
import { h, table } from "./dom.js";
import * as fmt from "./format.js";
import { t, term } from "./i18n.js";
import { badge, card, empty, hash, stat } from "./widgets.js";

const REPORT_KEY = "park-ledger.audit-report";
const AGREEMENT_ID = /^0x[0-9a-f]{64}$/i;

function resultBadge(status, attrs = {}) {
  return badge(t(`result.${status}`), status === "pass" ? "good" : "bad", attrs);
}

function recordLink(subject, finding) {
  if (!AGREEMENT_ID.test(subject)) return null;
  const query = finding.tx ? `?tx=${finding.tx}` : "";
  return h("a", { href: `#/agreement/${subject}${query}`, "data-test": "finding-link" }, t("audit.openRecord"));
}

function findingsList(check) {
  if (check.findings.length === 0) return "—";
  return h(
    "ul",
    { class: "findings" },
    check.findings.map((f) =>
      h(
        "li",
        {},
        f.message,
        f.expected !== null ? h("span", { class: "muted" }, ` · ${t("audit.expected", { value: f.expected })}`) : null,
        f.found !== null ? h("span", { class: "muted" }, ` · ${t("audit.found", { value: f.found })}`) : null,
        f.block !== null ? h("span", { class: "muted" }, ` · ${t("col.block")} ${fmt.count(f.block)}`) : null,
        f.tx ? [" ", hash(f.tx)] : null,
        " ",
        recordLink(check.subject, f),
      ),
    ),
  );
}

function subjectCell(subject) {
  return AGREEMENT_ID.test(subject)
    ? h("a", { href: `#/agreement/${subject}` }, h("code", { title: subject }, fmt.shortHash(subject)))
    : subject;
}

function reportView(report) {
  const failed = report.checks.filter((c) => c.status === "fail").length;
  return card(
    t("audit.last"),
    h(
      "div",
      { class: "stats" },
      stat(t("audit.result"), resultBadge(report.result, { "data-test": "audit-result" })),
      stat(t("audit.checks"), fmt.count(report.checks.length), { "data-test": "audit-checks" }),
      stat(t("audit.failed"), fmt.count(failed), { "data-test": "audit-failed" }),
      stat(t("audit.block"), fmt.count(report.block)),
      stat(t("audit.eventsRead"), fmt.count(report.events), { "data-test": "audit-events" }),
    ),
    h("p", {}, `${t("audit.reportHash")}: `, h("code", { class: "mono wrap", "data-test": "audit-hash" }, report.reportHash)),
    table(
      [t("col.check"), t("col.subject"), t("col.result"), t("col.checked"), t("col.findings")],
      report.checks.map((c) => ({
        attrs: { "data-test": "check-row", "data-check": c.check, "data-subject": c.subject, class: c.status === "fail" ? "failed" : null },
        cells: [
          h("span", {}, h("strong", { "data-test": "check-name", title: c.check }, term("check", c.check)), c.note ? h("div", { class: "muted small" }, c.note) : null),
          subjectCell(c.subject),
          resultBadge(c.status, { "data-test": "check-status" }),
          h("span", { "data-test": "check-count" }, fmt.count(c.checked)),
          findingsList(c),
        ],
      })),
    ),
  );
}

export async function renderAudit(rerender) {
  const agreements = await api.all("/agreements");
  const signedIn = api.session();
  const saved = JSON.parse(sessionStorage.getItem(REPORT_KEY) || "null");
  const scope = h(
    "select",
    { id: "audit-scope", "data-test": "audit-scope" },
    signedIn ? h("option", { value: "" }, t("audit.allAgreements")) : null,
    agreements.map((a) => h("option", { value: a.agreement_id }, fmt.shortHash(a.agreement_id))),
  );
  const message = h("p", { class: "notice", "data-test": "audit-message", hidden: true });
  const button = h("button", { class: "primary", "data-test": "audit-run", disabled: agreements.length === 0 && !signedIn }, t("audit.run"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    button.textContent = t("audit.running");
    message.hidden = true;
    try {
      const body = scope.value ? { agreement_id: scope.value } : {};
      const report = await api.post("/audit", body);
      sessionStorage.setItem(REPORT_KEY, JSON.stringify(report));
      rerender();
    } catch (error) {
      message.textContent = error.status === 403 ? t("audit.notAuditor") : t("common.error", { reason: error.message });
      message.hidden = false;
      button.disabled = false;
      button.textContent = t("audit.run");
    }
  });
  return [
    h("h1", {}, t("audit.title")),
    card(
      t("audit.run"),
      h("p", { class: "muted" }, t("audit.intro")),
      h("div", { class: "toolbar" }, h("label", { for: "audit-scope" }, `${t("audit.scope")} `), scope, button),
      signedIn ? null : h("p", { class: "notice", "data-test": "audit-sign-in" }, t("audit.needSignIn")),
      message,
    ),
    saved ? reportView(saved) : card(t("audit.last"), empty("audit.none")),
  ];
}
