import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { endpointServing, gatewaySplit } from "./console-helpers";

// The serving console on endpoints of these journeys' own: deploy a version from its page as a canary and
// abort it mid-bake; roll an endpoint back to an earlier deployment from its deployment list.
const gateway = () => process.env.E2E_GATEWAY_URL!;

test("deploy v2 from its version page as a canary, abort it mid-bake, and see v1 serve alone again", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await endpointServing(page, "e2e-abort");

  await page.goto("/t/demo/models/credit-risk/versions/2");
  await page.getByRole("button", { name: "Deploy this version" }).click();
  await page.getByRole("dialog", { name: "Choose an endpoint" }).getByRole("link", { name: /e2e-abort/ }).click();
  await expect(page).toHaveURL(/\/endpoints\/e2e-abort\?deploy=credit-risk%402|\/endpoints\/e2e-abort\?deploy=credit-risk@2/);
  // pre-filled: v1 keeps 90%, v2 comes in as a 10% canary, and the canary's guardrails show their defaults
  const rows = page.getByTestId("split-row");
  await expect(rows).toHaveCount(2);
  await expect(rows.nth(1).getByLabel("Version")).toHaveValue("2");
  await expect(rows.nth(1).getByLabel("Role")).toHaveValue("canary");
  await expect(rows.nth(0).getByLabel("Weight")).toHaveValue("90");
  await expect(page.getByLabel("Strategy")).toHaveValue("canary");
  await expect(page.getByTestId("canary-settings")).toContainText("default 100; 0 judges on any traffic");
  await page.getByLabel("Steps (% of traffic)").fill("10");
  await page.getByLabel("Bake per step (s)").fill("300");
  await page.getByLabel("Min requests per step").fill("0");
  await page.getByRole("button", { name: "Apply" }).click();

  await expect(page).toHaveURL(/\/deployments\//);
  await expect(page.getByTestId("deployment-step").filter({ hasText: "Bake at 10%" })).toContainText("running", { timeout: 30_000 });
  await expect.poll(() => gatewaySplit("e2e-abort"), { timeout: 15_000 }).toEqual(["credit-risk-v1:90", "credit-risk-v2:10"]);
  await page.screenshot({ path: "test-results/deployment-baking.png", fullPage: true });

  await page.getByRole("button", { name: "Abort" }).click();
  await page.getByLabel("Why abort?").fill("latency looks wrong");
  await page.getByRole("button", { name: "Abort and roll back" }).click();
  await expect(page.getByTestId("deployment-status")).toHaveText("rolled back", { timeout: 20_000 });
  await expect(page.getByText("Rolled back: aborted by admin@switchyard.local: latency looks wrong")).toBeVisible();
  await expect.poll(() => gatewaySplit("e2e-abort"), { timeout: 15_000 }).toEqual(["credit-risk-v1:100"]);
});

test("roll an endpoint back to an earlier deployment from its deployment list", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page);
  await endpointServing(page, "e2e-rollback");

  await page.goto("/t/demo/endpoints/e2e-rollback");
  await page.getByTestId("split-row").nth(0).getByLabel("Version").selectOption("2");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByTestId("deployment-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect.poll(() => gatewaySplit("e2e-rollback"), { timeout: 15_000 }).toEqual(["credit-risk-v2:100"]);

  await page.goto("/t/demo/endpoints/e2e-rollback");
  // the endpoint page shows how to call it
  await expect(page.getByTestId("gateway-url")).toHaveText(gateway());
  await expect(page.getByTestId("predict-snippet")).toContainText("/v1/endpoints/e2e-rollback/predict");
  const earlier = page.getByTestId("deployment-row").filter({ hasText: "credit-risk-v1 100%" });
  page.once("dialog", (d) => d.accept());
  await earlier.getByRole("button", { name: "Roll back to this" }).click();
  await expect(page).toHaveURL(/\/deployments\//);
  await expect(page.getByTestId("deployment-status")).toHaveText("succeeded", { timeout: 30_000 });
  await expect.poll(() => gatewaySplit("e2e-rollback"), { timeout: 15_000 }).toEqual(["credit-risk-v1:100"]);
});
