// An endpoint's routing, as stored and as requested: which variants serve, which shadow, and what a
// traffic request may ask for. The parts of resolveRouting that need no database are checked here.
import { describe, expect, it } from "vitest";
import type { Db } from "@/lib/db/client";
import type { Signature } from "@/lib/onnx/signature";
import { asRouting, EMPTY_ROUTING, servingVariants, shadowVariants, variantName } from "@/lib/serving/shared/routing";
import { inputKey, resolveRouting } from "@/lib/serving/control/endpoints/resolve-routing";
import { trafficRequestSchema, type TrafficRequest } from "@/lib/serving/control/endpoints/traffic-request";
import { creditSignature, routing, variant } from "./fixtures";

const names = (vs: { name: string }[]) => vs.map((v) => v.name);

describe("servingVariants and shadowVariants", () => {
  const r = routing([
    variant(1, 90),
    variant(2, 10, { role: "canary" }),
    variant(3, 0, { role: "shadow" }),
    variant(4, 0), // kept warm after a blue-green switch: routed, but no share
    variant(5, 25, { role: "shadow" }),
  ]);

  it("serves primaries and canaries that have a share", () => {
    expect(names(servingVariants(r))).toEqual(["credit-v1", "credit-v2"]);
  });

  it("mirrors to every shadow, whatever weight it carries", () => {
    expect(names(shadowVariants(r))).toEqual(["credit-v3", "credit-v5"]);
  });

  it("has nothing to serve on an empty routing", () => {
    expect(servingVariants(EMPTY_ROUTING)).toEqual([]);
    expect(shadowVariants(EMPTY_ROUTING)).toEqual([]);
  });
});

describe("asRouting", () => {
  it("reads a stored routing as it is", () => {
    const stored = routing([variant(1, 100)], { header: "x-user-id" });
    expect(asRouting(JSON.parse(JSON.stringify(stored)))).toEqual(stored);
  });

  it("reads a missing or partial routing as an empty, non-sticky one", () => {
    expect(asRouting(null)).toEqual({ variants: [], sticky: null });
    expect(asRouting(undefined)).toEqual({ variants: [], sticky: null });
    expect(asRouting({})).toEqual({ variants: [], sticky: null });
    expect(asRouting({ sticky: { field: "customer" } })).toEqual({ variants: [], sticky: { field: "customer" } });
    expect(asRouting({ variants: [variant(1, 100)] }).sticky).toBeNull();
  });
});

describe("variantName", () => {
  it("is `<model>-v<version>`", () => {
    expect(variantName("credit-risk", 12)).toBe("credit-risk-v12");
  });
});

describe("traffic requests", () => {
  it("fill in primary, cpu, one replica and the immediate strategy", () => {
    const r = trafficRequestSchema.parse({ model: "credit", variants: [{ version: 1, weight: 100 }] });
    expect(r).toEqual({ model: "credit", strategy: "immediate", variants: [{ version: 1, weight: 100, role: "primary", device: "cpu", replicas: 1 }] });
  });

  it("leave the sticky key alone unless asked: absent keeps it, null removes it", () => {
    expect("sticky" in trafficRequestSchema.parse({ variants: [{ version: 1, weight: 100 }] })).toBe(false);
    expect(trafficRequestSchema.parse({ variants: [{ version: 1, weight: 100 }], sticky: null }).sticky).toBeNull();
    expect(trafficRequestSchema.parse({ variants: [{ version: 1, weight: 100 }], sticky: { header: "x-user-id" } }).sticky).toEqual({ header: "x-user-id" });
  });

  it("refuse what cannot be routed", () => {
    const bad: unknown[] = [
      { variants: [] },
      { variants: [{ version: 1, weight: 101 }] },
      { variants: [{ version: 0, weight: 100 }] },
      { variants: [{ version: 1, weight: 100, role: "champion" }] },
      { variants: [{ version: 1, weight: 100, device: "tpu" }] },
      { variants: [{ version: 1, weight: 100, replicas: 0 }] },
      { variants: [{ version: 1, weight: 100 }], sticky: {} },
      { variants: [{ version: 1, weight: 100 }], strategy: "yolo" },
      { variants: [{ version: 1, weight: 100 }], colour: "red" },
      { model: "Credit Risk", variants: [{ version: 1, weight: 100 }] },
      { variants: Array.from({ length: 17 }, (_, i) => ({ version: i + 1, weight: 0, role: "shadow" })) },
    ];
    for (const body of bad) expect(trafficRequestSchema.safeParse(body).success, JSON.stringify(body)).toBe(false);
  });
});

