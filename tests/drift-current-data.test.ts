// The current data of a drift report: records go in through the prediction log's real ingest write
// (writePredictionBatch: the log's blocks and its columnar copy in one transaction) and come back out
// through readCurrentData, against the real partitioned tables.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { columnValues, currentDataValues } from "@/lib/monitoring/drift/current-data-values";
import { readCurrentData, type CurrentData } from "@/lib/monitoring/drift/read-current-data";
import { compactColumnBlocks } from "@/lib/serving/data/prediction-log/compact-column-blocks";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch } from "@/lib/serving/data/prediction-log/write-batch";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 3 });
const HOUR = 3_600_000;
// mid-hour, two hours ago: a window from here starts inside an hour's block
const base = Math.floor((Date.now() - 2 * HOUR) / HOUR) * HOUR + 20 * 60_000;

let teamId = "";
let otherTeamId = "";
let endpointId = "";
let otherEndpointId = "";

const rec = (over: Partial<PredictionRecord> & { t: number }): PredictionRecord => ({
  e: endpointId, v: "credit-v1", n: 1, id: randomUUID(), s: 200, l: 3, sh: false, r: 1,
  in: { age: [30], purpose: ["car"] }, out: { label: ["good"], probabilities: [0.8, 0.2] }, ...over,
});
const win = (from: number, to: number, more: Partial<Parameters<typeof readCurrentData>[0]> = {}) =>
  readCurrentData({ pool, teamId, endpointId, from: new Date(from), to: new Date(to), ...more });
const rowsOf = (d: CurrentData) => {
  const cols = currentDataValues(d);
  const pred = d.prediction ? columnValues(d.prediction.column) : [];
  return Array.from({ length: d.rows }, (_, i) => ({ ...Object.fromEntries(Object.entries(cols).map(([k, v]) => [k, v[i]])), prediction: pred[i] }));
};

beforeAll(async () => {
  const db = getDb();
  const suffix = randomUUID().slice(0, 8);
  const team = await db.team.create({ data: { slug: `drift-${suffix}`, name: "Drift" } });
  const other = await db.team.create({ data: { slug: `drift-other-${suffix}`, name: "Other" } });
  teamId = team.id;
  otherTeamId = other.id;
  const mk = async (t: string, name: string) => (await db.endpoint.create({ data: { teamId: t, name, routing: { variants: [], sticky: null }, createdBy: "test" } })).id;
  endpointId = await mk(teamId, `credit-${suffix}`);
  otherEndpointId = await mk(otherTeamId, `other-${suffix}`);
  await ensurePartitions(pool);
});
afterAll(() => pool.end());

