import { expect, test } from "@playwright/test";
import { APPROVER, signIn } from "./helpers";

const ENDPOINT = "credit-risk-prod";

// The seeded production endpoint changes only through a promotion: the admin asks, the seeded approver
// (another person, in a second browser) approves with a comment, and the canary rolls out by itself while
// both promotion pages follow it.
test("the admin requests v2 on production, the approver approves it, and the canary finishes on the promotion page", async ({ page, browser }) => {
  test.setTimeout(150_000);
  await signIn(page);
  // (a production endpoint needs an endpoint key at the gateway, so the journey reads it through the API)
  const endpoint = async () => (await page.request.get(`/api/v1/endpoints/${ENDPOINT}?team=demo`)).json();
  // the seed's own first deployment has finished: the promotion's evidence is taken on the live routing
  await expect.poll(async () => (await endpoint()).deployments[0]?.status, { timeout: 30_000 }).toBe("succeeded");

  await page.goto(`/t/demo/endpoints/${ENDPOINT}`);
  await expect(page.getByTestId("promotion-note")).toContainText("changes through a promotion");
  const row = page.getByTestId("split-row").nth(0);
  await row.getByLabel("Version").selectOption("2");
  await page.getByLabel("Strategy").selectOption("canary");
  await page.getByLabel("Bake per step (s)").fill("1");
  await page.getByLabel("Min requests per step").fill("0");
  await page.getByRole("button", { name: "Apply" }).click();

  await expect(page).toHaveURL(/\/t\/demo\/promotions\/[^/]+$/);
  const url = page.url();
  await expect(page.getByTestId("promotion-status")).toHaveText("pending approval");
  await expect(page.getByTestId("checks")).toContainText("auc >= champion - 0.01");
  await expect(page.getByTestId("checks").getByText("fail", { exact: true })).toHaveCount(0);
  await expect(page.getByTestId("metrics-table").getByRole("row", { name: /^auc/ })).toBeVisible();
  // four-eyes: the requester gets no Approve button, only Cancel
  await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Cancel promotion" })).toBeVisible();

  const second = await browser.newContext();
  try {
    const ap = await second.newPage();
    await signIn(ap, APPROVER);
    await expect(ap.getByTestId("promotions-waiting")).toHaveText("1");
    await ap.getByRole("link", { name: /^Promotions/ }).click();
    await expect(ap).toHaveURL(/\/t\/demo\/promotions$/);
    await ap.getByTestId("promotions-table").getByRole("row", { name: new RegExp(ENDPOINT) }).getByRole("link", { name: "Open" }).click();
    await expect(ap).toHaveURL(url);

    await ap.getByLabel("Comment").fill("AUC holds against v1; canary it");
    await ap.getByRole("button", { name: "Approve" }).click();
    await expect(ap.getByText("You approved this promotion.")).toBeVisible();
    await expect(ap.getByTestId("approvals")).toContainText("AUC holds against v1; canary it");
    await expect(ap.getByTestId("promotion-status")).toHaveText("deployed", { timeout: 90_000 });
    await expect(ap.getByTestId("deployment-status")).toHaveText("succeeded");
    await expect(ap.getByTestId("timeline")).toContainText("deployed");
    await expect(ap.getByTestId("promotions-waiting")).toHaveCount(0);
    await ap.screenshot({ path: "test-results/promotion-deployed.png", fullPage: true });
  } finally {
    await second.close();
  }

  // the requester's page followed it too, and production now serves v2
  await expect(page.getByTestId("promotion-status")).toHaveText("deployed", { timeout: 30_000 });
  const served = ((await endpoint()).variants as { name: string; weight: number }[]).map((v) => `${v.name}:${v.weight}`);
  expect(served).toEqual(["credit-risk-v2:100"]);
});
