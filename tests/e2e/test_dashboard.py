"""The dashboard in headless Chromium: every page renders the demo, shows the API's numbers,
switches language, and signs in with a browser wallet (a real SIWE signature)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Park, screenshot
from tests.e2e.formatting import count, eth, percent

ROOT = Path(__file__).resolve().parents[2]
# The English labels the overview must show for the demo's events and contracts.
LABELS = {
    "AgreementProposed": "Agreement proposed",
    "AgreementActivated": "Agreement activated",
    "ConsentGiven": "Consent signed",
    "ContributionsRecorded": "Contributions recorded",
    "ContributionConfirmed": "Contribution confirmed",
    "ContributionDisputed": "Contribution disputed",
    "ContributionResolved": "Dispute resolved",
    "RevenueDeposited": "Revenue deposited",
    "RevenueAllocated": "Revenue allocated",
    "RevenueClaimed": "Revenue claimed",
    "RevenueFundClaimed": "Culture fund claimed",
    "CommitmentMade": "Commitment made",
    "DeliverableSubmitted": "Deliverable submitted",
    "DeliverableAccepted": "Deliverable accepted",
    "ProposalCreated": "Proposal created",
    "VoteCast": "Vote cast",
    "ProposalExecuted": "Proposal executed",
    "RoleGranted": "Role granted",
    "RoleRevoked": "Role revoked",
    "ParticipantRegistered": "Participant registered",
    "CultureFundSet": "Culture fund set",
    "TokenAdmissionSet": "Token admission changed",
    "PayoutAddressSet": "Payout address set",
}
CONTRACT_LABELS = {
    "ParkRegistry": "Participant registry",
    "Agreements": "Agreements",
    "Contributions": "Contributions",
    "Revenue": "Revenue vault",
    "Commitments": "Commitments",
    "Governance": "Governance",
}


def code_names() -> dict[str, set[str]]:
    """Every event the contracts declare (and AccessControl's), every audit check, every
    contract of the suite: the names the dashboard must label."""
    sources = [p.read_text() for p in (ROOT / "contracts").rglob("*.sol")]
    events = {n for text in sources for n in re.findall(r"^\s*event (\w+)\(", text, re.M)}
    audit = [p.read_text() for p in (ROOT / "ledger" / "audit").glob("*.py")]
    checks = {n for text in audit for n in re.findall(r'CheckResult\(\s*"([a-z-]+)"', text)}
    return {
        "event": events | {"RoleGranted", "RoleRevoked"},
        "check": checks,
        "contract": set(CONTRACT_LABELS),
    }


def open_page(page: Page, park: Park, route: str = "") -> None:
    """Load the dashboard at `#/route` and wait until the view finished loading."""
    page.goto(f"{park.url}/dashboard/#/{route}")
    expect(page.locator("#view")).to_have_attribute("aria-busy", "false")
    expect(page.locator("[data-test=load-error]")).to_have_count(0)


def sign_in(page: Page) -> None:
    """Click sign-in; the injected wallet signs the server's EIP-4361 challenge."""
    page.click("[data-test=sign-in]")
    expect(page.locator("[data-test=signed-in]")).to_be_visible()
    expect(page.locator("#view")).to_have_attribute("aria-busy", "false")


def texts(page: Page, selector: str, attribute: str) -> dict[str, str]:
    """The inner text of each `selector` element, keyed by its row's `attribute`."""
    return page.eval_on_selector_all(
        selector,
        f"""els => Object.fromEntries(els.map(e => [
            e.closest('[{attribute}]').getAttribute('{attribute}'), e.innerText.trim()]))""",
    )


def test_root_redirects_to_the_dashboard_when_opened(page: Page, park: Park) -> None:
    page.goto(park.url)
    assert page.url == f"{park.url}/dashboard/"
    paths = park.api("/openapi.json")["paths"]
    assert "/events" in paths
    assert not any(path == "/" or path.startswith("/dashboard") for path in paths)


def test_overview_shows_participants_agreements_and_activity_when_the_demo_is_indexed(
    page: Page, park: Park
) -> None:
    open_page(page, park)
    participants = park.api("/participants")["items"]
    active = park.api("/agreements", status="Active")["items"]
    expect(page.locator("[data-test=stat-participants]")).to_have_text(count(len(participants)))
    expect(page.locator("[data-test=stat-active]")).to_have_text(count(len(active)))
    by_kind: dict[str, int] = {}
    for participant in participants:
        by_kind[participant["kind"]] = by_kind.get(participant["kind"], 0) + 1
    shown = texts(page, "[data-test=kind-count]", "data-kind")
    assert shown == {kind: count(n) for kind, n in by_kind.items()}
    parties = texts(page, "[data-test=agreement-parties]", "data-agreement")
    assert parties == {a["agreement_id"]: count(a["party_count"]) for a in active}
    recent = park.api("/events", sort="-block", limit=12)["items"]
    rows = page.locator("[data-test=event-row] .event-name")
    names = rows.evaluate_all("els => els.map(e => e.dataset.name)")
    assert names == [event["name"] for event in recent]
    assert rows.all_inner_texts() == [LABELS[name] for name in names]
    contracts = page.locator("[data-test=event-row] .contract-name").all_inner_texts()
    assert contracts == [CONTRACT_LABELS[event["contract"]] for event in recent]
    screenshot(page, "overview-en")


def test_agreement_page_matches_the_api_when_showing_the_demo_agreement(
    page: Page, park: Park
) -> None:
    aid = park.agreement_id
    open_page(page, park, f"agreement/{aid}")
    detail = park.api(f"/agreements/{aid}")
    expect(page.locator("[data-test=agreement-status]")).to_have_text(detail["status"])
    shares = texts(page, "[data-test=party-share]", "data-party")
    assert shares == {p["party"]: percent(p["share_bps"]) for p in detail["parties"]}
    assert page.locator("[data-test=share-slice]").count() == len(detail["parties"])
    signed = page.eval_on_selector_all(
        "[data-test=signature]",
        "els => els.map(e => [e.closest('[data-party]').dataset.party, "
        "Number(e.dataset.version), e.dataset.signed])",
    )
    consents = {(c["party"], c["version"]) for c in detail["consents"]}
    assert {(p, v) for p, v, s in signed if s == "yes"} == consents
    assert len(signed) == len(detail["parties"]) * detail["version"]

    records = park.api("/contributions", agreement_id=aid)["items"]
    statuses = texts(page, "[data-test=contribution-status]", "data-record")
    assert statuses == {r["record_id"]: r["status"] for r in records}
    confirmations = texts(page, "[data-test=contribution-confirmations]", "data-record")
    required = detail["confirmations_required"]
    assert confirmations == {
        r["record_id"]: f"{count(r['confirmations'])} / {count(required)}" for r in records
    }
    provenance = texts(page, "[data-test=provenance]", "data-record")
    assert provenance == {
        r["record_id"]: "Human" if r["provenance"] == "None" else "AI-assisted" for r in records
    }

    revenue = detail["revenue"]
    for field in ("deposited", "claimed", "fund_claimed", "fund_claimable", "bonds_locked"):
        selector = f"[data-test=revenue-{field.replace('_', '-')}]"
        expect(page.locator(selector)).to_have_text(eth(revenue[field]))
    balances = park.api("/revenue/balances", agreement_id=aid)["items"]
    claimed = texts(page, "[data-test=balance-claimed]", "data-account")
    claimable = texts(page, "[data-test=balance-claimable]", "data-account")
    assert claimed == {b["account"]: eth(b["claimed"]) for b in balances}
    assert claimable == {b["account"]: eth(b["claimable"]) for b in balances}
    assert claimed[park.cast.studio.address] == "1.14 ETH"

    commitments = park.api("/commitments", agreement_id=aid)["items"]
    returned = sum(int(c["bond"]) for c in commitments if c["status"] == "Fulfilled")
    assert returned > 0
    expect(page.locator("[data-test=revenue-bonds-returned]")).to_have_text(eth(str(returned)))
    bonds = texts(page, "[data-test=commitment-bond]", "data-commitment")
    states = texts(page, "[data-test=commitment-status]", "data-commitment")
    assert bonds == {c["commitment_id"]: eth(c["bond"]) for c in commitments}
    assert states == {c["commitment_id"]: c["status"] for c in commitments}
    proposals = park.api("/proposals", agreement_id=aid)["items"]
    tallies = texts(page, "[data-test=proposal-for]", "data-proposal")
    assert tallies == {p["proposal_id"]: count(p["weight_for"]) for p in proposals}
    expect(page.locator("[data-test=head]")).to_have_text(detail["head"]["head"])
    expect(page.locator("[data-test=head-events]")).to_have_text(
        count(detail["head"]["event_count"])
    )
    expect(page.locator("[data-test=private-hidden]")).to_be_visible()
    screenshot(page, "agreement-en")


def test_language_switch_translates_every_label_and_persists_when_reloaded(
    page: Page, park: Park
) -> None:
    open_page(page, park, f"agreement/{park.agreement_id}")
    expect(page.locator("h2").first).to_have_text("Parties and shares")
    page.click("[data-test=lang-switch]")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h2").first).to_have_text("参与方与份额")
    expect(page.locator("nav a[data-page=audit]")).to_have_text("审计")
    expect(page.locator("[data-test=agreement-status]")).to_have_text("生效中")
    expect(page.locator("[data-test=revenue-deposited]")).to_have_text("3 ETH")
    page.reload()
    expect(page.locator("#view")).to_have_attribute("aria-busy", "false")
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    expect(page.locator("h2").first).to_have_text("参与方与份额")
    screenshot(page, "agreement-zh")
    for route, name in (("", "overview-zh"), ("audit", "audit-zh")):
        open_page(page, park, route)
        expect(page.locator("h1")).to_have_text(re.compile("[\u4e00-\u9fff]"))
        screenshot(page, name)
    page.click("[data-test=lang-switch]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Audit")
    page.reload()
    expect(page.locator("h1")).to_have_text("Audit")


def test_every_english_label_has_a_chinese_translation_when_the_dictionaries_load(
    page: Page, park: Park
) -> None:
    open_page(page, park)
    missing: dict[str, Any] = page.evaluate(
        """async () => {
            const { DICTIONARIES } = await import('./i18n.js');
            const en = Object.keys(DICTIONARIES.en), zh = DICTIONARIES['zh-CN'];
            return {
                untranslated: en.filter(k => !(k in zh)),
                extra: Object.keys(zh).filter(k => !(k in DICTIONARIES.en)),
                same: en.filter(k => zh[k] === DICTIONARIES.en[k]),
            };
        }"""
    )
    assert missing == {"untranslated": [], "extra": [], "same": []}


def test_every_event_check_and_contract_has_a_label_in_both_languages_when_the_page_loads(
    page: Page, park: Park
) -> None:
    open_page(page, park)
    names = {kind: sorted(found) for kind, found in code_names().items()}
    assert names["check"], "no audit check names found"
    missing = page.evaluate(
        """async (names) => {
            const { DICTIONARIES } = await import('./i18n.js');
            const keys = Object.entries(names).flatMap(([k, ns]) => ns.map(n => `${k}.${n}`));
            return Object.fromEntries(Object.entries(DICTIONARIES).map(
                ([lang, d]) => [lang, keys.filter(key => !(key in d))]));
        }""",
        names,
    )
    assert missing == {"en": [], "zh-CN": []}


def test_read_only_view_runs_an_agreements_audit_without_sign_in_when_the_browser_has_no_wallet(
    page: Page, park: Park
) -> None:
    open_page(page, park, "audit")
    expect(page.locator("[data-test=read-only]")).to_be_visible()
    expect(page.locator("[data-test=sign-in]")).to_have_count(0)
    expect(page.locator("[data-test=audit-sign-in]")).to_be_visible()
    expect(page.locator("[data-test=audit-scope] option[value='']")).to_have_count(0)
    page.select_option("[data-test=audit-scope]", park.agreement_id)
    page.click("[data-test=audit-run]")
    expect(page.locator("[data-test=audit-result]")).to_have_text("Pass", timeout=60_000)
    checks = page.locator("[data-test=check-row]")
    assert checks.count() > 0
    assert set(checks.evaluate_all("els => els.map(e => e.dataset.subject)")) >= {park.agreement_id}


def test_language_button_and_commitments_stay_on_one_line_when_the_window_is_700_px_wide(
    page: Page, park: Park
) -> None:
    page.set_viewport_size({"width": 700, "height": 900})
    for language in ("en", "zh-CN"):
        open_page(page, park, f"agreement/{park.agreement_id}")
        if page.locator("html").get_attribute("lang") != language:
            page.click("[data-test=lang-switch]")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("#view")).to_have_attribute("aria-busy", "false")
        # NOTE: an element is on one line when forcing `nowrap` on it leaves its height as is.
        heights = page.evaluate(
            """() => {
                const row = document.querySelector('[data-test=commitment-row]');
                const rows = row.closest('.card').querySelectorAll('tr');
                const watched = [document.getElementById('lang-switch'), ...rows];
                const measure = () => watched.map(e => e.getBoundingClientRect().height);
                const before = measure();
                for (const e of watched) e.style.whiteSpace = 'nowrap';
                const after = measure();
                for (const e of watched) e.style.whiteSpace = '';
                return { before, after };
            }"""
        )
        assert heights["before"] == heights["after"], language
        screenshot(page, f"agreement-700px-{language}")


