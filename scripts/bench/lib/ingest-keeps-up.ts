// Part 3 of `npm run bench:monitoring`: does the prediction log keep up with the gateway at its maximum
// rate? The real processes on free ports (an inference worker, the job workers — whose ingest consumers
// write the log — and the gateway), the German-credit model deployed to an endpoint through a real
// deployment, and Debian's `wrk` at concurrency 16 POSTing a v2 infer request (scripts/bench/wrk-post.lua)
// for BENCH_INGEST_SECONDS (default 120). Every 5 s the job workers' /metrics is read for
// switchyard_ingest_backlog_entries and switchyard_ingest_lag_seconds.
//
// Before it: wrk against a trivial node:http responder (wrk.ts; what the generator can do at
// least, so no figure below is wrk's limit), and the gateway with the log off (GATEWAY_LOG_PREDICTIONS=0,
// a second gateway for BENCH_NOLOG_SECONDS, default 20; 0 skips it) for the rate logging costs.
// After it: the log drains, and the rows written are counted against the requests wrk saw answered.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import type { Db } from "../../../lib/db/client";
import type { Principal } from "../../../lib/auth/principal";
import { createEndpoint } from "../../../lib/serving/control/endpoints/create-endpoint";
import { requestTraffic } from "../../../lib/serving/control/endpoints/request-traffic";
import { closeDeploymentsQueue } from "../../../lib/jobs/enqueue-deployment";
import { runWrk, startTrivialResponder, type WrkResult } from "./wrk";
import { freePort, httpOk, startProcess, stopProcess, waitFor, type Proc } from "../../../tests/helpers/processes";
import { BLOCK_COLUMNS, recordsOfBlocks, type StoredBlock } from "../../../lib/serving/shared/prediction-log/read-blocks";

const CONCURRENCY = 16;
const SAMPLE_MS = 5_000;

export type IngestOptions = {
  db: Db;
  pool: pg.Pool;
  databaseUrl: string;
  artifactDir: string;
  redisUrl: string;
  principal: Principal;
  model: { name: string; version: number };
  /** one request's inputs (a German-credit row) */
  row: Record<string, number | string>;
  seconds: number;
  noLogSeconds: number;
  log: (m: string) => void;
};

/** wrk at this part's concurrency for `seconds` */
const wrkAt = (url: string, bodyFile: string, seconds: number) => runWrk({ url, bodyFile, connections: CONCURRENCY, seconds });

type Sample = { at: number; entries: number; lagSeconds: number; ingested: number };

async function scrape(url: string): Promise<Omit<Sample, "at">> {
  const text = await (await fetch(url, { signal: AbortSignal.timeout(4_000) })).text();
  const metric = (name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, "m").exec(text)?.[1] ?? NaN);
  return { entries: metric("switchyard_ingest_backlog_entries"), lagSeconds: metric("switchyard_ingest_lag_seconds"), ingested: metric("switchyard_predictions_ingested_total") };
}

const rowsOf = async (pool: pg.Pool, endpointId: string) => {
  const records = recordsOfBlocks((await pool.query<StoredBlock>(`SELECT ${BLOCK_COLUMNS} FROM "PredictionBlock" WHERE "endpointId" = $1`, [endpointId])).rows).filter((r) => !r.sh);
  return { n: records.length, ok: records.filter((r) => r.s < 400).length };
};

