import { expect, test, type APIResponse } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { settled, signIn } from "./helpers";
import { endpointServing } from "./console-helpers";
import { loadGermanCredit } from "../lib/training/german-credit";

// Drift reports in the browser. The journey makes an endpoint of its own serving credit-risk v1 (whose
// reference data is v1's training rows), sends it applicants whose duration, amount and age have moved
// far from those rows, runs a report over the last hour from the drift page, watches it finish, and
// finds those columns drifted, each with its two histograms. A viewer of the same page sees the reports
// and the settings but nothing to run or save, and the API refuses the viewer's writes.

const TEAM = "demo";
const gateway = () => process.env.E2E_GATEWAY_URL!;
const SHIFTED = ["duration", "amount", "age"];

async function json(r: APIResponse) {
  if (!r.ok()) throw new Error(`${r.url()}: ${r.status()} ${await r.text()}`);
  return r.json();
}

test("run a drift report in the browser: it finishes and shows the drifted columns with their histograms", async ({ page, request }) => {
  test.setTimeout(240_000);
  await signIn(page);
  const endpoint = `drift-${randomUUID().slice(0, 6)}`;
  await endpointServing(page, endpoint);

  // 300 applicants: loans three times as long, four times as large, applicants 25 years older
  const rows = loadGermanCredit().rows.slice(0, 300).map((r) => ({ ...r, duration: Number(r.duration) * 3, amount: Number(r.amount) * 4, age: Number(r.age) + 25 }));
  for (let i = 0; i < rows.length; i += 50) {
    const r = await request.post(`${gateway()}/v1/endpoints/${endpoint}/predict`, { data: { instances: rows.slice(i, i + 50) } });
    expect(r.status(), await r.text()).toBe(200);
  }
  // logged once the jobs worker has taken them off the stream (one record per request of 50 rows)
  await expect.poll(async () => (await json(await page.request.get(`/api/v1/endpoints/${endpoint}/predictions?team=${TEAM}&limit=100`))).predictions.length, { timeout: 30_000 }).toBe(6);

  // the endpoint page links to its drift reports
  await page.goto(`/t/${TEAM}/endpoints/${endpoint}`);
  await expect(page.getByTestId("drift-card")).toContainText("No finished drift report yet.");
  await page.getByRole("link", { name: "Drift reports →" }).click();
  await expect(page).toHaveURL(new RegExp(`/endpoints/${endpoint}/drift$`));

  // a window that ends before it starts: the server's words, next to the field
  const form = page.getByRole("form", { name: "Run a drift report" });
  await expect(form.getByRole("button", { name: "Run report" })).toBeEnabled();
  await form.getByLabel("From (your local time)").fill("2030-01-02T00:00");
  await form.getByLabel("To", { exact: true }).fill("2030-01-01T00:00");
  await form.getByRole("button", { name: "Run report" }).click();
  await expect(form.getByText("from must be before to")).toBeVisible();

  await form.getByRole("button", { name: "Last 1 h" }).click();
  await expect(form.getByRole("button", { name: "Last 1 h" })).toHaveAttribute("aria-pressed", "true");
  await form.getByLabel("Version").selectOption("1");
  await form.getByRole("button", { name: "Run report" }).click();
  await expect(page).toHaveURL(new RegExp(`/t/${TEAM}/drift-reports/[^/]+$`));

  // the page follows the report until it finishes
  await expect(page.getByTestId("drift-status")).toHaveText("succeeded", { timeout: 90_000 });
  const summary = page.getByTestId("drift-summary");
  await expect(summary).toContainText("300 in the window (served by v1)");
  await expect(summary).toContainText("credit-risk v1's reference data");
  const id = /\/drift-reports\/([^/]+)$/.exec(page.url())![1];
  const report = await json(await page.request.get(`/api/v1/drift-reports/${id}?team=${TEAM}`));
  await expect(page.getByTestId("drift-share")).toHaveText(`${(report.datasetDrift.share * 100).toFixed(1)}%`);

  // the shifted columns drifted, listed first, each with its reference and current histograms
  const drifted = (report.features as { name: string; drifted: boolean }[]).filter((f) => f.drifted).map((f) => f.name);
  expect(drifted).toEqual(expect.arrayContaining(SHIFTED));
  const columns = page.getByTestId("drift-column");
  for (const name of SHIFTED) {
    const column = columns.filter({ has: page.getByRole("heading", { name: new RegExp(`^${name}`) }) });
    await expect(column).toHaveAttribute("data-drifted", "true");
    const chart = column.getByTestId(`histogram-${name}`);
    await expect(chart.locator(".recharts-bar-rectangle").first()).toBeVisible();
    await expect(chart.getByText("reference", { exact: true })).toBeVisible();
    await expect(chart.getByText("current window", { exact: true })).toBeVisible();
  }
  const tableRows = page.getByTestId("drift-columns").locator("tbody tr");
  expect((await tableRows.allTextContents()).slice(0, drifted.length).every((t) => t.includes("drifted"))).toBe(true);
  await page.screenshot({ path: "test-results/drift-report.png", fullPage: true });

  // the list and the endpoint page show it
  await page.getByRole("link", { name: `← All drift reports of ${endpoint}` }).click();
  await expect(page.getByTestId("drift-report-row").first()).toContainText("succeeded");
  await expect(page.getByTestId("drift-report-row").first()).toContainText(`${(report.datasetDrift.share * 100).toFixed(1)}%`);
  await page.goto(`/t/${TEAM}/endpoints/${endpoint}`);
  await expect(page.getByTestId("drift-last")).toContainText(`${(report.datasetDrift.share * 100).toFixed(1)}%`);
  await expect(page.getByTestId("chart-drift-share").locator(".recharts-line")).toHaveCount(1);
});

