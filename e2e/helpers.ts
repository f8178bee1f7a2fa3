import { expect, type Page } from "@playwright/test";
import { spawnSync } from "node:child_process";

export const ADMIN = { email: "admin@switchyard.local", password: "switchyard-admin" };

export async function signIn(page: Page, who = ADMIN) {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(who.email);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page).toHaveURL(/\/t\/[^/]+\/models$/);
}

/** Runs the real CLI, as a CI pipeline would. */
export function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync("node", ["bin/switchyard.mjs", ...args], { env: { ...process.env, DATABASE_URL: process.env.E2E_DATABASE_URL, ...env }, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
