import { expect, test } from "@playwright/test";
import { adminCli } from "./helpers";

// A member added without a password gets a generated one, shown once; at the first sign-in the app
// sends them to choose their own, and the API refuses them everything else until they have.
test("a generated first password must be changed at the first sign-in", async ({ page }) => {
  const email = `first-${Date.now()}@example.test`;
  const add = adminCli(["add-member", "--team", "demo", "--email", email, "--role", "engineer"]);
  expect(add.code).toBe(0);
  const first = /first password: (\S+)/.exec(add.stdout)?.[1];
  expect(first).toBeTruthy();

  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(first!);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/change-password$/);

  // the session works for nothing else yet: pages lead back here, the API answers 403 saying why
  await page.goto("/t/demo/models");
  await expect(page).toHaveURL(/\/change-password$/);
  const refused = await page.request.get("/api/v1/models");
  expect(refused.status()).toBe(403);
  expect((await refused.json()).error.message).toContain("change your first password");

  const chosen = "a-password-of-my-own-42";
  await page.getByLabel("Current password").fill(first!);
  await page.getByLabel("New password", { exact: true }).fill(chosen);
  await page.getByLabel("Repeat the new password").fill(chosen);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/t\/demo\/models$/);
  expect((await page.request.get("/api/v1/models")).status()).toBe(200);

  // the generated password no longer works; the chosen one does
  await page.context().clearCookies();
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(first!);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await page.getByLabel("Password").fill(chosen);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/t\/demo\/models$/);
});
