// The job workers set V8's heap growth at run time (lib/proc/heap-growth.ts). Node calls flags set after
// start "unpredictable"; this checks, through the collections a child process needs, that the setting is
// still obeyed by the Node in use, so an upgrade cannot turn it into a silent no-op.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const fullCollections = (growthPercent: number): number =>
  Number(execFileSync(process.execPath, ["--import", "tsx", "tests/helpers/gc-churn.ts", String(growthPercent)], { encoding: "utf8", timeout: 30_000 }).split(" ")[0]);

describe("setHeapGrowth", () => {
  it("changes how often V8 collects the old generation in full, set after start", () => {
    // V8 alone picks its largest factor (4) for this allocation; 20% (factor 1.2) must collect far more often
    const own = fullCollections(0);
    const tight = fullCollections(20);
    expect(own).toBeGreaterThan(0);
    expect(tight).toBeGreaterThan(2 * own);
  });
});