def test_wallet_sign_in_shows_the_party_and_its_private_fields_when_the_studio_signs(
    wallet_page: Page, park: Park
) -> None:
    page = wallet_page
    open_page(page, park, f"agreement/{park.agreement_id}")
    expect(page.locator("[data-test=private-hidden]")).to_be_visible()
    sign_in(page)
    address = park.cast.studio.address
    expect(page.locator("[data-test=signed-in]")).to_have_attribute("title", address)
    expect(page.locator("[data-test=private-hidden]")).to_have_count(0)
    expect(page.locator("[data-test=private-pending]")).to_have_text(
        "No relayed intent is waiting."
    )
    page.click("[data-test=sign-out]")
    expect(page.locator("[data-test=private-hidden]")).to_be_visible()


def test_audit_page_shows_each_check_as_the_api_reports_it_when_an_auditor_runs_it(
    auditor_page: Page, park: Park
) -> None:
    page = auditor_page
    open_page(page, park, "audit")
    screenshot(page, "audit-empty-en")
    sign_in(page)
    page.select_option("[data-test=audit-scope]", park.agreement_id)
    page.click("[data-test=audit-run]")
    expect(page.locator("[data-test=audit-result]")).to_be_visible(timeout=60_000)
    rows = page.eval_on_selector_all(
        "[data-test=check-row]",
        "els => els.map(e => [e.dataset.check, e.dataset.subject, "
        "e.querySelector('[data-test=check-status]').innerText, "
        "e.querySelector('[data-test=check-count]').innerText])",
    )
    token = page.evaluate("JSON.parse(sessionStorage.getItem('park-ledger.session')).token")
    report = park.post("/audit", token, {"agreement_id": park.agreement_id})
    assert report["result"] == "pass"
    expect(page.locator("[data-test=audit-result]")).to_have_text("Pass")
    expect(page.locator("[data-test=audit-hash]")).to_have_text(report["reportHash"])
    assert rows == [
        [c["check"], c["subject"], c["status"].capitalize(), count(c["checked"])]
        for c in report["checks"]
    ]
    shown = page.locator("[data-test=check-name]").all_inner_texts()
    assert "Hash chain" in shown
    assert not {c["check"] for c in report["checks"]} & set(shown)
    subject = page.locator(f"[data-test=check-row][data-subject='{park.agreement_id}'] a").first
    subject.click()
    expect(page.locator("[data-test=agreement-status]")).to_be_visible()
    page.go_back()
    expect(page.locator("[data-test=audit-result]")).to_have_text("Pass")
    screenshot(page, "audit-en")


def test_api_docs_render_every_operation_offline_when_opened_under_the_strict_policy(
    page: Page, park: Park
) -> None:
    violations: list[str] = []
    page.on("console", lambda message: violations.append(message.text))
    outside: list[str] = []
    page.route(
        re.compile(r"^(?!" + re.escape(park.url) + ").*"),
        lambda route: (outside.append(route.request.url), route.abort()),
    )
    response = page.goto(f"{park.url}/docs")
    assert response is not None
    csp = response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
    assert "jsdelivr" not in csp
    paths = park.api("/openapi.json")["paths"]
    operations = sum(len(methods) for methods in paths.values())
    expect(page.locator(".opblock")).to_have_count(operations)
    assert outside == []
    assert not [v for v in violations if "Content Security Policy" in v]
