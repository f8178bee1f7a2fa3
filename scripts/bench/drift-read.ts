// `npm run bench:drift-read`: a drift report's data side in detail, over 1,000,000 logged predictions × 20
// columns (`npm run bench:monitoring` times the whole report, end to end, with the statistics).
// Creates its own database (migrated like `npm start` does), logs a day of German-credit predictions of
// one endpoint (plus shadow copies, failed requests and another endpoint's traffic in the same window),
// writes the columnar copy the way ingest does (write-column-blocks.ts, in ingest-sized batches), and
// times:
//   - the read of the window's current data (readCurrentData): as ingest left it, and after the hourly
//     compaction (what the maintenance job leaves), split into query, transfer and decode;
//   - its conversion to plain arrays (what the statistics take today);
//   - for comparison, the same read from the JSONB columns of "PredictionLog" (two ways), which is why
//     the columnar copy exists;
//   - what the columnar copy costs ingest per record.
// Wall times depend on what else the machine runs: CPU times of this process and of its Postgres
// backends are printed beside them.
// BENCH_ROWS (served records, default 1,000,000), BENCH_BATCH (records per ingest batch, default 1,000),
// BENCH_RUNS (default 3), BENCH_JSONB=0 (skip the JSONB baselines), BENCH_KEEP_DB=1 change the defaults.
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { copyOutBinary } from "../../lib/db/copy-out";
import { currentDataValues } from "../../lib/monitoring/drift/current-data-values";
import { readCurrentData, type CurrentData } from "../../lib/monitoring/drift/read-current-data";
import { compactColumnBlocks } from "../../lib/serving/data/prediction-log/compact-column-blocks";
import { encodeColumnBlock } from "../../lib/serving/data/prediction-log/column-block";
import type { PredictionRecord } from "../../lib/serving/shared/prediction-log/record";
import { writePredictionBatch } from "../../lib/serving/data/prediction-log/write-batch";
import { writeColumnBlocks } from "../../lib/serving/data/prediction-log/write-column-blocks";
import { buildPool, loadGermanCreditLog, readGermanCredit, writeGermanCreditBlocks } from "./lib/german-credit-log";
import { pgCpuMeter } from "./lib/pg-cpu";

const SERVED = Number(process.env.BENCH_ROWS ?? 1_000_000);
const BATCH = Number(process.env.BENCH_BATCH ?? 1_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const JSONB = process.env.BENCH_JSONB !== "0";
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `drift_read_bench_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const DAY = 86_400_000;
const HOUR = 3_600_000;
const READER = "bench-drift-read";

type Row = { phase: string; wallMs: number; nodeMs: number | null; pgMs: number | null; note?: string };
const table: Row[] = [];
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x: number | null) => (x === null ? "—" : x.toFixed(0));

/** Times fn: wall, this process's CPU and the CPU of the READER backends. */
async function timed<T>(admin: pg.Pool, fn: () => Promise<T>): Promise<{ value: T; wallMs: number; nodeMs: number; pgMs: number | null }> {
  const pgCpu = await pgCpuMeter(admin, READER);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const value = await fn();
  const wallMs = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { value, wallMs, nodeMs: (c.user + c.system) / 1000, pgMs: await pgCpu() };
}

/** readCurrentData RUNS times; the run of median wall time goes in the table, phase by phase. */
async function benchRead(admin: pg.Pool, reader: pg.Pool, label: string, opts: Omit<Parameters<typeof readCurrentData>[0], "pool">): Promise<CurrentData> {
  const runs: Awaited<ReturnType<typeof timed<CurrentData>>>[] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(admin, () => readCurrentData({ pool: reader, ...opts })));
  const r = runs.find((x) => x.wallMs === median(runs.map((y) => y.wallMs)))!;
  const d = r.value;
  const transferMs = d.timings.totalMs - d.timings.firstBlockMs - d.timings.decodeMs;
  table.push({ phase: `${label}: ${d.rows.toLocaleString("en-US")} rows × ${Object.keys(d.columns).length + (d.prediction ? 1 : 0)} columns, ${d.blocks.toLocaleString("en-US")} blocks, ${(d.bytes / 1e6).toFixed(1)} MB`, wallMs: r.wallMs, nodeMs: r.nodeMs, pgMs: r.pgMs, note: `median of ${RUNS}` });
  table.push({ phase: "  query (until the first block)", wallMs: d.timings.firstBlockMs, nodeMs: null, pgMs: null });
  table.push({ phase: "  transfer (waiting for blocks)", wallMs: transferMs, nodeMs: null, pgMs: null });
  table.push({ phase: "  decode into typed arrays", wallMs: d.timings.decodeMs, nodeMs: null, pgMs: null });
  return d;
}

/** The same current data from "PredictionLog"'s JSONB, read as text and parsed here: the storage it replaces. */
async function jsonbAsText(reader: pg.Pool, where: string): Promise<number> {
  const client = await reader.connect();
  let rows = 0;
  const cols = new Map<string, (number | string | null)[]>();
  try {
    await copyOutBinary(client, `SELECT rows, inputs::text, outputs::text FROM "PredictionLog" WHERE ${where}`, (f) => {
      const n = f[0]!.readInt32BE(0);
      const inputs = JSON.parse(f[1]!.toString("utf8")) as Record<string, (number | string)[]>;
      for (const [k, v] of Object.entries(inputs)) {
        let c = cols.get(k);
        if (!c) cols.set(k, (c = new Array<number | string | null>(rows).fill(null)));
        for (let i = 0; i < n; i++) c.push(v[i] ?? null);
      }
      rows += n;
      for (const c of cols.values()) while (c.length < rows) c.push(null);
      if (f[2]) JSON.parse(f[2].toString("utf8"));
    });
  } finally {
    client.release();
  }
  return rows;
}

/** The same, with Postgres extracting each feature (single-row records only: a lower bound of its cost). */
async function jsonbExtracted(reader: pg.Pool, where: string, features: { name: string; numeric: boolean }[]): Promise<number> {
  const client = await reader.connect();
  let rows = 0;
  const cols = [...features, { name: "label", numeric: false }];
  const out = cols.map(() => [] as (number | string | null)[]);
  try {
    const select = [...features.map((f) => `inputs #>> ${client.escapeLiteral(`{${f.name},0}`)}`), `outputs #>> '{label,0}'`].join(", ");
    await copyOutBinary(client, `SELECT ${select} FROM "PredictionLog" WHERE ${where} AND rows = 1`, (f) => {
      for (let j = 0; j < cols.length; j++) {
        const b = f[j];
        const s = b === null ? null : b.toString("utf8");
        out[j].push(s === null ? null : cols[j].numeric ? Number(s) : s);
      }
      rows++;
    });
  } finally {
    client.release();
  }
  return rows;
}