describe("resolveRouting, before it reads anything", () => {
  // Any read means a check ran too late: these requests must be refused before the database is asked.
  const noDb = new Proxy({}, { get: (_, key) => { throw new Error(`resolveRouting read db.${String(key)}`); } }) as unknown as Db;
  const resolve = (body: object) => resolveRouting({ db: noDb, teamId: "team", live: EMPTY_ROUTING, request: trafficRequestSchema.parse(body) as TrafficRequest });

  it("refuses weights of primaries and canaries that do not sum to 100", async () => {
    await expect(resolve({ model: "credit", variants: [{ version: 1, weight: 60 }, { version: 2, weight: 30 }] })).rejects.toThrow(/weights of primary and canary variants must sum to 100, got 90/);
    await expect(resolve({ model: "credit", variants: [{ version: 1, weight: 60 }, { version: 2, weight: 50, role: "canary" }] })).rejects.toThrow(/must sum to 100, got 110/);
  });

  it("does not count shadows in the sum", async () => {
    await expect(resolve({ model: "credit", variants: [{ version: 1, weight: 90 }, { version: 2, weight: 10, role: "shadow" }] })).rejects.toThrow(/must sum to 100, got 90/);
  });

  it("refuses a routing of shadows alone", async () => {
    await expect(resolve({ model: "credit", variants: [{ version: 2, weight: 0, role: "shadow" }] })).rejects.toThrow(/at least one primary or canary variant is needed/);
  });

  it("asks for a model name when neither the variant nor the request gives one", async () => {
    await expect(resolve({ variants: [{ version: 1, weight: 100 }] })).rejects.toMatchObject({ field: "variants.0.model", message: expect.stringMatching(/name the model here or in the request's "model"/) });
  });
});

describe("inputKey: which versions may share an endpoint", () => {
  const withInputs = (inputs: Signature["inputs"]): Signature => ({ inputs, outputs: creditSignature.outputs });

  it("matches signatures with the same input names and types, in any order and of any shape", () => {
    const reordered = withInputs([...creditSignature.inputs].reverse());
    const otherShape = withInputs(creditSignature.inputs.map((i) => ({ ...i, shape: ["batch", 1] })));
    const otherOutputs: Signature = { inputs: creditSignature.inputs, outputs: [{ name: "label", type: "int64", shape: ["N"] }] };
    expect(inputKey(reordered)).toBe(inputKey(creditSignature));
    expect(inputKey(otherShape)).toBe(inputKey(creditSignature));
    expect(inputKey(otherOutputs)).toBe(inputKey(creditSignature));
  });

  it("tells apart signatures that differ in an input's name or type, or in the number of inputs", () => {
    const renamed = withInputs(creditSignature.inputs.map((i) => (i.name === "age" ? { ...i, name: "years" } : i)));
    const retyped = withInputs(creditSignature.inputs.map((i) => (i.name === "age" ? { ...i, type: "float64" } : i)));
    const fewer = withInputs(creditSignature.inputs.slice(0, 1));
    const other = withInputs([{ name: "x", type: "float32", shape: ["N", 1] }]);
    for (const s of [renamed, retyped, fewer, other]) expect(inputKey(s)).not.toBe(inputKey(creditSignature));
  });
});