test("drift settings: an engineer schedules reports; a viewer sees the reports and settings but no control that writes", async ({ page, browser }) => {
  test.setTimeout(180_000);
  await signIn(page);
  const origin = new URL(page.url()).origin;
  const endpoint = `drift-${randomUUID().slice(0, 6)}`;
  await endpointServing(page, endpoint);

  await page.goto(`/t/${TEAM}/endpoints/${endpoint}/drift`);
  const settings = page.getByRole("form", { name: "Drift settings" });
  await expect(settings.getByRole("button", { name: "Save drift settings" })).toBeEnabled();
  await expect(settings.getByText("default 0.05; numeric column, small reference")).toBeVisible();
  await settings.getByLabel("Run reports on a schedule").check();
  await settings.getByLabel("Every (minutes)").fill("2");
  await settings.getByRole("button", { name: "Save drift settings" }).click();
  // the server's refusal under the input it concerns
  await expect(settings.locator("#drift-every-error")).toBeVisible();
  await expect(settings.getByLabel("Every (minutes)")).toHaveAttribute("aria-invalid", "true");
  await settings.getByLabel("Every (minutes)").fill("30");
  await settings.getByLabel("Over the last (minutes)").fill("120");
  await settings.getByRole("button", { name: "Save drift settings" }).click();
  await expect(settings.getByText("Saved.")).toBeVisible();
  expect((await json(await page.request.get(`/api/v1/endpoints/${endpoint}/drift-settings?team=${TEAM}`))).schedule).toEqual({ everyMinutes: 30, windowMinutes: 120 });

  const email = `drift-viewer-${Date.now()}@example.test`;
  const added = await json(await page.request.post(`/api/v1/members?team=${TEAM}`, { headers: { origin }, data: { email, name: "Dora Viewer", role: "viewer" } }));
  const context = await browser.newContext();
  try {
    const viewer = await context.newPage();
    await viewer.goto("/signin");
    await viewer.getByLabel("Email").fill(email);
    await viewer.getByLabel("Password").fill(added.initialPassword);
    await viewer.getByRole("button", { name: "Sign in", exact: true }).click();
    await expect(viewer).toHaveURL(/\/change-password$/);
    await viewer.getByLabel("Current password").fill(added.initialPassword);
    await viewer.getByLabel("New password", { exact: true }).fill("a-drift-viewer-password");
    await viewer.getByLabel("Repeat the new password").fill("a-drift-viewer-password");
    await viewer.getByRole("button", { name: "Change password" }).click();
    await expect(viewer).toHaveURL(/\/models$/);

    await viewer.goto(`/t/${TEAM}/endpoints/${endpoint}/drift`);
    await settled(viewer);
    await expect(viewer.getByTestId("drift-request-note")).toHaveText(/You cannot run reports: this needs the engineer role; you are viewer/);
    await expect(viewer.getByTestId("drift-settings-view")).toContainText("every 30 min over the last 120 min");
    await expect(viewer.getByRole("button", { name: "Run report" })).toHaveCount(0);
    await expect(viewer.getByRole("button", { name: "Save drift settings" })).toHaveCount(0);
    await expect(viewer.getByRole("form", { name: /drift/i })).toHaveCount(0);
    for (const [method, path, data] of [
      ["POST", `/api/v1/endpoints/${endpoint}/drift-reports`, { from: new Date(Date.now() - 3_600_000).toISOString(), to: new Date().toISOString() }],
      ["PUT", `/api/v1/endpoints/${endpoint}/drift-settings`, { schedule: null }],
    ] as const) {
      const r = await viewer.request.fetch(`${path}?team=${TEAM}`, { method, headers: { origin }, data });
      expect(r.status(), `${method} ${path}`).toBe(403);
    }
  } finally {
    await context.close();
  }
});
