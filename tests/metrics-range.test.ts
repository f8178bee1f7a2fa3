// An endpoint's metrics over a time range, from prediction records written by the real write path
// (writePredictionBatch, what the ingest consumer runs) into the real rollups: a continuous series
// with zeros where there was no traffic, resolution fitted to the range, served traffic and shadow
// copies apart, and percentiles within the histogram's stated bound of the exact values.
import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as metrics from "@/app/api/v1/endpoints/[endpoint]/metrics/route";
import { endpointMetrics } from "@/lib/serving/control/endpoints/read-endpoints";
import { recentlyServed } from "@/lib/serving/control/endpoints/recently-served";
import { checkGuardrails } from "@/lib/serving/control/deployments/guardrails";
import { canaryPlanSchema } from "@/lib/serving/control/deployments/plan";
import { ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch, writePredictionBlocks } from "@/lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { LAYOUT_BOUNDS, LAYOUT_COARSE, LATENCY_LAYOUT, MIN_BOUND_MS, RELATIVE_ERROR_BOUND } from "@/lib/serving/shared/rollups";
import { seededRandom } from "@/lib/training/random";
import { call } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";

const db = getDb();
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
afterAll(() => pool.end());

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
let w: World;

beforeAll(async () => {
  w = await makeWorld("metrics");
  const now = Date.now();
  await ensurePartitions(pool, 8, new Date(now - 8 * DAY)); // every day the 7-day range reaches
  await ensurePartitions(pool, 2, new Date(now));
});

async function newEndpoint(): Promise<{ id: string; name: string }> {
  const name = `metrics-${randomUUID().slice(0, 8)}`;
  const e = await db.endpoint.create({ data: { teamId: w.teamId, name, routing: { variants: [], sticky: null }, createdBy: "test" } });
  return { id: e.id, name };
}

type Rec = { t: number; v?: number; latency?: number; status?: number; shadow?: boolean };
function records(endpointId: string, list: Rec[]): PredictionRecord[] {
  return list.map((r) => {
    const version = r.v ?? 1;
    return { t: r.t, e: endpointId, v: `credit-v${version}`, n: version, id: randomUUID(), s: r.status ?? 200, l: r.latency ?? 5, sh: r.shadow ?? false, r: 1, in: null, out: null };
  });
}
const write = async (endpointId: string, list: Rec[]) => expect(await writePredictionBatch(pool, records(endpointId, list))).toBe(list.length);

/** The exact q-quantile by the nearest-rank rule (what the bound is stated against). */
function nearestRank(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length, Math.max(1, Math.ceil(q * sorted.length))) - 1];
}
const withinBound = (read: number | null, exact: number) => read !== null && Math.abs(read - exact) <= Math.max(exact * RELATIVE_ERROR_BOUND, MIN_BOUND_MS);

type Metrics = Awaited<ReturnType<typeof endpointMetrics>>;
const pointsOf = (m: Metrics, variant: string, traffic: "served" | "shadow") => m.series.filter((p) => p.variant === variant && p.traffic === traffic);
const read = (name: string, query: string) => call(metrics.GET, "GET", `/api/v1/endpoints/${name}/metrics${query}`, { token: w.tokens.read, params: { endpoint: name } });

