// Columnar stream entries: what unpackEntry gives back is what packEntry was given, and a record that cannot
// be serialised is logged without its payloads instead of stopping the gateway's prediction log.
import { describe, expect, it } from "vitest";
import { packEntry, unpackEntry } from "@/lib/serving/data/prediction-log/stream-entry";
import { packOrStrip } from "@/lib/serving/data/prediction-log/prediction-logger";
import type { PredictionRecord } from "@/lib/serving/data/prediction-log/record";

const rec = (i: number, extra: Partial<PredictionRecord> = {}): PredictionRecord => ({
  t: 1_764_000_000_000 + i, e: "ep", v: "m-v1", n: 1, id: `r-${i}`, s: i % 5 ? 200 : 503, l: 1.25 * i, sh: i % 3 === 0, r: 1,
  in: { x: [i], kind: [`k${i}`] }, out: { p: [i / 10] }, ...(i % 5 ? {} : { err: "worker away" }), ...extra,
});

describe("columnar stream entries", () => {
  it("round-trips records, the optional err and ns included, and packs only the range asked for", () => {
    const records = Array.from({ length: 10 }, (_, i) => rec(i, i === 7 ? { in: null, ns: true } : {}));
    const unpacked = unpackEntry(JSON.parse(packEntry(records, 2, 9)));
    expect(unpacked).toEqual({ records: records.slice(2, 9) });
  });

  it("logs a record it cannot serialise without inputs and outputs, and the others of its entry whole", () => {
    const records = [rec(1), rec(2, { out: { big: [1n as unknown as number] } }), rec(3)];
    expect(() => packEntry(records, 0, 3)).toThrow();
    const unpacked = unpackEntry(JSON.parse(packOrStrip(records, 0, 3))) as { records: PredictionRecord[] };
    expect(unpacked.records.map((r) => r.id)).toEqual(["r-1", "r-2", "r-3"]);
    expect(unpacked.records[1]).toMatchObject({ in: null, out: null, ns: true });
    expect(unpacked.records[0]).toEqual(records[0]);
    expect(unpacked.records[2]).toEqual(records[2]);
    expect(unpacked.records.map((r) => [r.s, r.l])).toEqual([[200, 1.25], [200, 2.5], [200, 3.75]]);
  });
});
