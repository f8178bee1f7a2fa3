import { expect, test } from "@playwright/test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";

test("the web app serves the one-file CLI, which runs from any directory with plain node", async ({ request }) => {
  const res = await request.get("/cli/switchyard.mjs");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toMatch(/javascript/);
  const body = await res.text();
  expect(body.startsWith("#!/usr/bin/env node\n")).toBe(true);

  const dir = mkdtempSync(path.join(os.tmpdir(), "e2e-served-cli-"));
  writeFileSync(path.join(dir, "switchyard.mjs"), body);
  const help = spawnSync("node", ["switchyard.mjs", "--help"], { cwd: dir, encoding: "utf8" });
  expect(help.status).toBe(0);
  expect(help.stdout).toContain("usage: node switchyard.mjs");
  const admin = spawnSync("node", ["switchyard.mjs", "admin", "create-token", "--team", "demo", "--name", "x"], { cwd: dir, encoding: "utf8" });
  expect(admin.status).toBe(2);
  expect(admin.stderr).toContain("only inside the Switchyard repository");
});
