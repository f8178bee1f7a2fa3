import { mkdirSync, writeFileSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";
import { settled, signIn } from "./helpers";
import { consolePages } from "./console-pages";

// Every main page, as the seeded admin, in the light and the dark colour scheme (the app follows the
// system's): axe-core finds no serious or critical violation. Lesser findings are printed, not failed.
// Unknown pages and resources answer 404 with the styled page, and the keyboard shortcuts work.

const TEAM = "demo";
const MODEL = "credit-risk";
const ENDPOINT = "credit-risk";
const SCHEMES = ["light", "dark"] as const;
const REPORT_DIR = "test-results/accessibility";

type Finding = { page: string; scheme: string; id: string; impact: string; help: string; nodes: string[] };

async function audit(page: Page, label: string, scheme: string): Promise<Finding[]> {
  await settled(page);
  const result = await new AxeBuilder({ page }).analyze();
  mkdirSync(REPORT_DIR, { recursive: true });
  await page.screenshot({ path: `${REPORT_DIR}/${label.replace(/[^\w-]+/g, "_")}-${scheme}.png`, fullPage: true });
  return result.violations.map((v) => ({
    page: label, scheme, id: v.id, impact: v.impact ?? "unknown", help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(" ")} — ${(n.failureSummary ?? "").replace(/\s+/g, " ").slice(0, 300)}`),
  }));
}

function judge(findings: Finding[], name: string) {
  mkdirSync(REPORT_DIR, { recursive: true });
  writeFileSync(`${REPORT_DIR}/${name}.json`, JSON.stringify(findings, null, 2));
  const minor = findings.filter((f) => f.impact !== "serious" && f.impact !== "critical");
  if (minor.length) console.log(`[axe] ${name}: ${minor.length} minor or moderate findings:\n${minor.map((f) => `  ${f.page} (${f.scheme}) ${f.impact} ${f.id}: ${f.help}`).join("\n")}`);
  const serious = findings.filter((f) => f.impact === "serious" || f.impact === "critical");
  expect(serious.map((f) => `${f.page} (${f.scheme}) ${f.impact} ${f.id}: ${f.help}\n    ${f.nodes.join("\n    ")}`), "serious or critical axe violations").toEqual([]);
}

/** The pages a signed-in admin reaches, with ids looked up through the API. */
async function mainPages(page: Page): Promise<[string, string][]> {
  const api = async (path: string) => {
    const r = await page.request.get(`${path}${path.includes("?") ? "&" : "?"}team=${TEAM}`);
    return r.ok() ? r.json() : null;
  };
  const endpoint = await api(`/api/v1/endpoints/${ENDPOINT}`);
  const deployment: string | undefined = endpoint?.deployments?.[0]?.id;
  // a promotion to look at: moving the protected alias `champion` asks for one (it waits for an approver)
  const origin = new URL(page.url()).origin;
  await page.request.post(`/api/v1/promotions?team=${TEAM}`, { headers: { origin }, data: { kind: "alias", model: MODEL, alias: "champion", version: 2, reason: "accessibility check" } });
  const promotion: string | undefined = (await api("/api/v1/promotions"))?.promotions?.[0]?.id;
  // a drift report to look at: the seeded schedule's, or one asked for now over the last day
  let driftReport: string | undefined = (await api(`/api/v1/endpoints/${ENDPOINT}/drift-reports?limit=1`))?.reports?.[0]?.id;
  if (!driftReport) {
    const r = await page.request.post(`/api/v1/endpoints/${ENDPOINT}/drift-reports?team=${TEAM}`, { headers: { origin }, data: { from: new Date(Date.now() - 86_400_000).toISOString(), to: new Date().toISOString() } });
    driftReport = r.ok() ? (await r.json()).id : undefined;
  }
  const t = `/t/${TEAM}`;
  return [
    ...consolePages({ base: t, model: MODEL, endpoint: ENDPOINT, deployment, promotion, driftReport }),
    ["dead-letters", `${t}/admin/dead-letters`],
    ["change-password", "/change-password"],
    ["unknown-page", `${t}/no-such-page`],
    ["unknown-model", `${t}/models/no-such-model`],
  ];
}

for (const scheme of SCHEMES) {
  test(`every main page has no serious or critical axe violation (${scheme})`, async ({ page }) => {
    test.setTimeout(240_000);
    await page.emulateMedia({ colorScheme: scheme });
    await signIn(page);
    const findings: Finding[] = [];
    for (const [label, url] of await mainPages(page)) {
      await test.step(label, async () => {
        await page.goto(url);
        findings.push(...(await audit(page, label, scheme)));
      });
    }
    // the promotion it asked for to have one to look at is withdrawn: other journeys count what waits
    const open = (await (await page.request.get(`/api/v1/promotions?team=${TEAM}&status=pending_approval`)).json()).promotions as { id: string; reason: string }[];
    for (const p of open.filter((x) => x.reason === "accessibility check")) {
      await page.request.post(`/api/v1/promotions/${p.id}/cancel?team=${TEAM}`, { headers: { origin: new URL(page.url()).origin }, data: {} });
    }
    judge(findings, `signed-in-${scheme}`);
  });

  test(`the sign-in page and the 404 outside a team have no serious or critical axe violation (${scheme})`, async ({ page }) => {
    await page.emulateMedia({ colorScheme: scheme });
    const findings: Finding[] = [];
    await page.goto("/signin");
    findings.push(...(await audit(page, "signin", scheme)));
    const missing = await page.goto("/no-such-address");
    expect(missing?.status()).toBe(404);
    findings.push(...(await audit(page, "app-404", scheme)));
    judge(findings, `signed-out-${scheme}`);
  });
}

test("unknown pages and resources answer 404 with the team's page, inside its layout", async ({ page }) => {
  await signIn(page);
  const cases: [string, RegExp][] = [
    [`/t/${TEAM}/no-such-page`, /Page not found/],
    [`/t/${TEAM}/models/no-such-model`, /Model "no-such-model" not found/],
    [`/t/${TEAM}/models/${MODEL}/versions/999`, /Version 999 of "credit-risk" not found/],
    [`/t/${TEAM}/endpoints/no-such-endpoint`, /Endpoint "no-such-endpoint" not found/],
    [`/t/${TEAM}/deployments/no-such-deployment`, /Deployment "no-such-deployment" not found/],
    [`/t/${TEAM}/promotions/no-such-promotion`, /Promotion "no-such-promotion" not found/],
  ];
  for (const [url, text] of cases) {
    const r = await page.goto(url);
    expect(r?.status(), url).toBe(404);
    await expect(page.getByTestId("not-found")).toContainText(text);
    await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  }
  // the unknown endpoint's page asks the API nothing: no polling for what does not exist
  const asked: string[] = [];
  page.on("request", (req) => { if (req.url().includes("/api/v1/endpoints/")) asked.push(req.url()); });
  await page.goto(`/t/${TEAM}/endpoints/no-such-endpoint`);
  await page.waitForTimeout(6_000);
  expect(asked).toEqual([]);
});

test("keyboard: / focuses the page's search box, g m and g e go to models and endpoints, not while typing", async ({ page }) => {
  await signIn(page);
  await page.goto(`/t/${TEAM}/audit`);
  const search = page.getByLabel("Action (starts with)");
  // the shortcuts listen once the page is interactive (hydrated), which can follow the load event: press until they answer
  await expect(async () => {
    await page.keyboard.press("/");
    await expect(search).toBeFocused({ timeout: 250 });
  }).toPass({ timeout: 20_000 });
  await expect(search).toHaveValue("");
  // typing g e into the box is text, not a shortcut
  await page.keyboard.type("ge");
  await expect(search).toHaveValue("ge");
  await expect(page).toHaveURL(/\/audit$/);
  await search.blur();
  await page.keyboard.press("g");
  await page.keyboard.press("e");
  await expect(page).toHaveURL(new RegExp(`/t/${TEAM}/endpoints$`));
  await page.keyboard.press("g");
  await page.keyboard.press("m");
  await expect(page).toHaveURL(new RegExp(`/t/${TEAM}/models$`));
});