export async function benchIngest(o: IngestOptions): Promise<void> {
  const { db, log } = o;
  const procs: Proc[] = [];
  const dir = mkdtempSync(path.join(os.tmpdir(), "monitoring-bench-wrk-"));
  const bodyFile = path.join(dir, "infer.json");
  writeFileSync(bodyFile, JSON.stringify({ inputs: Object.entries(o.row).map(([name, x]) => ({ name, shape: [1, 1], datatype: typeof x === "number" ? "FP32" : "BYTES", data: [x] })) }));
  const fmtRate = (w: WrkResult) => `${Math.round(w.rps).toLocaleString("en-US")} requests/s (${w.requests.toLocaleString("en-US")} in ${w.seconds.toFixed(1)} s; p50 ${w.p50Ms.toFixed(2)} ms, p99 ${w.p99Ms.toFixed(2)} ms; non-2xx ${w.non2xx}, socket errors ${w.socketErrors})`;
  console.log(`\n3. Ingest keeps up: wrk -t1 -c${CONCURRENCY}, one v2 infer request (a German-credit row) per call`);
  try {
    const calibration = await startTrivialResponder();
    try {
      const c = await wrkAt(calibration.url, bodyFile, 5);
      console.log(`   calibration, wrk against a trivial node:http responder (one process, like this part's gateway), 5 s: ${fmtRate(c)}`);
    } finally {
      calibration.close();
    }

    const base = { DATABASE_URL: o.databaseUrl, ARTIFACT_DIR: o.artifactDir, REDIS_URL: o.redisUrl, LOG_LEVEL: "warn" };
    const [inferencePort, jobsPort, gatewayPort] = [await freePort(), await freePort(), await freePort()];
    procs.push(startProcess("inference", "workers/inference/main.ts", { ...base, INFERENCE_PORT: String(inferencePort), INFERENCE_WORKER_ID: `bench-${inferencePort}` }));
    await waitFor("the inference worker", () => httpOk(`http://127.0.0.1:${inferencePort}/healthz`), 60_000, 200);
    const jobs = startProcess("jobs", "workers/jobs/main.ts", { ...base, JOBS_PORT: String(jobsPort) });
    procs.push(jobs);
    // one gateway process, as before GATEWAY_PROCESSES: the ingest rate it reaches is compared across runs
    const gateway = startProcess("gateway", "workers/gateway/main.ts", { ...base, GATEWAY_PORT: String(gatewayPort), GATEWAY_HOST: "127.0.0.1", GATEWAY_PROCESSES: "1" });
    procs.push(gateway);
    const metricsUrl = `http://127.0.0.1:${jobsPort}/metrics`;
    await waitFor("the job workers", () => httpOk(metricsUrl), 60_000, 200);
    await waitFor("the gateway", () => httpOk(`http://127.0.0.1:${gatewayPort}/v2/health/live`), 60_000, 200);

    // deployed as a user would: an endpoint, a traffic change, carried out by the job workers
    const name = "bench-ingest";
    await createEndpoint({ db, principal: o.principal, name, environment: "staging" });
    const e = await db.endpoint.findUniqueOrThrow({ where: { name } });
    await requestTraffic({ db, redisUrl: o.redisUrl, principal: o.principal, endpointName: name, request: { model: o.model.name, strategy: "immediate", variants: [{ version: o.model.version, weight: 100, role: "primary", device: "cpu", replicas: 1 }] } });
    await closeDeploymentsQueue();
    const deployment = await waitFor("the deployment", async () => {
      const d = await db.deployment.findFirst({ where: { endpointId: e.id }, orderBy: { createdAt: "desc" } });
      return d && ["succeeded", "failed", "rolled_back"].includes(d.status) ? d : null;
    }, 120_000, 250).catch((err: Error) => { throw new Error(`${err.message}\n${procs.map((p) => `--- ${p.name}\n${p.output.join("").slice(-2000)}`).join("\n")}`); });
    if (deployment.status !== "succeeded") throw new Error(`the deployment ${deployment.status}: ${deployment.error}`);
    const inferUrl = (port: number) => `http://127.0.0.1:${port}/v2/models/${name}/infer`;
    await waitFor("the endpoint", () => httpOk(`http://127.0.0.1:${gatewayPort}/v2/models/${name}/ready`), 60_000, 200);
    log(`  ${o.model.name} v${o.model.version} deployed to ${name} (deployment ${deployment.id}); processes: inference worker, job workers, gateway`);

    if (o.noLogSeconds > 0) {
      const port = await freePort();
      const noLog = startProcess("gateway-nolog", "workers/gateway/main.ts", { ...base, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1", GATEWAY_LOG_PREDICTIONS: "0", GATEWAY_PROCESSES: "1" });
      try {
        await waitFor("the gateway without the log", () => httpOk(`http://127.0.0.1:${port}/v2/models/${name}/ready`), 60_000, 200);
        await wrkAt(inferUrl(port), bodyFile, 3);
        console.log(`   the gateway with the log off (GATEWAY_LOG_PREDICTIONS=0), ${o.noLogSeconds} s: ${fmtRate(await wrkAt(inferUrl(port), bodyFile, o.noLogSeconds))}`);
      } finally {
        await stopProcess(noLog);
      }
    }

    const drained = async (what: string) => {
      const t = Date.now();
      await waitFor(what, async () => { const m = await scrape(metricsUrl); return m.entries === 0; }, 300_000, 500);
      return (Date.now() - t) / 1000;
    };
    await wrkAt(inferUrl(gatewayPort), bodyFile, 5); // warm-up: JIT, sockets, the session, the stream's consumer group
    await drained("the warm-up's records to be written");
    const before = await rowsOf(o.pool, e.id);

    const samples: Sample[] = [];
    const started = Date.now();
    const wrk = wrkAt(inferUrl(gatewayPort), bodyFile, o.seconds);
    let running = true;
    void wrk.finally(() => (running = false)).catch(() => {});
    const sampler = (async () => {
      for (let k = 1; running; k++) {
        const wait = started + k * SAMPLE_MS - Date.now();
        await new Promise((r) => setTimeout(r, Math.max(0, wait)));
        if (!running) break;
        const m = await scrape(metricsUrl).catch(() => ({ entries: NaN, lagSeconds: NaN, ingested: NaN }));
        samples.push({ at: (Date.now() - started) / 1000, ...m });
      }
    })();
    const result = await wrk;
    await sampler;
    const drainSeconds = await drained("the log to catch up after the run");
    const after = await rowsOf(o.pool, e.id);
    const written = after.n - before.n;
    const ok = after.ok - before.ok;

    console.log(`   the gateway with the log on (the default), ${o.seconds} s: ${fmtRate(result)}`);
    console.log(`   backlog every ${SAMPLE_MS / 1000} s (switchyard_ingest_backlog_entries: stream entries of up to 64 records; lag = age of the oldest unwritten entry):`);
    for (let i = 0; i < samples.length; i += 6) {
      console.log(`     ${samples.slice(i, i + 6).map((x) => `${x.at.toFixed(0).padStart(4)} s: ${String(x.entries).padStart(4)} (${x.lagSeconds.toFixed(1)} s)`).join("   ")}`);
    }
    // growth: the last third of the run against the first third (means), and the least-squares slope
    const finite = samples.filter((x) => Number.isFinite(x.entries));
    const third = Math.max(1, Math.floor(finite.length / 3));
    const mean = (xs: Sample[]) => xs.reduce((a, x) => a + x.entries, 0) / Math.max(1, xs.length);
    const first = mean(finite.slice(0, third));
    const last = mean(finite.slice(-third));
    const slope = leastSquaresSlope(finite.map((x) => [x.at / 60, x.entries]));
    const maxLag = Math.max(...finite.map((x) => x.lagSeconds));
    const grew = last > 2 * first + 10;
    console.log(`   backlog: first third mean ${first.toFixed(1)} entries, last third ${last.toFixed(1)}, slope ${slope.toFixed(1)} entries/min, worst lag ${maxLag.toFixed(1)} s; after the run the log caught up in ${drainSeconds.toFixed(1)} s`);
    const counted = samples.filter((x) => Number.isFinite(x.ingested));
    if (counted.length > 1) {
      const [a, b] = [counted[0], counted[counted.length - 1]];
      console.log(`   ingest wrote ${Math.round((b.ingested - a.ingested) / (b.at - a.at)).toLocaleString("en-US")} records/s between the first and the last sample (switchyard_predictions_ingested_total)`);
    }
    console.log(`   no backlog growth over ${o.seconds} s (last third ≤ 2 × first third + 10 entries): ${grew ? "MISSED — the backlog grew" : "MET"}`);
    console.log(`   rows written ${written.toLocaleString("en-US")} (${ok.toLocaleString("en-US")} answered below 400) vs requests wrk saw answered ${result.requests.toLocaleString("en-US")} (${(result.requests - result.non2xx).toLocaleString("en-US")} 2xx): ${written >= result.requests ? `every request logged${written > result.requests ? ` (+${written - result.requests}: answers still in flight when wrk stopped counting)` : ""}` : `${(result.requests - written).toLocaleString("en-US")} missing`}`);
    const exited = procs.filter((p) => p.child.exitCode !== null);
    if (exited.length) console.log(`   a process exited during the run: ${exited.map((p) => `${p.name}\n${p.output.join("").slice(-2000)}`).join("\n")}`);
  } finally {
    await Promise.all(procs.map((p) => stopProcess(p)));
    rmSync(dir, { recursive: true, force: true });
  }
}

function leastSquaresSlope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((a, [x]) => a + x, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) { num += (x - mx) * (y - my); den += (x - mx) ** 2; }
  return den === 0 ? 0 : num / den;
}
