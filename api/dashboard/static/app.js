// The dashboard shell: header (navigation, language, sign-in) and the hash router.

import * as api from "./api.js";
import { renderAgreement } from "./agreement.js";
import { renderAudit } from "./audit.js";
import { h } from "./dom.js";
import * as fmt from "./format.js";
import { language, setLanguage, t, translateStatic } from "./i18n.js";
import { renderOverview } from "./overview.js";

const view = document.getElementById("view");
const authBox = document.getElementById("auth");

function renderAuth() {
  const current = api.session();
  let content;
  if (current) {
    content = [
      h("span", { class: "who", "data-test": "signed-in", title: current.address }, `${t("auth.signedInAs")} `, h("code", {}, fmt.shortAddress(current.address))),
      h("button", { "data-test": "sign-out", onclick: () => { api.signOut(); refresh(); } }, t("auth.signOut")),
    ];
  } else if (api.hasWallet()) {
    const error = h("span", { class: "error", "data-test": "sign-in-error" });
    content = [
      h("button", {
        class: "primary",
        "data-test": "sign-in",
        onclick: async () => {
          try {
            await api.signIn();
            refresh();
          } catch (err) {
            error.textContent = t("auth.failed", { reason: err.message });
          }
        },
      }, t("auth.signIn")),
      error,
    ];
  } else {
    content = [h("span", { class: "muted", "data-test": "read-only", title: t("auth.noWallet") }, t("auth.readOnly"))];
  }
  authBox.replaceChildren(...content);
}

function route() {
  const [path, query = ""] = location.hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  return { page: parts[0] || "overview", arg: parts[1], params: new URLSearchParams(query) };
}

let generation = 0;

async function refresh() {
  const mine = ++generation;
  translateStatic();
  document.title = t("app.title");
  renderAuth();
  const { page, arg, params } = route();
  for (const link of document.querySelectorAll("nav a")) link.classList.toggle("current", link.dataset.page === page);
  view.setAttribute("aria-busy", "true");
  view.dataset.page = page;
  view.replaceChildren(h("p", { class: "muted" }, t("common.loading")));
  try {
    let content;
    let highlight = null;
    if (page === "agreement" && arg) ({ content, highlight } = await renderAgreement(arg, params));
    else if (page === "audit") content = await renderAudit(refresh);
    else content = await renderOverview();
    if (mine !== generation) return;
    view.replaceChildren(...content.filter(Boolean));
    if (highlight) {
      const rows = view.querySelectorAll(`[data-tx="${CSS.escape(highlight)}"]`);
      rows.forEach((row) => row.classList.add("highlight"));
      rows[0]?.scrollIntoView({ block: "center" });
    }
  } catch (error) {
    if (mine !== generation) return;
    const reason = error.status === 404 ? t("common.notFound") : error.message;
    view.replaceChildren(h("p", { class: "error", "data-test": "load-error" }, t("common.error", { reason })));
  } finally {
    if (mine === generation) view.setAttribute("aria-busy", "false");
  }
}

document.getElementById("lang-switch").addEventListener("click", () => {
  setLanguage(language() === "en" ? "zh-CN" : "en");
  refresh();
});
window.addEventListener("hashchange", refresh);
setLanguage(language());
refresh();
