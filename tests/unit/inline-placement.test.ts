import { describe, expect, it } from "vitest";
import { inlineRefusal } from "@/lib/serving/shared/inline-placement";
import { routingSchema } from "@/lib/serving/shared/routing";
import { parseVariants } from "@/cli/serving-commands";

describe("inline placement", () => {
  it("takes cpu models up to the cap and says why it refuses the others", () => {
    expect(inlineRefusal({ device: "cpu", sizeBytes: 1024 * 1024 }, 1)).toBeNull();
    expect(inlineRefusal({ device: "cpu", sizeBytes: 1024 * 1024 + 1 }, 1)).toMatch(/1\.0 MiB.*up to 1 MiB \(INLINE_MAX_MODEL_MB\)/);
    expect(inlineRefusal({ device: "gpu", sizeBytes: 10 }, 64)).toMatch(/use device "cpu"/);
    // an installation whose gateways hold no model files (the compose file) turns inline off
    expect(inlineRefusal({ device: "cpu", sizeBytes: 10 }, 0)).toMatch(/placement "inline" is off in this installation \(INLINE_MAX_MODEL_MB=0\)/);
  });

  it("reads routings stored before placements existed as worker placement (no placement field)", () => {
    const r = routingSchema.parse({ variants: [{ name: "m-v1", model: "m", version: 1, versionId: "x", sha256: "s", weight: 100, role: "primary", device: "cpu", replicas: 1 }] });
    expect(r.variants[0].placement ?? "worker").toBe("worker");
  });

  it("lets the CLI ask for a placement after the device", () => {
    expect(parseVariants(["3=100:primary:cpu:inline", "4=0:shadow"])).toEqual([
      { version: 3, weight: 100, role: "primary", device: "cpu", placement: "inline" },
      { version: 4, weight: 0, role: "shadow", device: "cpu" },
    ]);
  });
});
