import { expect, test } from "@playwright/test";
import { randomUUID } from "node:crypto";
import { createModel, endpointServing, gatewaySplit, trainedModel, uploadVersion } from "./console-helpers";
import { loadGermanCredit } from "../lib/training/german-credit";

// The whole registry-to-serving path in the browser, on a model and a staging endpoint of its own: create
// the model, upload two versions, serve v1, then roll v2 out from its version page by canary until it
// serves alone, and the gateway answers with it.
test("create a model, upload a version in the browser and deploy it by canary from its page", async ({ page, request }) => {
  test.setTimeout(180_000);
  const { team, model } = await createModel(page, "journey");
  const { metrics, params } = trainedModel();
  expect(await uploadVersion(page, model, metrics, params, "baseline")).toBe(1);
  expect(await uploadVersion(page, model, { ...metrics, auc: metrics.auc + 0.01 }, params, "candidate")).toBe(2);

  const endpoint = `journey-${randomUUID().slice(0, 6)}`;
  await endpointServing(page, endpoint, model, 1);

  // from v2's page into the endpoint's split editor, pre-filled as a 10% canary
  await page.goto(`/t/${team}/models/${model}/versions/2`);
  await page.getByRole("button", { name: "Deploy this version" }).click();
  await page.getByRole("dialog", { name: "Choose an endpoint" }).getByRole("link", { name: new RegExp(endpoint) }).click();
  await expect(page).toHaveURL(new RegExp(`/endpoints/${endpoint}\\?deploy=${model}(%40|@)2$`));
  const rows = page.getByTestId("split-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(0).getByLabel("Weight")).toHaveValue("90");
  await expect(rows.nth(1).getByLabel("Model")).toHaveValue(model);
  await expect(rows.nth(1).getByLabel("Version")).toHaveValue("2");
  await expect(rows.nth(1).getByLabel("Role")).toHaveValue("canary");
  await expect(page.getByLabel("Strategy")).toHaveValue("canary");

  // the whole way: v2 ends up serving alone, reached in two judged steps
  await rows.nth(0).getByRole("button", { name: "Remove" }).click();
  await expect(rows).toHaveCount(1);
  await rows.nth(0).getByLabel("Role").selectOption("primary");
  await rows.nth(0).getByLabel("Weight").fill("100");
  await expect(page.getByTestId("weight-total")).toContainText("100%");
  await expect(page.getByLabel("Strategy")).toHaveValue("canary"); // v2 is new here, so a canary is still offered
  await page.getByLabel("Steps (% of traffic)").fill("25, 50");
  await page.getByLabel("Bake per step (s)").fill("1");
  await page.getByLabel("Min requests per step").fill("0");
  await page.getByRole("button", { name: "Apply" }).click();

  await expect(page).toHaveURL(/\/deployments\//);
  await expect(page.getByTestId("deployment-status")).toHaveText("succeeded", { timeout: 60_000 });
  for (const p of [25, 50]) await expect(page.getByTestId("deployment-step").filter({ hasText: `Bake at ${p}%` })).toContainText("done");
  await expect.poll(() => gatewaySplit(endpoint), { timeout: 15_000 }).toEqual([`${model}-v2:100`]);
  const r = await request.post(`${process.env.E2E_GATEWAY_URL}/v1/endpoints/${endpoint}/predict`, { data: { instances: [loadGermanCredit().rows[0]] } });
  expect(r.status()).toBe(200);
  expect((await r.json()).model_version).toBe(2);

  // the model's page says where v2 serves
  await page.goto(`/t/${team}/models/${model}`);
  await expect(page.getByTestId("versions-table").getByRole("link", { name: `${endpoint} 100%` })).toBeVisible();
  await page.screenshot({ path: "test-results/model-to-canary.png", fullPage: true });
});
