import { expect, test } from "@playwright/test";
import { signIn } from "./helpers";
import { loadGermanCredit } from "../lib/training/german-credit";

const gateway = () => process.env.E2E_GATEWAY_URL!;

// The seeded staging endpoint stays keyless; a key that is sent is still checked, so a revoked one is refused.
test("an admin creates an endpoint key (shown once), the gateway takes it, and refuses it once revoked", async ({ page, request }) => {
  const row = loadGermanCredit().rows[0];
  await signIn(page);
  await page.goto("/t/demo/endpoints/credit-risk");
  await expect(page.getByTestId("require-key")).toContainText("Requests need no key");
  await page.getByPlaceholder("checkout-service").fill("e2e-client");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-endpoint-key").textContent())!.trim();
  expect(key).toMatch(/^sk_/);
  await expect(page.getByTestId("endpoint-keys").getByRole("cell", { name: "e2e-client" })).toBeVisible();

  const predict = () => request.post(`${gateway()}/v1/endpoints/credit-risk/predict`, { data: { instances: [row] }, headers: { authorization: `Bearer ${key}` } });
  await expect.poll(async () => (await predict()).status(), { timeout: 15_000 }).toBe(200);

  page.once("dialog", (d) => d.accept());
  await page.getByTestId("endpoint-keys").getByRole("button", { name: "Revoke" }).click();
  await expect(page.getByTestId("endpoint-keys").getByText("revoked")).toBeVisible();
  await expect.poll(async () => (await predict()).status(), { timeout: 15_000 }).toBe(401);
  await page.screenshot({ path: "test-results/endpoint-keys.png", fullPage: true });
});
