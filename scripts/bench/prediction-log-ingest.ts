// `npm run bench:log-ingest`: where the prediction log's CPU goes, per record, stage by stage, with the
// product's own code on real Redis and Postgres (a database and a redis-server of its own):
//   gateway   PredictionLogger.log for each record, then its flushes (packing entries, XADD pipelines)
//   redis     redis-server's CPU (from /proc) over the XADDs and the consumer's XREADGROUPs
//   decode    ingest's parse and check of the entries it read (decodeEntries)
//   write JS  writePredictionBlocks's own JavaScript (the blocks' rows and keys, rollups, drift copy)
//   postgres  the backend's CPU (from /proc) for each statement writePredictionBlocks sends, summed by kind
// Records are German-credit requests (20 inputs, a label and two probabilities, as the seeded v1 logs
// them), one endpoint, one variant; ingest batches as the consumer reads them (BENCH_BATCH_ENTRIES stream
// entries of 64 records, default 200). CPU is what counts on a shared machine, not wall time.
// BENCH_RECORDS (default 64,000), BENCH_LOG_INPUTS (the endpoint's input sampling rate, default 1: the
// records carry inputs as record() in the gateway decides, sample-inputs.ts), BENCH_DROP_INDEXES (index
// names of "PredictionBlock" to drop first, comma-separated: what each costs the writes).
import { readFileSync } from "node:fs";
import pg from "pg";
import { Redis } from "ioredis";
import { applyMigrations } from "../../lib/db/migrate";
import { REDIS_KEYS } from "../../lib/redis-keys";
import { PredictionLogger } from "../../lib/serving/data/prediction-log/prediction-logger";
import { decodeEntries, sourcesOf, type Entry } from "../../lib/serving/data/prediction-log/decode-entries";
import { ensurePartitions } from "../../lib/serving/data/prediction-log/partitions";
import { writePredictionBlocks } from "../../lib/serving/data/prediction-log/write-batch";
import type { PredictionRecord } from "../../lib/serving/shared/prediction-log/record";
import type { LoggedRecord } from "../../lib/serving/shared/prediction-log/log-block";
import { startRedis } from "../../tests/helpers/processes";
import { buildPool } from "./lib/german-credit-log";
import { sampleInputs } from "../../lib/serving/data/prediction-log/sample-inputs";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 64_000);
const BATCH_ENTRIES = Number(process.env.BENCH_BATCH_ENTRIES ?? 200);
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `log_ingest_bench_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const APP = "log-ingest-bench";

const TICK_MS = 10; // USER_HZ
function procCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) * TICK_MS;
}
const jsCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The records, as the gateway's record() builds them (record.ts), for `n` requests. */
function requests(n: number, logInputs: number): PredictionRecord[] {
  const pool = buildPool(2_000);
  const now = Date.now();
  const out: PredictionRecord[] = [];
  for (let i = 0; i < n; i++) {
    const p = pool[i % pool.length];
    const id = `${i.toString(16).padStart(8, "0")}-1b2c-4d5e-8f90-a1b2c3d4e5f6`;
    const sampled = sampleInputs(logInputs, id);
    out.push({ t: now - n + i, e: "ep-bench", v: "credit-v1", n: 1, id, s: 200, l: 1.5 + (i % 13) * 0.37, sh: false, r: p.rows, in: sampled ? p.inputs : null, ...(sampled ? {} : { ns: true }), out: p.outputs });
  }
  return out;
}

const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const redisServer = await startRedis();
const redis = new Redis(redisServer.url);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: APP });
try {
  await applyMigrations(databaseUrl);
  await ensurePartitions(pool);
  const rpid = Number(/process_id:(\d+)/.exec(await redis.info("server"))![1]);
  const logInputs = Number(process.env.BENCH_LOG_INPUTS ?? 1);
  const records = requests(RECORDS, logInputs);
  for (const name of (process.env.BENCH_DROP_INDEXES ?? "").split(",").filter(Boolean)) await pool.query(`DROP INDEX "${name}"`);
  const fmt = (ms: number) => ((ms * 1000) / RECORDS).toFixed(1).padStart(7);
  const rows: [string, number][] = [];

  // gateway: records hold the request's tensors as the gateway parsed them (numbers float32, categories
  // strings) and the model's (label int64, probabilities float32)
  const tensor = (name: string, values: (number | string)[], side: "in" | "out") =>
    ({ name, data: values.every((v) => typeof v === "number") ? (side === "out" && name === "label" ? BigInt64Array.from(values as number[], (v) => BigInt(Math.round(v))) : Float32Array.from(values as number[])) : values.map(String) });
  const logged: LoggedRecord[] = records.map((r) => ({
    ...r,
    in: r.in && Object.entries(r.in).map(([name, v]) => tensor(name, v, "in")),
    out: r.out && Object.entries(r.out).map(([name, v]) => tensor(name, v, "out")),
  }));
  const logger = new PredictionLogger(redis, { maxBuffer: RECORDS + 1, perEntry: 64, flushMs: 60_000 });
  let r0 = procCpuMs(rpid);
  let c0 = jsCpuMs();
  for (const r of logged) logger.log(r);
  const c1 = jsCpuMs();
  await logger.flush();
  const c2 = jsCpuMs();
  rows.push(["gateway: logger.log", c1 - c0], ["gateway: flush (pack entries + XADD pipelines)", c2 - c1]);
  const redisIn = procCpuMs(rpid) - r0;

  // ingest: read, decode, write
  await redis.xgroup("CREATE", REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup, "0", "MKSTREAM");
  const client = await pool.connect();
  const backend = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;
  const byStatement = new Map<string, number>();
  // writePredictionBatch's connection, with each statement's backend CPU added up by its first words
  const metered = Object.assign(Object.create(client) as pg.PoolClient, {
    query: async (text: string | { text: string; done: Promise<unknown> }, values?: unknown[]) => {
      const before = procCpuMs(backend);
      const res = await (client.query as (t: unknown, v?: unknown[]) => Promise<unknown>)(text, values);
      if (typeof text !== "string") await text.done; // a submittable (COPY) returns itself
      const label = (typeof text === "string" ? text : text.text).replace(/\s+/g, " ").trim().slice(0, 48);
      byStatement.set(label, (byStatement.get(label) ?? 0) + procCpuMs(backend) - before);
      return res;
    },
    release: () => {},
  });
  const meteredPool = { connect: async () => metered } as unknown as pg.Pool;
  let readJs = 0;
  let decodeJs = 0;
  let writeWall = 0;
  let written = 0;
  let redisOut = 0;
  const pg0 = procCpuMs(backend);
  const w0 = jsCpuMs();
  for (;;) {
    r0 = procCpuMs(rpid);
    c0 = jsCpuMs();
    // as buffers, as ingest-consumer.ts reads them
    const res = (await redis.callBuffer("XREADGROUP", "GROUP", REDIS_KEYS.ingestGroup, "bench", "COUNT", BATCH_ENTRIES, "STREAMS", REDIS_KEYS.predictionStream, ">")) as [Buffer, Entry[]][] | null;
    const entries = res?.[0]?.[1] ?? [];
    const ids = entries.length ? entries.map((e) => String(e[0])) : ["0-1"];
    // as ingest-consumer.ts does: acknowledged and deleted in one step
    await redis.multi().xack(REDIS_KEYS.predictionStream, REDIS_KEYS.ingestGroup, ...ids).xdel(REDIS_KEYS.predictionStream, ...ids).exec();
    redisOut += procCpuMs(rpid) - r0;
    readJs += jsCpuMs() - c0;
    if (!entries.length) break;
    c0 = jsCpuMs();
    const { items, blocks, dead } = decodeEntries(entries);
    decodeJs += jsCpuMs() - c0;
    if (dead.length) throw new Error(`dead letters: ${dead[0].reason}`);
    const t = performance.now();
    written += await writePredictionBlocks(meteredPool, sourcesOf([...blocks, ...items]));
    writeWall += performance.now() - t;
  }
  const pgTotal = procCpuMs(backend) - pg0;
  const writeJs = jsCpuMs() - w0 - readJs - decodeJs;
  client.release();
  if (written !== RECORDS) throw new Error(`wrote ${written} of ${RECORDS}`);
  rows.push(["redis: XADD (redis-server)", redisIn], ["redis: XREADGROUP + XACK/XDEL (redis-server)", redisOut], ["ingest: XREADGROUP reply (ioredis)", readJs], ["ingest: decode + check entries", decodeJs], ["ingest: writePredictionBlocks JS", writeJs]);
  const pgRows = [...byStatement].sort((a, b) => b[1] - a[1]);
  const stored = (await pool.query<{ n: number; blocks: number; bytes: string }>(`SELECT sum(records)::int AS n, count(*)::int AS blocks, (SELECT sum(pg_total_relation_size(inhrelid))::text FROM pg_inherits WHERE inhparent = '"PredictionBlock"'::regclass) AS bytes FROM "PredictionBlock"`)).rows[0];

  console.log(`prediction log, ${RECORDS.toLocaleString("en-US")} German-credit records (20 inputs, kept for ${logInputs * 100}% of requests${process.env.BENCH_DROP_INDEXES ? `; dropped ${process.env.BENCH_DROP_INDEXES}` : ""}), ingest batches of ${BATCH_ENTRIES} entries × 64 records; CPU µs per record`);
  for (const [label, ms] of rows) console.log(`  ${fmt(ms)}  ${label}`);
  console.log(`  ${fmt(pgTotal)}  postgres: backend CPU for the writes, by statement:`);
  for (const [label, ms] of pgRows) console.log(`  ${fmt(ms).padStart(11)}    ${label}`);
  const total = rows.reduce((a, [, ms]) => a + ms, 0) + pgTotal;
  console.log(`  ${fmt(total)}  in all (write wall time ${fmt(writeWall)} µs/record)`);
  console.log(`  stored ${stored.n} records in ${stored.blocks} blocks; the log's partitions and indexes: ${(Number(stored.bytes) / RECORDS).toFixed(0)} bytes/record`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  redis.disconnect();
  await pool.end();
  await redisServer.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
}
