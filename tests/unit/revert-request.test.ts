// "Revert to this" on the endpoint page: what it sends for a production and a staging endpoint.
import { describe, expect, it } from "vitest";
import { revertRequest } from "@/lib/web/revert-request";

const v = (version: number, weight: number, role: "primary" | "canary" | "shadow" = "primary") => ({ model: "credit", version, weight, role, device: "cpu" as const, replicas: 1 });
const past = { sticky: { header: "x-user-id" }, variants: [v(1, 100), v(3, 0, "shadow")] };

describe("revertRequest", () => {
  it("asks a production endpoint for a promotion, with the policy's strategy when the revert brings a version back", () => {
    const r = revertRequest({ endpoint: "prod", environment: "production", routing: past, servedFrom: "2025-03-01T10:20:30.000Z", live: [v(2, 100)], requiredStrategy: "canary" });
    expect(r).toEqual({
      method: "POST", path: "/api/v1/promotions",
      body: { kind: "traffic", endpoint: "prod", reason: "revert to routing of 2025-03-01 10:20 UTC", traffic: { variants: past.variants, sticky: { header: "x-user-id" }, strategy: "canary" } },
    });
  });

  it("goes immediate when only the weights change (a canary needs a new version) or the policy names no strategy", () => {
    const weights = revertRequest({ endpoint: "prod", environment: "production", routing: { sticky: null, variants: [v(1, 90), v(2, 10)] }, servedFrom: "2025-03-01T10:20:30.000Z", live: [v(1, 50), v(2, 50)], requiredStrategy: "canary" });
    expect(weights.method === "POST" && weights.body.traffic.strategy).toBe("immediate");
    const free = revertRequest({ endpoint: "prod", environment: "production", routing: past, servedFrom: "2025-03-01T10:20:30.000Z", live: [v(2, 100)], requiredStrategy: null });
    expect(free.method === "POST" && free.body.traffic.strategy).toBe("immediate");
  });

  it("changes a staging endpoint's traffic at once", () => {
    const r = revertRequest({ endpoint: "stage", environment: "staging", routing: past, servedFrom: "2025-03-01T10:20:30.000Z", live: [v(2, 100)], requiredStrategy: "canary" });
    expect(r).toEqual({ method: "PUT", path: "/api/v1/endpoints/stage/traffic", body: { variants: past.variants, sticky: { header: "x-user-id" }, strategy: "immediate", reason: "revert to routing of 2025-03-01 10:20 UTC" } });
  });
});

describe("revertRequest from a page that saw a routing version", () => {
  it("sends that version, so the server refuses the revert if the split changed since", () => {
    const staging = revertRequest({ endpoint: "s", environment: "staging", routing: past, servedFrom: "2025-03-01T10:20:30.000Z", live: [v(2, 100)], requiredStrategy: null, routingVersion: 7 });
    expect(staging.method === "PUT" && staging.body.expectedRoutingVersion).toBe(7);
    const prod = revertRequest({ endpoint: "p", environment: "production", routing: past, servedFrom: "2025-03-01T10:20:30.000Z", live: [v(2, 100)], requiredStrategy: null, routingVersion: 7 });
    expect(prod.method === "POST" && prod.body.traffic.expectedRoutingVersion).toBe(7);
  });
});