const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const reader = new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: READER });
// a pool's connection still closing when DROP DATABASE … FORCE ends the run reports an error: not ours to fail on
const quiet = (p: pg.Pool) => p.on("error", () => {});
quiet(pool);
quiet(reader);
try {
  await applyMigrations(databaseUrl);
  // plain SQL, not Prisma: its adapter keeps a connection after $disconnect, which DROP DATABASE … FORCE
  // then kills under a pool with no error listener
  const team = { id: "bench-team" };
  const endpoint = { id: "bench-credit-scoring" };
  const other = { id: "bench-fraud" };
  await pool.query(`INSERT INTO "Team" (id, slug, name) VALUES ($1, 'bench', 'Bench')`, [team.id]);
  await pool.query(
    `INSERT INTO "Endpoint" (id, "teamId", name, routing, "createdBy", "updatedAt") VALUES ($1, $3, 'credit-scoring', '{}', 'bench', now()), ($2, $3, 'fraud', '{}', 'bench', now())`,
    [endpoint.id, other.id, team.id],
  );
  const to = Math.floor(Date.now() / HOUR) * HOUR; // the last full hour: the window is compacted whole
  const from = to - DAY;
  const { features } = readGermanCredit();

  console.log(`Logging ${SERVED.toLocaleString("en-US")} served predictions over 24 h (German credit, ${features.length} inputs)…`);
  let t0 = performance.now();
  const loaded = await loadGermanCreditLog({ pool, endpointId: endpoint.id, otherEndpointId: other.id, served: SERVED, other: Math.round(SERVED / 10), from, to, log: console.log });
  console.log(`  "PredictionLog": ${loaded.served.toLocaleString("en-US")} served records (${loaded.servedRows.toLocaleString("en-US")} rows), ${loaded.shadow.toLocaleString("en-US")} shadow copies, ${loaded.failed.toLocaleString("en-US")} failed, ${loaded.other.toLocaleString("en-US")} of another endpoint, in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  t0 = performance.now();
  const blocks = await writeGermanCreditBlocks({ pool, endpointId: endpoint.id, served: SERVED, from, to, batch: BATCH });
  console.log(`  "PredictionColumns": ${blocks.toLocaleString("en-US")} blocks as ingest writes them (${BATCH.toLocaleString("en-US")}-record batches) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  await pool.query(`ANALYZE "PredictionLog"`);
  await pool.query(`ANALYZE "PredictionColumns"`);
  const adminPool = quiet(new pg.Pool({ connectionString: databaseUrl, max: 1 }));
  await reader.query("SELECT 1"); // the reader's backend exists before its CPU is metered

  const window = { teamId: team.id, endpointId: endpoint.id, from: new Date(from), to: new Date(to) };
  await readCurrentData({ pool: reader, ...window }); // warm: the table in the page cache, as after ingest
  await benchRead(adminPool, reader, `read, blocks as ingested`, window);

  const compaction = await timed(adminPool, () => compactColumnBlocks({ pool, now: new Date(to + HOUR) }));
  table.push({ phase: `hourly compaction (maintenance job): ${compaction.value} hours merged`, wallMs: compaction.wallMs, nodeMs: compaction.nodeMs, pgMs: null, note: "once per hour of data, not per report" });
  await readCurrentData({ pool: reader, ...window });
  const current = await benchRead(adminPool, reader, `read, compacted`, window);

  const asArrays = await timed(adminPool, async () => currentDataValues(current));
  table.push({ phase: "to plain arrays (currentDataValues), for statistics that take them", wallMs: asArrays.wallMs, nodeMs: asArrays.nodeMs, pgMs: null });


  if (JSONB) {
    const where = `"endpointId" = ${admin.escapeLiteral(endpoint.id)} AND time >= ${admin.escapeLiteral(new Date(from).toISOString())} AND time < ${admin.escapeLiteral(new Date(to).toISOString())} AND NOT shadow AND status < 400`;
    const a = await timed(adminPool, () => jsonbAsText(reader, where));
    table.push({ phase: `for comparison, from "PredictionLog" JSONB: inputs::text, JSON.parse here (${a.value.toLocaleString("en-US")} rows)`, wallMs: a.wallMs, nodeMs: a.nodeMs, pgMs: a.pgMs });
    const b = await timed(adminPool, () => jsonbExtracted(reader, where, features));
    table.push({ phase: `for comparison, from "PredictionLog" JSONB: Postgres extracts 21 columns (#>>), single-row records (${b.value.toLocaleString("en-US")})`, wallMs: b.wallMs, nodeMs: b.nodeMs, pgMs: b.pgMs });
  }

  // what the columnar copy adds to ingest: writePredictionBatch (the whole ingest write) on 20,000 records
  // in 1,000-record batches, beside writeColumnBlocks alone and the encoding alone
  const sample = buildPool(20_000, 5);
  const mk = (tag: string): PredictionRecord[] => sample.map((p, i) => ({ t: to - HOUR / 2 + i, e: other.id, v: "credit-v3", n: 3, id: `${tag}-${i}`, s: 200, l: 5, sh: false, r: p.rows, in: p.inputs, out: p.outputs }));
  const ingestPool = quiet(new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: READER }));
  await ingestPool.query("SELECT 1");
  const perRecord = (ms: number) => `${((ms * 1000) / sample.length).toFixed(1)} µs/record`;
  const whole = await timed(adminPool, async () => { const r = mk("whole"); for (let i = 0; i < r.length; i += 1000) await writePredictionBatch(ingestPool, r.slice(i, i + 1000)); });
  table.push({ phase: `ingest: writePredictionBatch (log + rollups + columnar copy), 20,000 records`, wallMs: whole.wallMs, nodeMs: whole.nodeMs, pgMs: whole.pgMs, note: `${perRecord(whole.nodeMs)} node, ${whole.pgMs === null ? "—" : perRecord(whole.pgMs)} Postgres` });
  const copyOnly = await timed(adminPool, async () => {
    const r = mk("copy");
    const client = await ingestPool.connect();
    try { for (let i = 0; i < r.length; i += 1000) await writeColumnBlocks(client, r.slice(i, i + 1000)); } finally { client.release(); }
  });
  table.push({ phase: `  of which the columnar copy (writeColumnBlocks)`, wallMs: copyOnly.wallMs, nodeMs: copyOnly.nodeMs, pgMs: copyOnly.pgMs, note: `${perRecord(copyOnly.nodeMs)} node, ${copyOnly.pgMs === null ? "—" : perRecord(copyOnly.pgMs)} Postgres` });
  const encode = await timed(adminPool, async () => { const r = mk("enc"); for (let i = 0; i < r.length; i += 1000) encodeColumnBlock(r.slice(i, i + 1000)); });
  table.push({ phase: `  of which encoding the blocks`, wallMs: encode.wallMs, nodeMs: encode.nodeMs, pgMs: null, note: perRecord(encode.nodeMs) });
  await ingestPool.end();
  await adminPool.end();

  const w = Math.max(...table.map((r) => r.phase.length));
  console.log(`\nDrift report, data side (${SERVED.toLocaleString("en-US")} served predictions; CPU = this process / its Postgres backends):`);
  console.log(`  ${"phase".padEnd(w)}  ${"wall ms".padStart(8)}  ${"node CPU".padStart(8)}  ${"PG CPU".padStart(8)}`);
  for (const r of table) console.log(`  ${r.phase.padEnd(w)}  ${(Number.isNaN(r.wallMs) ? "—" : r.wallMs.toFixed(0)).padStart(8)}  ${fmt(r.nodeMs).padStart(8)}  ${fmt(r.pgMs).padStart(8)}${r.note ? `  ${r.note}` : ""}`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await reader.end();
  await pool.end();
  if (process.env.BENCH_KEEP_DB !== "1") await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  else console.log(`\nkept the database: ${databaseUrl}`);
  await admin.end();
}
