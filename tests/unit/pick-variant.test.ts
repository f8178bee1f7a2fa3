// Which variant answers a request: weighted, sticky per user, overridden by a header; never a shadow.
import { describe, expect, it } from "vitest";
import { findOverride, hashKey, pickVariant, stickyKeyOf } from "@/lib/serving/data/gateway/pick-variant";
import { servingVariants } from "@/lib/serving/shared/routing";
import { canaryRouting } from "@/lib/serving/control/deployments/plan";
import { routing, users, variant } from "./fixtures";

const v1 = variant(1, 90);
const v2 = variant(2, 10);

/** How many of `keys` each variant gets, by name. */
function tally(variants: ReturnType<typeof variant>[], keys: string[]) {
  const counts = new Map<string, number>();
  for (const k of keys) {
    const name = pickVariant(variants, k)!.name;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}

describe("hashKey", () => {
  it("is 32-bit FNV-1a (the published test vectors)", () => {
    expect(hashKey("")).toBe(0x811c9dc5);
    expect(hashKey("a")).toBe(0xe40c292c);
    expect(hashKey("foobar")).toBe(0xbf9cf968);
  });
});

describe("pickVariant", () => {
  it("sends about 90% of 10,000 distinct users to v1 on a 90/10 split", () => {
    const counts = tally([v1, v2], users(10_000));
    expect(counts.get("credit-v1")! + counts.get("credit-v2")!).toBe(10_000);
    expect(counts.get("credit-v2")! / 10_000).toBeGreaterThan(0.085);
    expect(counts.get("credit-v2")! / 10_000).toBeLessThan(0.115);
  });

  it("always sends the same user to the same variant while the weights stay the same", () => {
    for (const user of users(500)) {
      const first = pickVariant([v1, v2], user);
      for (let i = 0; i < 5; i++) expect(pickVariant([v1, v2], user)).toBe(first);
    }
  });

  it("ignores the random source when there is a sticky key", () => {
    for (const user of users(200)) {
      expect(pickVariant([v1, v2], user, () => 0)).toBe(pickVariant([v1, v2], user, () => 0.999));
    }
  });

  it("without a sticky key, picks by the random draw against cumulative weights", () => {
    expect(pickVariant([v1, v2], null, () => 0)).toBe(v1);
    expect(pickVariant([v1, v2], null, () => 0.8999)).toBe(v1);
    expect(pickVariant([v1, v2], null, () => 0.9)).toBe(v2);
    expect(pickVariant([v1, v2], null, () => 0.9999)).toBe(v2);
  });

  it("splits random traffic by weight: 10,000 draws at 70/20/10", () => {
    const vs = [variant(1, 70), variant(2, 20), variant(3, 10)];
    const counts = [0, 0, 0];
    for (let i = 0; i < 10_000; i++) counts[pickVariant(vs, null, () => (i + 0.5) / 10_000)!.version - 1]++;
    expect(counts).toEqual([7_000, 2_000, 1_000]);
  });

  it("accepts weights that do not sum to 100 (a canary step's 3-decimal shares)", () => {
    const vs = [variant(1, 0.3), variant(2, 0.1)];
    const counts = tally(vs, users(10_000));
    expect(counts.get("credit-v2")! / 10_000).toBeGreaterThan(0.22);
    expect(counts.get("credit-v2")! / 10_000).toBeLessThan(0.28);
  });

  it("never picks a zero-weight variant, and has nothing to pick when every weight is zero", () => {
    const vs = [variant(1, 100), variant(2, 0)];
    expect(tally(vs, users(2_000)).get("credit-v2")).toBeUndefined();
    expect(pickVariant([variant(1, 0), variant(2, 0)], "ana")).toBeNull();
    expect(pickVariant([], "ana")).toBeNull();
    expect(pickVariant([], null)).toBeNull();
  });

  it("never picks a shadow: the gateway picks among serving variants only", () => {
    // a shadow whose stored weight is not zero is still only a shadow
    const r = routing([variant(1, 50), variant(2, 50, { role: "shadow" }), variant(3, 50, { role: "canary" })]);
    const counts = tally(servingVariants(r), users(10_000));
    expect(counts.get("credit-v2")).toBeUndefined();
    expect([...counts.keys()].sort()).toEqual(["credit-v1", "credit-v3"]);
  });

  it("keeps a canary's users on the canary as its share grows from 10% to 50% to 100%", () => {
    const from = routing([variant(1, 100)], { header: "x-user-id" });
    const to = routing([variant(2, 100)], { header: "x-user-id" });
    const onCanary = (percent: number) => {
      const serving = servingVariants(canaryRouting(from, to, percent));
      return new Set(users(10_000).filter((u) => pickVariant(serving, u)!.version === 2));
    };
    const [ten, fifty] = [onCanary(10), onCanary(50)];
    expect(ten.size / 10_000).toBeGreaterThan(0.085);
    expect(ten.size / 10_000).toBeLessThan(0.115);
    expect(fifty.size / 10_000).toBeGreaterThan(0.47);
    expect(fifty.size / 10_000).toBeLessThan(0.53);
    expect([...ten].every((u) => fifty.has(u))).toBe(true);
    expect(onCanary(100).size).toBe(10_000);
  });
});

describe("stickyKeyOf", () => {
  const instances = (rows: object[]) => ({ instances: rows });

  it("has no key when the endpoint is not sticky", () => {
    expect(stickyKeyOf(null, { "x-user-id": "ana" }, instances([{ user: "ana" }]))).toBeNull();
  });

  it("reads the header, whatever its case in the routing (Node lower-cases request headers)", () => {
    expect(stickyKeyOf({ header: "X-User-Id" }, { "x-user-id": "ana" }, {})).toBe("ana");
    expect(stickyKeyOf({ header: "x-user-id" }, {}, {})).toBeNull();
    expect(stickyKeyOf({ header: "x-user-id" }, { "x-user-id": "" }, {})).toBeNull();
  });

  it("reads the field from the first instance, or from the first value of that OIP input", () => {
    expect(stickyKeyOf({ field: "customer" }, {}, instances([{ customer: 42 }, { customer: 7 }]))).toBe("42");
    const oip = { inputs: [{ name: "age", data: [[30]] }, { name: "customer", data: [["c-9"], ["c-1"]] }] };
    expect(stickyKeyOf({ field: "customer" }, {}, oip)).toBe("c-9");
    expect(stickyKeyOf({ field: "customer" }, {}, instances([{ age: 3 }]))).toBeNull();
    expect(stickyKeyOf({ field: "customer" }, {}, "not an object")).toBeNull();
  });

  it("prefers the header and falls back to the field when the header is absent", () => {
    const sticky = { header: "x-user-id", field: "customer" };
    expect(stickyKeyOf(sticky, { "x-user-id": "ana" }, instances([{ customer: "bob" }]))).toBe("ana");
    expect(stickyKeyOf(sticky, {}, instances([{ customer: "bob" }]))).toBe("bob");
  });

  it("gives one user one version whether the key comes from the header or the field", () => {
    for (const id of [1, 2, 3, 42, 1234, 99999]) {
      const byHeader = pickVariant([v1, v2], stickyKeyOf({ header: "x-user-id" }, { "x-user-id": String(id) }, {}));
      const byField = pickVariant([v1, v2], stickyKeyOf({ field: "customer" }, {}, instances([{ customer: id }])));
      expect(byField).toBe(byHeader);
    }
  });
});

describe("findOverride", () => {
  const all = [variant(1, 90), variant(2, 10), variant(3, 0, { role: "shadow" })];

  it("finds the variant by its name or by its version number", () => {
    expect(findOverride(all, "credit-v2")).toBe(all[1]);
    expect(findOverride(all, "1")).toBe(all[0]);
  });

  it("never hands a client a shadow's answer, even when the header names it", () => {
    expect(findOverride(all, "credit-v3")).toBeNull();
    expect(findOverride(all, "3")).toBeNull();
  });

  it("finds nothing for a name or number the endpoint does not route to", () => {
    expect(findOverride(all, "credit-v9")).toBeNull();
    expect(findOverride(all, "9")).toBeNull();
    expect(findOverride(all, "credit")).toBeNull();
  });
});
