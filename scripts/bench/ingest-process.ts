// `npm run bench:ingest-process`: what the job workers, as the process production runs, spend per
// prediction record at a steady rate, and how their heap's growth setting (JOBS_HEAP_GROWTH_PERCENT)
// moves it. `bench:log-ingest` times ingest's code inside one short-lived process; this one feeds a real
// job-worker process (workers/jobs/main.ts, on a scratch database and a redis-server of its own) the way
// gateways do, records written into blocks by the gateway's PredictionLogger and flushed every 100 ms,
// and reads that process's CPU from /proc (every thread: V8's background GC threads included) from the
// first record until the job workers have written the last.
// Records: German-credit requests (20 inputs, the seeded v1's outputs). Knobs: BENCH_RATE (records/s,
// 5,000), BENCH_SECONDS (5 a round), BENCH_ROUNDS (5 a process; the first, cold, is printed and left out),
// BENCH_HEAP_GROWTH (the settings compared, "0,300"). Each setting gets two job-worker processes, in the
// order A B B A, so neither always runs on the fuller database; its figure is all their CPU over all their
// records (a round with a full collection in it counts, as it does in production), with the range of rounds.
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Redis } from "ioredis";
import { PredictionLogger } from "../../lib/serving/data/prediction-log/prediction-logger";
import type { LoggedRecord, LoggedTensor } from "../../lib/serving/shared/prediction-log/log-block";
import { freePort, httpOk, startProcess, startRedis, stopProcess, waitFor, type Proc } from "../../tests/helpers/processes";
import { RssReader } from "../../lib/proc/watch-rss";
import { readIngestBacklog } from "../../lib/serving/data/prediction-log/read-ingest-backlog";
import { scratchDatabase } from "./lib/scratch-database";
import { cpuBetween, readCpu } from "./lib/proc-cpu";
import { buildPool, type PoolRecord } from "./lib/german-credit-log";

