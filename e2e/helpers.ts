import { expect, type Page } from "@playwright/test";
import { spawnSync } from "node:child_process";

export const ADMIN = { email: "admin@switchyard.local", password: "switchyard-admin" };
/** The seeded approver of the demo team (scripts/e2e.ts gives the password, as SEED_APPROVER_PASSWORD would). */
export const APPROVER = { email: "approver@switchyard.local", password: "switchyard-approver" };

export async function signIn(page: Page, who = ADMIN) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/t\/[^/]+\/models$/);
}

/** Waits until client panels have loaded (no "Loading…" and nothing marked busy), then a moment for paint. */
export async function settled(page: Page) {
  await page.waitForLoadState("load");
  await page.waitForFunction(() => !document.querySelector("[aria-busy='true']") && !/Loading[ ….]/.test(document.body.innerText), null, { timeout: 15_000 }).catch(() => {});
  await page.waitForTimeout(300);
}

/** Runs the real CLI as a CI pipeline would: the one-file bundle the web app serves at /cli/switchyard.mjs. */
export function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync("node", ["public/cli/switchyard.mjs", ...args], { env: { ...process.env, ...env }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the repository's CLI with its admin commands (`npm run cli -- admin …`) against the e2e database. */
export function adminCli(args: string[]) {
  const r = spawnSync(process.execPath, ["--import", "tsx", "cli/repo.ts", "admin", ...args], { env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
