import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { loadGermanCredit } from "../lib/training/german-credit";

// An alert rule from the browser to resolved: the seeded admin creates a request-rate rule on the seeded
// staging endpoint (a refused window first: the server's words next to the field, what was typed kept),
// sends requests through the gateway so that it fires, sees it firing on the Alerts page, silences it,
// raises its threshold so that it resolves, finds the incident in the history with a chart of the metric
// around it (threshold line, incident shaded), lifts the silence and deletes the rule. The job workers
// evaluate every 2 s here (JOBS_ALERTS_MS in scripts/e2e.ts).
const ENDPOINT = "credit-risk";
const gateway = () => process.env.E2E_GATEWAY_URL!;

test("create a rule, make it fire with traffic, silence it, see it resolve with a chart of the incident", async ({ page, request }) => {
  test.setTimeout(300_000);
  const name = `e2e requests ${Date.now().toString(36)}`;
  await signIn(page);
  await page.goto("/t/demo/models");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Alerts" }).click();
  await expect(page).toHaveURL(/\/t\/demo\/alerts$/);
  await expect(page.getByRole("heading", { name: "Alerts", level: 1 })).toBeVisible();

  const form = page.getByRole("form", { name: "New alert rule" });
  await form.getByLabel("Endpoint").selectOption(ENDPOINT);
  await form.getByLabel("Name").fill(name);
  await form.getByLabel("Metric").selectOption("request_rate");
  await expect(form.getByText("requests per second")).toBeVisible();
  await form.getByLabel("Operator").selectOption(">");
  await form.getByLabel("Threshold").fill("0.01");
  await form.getByLabel("Window (seconds)").fill("-60");
  await form.getByLabel("For (seconds)").fill("0");
  await form.getByRole("button", { name: "Create rule" }).click();
  // refused by the server, said next to the window, nothing else lost
  const windowField = form.getByLabel("Window (seconds)");
  await expect(windowField).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByRole("alert")).toContainText(/0|positive|small/i);
  await expect(form.getByLabel("Name")).toHaveValue(name);
  await expect(form.getByLabel("Threshold")).toHaveValue("0.01");

  // feature_psi offers the model's inputs only
  await form.getByLabel("Metric").selectOption("feature_psi");
  const features = await form.getByLabel("Feature").locator("option").allTextContents();
  expect(features).toContain("duration");
  await form.getByLabel("Metric").selectOption("request_rate");

  await windowField.fill("60");
  await form.getByRole("button", { name: "Create rule" }).click();
  const rule = page.getByRole("listitem", { name: `Rule ${name}` });
  await expect(rule).toBeVisible();
  await expect(rule).toContainText("inactive");
  await expect(rule).toContainText("request_rate > 0.01 over 60 s");

  // traffic through the gateway, more than 0.01 requests/s for as long as it takes to fire: the request
  // log's ingest, the rollups and an evaluation all have to happen inside the window, which a loaded CI
  // machine can stretch past one burst's 60 s
  const rows = loadGermanCredit().rows;
  const open = page.getByTestId("open-incidents");
  let sent = 0;
  await expect(async () => {
    for (let i = 0; i < 5; i++) {
      const r = await request.post(`${gateway()}/v1/endpoints/${ENDPOINT}/predict`, { data: { instances: [rows[sent++ % rows.length]] } });
      expect(r.status()).toBe(200);
    }
    await expect(open.getByRole("row").filter({ hasText: name })).toContainText("firing", { timeout: 10_000 });
  }).toPass({ timeout: 120_000 });
  await expect(open.getByRole("row").filter({ hasText: name })).toContainText(/request_rate [\d.]+ > 0.01/);
  await expect(rule).toContainText("firing");

  // silence it
  await rule.getByRole("button", { name: "Silence", exact: true }).click();
  await rule.getByLabel("Reason").fill("load test in progress");
  await rule.getByRole("button", { name: "Silence rule" }).click();
  await expect(rule).toContainText("Silenced until");
  await expect(rule).toContainText("load test in progress");

  // raise the threshold above any traffic: the next evaluation resolves it
  await rule.getByRole("button", { name: "Edit" }).click();
  const edit = rule.getByRole("form", { name: `Edit rule ${name}` });
  await edit.getByLabel("Threshold").fill("1000000");
  await edit.getByRole("button", { name: "Save rule" }).click();
  await expect(rule).toContainText("request_rate > 1000000", { timeout: 10_000 });
  const incident = page.getByTestId("incident-history").getByRole("listitem").filter({ hasText: name });
  await expect(incident.first()).toContainText("resolved", { timeout: 60_000 });
  await expect(rule).toContainText("inactive");
  await expect(open.getByRole("row").filter({ hasText: name })).toHaveCount(0);
  // its chart: requests per second around the incident, threshold and incident in the picture
  const chart = incident.first().getByRole("figure");
  await expect(chart).toContainText(`Requests per second on ${ENDPOINT}`);
  await expect(chart.getByRole("img", { name: /threshold 1000000\.0, 1 incident shaded/ })).toBeVisible();

  // the endpoint page marks it on its charts too
  await page.goto(`/t/demo/endpoints/${ENDPOINT}`);
  await expect(page.getByText(/Shaded: alert incidents on this endpoint/)).toBeVisible({ timeout: 30_000 });
  await page.getByRole("link", { name: "Alert rules →" }).click();
  await expect(page).toHaveURL(new RegExp(`/alerts\\?endpoint=${ENDPOINT}$`));

  // lift the silence, then delete the rule
  const again = page.getByRole("listitem", { name: `Rule ${name}` });
  await again.getByRole("button", { name: "Unsilence" }).click();
  await expect(again).not.toContainText("Silenced until");
  await again.getByRole("button", { name: "Delete" }).click();
  await again.getByRole("button", { name: "Delete rule" }).click();
  await expect(page.getByRole("listitem", { name: `Rule ${name}` })).toHaveCount(0);
});
