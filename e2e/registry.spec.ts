import { expect, test } from "@playwright/test";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ADMIN, adminCli, cli, signIn } from "./helpers";
import { loadGermanCredit } from "../lib/training/german-credit";
import { trainClassifier } from "../lib/training/train-classifier";

test("an admin signs in and compares the seeded credit-risk versions", async ({ page }) => {
  await signIn(page);
  await expect(page.getByRole("link", { name: "credit-risk" })).toBeVisible();
  await page.getByRole("link", { name: "credit-risk" }).click();
  await expect(page).toHaveURL(/\/models\/credit-risk$/);
  const table = page.getByTestId("versions-table");
  await expect(table.getByRole("link", { name: "v1" })).toBeVisible();
  await expect(table.getByRole("link", { name: "v2" })).toBeVisible();
  await expect(table.locator('td[title="best"]').first()).toBeVisible();
  await expect(page.getByText("champion").first()).toBeVisible();
  await expect(page.getByRole("cell", { name: "checking_account_status" })).toBeVisible();
  await page.screenshot({ path: "test-results/model-page.png", fullPage: true });
  await table.getByRole("link", { name: "v2" }).click();
  await expect(page.getByRole("link", { name: "v1", exact: true })).toBeVisible(); // parent, in the lineage card
  await expect(page.getByTestId("version-reference")).toHaveText("800 rows (for drift reports)"); // the trainer's training rows
});

test("a token made in the UI lets the CLI push a version that then shows in the UI", async ({ page, baseURL }) => {
  await signIn(page);
  await page.getByRole("link", { name: "API tokens" }).click();
  await expect(page).toHaveURL(/\/tokens$/);
  await page.getByLabel("Name").fill("e2e-ci");
  await page.getByRole("button", { name: "Create token" }).click();
  const token = (await page.getByTestId("new-token").textContent())!.trim();
  expect(token).toMatch(/^sy_/);

  const env = { SWITCHYARD_URL: baseURL!, SWITCHYARD_TOKEN: token };
  expect(cli(["models", "create", "fraud", "--description", "card fraud"], env).code).toBe(0);
  const dir = mkdtempSync(path.join(os.tmpdir(), "e2e-cli-"));
  const trained = trainClassifier({ name: "fraud", data: loadGermanCredit(), kind: "logistic_regression", epochs: 50 });
  writeFileSync(path.join(dir, "model.onnx"), trained.onnx);
  writeFileSync(path.join(dir, "metrics.json"), JSON.stringify({ auc: trained.metrics.auc }));
  writeFileSync(path.join(dir, "params.json"), JSON.stringify(trained.params));
  const push = cli(["versions", "push", path.join(dir, "model.onnx"), "--model", "fraud", "--metrics", path.join(dir, "metrics.json"), "--params", path.join(dir, "params.json")], env);
  expect(push.stderr).toBe("");
  expect(push.stdout).toContain("pushed fraud v1");
  const bad = cli(["versions", "push", path.join(dir, "metrics.json"), "--model", "fraud"], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain("HTTP 422");

  await page.getByRole("link", { name: "Models" }).click();
  await expect(page).toHaveURL(/\/models$/);
  await page.getByRole("link", { name: "fraud" }).click();
  await expect(page.getByTestId("versions-table").getByRole("link", { name: "v1" })).toBeVisible();
  await expect(page.getByText(String(trained.metrics.auc))).toBeVisible();
  await page.screenshot({ path: "test-results/pushed-by-cli.png", fullPage: true });

  await page.getByRole("link", { name: "Audit" }).click();
  await expect(page).toHaveURL(/\/audit$/);
  await expect(page.getByText("version.create").first()).toBeVisible();
  await expect(page.getByText("token:e2e-ci").first()).toBeVisible();
});

test("a wrong password is refused with a message", async ({ page }) => {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("wrong");
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/signin/);
});

test("a viewer sees models but not the token page", async ({ page }) => {
  const add = adminCli(["add-member", "--team", "demo", "--email", "viewer@example.test", "--role", "viewer", "--password", "viewer-pass-1"]);
  expect(add.code).toBe(0);
  await signIn(page, { email: "viewer@example.test", password: "viewer-pass-1" });
  await expect(page.getByRole("link", { name: "API tokens" })).toHaveCount(0);
  await page.goto("/t/demo/tokens");
  await expect(page.getByText("You do not have access to this page")).toBeVisible();
});

test("pages fit a phone screen without sideways scrolling", async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  await signIn(page);
  for (const p of ["/t/demo/models", "/t/demo/models/credit-risk", "/t/demo/models/credit-risk/versions/1", "/t/demo/endpoints", "/t/demo/endpoints/credit-risk", "/t/demo/audit", "/t/demo/tokens", "/t/demo/members"]) {
    await page.goto(p);
    await page.waitForLoadState("networkidle");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    // when it fails, say which elements stick out (the outermost ones), not just by how much
    const wide = overflow > 0 ? await page.evaluate(() => {
      const limit = document.documentElement.clientWidth;
      const clipped = (el: Element) => {
        for (let a = el.parentElement; a; a = a.parentElement) if (["auto", "scroll", "hidden", "clip"].includes(getComputedStyle(a).overflowX)) return true;
        return false;
      };
      const out = (el: Element | null) => Boolean(el && el.getBoundingClientRect().right > limit + 1 && !clipped(el));
      const found = [...document.querySelectorAll("body *")].filter((el) => out(el) && !out(el.parentElement));
      if (!found.length) {
        // nothing in the flow: look at what is positioned or transformed out of it
        return [...document.querySelectorAll("body *")].filter((el) => el.getBoundingClientRect().right > limit + 1 && getComputedStyle(el).position !== "static")
          .slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} position=${getComputedStyle(el).position} class="${el.getAttribute("class") ?? ""}" right=${Math.round(el.getBoundingClientRect().right)}>`);
      }
      return found
        .slice(0, 5).map((el) => `<${el.tagName.toLowerCase()} class="${el.getAttribute("class") ?? ""}"> ${(el.textContent ?? "").slice(0, 60)}`);
    }) : [];
    expect(overflow, `${p}: ${wide.join(" | ")}`).toBeLessThanOrEqual(0);
  }
  await page.goto("/t/demo/models/credit-risk");
  await page.screenshot({ path: "test-results/phone-model-page.png", fullPage: true });
});
