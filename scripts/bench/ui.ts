// `npm run bench:ui`: how fast the console's pages are on the seeded demo with a million logged
// predictions. Starts the whole app on its own database and ports (demo-stack.ts), writes a week of
// records and rollups (demo-traffic.ts), ANALYZEs, signs in as the admin in Debian's Chromium and loads
// every main page: one warm-up, then the median of 5 loads of first byte, load event and "settled" (client
// panels have their data), against the targets (first byte < 300 ms, full load < 1.5 s). Tears it all down.
//   --screenshots   also saves the README's screenshots (1280×800) into docs/screenshots/
//   BENCH_ROWS      records to write (default 1,000,000); BENCH_RUNS loads per page (default 5)
//   BENCH_KEEP_DB=1 leaves the database (its address is printed) to EXPLAIN what was slow
import { mkdirSync, statSync, unlinkSync } from "node:fs";
import os from "node:os";
import { chromium, type Page } from "@playwright/test";
import pg from "pg";
import { asRouting } from "../../lib/serving/shared/routing";
import { loadGermanCredit } from "../../lib/training/german-credit";
import { DEMO_PROD_ENDPOINT } from "../../lib/seed/seed-governance";
import { DEMO_MODEL, DEMO_TEAM } from "../../lib/seed/seed-demo";
import { DEMO_ADMIN, startDemoStack } from "./lib/demo-stack";
import { loadDemoTraffic, type TrafficEndpoint } from "./lib/demo-traffic";
import { medianPageLoad, type PageTiming } from "./lib/page-timing";
import { consolePages } from "../../e2e/console-pages";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SCREENSHOTS = process.argv.includes("--screenshots");
const FIRST_BYTE_TARGET_MS = 300;
const FULL_LOAD_TARGET_MS = 1500;
const SCREENSHOT_DIR = "docs/screenshots";
const SCREENSHOT_MAX_BYTES = 300_000;
// the staging endpoint (two versions, the page measured) gets most of the traffic
const SHARES: Record<string, number> = { [DEMO_MODEL]: 0.7, [DEMO_PROD_ENDPOINT]: 0.3 };
const MEDIAN_MS: Record<number, number> = { 1: 2.4, 2: 3.6 };

const log = (m: string) => console.log(`[bench:ui] ${m}`);
const seconds = (t0: number) => ((performance.now() - t0) / 1000).toFixed(1);

