import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { loadGermanCredit } from "../lib/training/german-credit";

const gateway = () => process.env.E2E_GATEWAY_URL!;

test("the seeded endpoint answers through the gateway and shows live traffic per variant", async ({ page, request }) => {
  const rows = loadGermanCredit().rows.slice(0, 40);
  await expect.poll(async () => (await request.get(`${gateway()}/v2/models/credit-risk/ready`)).status(), { timeout: 30_000 }).toBe(200);
  for (const [i, row] of rows.entries()) {
    const r = await request.post(`${gateway()}/v1/endpoints/credit-risk/predict`, { data: { instances: [row] }, headers: { "x-user-id": `user-${i}` } });
    expect(r.status()).toBe(200);
    expect([1, 2]).toContain((await r.json()).model_version);
  }
  await signIn(page);
  await page.getByRole("link", { name: "Endpoints" }).click();
  await expect(page).toHaveURL(/\/endpoints$/);
  await page.getByRole("main").getByRole("link", { name: "credit-risk", exact: true }).click();
  await expect(page).toHaveURL(/\/endpoints\/credit-risk$/);
  const table = page.getByTestId("variants-table");
  await expect(table.getByRole("link", { name: "credit-risk-v1" })).toBeVisible();
  await expect(table.getByRole("cell", { name: "90%" })).toBeVisible();
  // the prediction log reaches the rollups and the page refreshes itself
  await expect.poll(async () => table.locator("tr").nth(1).locator("td").nth(5).textContent(), { timeout: 30_000 }).not.toBe("0");
  await page.screenshot({ path: "test-results/endpoint-page.png", fullPage: true });
});

test("an engineer creates an endpoint, sets a split (Apply only at 100%) and watches the rollout live", async ({ page }) => {
  await signIn(page);
  await page.goto("/t/demo/endpoints");
  await page.getByLabel("Name").fill("e2e-scoring");
  await page.getByRole("button", { name: "Create endpoint" }).click();
  await expect(page).toHaveURL(/\/endpoints\/e2e-scoring$/);
  await expect(page.getByText("No traffic yet")).toBeVisible();

  await page.getByRole("button", { name: "+ Add variant" }).click();
  await page.getByRole("button", { name: "+ Add variant" }).click();
  const rows = page.getByTestId("split-row");
  // the team has other models (other journeys make their own): pick this one's
  await rows.nth(0).getByLabel("Model").selectOption("credit-risk");
  await rows.nth(0).getByLabel("Version").selectOption("1");
  await rows.nth(0).getByLabel("Weight").fill("70");
  await rows.nth(1).getByLabel("Model").selectOption("credit-risk");
  await rows.nth(1).getByLabel("Version").selectOption("2");
  await rows.nth(1).getByLabel("Weight").fill("20");
  await expect(page.getByTestId("weight-total")).toContainText("90%");
  await expect(page.getByRole("button", { name: "Apply" })).toBeDisabled();
  await rows.nth(1).getByLabel("Weight").fill("30");
  await expect(page.getByRole("button", { name: "Apply" })).toBeEnabled();
  await page.getByRole("button", { name: "Apply" }).click();

  await expect(page).toHaveURL(/\/deployments\//);
  await expect(page.getByTestId("deployment-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect(page.getByTestId("deployment-step").filter({ hasText: "Switch traffic" })).toContainText("done");
  await page.screenshot({ path: "test-results/deployment.png", fullPage: true });

  const r = await fetch(`${gateway()}/v2/models/e2e-scoring`);
  expect((await r.json()).variants.map((v: { name: string; weight: number }) => `${v.name}:${v.weight}`)).toEqual(["credit-risk-v1:70", "credit-risk-v2:30"]);
  await page.goto("/t/demo/models/credit-risk");
  await expect(page.getByRole("link", { name: "e2e-scoring 70%" })).toBeVisible();
});
