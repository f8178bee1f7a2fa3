import { expect, test } from "@playwright/test";
import { adminCli, signIn } from "./helpers";

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

// Changing one's password on the profile page ends every other session of the account at once (their
// session version is behind), while the browser that changed it stays signed in with a re-issued cookie.
test("changing one's password on the profile page signs the other browser out; this one goes on", async ({ page, browser }) => {
  const who = { email: `profile-${Date.now()}@example.test`, password: "first-password-of-mine" };
  expect(adminCli(["add-member", "--team", "demo", "--email", who.email, "--role", "engineer", "--password", who.password]).code).toBe(0);
  await signIn(page, who);
  const other = await browser.newContext();
  try {
    const elsewhere = await other.newPage();
    await signIn(elsewhere, who);

    await page.goto("/t/demo/profile");
    await page.getByLabel("Name", { exact: true }).fill("Pat Profile");
    await page.getByRole("button", { name: "Save name" }).click();
    await expect(page.getByRole("button", { name: "Save name" })).toBeDisabled();
    await page.getByLabel("Current password").fill(who.password);
    await page.getByLabel("New password", { exact: true }).fill("second-password-of-mine");
    await page.getByLabel("Repeat the new password").fill("second-password-of-mine");
    await page.getByRole("button", { name: "Change password" }).click();
    await expect(page.getByText("Password changed.")).toBeVisible();

    expect((await page.request.get("/api/v1/models?team=demo")).status()).toBe(200);
    await page.goto("/t/demo/profile");
    await expect(page.getByLabel("Name", { exact: true })).toHaveValue("Pat Profile");
    expect((await elsewhere.request.get("/api/v1/models?team=demo")).status()).toBe(401);
    await elsewhere.goto("/t/demo/models");
    await expect(elsewhere).toHaveURL(/\/signin$/);
  } finally {
    await other.close();
  }
});