describe("metrics over a time range", () => {
  it("draws every minute of the last 15 up to now, zeros in the silent ones, served and shadow apart", async () => {
    const e = await newEndpoint();
    const now = new Date();
    const minuteOf = (ago: number) => Math.floor(now.getTime() / MIN) * MIN - ago * MIN + 1_000;
    await write(e.id, [
      ...Array.from({ length: 30 }, () => ({ t: minuteOf(12), v: 1, latency: 10 })),
      ...Array.from({ length: 20 }, (_, i) => ({ t: minuteOf(4), v: 1, latency: 20, status: i < 5 ? 500 : 200 })),
      // the same requests copied to a shadow (v2), which fails them all: not the served figures
      ...Array.from({ length: 30 }, () => ({ t: minuteOf(12), v: 2, latency: 300, status: 500, shadow: true })),
      // a minute older than the range: never counted
      ...Array.from({ length: 7 }, () => ({ t: minuteOf(20), v: 1 })),
    ]);
    const m = await endpointMetrics({ db, teamId: w.teamId, name: e.name, range: "15m", now });
    expect(m).toMatchObject({ range: "15m", minutes: 15, stepSeconds: 60, until: now.toISOString() });
    expect(m.buckets).toHaveLength(15);
    expect(Date.parse(m.buckets[14])).toBe(Math.floor(now.getTime() / MIN) * MIN); // the axis ends at now
    for (let i = 1; i < 15; i++) expect(Date.parse(m.buckets[i]) - Date.parse(m.buckets[i - 1])).toBe(MIN);

    const served = pointsOf(m, "credit-v1", "served");
    expect(served.map((p) => p.at)).toEqual(m.buckets);
    const requests = served.map((p) => p.requests);
    expect(requests[14 - 12]).toBe(30);
    expect(requests[14 - 4]).toBe(20);
    expect(requests.reduce((a, b) => a + b, 0)).toBe(50);
    expect(requests.filter((n) => n === 0)).toHaveLength(13); // silence is zero, not skipped
    const silent = served[0];
    expect(silent).toMatchObject({ requests: 0, errors: 0, errorRate: 0, requestsPerSecond: 0, p50Ms: null, p95Ms: null, p99Ms: null });
    expect(served[14 - 4]).toMatchObject({ requests: 20, errors: 5, errorRate: 0.25 });
    expect(served[14 - 4].requestsPerSecond).toBeCloseTo(20 / 60, 6);
    expect(withinBound(served[14 - 12].p50Ms, 10)).toBe(true);

    const shadow = pointsOf(m, "credit-v2", "shadow");
    expect(shadow).toHaveLength(15);
    expect(shadow[14 - 12]).toMatchObject({ requests: 30, errors: 30, errorRate: 1 });
    expect(withinBound(shadow[14 - 12].p95Ms, 300)).toBe(true);
    expect(pointsOf(m, "credit-v2", "served")).toEqual([]);
    expect(pointsOf(m, "credit-v1", "shadow")).toEqual([]);

    const totals = Object.fromEntries(m.variants.map((v) => [`${v.variant}|${v.traffic}`, v]));
    expect(Object.keys(totals).sort()).toEqual(["credit-v1|served", "credit-v2|shadow"]);
    expect(totals["credit-v1|served"]).toMatchObject({ model: "credit", version: 1, requests: 50, errors: 5, errorRate: 0.1 });
    expect(totals["credit-v2|shadow"]).toMatchObject({ model: "credit", version: 2, requests: 30, errors: 30 });
    const seconds = (now.getTime() - Date.parse(m.since)) / 1000;
    expect(totals["credit-v1|served"].requestsPerSecond).toBeCloseTo(50 / seconds, 6);

    // a canary's guardrails judge the answers served, never its shadow copies
    const plan = canaryPlanSchema.parse({ minRequests: 10, maxErrorRate: 0.5 });
    expect(await checkGuardrails({ db, endpointId: e.id, variants: ["credit-v2"], since: new Date(now.getTime() - 15 * MIN), plan })).toMatchObject({ status: "wait", seen: 0 });
    expect(await checkGuardrails({ db, endpointId: e.id, variants: ["credit-v1"], since: new Date(now.getTime() - 15 * MIN), plan })).toEqual({ status: "pass" });
  });

  it("fits the resolution to the range: 1 min for 1 h, 5 min for 24 h, 1 h for 7 days, each ending at now", async () => {
    const e = await newEndpoint();
    const now = new Date();
    await write(e.id, [
      { t: now.getTime() - 40 * MIN }, { t: now.getTime() - 40 * MIN },
      { t: now.getTime() - 3 * HOUR },
      { t: now.getTime() - 20 * HOUR },
      { t: now.getTime() - 6 * DAY },
    ]);
    const expected = { "1h": [60, 60, 2], "24h": [300, 288, 4], "7d": [3600, 168, 5] } as const;
    for (const [range, [stepSeconds, buckets, requests]] of Object.entries(expected)) {
      const m = await endpointMetrics({ db, teamId: w.teamId, name: e.name, range: range as keyof typeof expected, now });
      expect(m.stepSeconds, range).toBe(stepSeconds);
      expect(m.buckets, range).toHaveLength(buckets);
      const step = stepSeconds * 1000;
      expect(Date.parse(m.buckets[buckets - 1]), range).toBe(Math.floor(now.getTime() / step) * step);
      const served = pointsOf(m, "credit-v1", "served");
      expect(served, range).toHaveLength(buckets);
      expect(served.reduce((a, p) => a + p.requests, 0), range).toBe(requests);
      // each record sits in the bucket holding its time
      for (const ago of [40 * MIN, 3 * HOUR, 20 * HOUR, 6 * DAY]) {
        const t = now.getTime() - ago;
        if (t < Date.parse(m.since)) continue;
        const at = new Date(Math.floor(t / step) * step).toISOString();
        expect(served.find((p) => p.at === at)?.requests, `${range} ${ago}`).toBeGreaterThan(0);
      }
    }
  });

  it("reads p50/p95/p99 within the stated bound of the exact values of 20,000 latencies, per bucket and in total", async () => {
    const e = await newEndpoint();
    const now = new Date();
    const rand = seededRandom(11);
    const normal = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
    const t = Math.floor(now.getTime() / MIN) * MIN - 2 * MIN + 500;
    // lognormal around 25 ms with a 5% slow mode near 400 ms; Postgres stores latencies as real (float4)
    const latencies = Array.from({ length: 20_000 }, () => Math.fround(rand() < 0.95 ? Math.exp(Math.log(25) + 0.5 * normal()) : 350 + rand() * 100));
    for (let i = 0; i < latencies.length; i += 5_000) await write(e.id, latencies.slice(i, i + 5_000).map((latency) => ({ t, latency })));
    const m = await endpointMetrics({ db, teamId: w.teamId, name: e.name, range: "15m", now });
    const total = m.variants.find((v) => v.variant === "credit-v1")!;
    const point = pointsOf(m, "credit-v1", "served").find((p) => p.requests > 0)!;
    expect(total.requests).toBe(20_000);
    expect(point.requests).toBe(20_000);
    for (const [q, key] of [[0.5, "p50Ms"], [0.95, "p95Ms"], [0.99, "p99Ms"]] as const) {
      const exact = nearestRank(latencies, q);
      expect(withinBound(total[key], exact), `${key}: read ${total[key]}, exact ${exact}`).toBe(true);
      expect(withinBound(point[key], exact), `${key} of the bucket: read ${point[key]}, exact ${exact}`).toBe(true);
    }
    expect(total.meanMs).toBeCloseTo(latencies.reduce((a, b) => a + b, 0) / latencies.length, 1);
  });

  it("never adds a row of the old coarse layout into a log-linear one: each is read with its own bounds", async () => {
    const e = await newEndpoint();
    const now = new Date();
    const minute = new Date(Math.floor(now.getTime() / MIN) * MIN - 3 * MIN);
    // a row the writer left before the log-linear layout: 100 requests in (25, 50] ms
    const coarse = new Array(LAYOUT_BOUNDS[LAYOUT_COARSE].length + 1).fill(0);
    coarse[LAYOUT_BOUNDS[LAYOUT_COARSE].indexOf(50)] = 100;
    await pool.query(
      `INSERT INTO "MetricRollup" ("endpointId","variant","minute","shadow","latencyLayout","version","count","errors","shadowCount","latencySumMs","latencyBuckets")
       VALUES ($1, 'credit-v1', $2, false, $3, 1, 100, 0, 0, 3000, $4)`,
      [e.id, minute, LAYOUT_COARSE, coarse],
    );
    // the same minute, after the upgrade: 300 requests at 400 ms
    await write(e.id, Array.from({ length: 300 }, () => ({ t: minute.getTime() + 10_000, latency: 400 })));
    const rows = await db.metricRollup.findMany({ where: { endpointId: e.id }, orderBy: { latencyLayout: "asc" } });
    expect(rows.map((r) => [r.latencyLayout, r.count])).toEqual([[LAYOUT_COARSE, 100], [LATENCY_LAYOUT, 300]]);
    expect(rows[0].latencyBuckets).toEqual(coarse); // untouched

    const m = await endpointMetrics({ db, teamId: w.teamId, name: e.name, range: "15m", now });
    const total = m.variants.find((v) => v.variant === "credit-v1")!;
    expect(total.requests).toBe(400);
    expect(total.p50Ms).toBeGreaterThan(350); // the 200th of 400 is one of the 400 ms requests
    expect(withinBound(total.p95Ms, 400)).toBe(true);
    expect(withinBound(total.p99Ms, 400)).toBe(true);
    // the old rows alone: read with their own bounds, inside (25, 50]
    const old = await endpointMetrics({ db, teamId: w.teamId, name: e.name, minutes: 15, now });
    expect(old.variants[0].p50Ms).toBe(total.p50Ms);
    await db.metricRollup.deleteMany({ where: { endpointId: e.id, latencyLayout: LATENCY_LAYOUT } });
    const onlyOld = (await endpointMetrics({ db, teamId: w.teamId, name: e.name, range: "15m", now })).variants[0];
    expect(onlyOld.p50Ms).toBeGreaterThan(25);
    expect(onlyOld.p50Ms).toBeLessThanOrEqual(50);
  });
});

