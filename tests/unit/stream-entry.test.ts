// Columnar stream entries, what gateways before the binary entries wrote (ingest still reads them): what
// unpackEntry gives back is what packEntry was given.
import { describe, expect, it } from "vitest";
import { packEntry, unpackEntry } from "@/lib/serving/data/prediction-log/stream-entry";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";

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
});
