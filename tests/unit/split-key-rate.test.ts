// A clustered gateway splits the per-key rate over its processes, so the whole gateway allows about
// GATEWAY_KEY_RATE_PER_SECOND, never less per process than a whole request.
import { describe, expect, it } from "vitest";
import { splitKeyRate } from "@/lib/serving/data/gateway/split-key-rate";

describe("per-key rate across gateway processes", () => {
  it("gives each process the rate over the process count, rounded up", () => {
    expect(splitKeyRate(1000, 1)).toBe(1000);
    expect(splitKeyRate(1000, 2)).toBe(500);
    expect(splitKeyRate(1000, 3)).toBe(334);
    expect(splitKeyRate(1, 8)).toBe(1);
  });

  it("keeps 0 as no limit", () => {
    expect(splitKeyRate(0, 4)).toBe(0);
  });
});