describe("hourly rollups", () => {
  // Every hour row must equal the sum of its minutes, whatever wrote or removed them.
  const mismatches = (endpointId: string) =>
    pool.query(
      `WITH k AS (SELECT r.*, date_trunc('hour', r.minute) AS hour FROM "MetricRollup" r WHERE r."endpointId" = $1),
       t AS (SELECT "endpointId", variant, hour, shadow, "latencyLayout", sum(count)::int AS count, sum(errors)::int AS errors, sum("latencySumMs") AS sum
             FROM k GROUP BY 1, 2, 3, 4, 5),
       s AS (SELECT "endpointId", variant, hour, shadow, "latencyLayout", u.i, sum(u.n)::int AS n
             FROM k CROSS JOIN LATERAL unnest(k."latencyBuckets") WITH ORDINALITY u(n, i) GROUP BY 1, 2, 3, 4, 5, 6),
       b AS (SELECT "endpointId", variant, hour, shadow, "latencyLayout", array_agg(n ORDER BY i) AS buckets FROM s GROUP BY 1, 2, 3, 4, 5),
       m AS (SELECT * FROM t JOIN b USING ("endpointId", variant, hour, shadow, "latencyLayout")),
       h AS (SELECT * FROM "MetricRollupHour" WHERE "endpointId" = $1)
       SELECT * FROM m FULL JOIN h USING ("endpointId", variant, hour, shadow, "latencyLayout")
       WHERE (m.count IS NULL AND h.count <> 0) OR (m.count IS NOT NULL AND (m.count IS DISTINCT FROM h.count OR m.errors IS DISTINCT FROM h.errors
          OR abs(m.sum - h."latencySumMs") > 1e-6 OR m.buckets IS DISTINCT FROM h."latencyBuckets"))`,
      [endpointId],
    );

  it("keeps each hour equal to the sum of its minutes through writes, replays and deletes, and a 7-day chart reads the same totals", async () => {
    const e = await newEndpoint();
    const now = new Date();
    const hourStart = Math.floor(now.getTime() / HOUR) * HOUR;
    const list: Rec[] = [];
    for (let k = 0; k < 600; k++) {
      // two earlier hours, several minutes each, both versions, some errors and shadow copies
      const t = hourStart - 2 * HOUR + (k % 120) * MIN + 1000;
      list.push({ t, v: 1 + (k % 2), latency: 1 + (k % 37) * 3.7, status: k % 13 === 0 ? 500 : 200, shadow: k % 5 === 0 });
    }
    const recs = records(e.id, list);
    // two concurrent writers, as two job workers would be
    const [a, b] = await Promise.all([writePredictionBatch(pool, recs.slice(0, 300)), writePredictionBatch(pool, recs.slice(300))]);
    expect(a + b).toBe(600);
    // a replay adds nothing (the same two sources, read in one batch)
    expect(await writePredictionBlocks(pool, [{ records: recs.slice(0, 300) }, { records: recs.slice(300) }])).toBe(0);
    expect((await mismatches(e.id)).rows).toEqual([]);
    const hours = await db.metricRollupHour.findMany({ where: { endpointId: e.id } });
    expect(hours.reduce((s, h) => s + h.count, 0)).toBe(600);
    expect(new Set(hours.map((h) => h.hour.getTime())).size).toBe(2);

    const week = await endpointMetrics({ db, teamId: w.teamId, name: e.name, range: "7d", now });
    const day = await endpointMetrics({ db, teamId: w.teamId, name: e.name, range: "24h", now });
    const totals = (m: Metrics) => m.variants.map((v) => [v.variant, v.traffic, v.requests, v.errors, v.p50Ms, v.p95Ms]).sort();
    expect(totals(week)).toEqual(totals(day));
    expect(week.series.filter((p) => p.requests > 0).length).toBe(2 * 2 * 2); // 2 hours x 2 variants x served/shadow

    // a minute row removed (or rewritten) by hand moves its hour too
    await pool.query(`DELETE FROM "MetricRollup" WHERE "endpointId" = $1 AND variant = 'credit-v1' AND shadow = false AND minute = (SELECT min(minute) FROM "MetricRollup" WHERE "endpointId" = $1)`, [e.id]);
    await pool.query(`UPDATE "MetricRollup" SET errors = errors + 1 WHERE "endpointId" = $1 AND variant = 'credit-v2'`, [e.id]);
    expect((await mismatches(e.id)).rows).toEqual([]);
  });
});

