// The prediction-log writer against the real partitioned table.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { dropOldPartitions, ensurePartitions, writePredictionBatch } from "@/lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "@/lib/serving/data/prediction-log/record";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
afterAll(() => pool.end());

const rec = (i: number, endpoint: string, t: number): PredictionRecord => ({
  t, e: endpoint, v: "m-v1", n: 1, id: `req-${i}`, s: i % 10 === 0 ? 500 : 200, l: (i % 7) + 0.5, sh: false, r: 1, in: { x: [i] }, out: { probability: [0.5] },
});

describe("prediction log", () => {
  it("stores a 9,000-record batch in one transaction, and a replay adds nothing to rows or rollups", async () => {
    await ensurePartitions(pool);
    const now = Date.now();
    const batch = Array.from({ length: 9_000 }, (_, i) => rec(i, "ep-batch", now));
    expect(await writePredictionBatch(pool, batch)).toBe(9_000);
    expect(await writePredictionBatch(pool, batch)).toBe(0);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "PredictionLog" WHERE "endpointId" = 'ep-batch'`);
    expect(rows[0].n).toBe(9_000);
    const rollups = await getDb().metricRollup.findMany({ where: { endpointId: "ep-batch" } });
    expect(rollups.reduce((s, r) => s + r.count, 0)).toBe(9_000);
    expect(rollups.reduce((s, r) => s + r.errors, 0)).toBe(900);
    expect(rollups.reduce((s, r) => s + r.latencyBuckets.reduce((a, b) => a + b, 0), 0)).toBe(9_000);
  });

  it("keeps daily partitions ahead and drops those past retention", async () => {
    const day = 86_400_000;
    const old = new Date(Date.now() - 40 * day);
    await ensurePartitions(pool, 0, old); // partitions around a day 40 days ago
    await writePredictionBatch(pool, [rec(1, "ep-old", old.getTime())]);
    const dropped = await dropOldPartitions(pool, 30);
    expect(dropped).toContain(`PredictionLog_${old.toISOString().slice(0, 10).replace(/-/g, "")}`);
    const { rows } = await pool.query(`SELECT count(*)::int AS n FROM "PredictionLog" WHERE "endpointId" = 'ep-old'`);
    expect(rows[0].n).toBe(0);
    const today = `PredictionLog_${new Date().toISOString().slice(0, 10).replace(/-/g, "")}`;
    const { rows: parts } = await pool.query(`SELECT to_regclass($1) AS t`, [`"${today}"`]);
    expect(parts[0].t).not.toBeNull();
  });
});
