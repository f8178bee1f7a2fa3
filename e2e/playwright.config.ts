import { defineConfig } from "@playwright/test";

// The journeys write into the app they run against, so they only run against the one scripts/e2e.ts starts
// (its own database, Redis and ports), which passes its address here. There is no default address.
const baseURL = process.env.E2E_BASE_URL;
if (!baseURL || !process.env.E2E_GATEWAY_URL || !process.env.E2E_DATABASE_URL) {
  console.error(
    "The Playwright journeys run only against the instance `npm run test:e2e` starts for them (a fresh database, a private Redis, free ports).\n" +
      "Run `npm run test:e2e` (arguments after `--` go to Playwright), not `playwright test` directly.",
  );
  process.exit(2);
}

// Debian's Chromium: Playwright cannot download browsers on these machines.
export default defineConfig({
  testDir: ".",
  testMatch: "*.spec.ts",
  timeout: 60_000,
  retries: 0,
  workers: 1,
  reporter: [["list"]],
  outputDir: "../test-results",
  use: {
    baseURL,
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    },
    screenshot: "only-on-failure",
    trace: "off",
  },
});