const RATE = Number(process.env.BENCH_RATE ?? 5_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const GROWTHS = (process.env.BENCH_HEAP_GROWTH ?? "0,300").split(",").map(Number);
const TICK_MS = 100; // the gateway's GATEWAY_LOG_FLUSH_MS

/** A record's tensors as the gateway holds them: numbers as float32, categories as strings, the label int64. */
const tensorsOf = (values: Record<string, (number | string)[]>, side: "in" | "out"): LoggedTensor[] =>
  Object.entries(values).map(([name, v]) => ({
    name,
    data: v.every((x) => typeof x === "number")
      ? side === "out" && name === "label" ? BigInt64Array.from(v as number[], (x) => BigInt(Math.round(x))) : Float32Array.from(v as number[])
      : v.map(String),
  }));


const db = await scratchDatabase("ingest_process_bench");
const redisServer = await startRedis({ appendfsync: "everysec" });
const redis = new Redis(redisServer.url);
const artifactDir = mkdtempSync(path.join(os.tmpdir(), "ingest-process-bench-"));
const pool: PoolRecord[] = buildPool(2_000);
let seq = 0;
type Result = { cpuMs: number; records: number; perRound: number[]; idleMsPerS: number; peakMb: number };
const results = new Map<number, Result>(GROWTHS.map((g) => [g, { cpuMs: 0, records: 0, perRound: [], idleMsPerS: 0, peakMb: 0 }]));
let jobs: Proc | undefined;
try {
  console.log(`bench:ingest-process — one job-worker process fed ${RATE.toLocaleString("en-US")} German-credit records/s (20 inputs) in ${TICK_MS} ms flushes, ${SECONDS} s a round, ${ROUNDS} rounds per setting; CPU of the process (all threads, from /proc) until the records are written, per record`);
  for (const growth of [...GROWTHS, ...[...GROWTHS].reverse()]) {
    const result = results.get(growth)!;
    const port = await freePort();
    jobs = startProcess("jobs", "workers/jobs/main.ts", { DATABASE_URL: db.url, REDIS_URL: redisServer.url, ARTIFACT_DIR: artifactDir, LOG_LEVEL: "error", JOBS_PORT: String(port), JOBS_HEAP_GROWTH_PERCENT: String(growth) });
    await waitFor("the job workers", () => httpOk(`http://127.0.0.1:${port}/healthz`), 60_000, 200);
    // read from Redis here: scraping the process's /metrics every 100 ms would add its work to what is measured
    const backlog = async () => (await readIngestBacklog({ redis })).entries;
    const groups = [{ name: "jobs", roots: () => [jobs!.child.pid!] }];
    // settled: start-up's module loading is over
    await new Promise((r) => setTimeout(r, 3_000));
    const idle0 = await readCpu(groups);
    await new Promise((r) => setTimeout(r, 3_000));
    const idleMsPerS = (cpuBetween(idle0, await readCpu(groups)).get("jobs") ?? 0) / 3;
    const logger = new PredictionLogger(redis, { maxBuffer: 10 * RATE, perEntry: 64, flushMs: TICK_MS });
    for (let round = 0; round < ROUNDS; round++) {
      const before = await readCpu(groups);
      const t0 = Date.now();
      const perTick = Math.round((RATE * TICK_MS) / 1000);
      for (let tick = 0; tick < (SECONDS * 1000) / TICK_MS; tick++) {
        const now = Date.now();
        for (let i = 0; i < perTick; i++) {
          const p = pool[seq % pool.length];
          seq++;
          const record: LoggedRecord = { t: now, e: "ep-bench", v: "credit-v1", n: 1, id: `${seq.toString(16).padStart(8, "0")}-1b2c-4d5e-8f90-a1b2c3d4e5f6`, s: 200, l: 1.5, sh: false, r: p.rows, in: tensorsOf(p.inputs, "in"), out: tensorsOf(p.outputs, "out") };
          logger.log(record);
        }
        await new Promise((r) => setTimeout(r, Math.max(0, t0 + (tick + 1) * TICK_MS - Date.now())));
      }
      await logger.flush();
      await new Promise((r) => setTimeout(r, 300));
      await waitFor("the job workers to write the round", async () => (await backlog()) === 0, 120_000, 100);
      const records = perTick * ((SECONDS * 1000) / TICK_MS);
      const ms = cpuBetween(before, await readCpu(groups)).get("jobs") ?? 0;
      const us = (ms * 1000) / records;
      if (round > 0) {
        result.cpuMs += ms;
        result.records += records;
        result.perRound.push(us);
      }
      console.log(`  growth ${growth}%, round ${round}${round === 0 ? " (cold, left out)" : ""}: ${records.toLocaleString("en-US")} records, ${ms} ms of CPU in ${((Date.now() - t0) / 1000).toFixed(1)} s: ${us.toFixed(1)} µs/record`);
    }
    const status = new RssReader(jobs.child.pid);
    const peakMb = Math.round((status.kb("VmHWM") ?? 0) / 1024);
    status.close();
    console.log(`  growth ${growth}%: idle ${idleMsPerS.toFixed(0)} ms of CPU a second before the rounds; peak resident memory ${peakMb} MB`);
    result.idleMsPerS = Math.max(result.idleMsPerS, idleMsPerS);
    result.peakMb = Math.max(result.peakMb, peakMb);
    await stopProcess(jobs);
  }
  console.log("\nJOBS_HEAP_GROWTH_PERCENT | µs/record (all CPU / all records, rounds 1 on) | rounds' range | idle CPU a second (the higher of its two processes) | peak resident MB (the higher)");
  for (const [growth, r] of results) console.log(`  ${String(growth).padStart(4)}% | ${((r.cpuMs * 1000) / r.records).toFixed(1)} | ${Math.min(...r.perRound).toFixed(1)}–${Math.max(...r.perRound).toFixed(1)} | ${r.idleMsPerS.toFixed(0)} ms | ${r.peakMb}`);
} finally {
  await stopProcess(jobs);
  redis.disconnect();
  await redisServer.stop();
  await db.drop();
  rmSync(artifactDir, { recursive: true, force: true });
}
process.exit(0);
