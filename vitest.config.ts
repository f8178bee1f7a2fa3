import { configDefaults, defineConfig } from "vitest/config";

// Three projects. `unit` (tests/unit) is the pure core: no database, Redis or processes, so it has no
// global setup and runs in a few seconds (`npm run test:fast`, or `npx vitest run tests/unit`).
// `integration` (every other tests/**/*.test.ts) runs against real Postgres, Redis and onnxruntime.
// A project's global setup runs only when one of its files is queued, so a unit-only run never
// creates a database.
const SANDBOX = "tests/security/model-sandbox.test.ts"; // its own run: see the sandbox project

export default defineConfig({
  resolve: { alias: { "@": import.meta.dirname } },
  test: {
    pool: "forks",
    projects: [
      {
        extends: true,
        test: { name: "unit", include: ["tests/unit/**/*.test.ts"] },
      },
      {
        extends: true,
        test: {
          name: "integration",
          include: ["tests/**/*.test.ts"],
          exclude: [...configDefaults.exclude, "tests/unit/**", SANDBOX],
          globalSetup: ["tests/setup/global-setup.ts"],
          setupFiles: ["tests/setup/env.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
          // Files share one database and one Redis; run them one at a time.
          fileParallelism: false,
        },
      },
      {
        // The model-sandbox timing tests, in a run of their own (`npm run test:unit` runs it after the
        // others) on a fresh database: see the file's header.
        extends: true,
        test: {
          name: "sandbox",
          include: [SANDBOX],
          globalSetup: ["tests/setup/global-setup.ts"],
          setupFiles: ["tests/setup/env.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