describe("versions served recently", () => {
  it("finds the endpoints that served a version in the last day, routed now or not, in the team only", async () => {
    const e = await newEndpoint(); // routes nothing now
    const now = Date.now();
    await write(e.id, [{ t: now - 3 * HOUR, v: 3 }, { t: now - 30 * DAY, v: 4 }]);
    const since = new Date(now - DAY);
    const mine = await recentlyServed({ db, teamId: w.teamId, model: "credit", versions: [3, 4, 5], since });
    expect(mine.get(3)).toContain(e.name);
    expect(mine.get(4)?.includes(e.name) ?? false).toBe(false); // a month ago is not "recently"
    const other = await makeWorld("metrics-other");
    expect((await recentlyServed({ db, teamId: other.teamId, model: "credit", versions: [3], since })).size).toBe(0);
  });
});

describe("GET /api/v1/endpoints/{endpoint}/metrics", () => {
  it("takes a range or, as before, minutes, and says which input is wrong", async () => {
    const e = await newEndpoint();
    await write(e.id, [{ t: Date.now() - 2 * MIN }]);
    const day = await read(e.name, "?range=24h");
    expect(day.status, JSON.stringify(day.json)).toBe(200);
    expect(day.json).toMatchObject({ endpoint: e.name, range: "24h", stepSeconds: 300 });
    expect(day.json.buckets).toHaveLength(288);
    expect(day.json.series).toHaveLength(288);

    const fifteen = await read(e.name, "");
    expect(fifteen.json).toMatchObject({ range: "15m", minutes: 15, stepSeconds: 60 });
    const old = await read(e.name, "?minutes=30");
    expect(old.status).toBe(200);
    expect(old.json).toMatchObject({ range: null, minutes: 30, stepSeconds: 60 });
    expect(old.json.buckets).toHaveLength(30);
    expect(old.json.variants[0]).toMatchObject({ variant: "credit-v1", traffic: "served", requests: 1 });

    const both = await read(e.name, "?range=1h&minutes=30");
    expect(both.status).toBe(400);
    expect(both.json.error.field).toBe("query.minutes");
    const wrong = await read(e.name, "?range=2h");
    expect(wrong.status).toBe(400);
    expect(wrong.json.error.field).toBe("query.range");
    expect((await read(`missing-${randomUUID().slice(0, 6)}`, "?range=1h")).status).toBe(404);
  });
});