describe("drift report current data", () => {
  it("returns the endpoint's served, successful rows of the window only, each under the version that served it", async () => {
    const t = (min: number) => base + min * 60_000;
    await writePredictionBatch(pool, [
      rec({ t: t(-1), in: { age: [1], purpose: ["car"] } }), // before the window
      rec({ t: t(0), in: { age: [21], purpose: ["car"] } }),
      rec({ t: t(10), in: { age: [22], purpose: ["tv"] }, v: "credit-v2", n: 2, out: { label: ["bad"], probabilities: [0.1, 0.9] } }),
      rec({ t: t(10), in: { age: [99], purpose: ["shadow"] }, v: "credit-v3-shadow", n: 3, sh: true }), // shadow copy
      rec({ t: t(20), in: { age: [98], purpose: ["failed"] }, s: 500, out: null, err: "the model's worker failed" }), // failed answer
      rec({ t: t(50), in: { age: [23], purpose: ["car"] } }), // next hour
      rec({ t: t(60), in: { age: [2], purpose: ["car"] } }), // at `to`: outside
      rec({ t: t(30), e: otherEndpointId, in: { age: [97], purpose: ["other team"] } }),
    ]);
    const d = await win(t(0), t(60));
    expect(rowsOf(d)).toEqual([
      { age: 21, purpose: "car", prediction: "good" },
      { age: 22, purpose: "tv", prediction: "bad" },
      { age: 23, purpose: "car", prediction: "good" },
    ]);
    expect(d).toMatchObject({ rows: 3, seenRows: 3, sampled: false, versions: { 1: 2, 2: 1 }, prediction: { name: "label" } });
    expect(d.columns.age.kind).toBe("numeric");
    expect(d.columns.purpose.kind).toBe("categorical");

    expect(rowsOf(await win(t(0), t(60), { version: 2 }))).toEqual([{ age: 22, purpose: "tv", prediction: "bad" }]);
    expect((await win(t(0), t(60), { version: 3 })).rows).toBe(0); // the shadow version served nothing

    // another team may not read the endpoint, even knowing its id
    await expect(readCurrentData({ pool, teamId: otherTeamId, endpointId, from: new Date(t(0)), to: new Date(t(60)) })).rejects.toMatchObject({ code: "not_found", field: "endpointId" });
    await expect(win(t(60), t(0))).rejects.toMatchObject({ code: "bad_request", field: "from" });
  });

  it("flattens multi-row records, keeps missing values missing, and gives each row its first output's value", async () => {
    const t0 = base + 90 * 60_000;
    await writePredictionBatch(pool, [
      rec({ t: t0, r: 3, in: { age: [40, 41, 42], purpose: ["car", "tv", "car"] }, out: { label: ["good", "bad", "good"], probabilities: [0.9, 0.1, 0.3, 0.7, 0.6, 0.4] } }),
      rec({ t: t0 + 1, in: { age: [43] } }), // no purpose at all
      rec({ t: t0 + 2, in: { age: [null as unknown as number], purpose: [7] } }), // a null, and a number where strings were
      rec({ t: t0 + 3, in: { age: [44.5], purpose: ["tv"], income: [1200] }, out: null }), // a column only this record has; no outputs
    ]);
    const d = await win(t0, t0 + 10);
    expect(rowsOf(d)).toEqual([
      { age: 40, purpose: "car", income: null, prediction: "good" },
      { age: 41, purpose: "tv", income: null, prediction: "bad" },
      { age: 42, purpose: "car", income: null, prediction: "good" },
      { age: 43, purpose: null, income: null, prediction: "good" },
      { age: null, purpose: 7, income: null, prediction: "good" },
      { age: 44.5, purpose: "tv", income: 1200, prediction: null },
    ]);
    expect(d.columns.age).toMatchObject({ kind: "numeric" });
    expect(Number.isNaN((d.columns.age as { values: Float64Array }).values[4])).toBe(true);
    // the label 7 stays the number 7 beside the strings, as the reference's categories would
    expect(d.columns.purpose).toMatchObject({ kind: "categorical", labels: ["car", "tv", 7] });
    // only the columns asked for, and one the log never had, all missing
    const some = await win(t0, t0 + 10, { columns: ["purpose", "nope"] });
    expect(Object.keys(some.columns)).toEqual(["purpose", "nope"]);
    expect(columnValues(some.columns.nope)).toEqual([null, null, null, null, null, null]);
  });

  it("holds at most maxRows: a seeded uniform sample of the window, reproducible", async () => {
    const t0 = base + 100 * 60_000;
    await writePredictionBatch(pool, Array.from({ length: 200 }, (_, i) => rec({ t: t0 + i, in: { age: [i], purpose: [i % 2 ? "odd" : "even"] } })));
    const all = await win(t0, t0 + 1000);
    expect(all.rows).toBe(200);
    const d = await win(t0, t0 + 1000, { maxRows: 50, seed: 7 });
    expect(d).toMatchObject({ rows: 50, seenRows: 200, sampled: true });
    const ages = columnValues(d.columns.age) as number[];
    expect(new Set(ages).size).toBe(50); // rows without repeats
    expect(ages.every((a) => Number.isInteger(a) && a >= 0 && a < 200)).toBe(true);
    expect(ages.some((a) => a >= 100)).toBe(true); // not just the first rows
    expect(columnValues(d.columns.purpose)).toEqual(ages.map((a) => (a % 2 ? "odd" : "even"))); // columns stay aligned
    expect(columnValues((await win(t0, t0 + 1000, { maxRows: 50, seed: 7 })).columns.age)).toEqual(ages);
  });

  it("reads the same rows after a replayed batch and after the hour's blocks are merged", async () => {
    const t0 = base + 110 * 60_000;
    // the two blocks differ: the later one has numbers for purpose, and an income column the first lacks
    const batch = Array.from({ length: 30 }, (_, i) => rec({ t: t0 + i, in: i < 20 ? { age: [i], purpose: ["x"] } : { age: [i], purpose: [i], income: [i * 1.5] } }));
    await writePredictionBatch(pool, batch.slice(0, 20));
    await writePredictionBatch(pool, batch.slice(20));
    expect(await writePredictionBatch(pool, batch.slice(0, 20))).toBe(0); // a replay of the first
    const before = await win(t0, t0 + 1000);
    expect(before.rows).toBe(30);
    await compactColumnBlocks({ pool, now: new Date(Date.now() + 3 * HOUR) });
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "PredictionColumns" WHERE "endpointId" = $1 AND hour = $2`, [endpointId, new Date(Math.floor(t0 / HOUR) * HOUR)]);
    expect(rows[0].n).toBe(1);
    const after = await win(t0, t0 + 1000);
    expect(rowsOf(after)).toEqual(rowsOf(before));
    expect(rowsOf(after)[25]).toEqual({ age: 25, purpose: 25, income: 37.5, prediction: "good" });
    expect(rowsOf(after)[5]).toEqual({ age: 5, purpose: "x", income: null, prediction: "good" });
    expect(rowsOf(await win(base, base + 3 * HOUR)).length).toBe(4 + 6 + 200 + 30);
  });

  it("stops when its signal says so", async () => {
    const ac = new AbortController();
    ac.abort(new Error("drift report over its time limit"));
    await expect(win(base, base + HOUR, { signal: ac.signal })).rejects.toThrow("drift report over its time limit");
  });
});
