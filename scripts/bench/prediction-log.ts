// `npm run bench:log`: the prediction-log explorer's queries on 1,000,000 logged predictions.
// Creates its own database (migrated like `npm start` does), writes a week of realistic records for three
// endpoints as ingest does (blocks of 64, "PredictionBlock"), ANALYZEs, then times listPredictions (the API's domain function) for the
// filters people use, prints the median of several runs each, and the EXPLAIN of the slowest.
// BENCH_ROWS, BENCH_RUNS and BENCH_KEEP_DB=1 (leave the database for a look) change the defaults.
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { createDb } from "../../lib/db/client";
import { ensurePartitions } from "../../lib/serving/data/prediction-log/partitions";
import { writePredictionBlocks } from "../../lib/serving/data/prediction-log/write-batch";
import type { SourceBlock } from "../../lib/serving/data/prediction-log/block-rows";
import type { PredictionRecord } from "../../lib/serving/shared/prediction-log/record";
import { BLOCK_COLUMNS, recordsOfBlocks, type StoredBlock } from "../../lib/serving/shared/prediction-log/read-blocks";
import { listPredictions } from "../../lib/serving/control/predictions/list-predictions";
import { exportPredictions } from "../../lib/serving/control/predictions/export-predictions";
import { blockSql, resolveQuery, type PredictionFilter } from "../../lib/serving/control/predictions/prediction-query";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `prediction_log_bench_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const DAY = 86_400_000;
const CHUNK = 10_000;

// deterministic data: the same rows on every run (mulberry32)
let seed = 42;
const rand = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
const PURPOSES = ["car", "furniture", "radio/tv", "education", "business", "repairs", "vacation", "retraining"] as const;

type Endpoint = { id: string; name: string; share: number };

/** One served request, and sometimes its shadow copy: what the gateway logs. */
function* records(endpoints: Endpoint[], now: number) {
  // in time order, as gateways write them: requests arrive at random (Poisson), a fifth also get a shadow copy
  const meanGap = (7 * DAY) / (ROWS / 1.2);
  let clock = now - 7 * DAY;
  for (let i = 0; i < ROWS; ) {
    clock += 2 * rand() * meanGap; // uniform gaps: the week is filled to its end
    const time = Math.min(Math.floor(clock), now - 10);
    const r = rand();
    const e = r < endpoints[0].share ? endpoints[0] : r < endpoints[0].share + endpoints[1].share ? endpoints[1] : endpoints[2];
    const canary = rand() < 0.1;
    const status = rand() < 0.97 ? 200 : rand() < 0.6 ? 400 : pick([500, 503] as const);
    // log-normal around 8 ms, a long tail
    const latency = Math.exp(Math.log(8) + 0.6 * Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand()));
    const inputs = { age: [18 + Math.floor(rand() * 62)], income: [Math.round(rand() * 120_000) / 10], purpose: [pick(PURPOSES)], duration: [6 + Math.floor(rand() * 66)] };
    const p = Math.round(rand() * 1000) / 1000;
    const ok = status < 400;
    const row = {
      time, e: e.id, variant: canary ? "credit-v4" : "credit-v3", version: canary ? 4 : 3, requestId: `req-${i.toString(36)}-${Math.floor(rand() * 1e9).toString(36)}`,
      status, latency, shadow: false, inputs, outputs: ok ? { label: [p > 0.5 ? "bad" : "good"], probability: [p] } : null,
      error: ok ? null : status === 400 ? "inputs.age: expected a number" : "the worker did not answer in time",
    };
    yield row;
    i++;
    if (i < ROWS && rand() < 0.2) {
      yield { ...row, variant: "credit-v5-shadow", version: 5, shadow: true, latency: latency * 1.3, time: time + 2 };
      i++;
    }
  }
}

/** Written as ingest writes what gateways send: blocks of up to 64 records of one endpoint (with rollups and drift copy). */
async function insertAll(pool: pg.Pool, endpoints: Endpoint[], now: number): Promise<void> {
  const open = new Map<string, PredictionRecord[]>();
  let sources: SourceBlock[] = [];
  let n = 0;
  for (const r of records(endpoints, now)) {
    let g = open.get(r.e);
    if (!g) open.set(r.e, (g = []));
    g.push({ t: r.time, e: r.e, v: r.variant, n: r.version, id: r.requestId, s: r.status, l: r.latency, sh: r.shadow, r: 1, in: r.inputs, out: r.outputs, ...(r.error ? { err: r.error } : {}) });
    if (g.length === 64) {
      sources.push({ records: g });
      open.delete(r.e);
    }
    if (++n % CHUNK === 0) {
      await writePredictionBlocks(pool, sources);
      sources = [];
      if (n % 200_000 === 0) console.log(`  ${n.toLocaleString("en-US")} records`);
    }
  }
  await writePredictionBlocks(pool, [...sources, ...[...open.values()].map((records) => ({ records }))]);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const db = createDb(databaseUrl);
try {
  await applyMigrations(databaseUrl);
  const now = Date.now();
  const team = await db.team.create({ data: { slug: "bench", name: "Bench" } });
  const endpoints: Endpoint[] = [];
  for (const [name, share] of [["credit-scoring", 0.6], ["fraud", 0.3], ["churn", 0.1]] as const) {
    const e = await db.endpoint.create({ data: { teamId: team.id, name, routing: {}, createdBy: "bench" } });
    endpoints.push({ id: e.id, name, share });
  }
  await ensurePartitions(pool, 8, new Date(now - 8 * DAY));

  console.log(`Inserting ${ROWS.toLocaleString("en-US")} records over 7 days for ${endpoints.length} endpoints…`);
  let t0 = performance.now();
  await insertAll(pool, endpoints, now);
  console.log(`  inserted in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  await pool.query(`ANALYZE "PredictionBlock"`);
  console.log(`  ANALYZE in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const counts = await pool.query<{ name: string; n: string }>(`SELECT e.name, sum(p.records)::text AS n FROM "PredictionBlock" p JOIN "Endpoint" e ON e.id = p."endpointId" GROUP BY e.name ORDER BY e.name`);
  console.log(`  ${counts.rows.map((r) => `${r.name}: ${Number(r.n).toLocaleString("en-US")}`).join(", ")}`);

  const week = { from: new Date(now - 7 * DAY).toISOString(), to: new Date(now).toISOString() };
  const big = "credit-scoring";
  // a request id of the busiest endpoint, from the middle of the week
  const known = recordsOfBlocks((await pool.query<StoredBlock>(`SELECT ${BLOCK_COLUMNS} FROM "PredictionBlock" WHERE "endpointId" = $1 AND time < $2 ORDER BY time DESC LIMIT 1`, [endpoints[0].id, new Date(now - 3 * DAY)])).rows)[0].id;
  // a cursor 10,000 records deep (20 pages of 500) into the week
  let deep: string | undefined;
  for (let i = 0; i < 20; i++) deep = (await listPredictions({ db, teamId: team.id, name: big, filter: week, cursor: deep, limit: 500 })).nextCursor ?? undefined;

  const cases: { label: string; name: string; filter: PredictionFilter; cursor?: string; limit?: number }[] = [
    { label: "first page, last hour (default)", name: big, filter: {} },
    { label: "first page, 7 days", name: big, filter: week },
    { label: "page 10,000 records deep (cursor), 7 days", name: big, filter: week, cursor: deep },
    { label: "500 records, 7 days, shadow=all", name: big, filter: { ...week, shadow: "all" }, limit: 500 },
    { label: "variant=credit-v4 + status=error, 7 days", name: big, filter: { ...week, variant: "credit-v4", status: "error" } },
    { label: "status=503, 7 days", name: big, filter: { ...week, status: "503" } },
    { label: "minLatencyMs=40 (~0.3%), 7 days", name: big, filter: { ...week, minLatencyMs: 40 } },
    { label: "minLatencyMs=80 (rare), 7 days", name: big, filter: { ...week, minLatencyMs: 80 } },
    { label: "requestId lookup, 7 days", name: big, filter: { ...week, requestId: known } },
    { label: "requestId that is not there, 7 days", name: big, filter: { ...week, requestId: "req-not-there" } },
    { label: "feature age=42, last hour", name: big, filter: { feature: "age", value: "42" } },
    { label: "feature age=42, 7 days", name: big, filter: { ...week, feature: "age", value: "42" } },
    { label: "feature purpose=retraining (text), 7 days", name: big, filter: { ...week, feature: "purpose", value: "retraining" } },
    { label: "feature age=99 (no match), last hour", name: big, filter: { feature: "age", value: "99" } },
    { label: "feature age=99 (no match), 1 day", name: big, filter: { from: new Date(now - DAY).toISOString(), to: week.to, feature: "age", value: "99" } },
    { label: "feature age=99 (no match), 7 days", name: big, filter: { ...week, feature: "age", value: "99" } },
    { label: "first page, 7 days, smallest endpoint", name: "churn", filter: week },
  ];

  const results: { label: string; ms: number; rows: number; searched: string; c: (typeof cases)[number] }[] = [];
  for (const c of cases) {
    const times: number[] = [];
    let rows = 0;
    let searched = "";
    await listPredictions({ db, teamId: team.id, name: c.name, filter: c.filter, cursor: c.cursor, limit: c.limit ?? 100 }); // warm
    for (let i = 0; i < RUNS; i++) {
      const t = performance.now();
      const r = await listPredictions({ db, teamId: team.id, name: c.name, filter: c.filter, cursor: c.cursor, limit: c.limit ?? 100 });
      times.push(performance.now() - t);
      rows = r.predictions.length;
      // a rare match stops searching in time: say how far back this page got
      searched = r.nextCursor && rows < (c.limit ?? 100) ? ` (searched back ${((Date.parse(r.to) - Date.parse(r.searchedFrom)) / 3_600_000).toFixed(1)} h of ${((Date.parse(r.to) - Date.parse(r.from)) / 3_600_000).toFixed(0)} h, cursor to go on)` : "";
    }
    results.push({ label: c.label, ms: median(times), rows, searched, c });
  }
  console.log(`\nlistPredictions, median of ${RUNS} runs (${ROWS.toLocaleString("en-US")} rows):`);
  for (const r of results) console.log(`  ${r.ms.toFixed(1).padStart(8)} ms  ${String(r.rows).padStart(4)} rows  ${r.label}${r.searched}`);

  // a filter that matches nothing, followed by cursor across the whole week: how many answers, each how long
  {
    let cursor: string | undefined;
    const times: number[] = [];
    do {
      const t = performance.now();
      cursor = (await listPredictions({ db, teamId: team.id, name: big, filter: { ...week, feature: "age", value: "99" }, cursor, limit: 100 })).nextCursor ?? undefined;
      times.push(performance.now() - t);
    } while (cursor);
    console.log(`\nfeature age=99 (no match) over 7 days, searched to the end by cursor: ${times.length} answers, slowest ${Math.max(...times).toFixed(0)} ms, ${times.reduce((a, b) => a + b, 0).toFixed(0)} ms in all`);
  }

  // the export: a day of the busiest endpoint, CSV, through the same generator the route streams
  t0 = performance.now();
  const out = await exportPredictions({ db, teamId: team.id, name: big, filter: { from: new Date(now - DAY).toISOString(), to: week.to }, format: "csv" });
  let bytes = 0;
  let lines = 0;
  for await (const chunk of out.chunks) { bytes += chunk.length; lines += chunk.split("\n").length - 1; }
  const s = (performance.now() - t0) / 1000;
  console.log(`\nexport, CSV, 1 day of ${big}: ${(lines - 1).toLocaleString("en-US")} records, ${(bytes / 1e6).toFixed(1)} MB in ${s.toFixed(2)} s (${Math.round((lines - 1) / s).toLocaleString("en-US")} records/s)`);

  const slowest = results.reduce((a, b) => (b.ms > a.ms ? b : a));
  const e = await db.endpoint.findFirstOrThrow({ where: { teamId: team.id, name: slowest.c.name } });
  const { sql, params } = blockSql(resolveQuery({ endpointId: e.id, filter: slowest.c.filter, cursor: slowest.c.cursor }), 512, null);
  const plan = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${sql}`, params);
  console.log(`\nEXPLAIN of the slowest case's block query over its whole window (512 blocks, the most one query of a page reads): ${slowest.label}`);
  for (const r of plan.rows) console.log(`  ${r["QUERY PLAN"]}`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await db.$disconnect();
  // a connection still closing when the database is dropped (FORCE) reports its end as an error: expected here
  pool.on("error", () => {});
  await pool.end();
  if (process.env.BENCH_KEEP_DB !== "1") await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  else console.log(`\nkept the database: ${databaseUrl}`);
  await admin.end();
}