async function signIn(page: Page, baseUrl: string) {
  await page.goto(`${baseUrl}/signin`);
  await page.getByLabel("Email").fill(DEMO_ADMIN.email);
  await page.getByLabel("Password").fill(DEMO_ADMIN.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await page.waitForURL(/\/t\/[^/]+\/models$/);
}

/** The pages a signed-in admin reaches; a promotion is requested first so there is one to look at. */
async function mainPages(page: Page, baseUrl: string): Promise<[string, string][]> {
  const origin = baseUrl;
  const api = async (path: string) => {
    const r = await page.request.get(`${baseUrl}${path}${path.includes("?") ? "&" : "?"}team=${DEMO_TEAM}`);
    if (!r.ok()) throw new Error(`GET ${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
  const deployment: string = (await api(`/api/v1/endpoints/${DEMO_MODEL}`)).deployments[0].id;
  // the MLP canaried into production: the promotion waits for the approver, with its evidence
  const asked = await page.request.post(`${baseUrl}/api/v1/promotions?team=${DEMO_TEAM}`, {
    headers: { origin },
    data: { kind: "traffic", endpoint: DEMO_PROD_ENDPOINT, traffic: { model: DEMO_MODEL, strategy: "canary", variants: [{ version: 2, weight: 100 }] }, reason: "The MLP beats the logistic regression on AUC; canary it in production" },
  });
  if (!asked.ok()) throw new Error(`requesting a promotion: ${asked.status()} ${await asked.text()}`);
  const promotion: string = (await asked.json()).id;
  const pages = consolePages({ base: `${baseUrl}/t/${DEMO_TEAM}`, model: DEMO_MODEL, endpoint: DEMO_MODEL, version: 2, deployment, promotion });
  // the 7-day charts: the heaviest read of the endpoint page
  const at = pages.findIndex(([name]) => name === "endpoint") + 1;
  return [...pages.slice(0, at), ["endpoint, range=7d", `${baseUrl}/t/${DEMO_TEAM}/endpoints/${DEMO_MODEL}?range=7d`], ...pages.slice(at)];
}

/** The README's pictures: what a new user sees, at 1280×800; PNG, or JPEG where a PNG would be too heavy. */
async function screenshots(page: Page, pages: Map<string, string>) {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const shots: { file: string; page: string; prepare?: () => Promise<void> }[] = [
    { file: "models", page: "models" },
    { file: "model", page: "model" },
    { file: "compare", page: "compare" },
    {
      file: "endpoint-charts", page: "endpoint",
      prepare: async () => {
        await page.goto(`${pages.get("endpoint")}?range=24h`);
        await page.getByText(/Traffic, last/).first().scrollIntoViewIfNeeded();
      },
    },
    {
      file: "prediction-log", page: "prediction log",
      // one record opened: its inputs and outputs
      prepare: async () => { await page.getByTestId("prediction-row").first().click(); },
    },
    { file: "promotion", page: "promotion" },
    { file: "policy-editor", page: "policies" },
  ];
  for (const s of shots) {
    await page.goto(pages.get(s.page)!);
    await settle(page);
    await s.prepare?.();
    await settle(page);
    const png = `${SCREENSHOT_DIR}/${s.file}.png`;
    const jpg = `${SCREENSHOT_DIR}/${s.file}.jpg`;
    for (const f of [png, jpg]) try { unlinkSync(f); } catch { /* not there */ }
    await page.screenshot({ path: png });
    let saved = png;
    if (statSync(png).size > SCREENSHOT_MAX_BYTES) {
      unlinkSync(png);
      await page.screenshot({ path: jpg, type: "jpeg", quality: 80 });
      saved = jpg;
    }
    log(`saved ${saved} (${Math.round(statSync(saved).size / 1000)} KB)`);
  }
}

async function settle(page: Page) {
  await page.waitForLoadState("load");
  await page.waitForFunction(() => !document.querySelector("[aria-busy='true']") && !/Loading[ ….]/.test(document.body.innerText), null, { timeout: 15_000 }).catch(() => {});
  await page.waitForTimeout(500); // charts animate in
}

const ms = (x: number) => (Number.isFinite(x) ? String(Math.round(x)) : "never");

function report(rows: [string, PageTiming][], load: { before: number[]; after: number[] }) {
  const w = Math.max(...rows.map(([l]) => l.length));
  console.log(`\nPage timings: median of ${RUNS} warm loads after one warm-up, ${ROWS.toLocaleString("en-US")} logged predictions`);
  console.log(`targets: first byte < ${FIRST_BYTE_TARGET_MS} ms, full load (settled: the load event and every panel's data) < ${FULL_LOAD_TARGET_MS} ms\n`);
  console.log(`${"page".padEnd(w)} | first byte ms | load event ms | settled ms | verdict`);
  let misses = 0;
  for (const [label, t] of rows) {
    const why = [
      t.status !== 200 ? `HTTP ${t.status}` : "",
      t.firstByteMs >= FIRST_BYTE_TARGET_MS ? "MISS first byte" : "",
      t.settledMs >= FULL_LOAD_TARGET_MS ? "MISS full load" : "",
    ].filter(Boolean);
    if (why.length) misses++;
    console.log(`${label.padEnd(w)} | ${ms(t.firstByteMs).padStart(13)} | ${ms(t.loadMs).padStart(13)} | ${ms(t.settledMs).padStart(10)} | ${why.join(", ") || "ok"}`);
  }
  const avg = (l: number[]) => l.map((x) => x.toFixed(2)).join(" ");
  console.log(`\n${misses ? `${misses} page(s) missed a target` : "every page met both targets"}`);
  console.log(`machine: ${os.cpus().length} cores; load average (1, 5, 15 min) ${avg(load.before)} before, ${avg(load.after)} after measuring`);
}

const stack = await startDemoStack(log);
const keep = process.env.BENCH_KEEP_DB === "1";
try {
  const t0 = performance.now();
  const team = await stack.db.team.findUniqueOrThrow({ where: { slug: DEMO_TEAM } });
  const endpoints: TrafficEndpoint[] = [];
  for (const e of await stack.db.endpoint.findMany({ where: { teamId: team.id }, orderBy: { name: "asc" } })) {
    const variants = asRouting(e.routing).variants.filter((v) => v.role === "primary");
    endpoints.push({
      id: e.id, name: e.name, share: SHARES[e.name] ?? 0,
      variants: variants.map((v) => ({ name: v.name, version: v.version, weight: v.weight, onnxPath: stack.store.localPath(v.sha256), medianMs: MEDIAN_MS[v.version] ?? 3 })),
    });
  }
  log(`writing ${ROWS.toLocaleString("en-US")} logged predictions over 7 days for ${endpoints.map((e) => e.name).join(", ")}…`);
  const pool = new pg.Pool({ connectionString: stack.databaseUrl, max: 3 });
  try {
    await loadDemoTraffic({ pool, endpoints, rows: loadGermanCredit().rows, total: ROWS, now: Date.now(), days: 7, log });
    log(`written in ${seconds(t0)} s; ANALYZE…`);
    await pool.query("ANALYZE");
  } finally {
    await pool.end();
  }

  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: "light" });
    const page = await context.newPage();
    await signIn(page, stack.baseUrl);
    const pages = await mainPages(page, stack.baseUrl);
    const before = os.loadavg();
    const rows: [string, PageTiming][] = [];
    for (const [label, url] of pages) {
      rows.push([label, await medianPageLoad(page, url, RUNS)]);
      log(`measured ${label}`);
    }
    const after = os.loadavg();
    report(rows, { before, after });
    if (SCREENSHOTS) await screenshots(page, new Map(pages));
  } finally {
    await browser.close();
  }
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  if (keep) log(`kept the database: ${stack.databaseUrl}`);
  await stack.stop({ keepDatabase: keep });
}
