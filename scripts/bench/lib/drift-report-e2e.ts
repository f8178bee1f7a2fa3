// Part 1 of `npm run bench:monitoring`: a drift report from the request to the stored result, over a day
// of logged German-credit predictions (1,000,000 by default, 20 inputs) against the version's
// 100,000-row reference data — and numpy/scipy computing the same statistics on the same columns.
//
// The path is the product's: requestDriftReport (what POST …/drift-reports calls after auth: the row, its
// audit event, the BullMQ job) → a BullMQ worker in this process running the real `drift-report` job
// (runDriftReport: marks it running, spawns drift-report-process.ts, which reads the reference file and
// the window's columnar copy and computes the statistics, then stores the result) → this bench polling the
// DriftReport row every POLL_MS until it is finished. The log is written as ingest leaves it ("PredictionLog"
// plus "PredictionColumns", write-column-blocks.ts), then compacted as the hourly maintenance job does.
//
// For numpy/scipy the bench reads the same reference and current data again (same functions, same
// sample seed), hands each column to scripts/bench/drift-stats-numpy.py as raw binary files, and times
// only python's computation; it then checks the stored report's figures against python's.
import { INLINE_MAX_MODEL_MB_DEFAULT } from "../../../lib/serving/shared/inline-placement";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { Redis } from "ioredis";
import type { Db } from "../../../lib/db/client";
import type { Principal } from "../../../lib/auth/principal";
import type { LocalArtifactStore } from "../../../lib/storage/artifact-store";
import { createEndpoint } from "../../../lib/serving/control/endpoints/create-endpoint";
import { writeRouting } from "../../../lib/serving/control/deployments/switch-routing";
import { DEFAULT_BATCHING } from "../../../lib/serving/shared/routing";
import { compactColumnBlocks } from "../../../lib/serving/data/prediction-log/compact-column-blocks";
import { requestDriftReport } from "../../../lib/monitoring/drift/request-drift-report";
import { hashSeed } from "../../../lib/monitoring/drift/run-drift-report";
import { readCurrentData, type CurrentColumn } from "../../../lib/monitoring/drift/read-current-data";
import { buildDriftReport, driftReportResultSchema, type TypedColumn } from "../../../lib/monitoring/drift/build-drift-report";
import { computeDrift } from "../../../lib/monitoring/drift";
import { reportOutputSchema } from "../../../lib/monitoring/drift/report-input";
import { readReferenceData } from "../../../lib/registry/read-reference-data";
import { startJobWorkers } from "../../../lib/jobs/job-workers";
import { bullConnection } from "../../../lib/jobs/queues";
import { driftReportJob } from "../../../lib/jobs/definitions/drift-report";
import { closeProducerQueues } from "../../../lib/jobs/producer-queues";
import { createLogger } from "../../../lib/log";
import { loadGermanCreditLog, writeGermanCreditBlocks } from "./german-credit-log";

const HOUR = 3_600_000;
const DAY = 86_400_000;
const POLL_MS = 20;
const TARGET_S = 10;

export type DriftE2EOptions = {
  db: Db;
  pool: pg.Pool;
  store: LocalArtifactStore;
  databaseUrl: string;
  artifactDir: string;
  redisUrl: string;
  principal: Principal;
  model: { name: string; version: number; versionId: string; sha256: string };
  /** served records in the window */
  served: number;
  /** reports requested one after the other; the breakdown is the one of median total time */
  reports: number;
  /** runs per column on the python side (best kept), and of computeDrift here */
  pyRuns: number;
  log: (m: string) => void;
};

type Timings = ReturnType<typeof reportOutputSchema.parse>["timings"];
type Run = { id: string; totalMs: number; requestMs: number; pickupMs: number; handoverMs: number; storeMs: number; t: Timings; rows: { reference: number; current: number } };

const s = (ms: number) => (ms / 1000).toFixed(2);

export async function benchDriftReport(o: DriftE2EOptions): Promise<void> {
  const { db, pool, log } = o;
  const row = async (name: string) => {
    await createEndpoint({ db, principal: o.principal, name, environment: "staging" });
    return db.endpoint.findUniqueOrThrow({ where: { name } });
  };
  const e = await row("credit-scoring");
  const other = await row("fraud");
  // what the endpoint serves decides the reference (its primary version); no process serves in this part
  await writeRouting(db, e.id, {
    sticky: null,
    variants: [{ name: `${o.model.name}-v${o.model.version}`, model: o.model.name, version: o.model.version, versionId: o.model.versionId, sha256: o.model.sha256, weight: 100, role: "primary", device: "cpu", replicas: 1, batching: DEFAULT_BATCHING }],
  });
  const to = Math.floor(Date.now() / HOUR) * HOUR;
  const from = to - DAY;

  log(`logging ${o.served.toLocaleString("en-US")} served German-credit predictions over 24 h (with shadow copies, failures and another endpoint's traffic)…`);
  const t0 = performance.now();
  const loaded = await loadGermanCreditLog({ pool, endpointId: e.id, otherEndpointId: other.id, served: o.served, other: Math.round(o.served / 10), from, to, version: o.model.version });
  const blocks = await writeGermanCreditBlocks({ pool, endpointId: e.id, served: o.served, from, to, batch: 1_000, version: o.model.version });
  await pool.query(`ANALYZE "PredictionLog"`);
  await pool.query(`ANALYZE "PredictionColumns"`);
  const merged = await compactColumnBlocks({ pool, now: new Date(to + HOUR) });
  log(`  "PredictionLog": ${loaded.served.toLocaleString("en-US")} served records (${loaded.servedRows.toLocaleString("en-US")} rows), ${loaded.shadow.toLocaleString("en-US")} shadow copies, ${loaded.failed.toLocaleString("en-US")} failed, ${loaded.other.toLocaleString("en-US")} of another endpoint; "PredictionColumns": ${blocks.toLocaleString("en-US")} blocks as ingest writes them, ${merged} hours compacted as the maintenance job does; ${s(performance.now() - t0)} s`);

  // the job workers' settings for reports (jobsEnv defaults)
  const reports = { databaseUrl: o.databaseUrl, artifactDir: o.artifactDir, timeoutMs: 300_000, maxMemoryMb: 2048, maxRows: 2_000_000 };
  const redis = new Redis(o.redisUrl);
  const workers = startJobWorkers({
    jobs: [{ job: driftReportJob, concurrency: 1 }],
    connection: bullConnection(o.redisUrl), lockMs: 30_000, stalledMs: 30_000, log: createLogger("bench-drift", "silent"),
    ctx: {
      db, redis, pool, redisUrl: o.redisUrl, log: () => {},
      settings: { ingestLagMs: 0, predictionLogRetentionDays: 30, clusterSecret: "unused-here", inlineMaxModelMb: INLINE_MAX_MODEL_MB_DEFAULT },
      artifacts: { store: o.store, graceMs: 0 },
      notify: { secretKey: "x".repeat(32), allowPrivateNetworks: true, backoffBaseMs: 100, appUrl: "http://localhost:3000" },
      reports,
    },
  });
  const runs: Run[] = [];
  try {
    for (let i = 0; i < o.reports; i++) {
      const start = Date.now();
      const asked = await requestDriftReport({ db, redisUrl: o.redisUrl, principal: o.principal, endpointName: e.name, from: new Date(from), to: new Date(to) });
      const requested = Date.now();
      let status = "queued";
      while (status !== "succeeded" && status !== "failed") {
        await new Promise((r) => setTimeout(r, POLL_MS));
        status = (await pool.query<{ status: string }>(`SELECT status FROM "DriftReport" WHERE id = $1`, [asked.id])).rows[0].status;
      }
      const seen = Date.now();
      const row = await db.driftReport.findUniqueOrThrow({ where: { id: asked.id } });
      if (status === "failed") throw new Error(`the drift report failed: ${row.error}`);
      const t = reportOutputSchema.shape.timings.parse(row.timings);
      const startedAt = row.startedAt!.getTime();
      const finishedAt = row.finishedAt!.getTime();
      runs.push({
        id: row.id, totalMs: seen - start, requestMs: requested - start, pickupMs: startedAt - requested,
        handoverMs: finishedAt - startedAt - t.startMs - t.totalMs, storeMs: seen - finishedAt, t,
        rows: { reference: row.rowsReference ?? 0, current: row.rowsCurrent ?? 0 },
      });
      log(`  report ${i + 1}: ${s(seen - start)} s from the request to the stored result`);
    }
  } finally {
    await workers.close();
    await closeProducerQueues();
    redis.disconnect();
  }

  const byTotal = [...runs].sort((a, b) => a.totalMs - b.totalMs);
  const r = byTotal[Math.floor(byTotal.length / 2)];
  const transfer = r.t.readMs - r.t.readFirstBlockMs - r.t.readDecodeMs;
  const lines: [string, number][] = [
    ["request (requestDriftReport: row, audit event, BullMQ job)", r.requestMs],
    ["queue → the worker takes the job and marks it running", r.pickupMs],
    ["child process start (node, tsx, imports)", r.t.startMs],
    ["reference read (the version row, the child's first query; the stored file → typed arrays)", r.t.referenceMs],
    ["current read (PredictionColumns, one COPY BINARY stream)", r.t.readMs],
    ["  query, until the first block", r.t.readFirstBlockMs],
    ["  transfer (waiting for blocks)", transfer],
    ["  decode into typed arrays", r.t.readDecodeMs],
    ["statistics (buildDriftReport: 20 columns, histograms)", r.t.computeMs],
    ["result back to the worker, child exit, settings read", r.handoverMs],
    ["storing the result (UPDATE) and the poll seeing it", r.storeMs],
  ];
  console.log(`\n1. Drift report end to end: ${r.rows.current.toLocaleString("en-US")} current rows (${o.served.toLocaleString("en-US")} logged predictions, 24 h) × 20 columns against ${r.rows.reference.toLocaleString("en-US")} reference rows`);
  console.log(`   request → BullMQ worker in this process (the real drift-report job: runDriftReport, its child process) → stored DriftReport row, polled every ${POLL_MS} ms`);
  console.log(`   ${runs.length} report${runs.length > 1 ? "s" : ""}: ${runs.map((x) => `${s(x.totalMs)} s`).join(", ")}; the breakdown is the median one's (child timings as stored in DriftReport.timings)`);
  const w = Math.max(...lines.map(([p]) => p.length));
  for (const [p, ms] of lines) console.log(`   ${p.padEnd(w)}  ${s(ms).padStart(6)} s`);
  console.log(`   ${"total, request to stored result".padEnd(w)}  ${s(r.totalMs).padStart(6)} s   target ≤ ${TARGET_S} s: ${r.totalMs <= TARGET_S * 1000 ? "MET" : "MISSED"}`);

  await compareWithScipy(o, r, { endpointId: e.id, from, to, maxRows: reports.maxRows });
}

/** Python gets dictionary codes over one union of labels (numbers as categories included) and float64 for numeric columns. */
function unionCodes(cols: TypedColumn[]): { codes: Int32Array[]; labels: (string | number)[] } {
  const dict = new Map<string, number>();
  const labels: (string | number)[] = [];
  const codeOf = (v: string | number) => {
    const k = `${typeof v}:${v}`;
    let c = dict.get(k);
    if (c === undefined) { c = labels.length; dict.set(k, c); labels.push(v); }
    return c;
  };
  const codes = cols.map((col) => {
    if (col instanceof Float64Array) {
      const out = new Int32Array(col.length);
      for (let i = 0; i < col.length; i++) out[i] = col[i] !== col[i] ? -1 : codeOf(col[i]);
      return out;
    }
    const map = col.labels.map((l) => codeOf(l));
    const out = new Int32Array(col.codes.length);
    for (let i = 0; i < col.codes.length; i++) out[i] = col.codes[i] < 0 ? -1 : map[col.codes[i]];
    return out;
  });
  return { codes, labels };
}

const typedOf = (c: CurrentColumn): TypedColumn => (c.kind === "numeric" ? c.values : { codes: c.codes, labels: c.labels });

async function compareWithScipy(o: DriftE2EOptions, r: Run, w: { endpointId: string; from: number; to: number; maxRows: number }): Promise<void> {
  const row = await o.db.driftReport.findUniqueOrThrow({ where: { id: r.id } });
  const stored = driftReportResultSchema.parse(row.result);
  // the same data the report's child read: the same reference file, the same window, columns and sample seed
  const ref = await readReferenceData({ db: o.db, store: o.store, teamId: o.principal.teamId, model: o.model.name, version: o.model.version });
  if (!ref) throw new Error("the version lost its reference data");
  const reference: Record<string, TypedColumn> = {};
  for (const c of ref.table.columns) reference[c.name] = c.type === "number" ? c.values : { codes: c.codes, labels: c.categories };
  const cur = await readCurrentData({ pool: o.pool, teamId: o.principal.teamId, endpointId: w.endpointId, from: new Date(w.from), to: new Date(w.to), columns: Object.keys(reference), maxRows: w.maxRows, seed: hashSeed(r.id) });
  const current: Record<string, TypedColumn> = {};
  for (const [name, c] of Object.entries(cur.columns)) current[name] = typedOf(c);
  if (cur.seenRows !== r.rows.current) throw new Error(`the second read found ${cur.seenRows} rows, the report ${r.rows.current}`);

  // the same step in this process, for a second look at the child's figure
  let t = performance.now();
  buildDriftReport({ reference, current, currentRows: cur.rows, prediction: cur.prediction ? { name: cur.prediction.name, column: typedOf(cur.prediction.column) } : null });
  const buildHere = performance.now() - t;
  const computeTimes: number[] = [];
  for (let i = 0; i < o.pyRuns; i++) {
    t = performance.now();
    computeDrift({ reference, current });
    computeTimes.push(performance.now() - t);
  }
  const computeHere = Math.min(...computeTimes);

  const dir = mkdtempSync(path.join(os.tmpdir(), "monitoring-bench-"));
  try {
    const manifest: { name: string; kind: string; labels: (string | number)[] | null }[] = [];
    for (const f of stored.features) {
      const a = reference[f.name];
      const b = current[f.name];
      if (f.kind === "numeric") {
        if (!(a instanceof Float64Array) || !(b instanceof Float64Array)) throw new Error(`${f.name}: numeric in the report, not numbers in the data`);
        writeFileSync(path.join(dir, `${f.name}.ref`), a);
        writeFileSync(path.join(dir, `${f.name}.cur`), b);
        manifest.push({ name: f.name, kind: "numeric", labels: null });
      } else {
        const u = unionCodes([a, b]);
        writeFileSync(path.join(dir, `${f.name}.ref`), u.codes[0]);
        writeFileSync(path.join(dir, `${f.name}.cur`), u.codes[1]);
        manifest.push({ name: f.name, kind: "categorical", labels: u.labels });
      }
    }
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ columns: manifest }));
    const python = JSON.parse(execFileSync("/usr/bin/python3", [path.join(import.meta.dirname, "..", "drift-stats-numpy.py"), dir, String(o.pyRuns)], { maxBuffer: 16 << 20 }).toString()) as { name: string; seconds: number; result: Record<string, number> }[];

    let worst = 0;
    let worstAt = "";
    let compared = 0;
    for (const p of python) {
      const mine = stored.features.find((f) => f.name === p.name)!;
      for (const [k, v] of Object.entries(p.result)) {
        const m = mine[k as keyof typeof mine] as number;
        compared++;
        const diff = Math.abs(m - v);
        const rel = diff <= 1e-14 ? 0 : diff / Math.max(Math.abs(m), Math.abs(v));
        if (rel > worst) { worst = rel; worstAt = `${p.name}.${k}`; }
      }
    }
    const pySum = python.reduce((a, p) => a + p.seconds, 0) * 1000;
    const kinds = (k: string) => python.filter((p) => manifest.find((m) => m.name === p.name)!.kind === k);
    const numericPy = kinds("numeric").reduce((a, p) => a + p.seconds, 0) * 1000;
    const catPy = kinds("categorical").reduce((a, p) => a + p.seconds, 0) * 1000;
    console.log(`\n   statistics step vs numpy/scipy on the same columns (${kinds("numeric").length} numeric, ${kinds("categorical").length} categorical by the kind rule), data already in memory:`);
    console.log(`   the report's statistics step (child, buildDriftReport)   ${s(r.t.computeMs).padStart(6)} s`);
    console.log(`   the same in this process: buildDriftReport              ${s(buildHere).padStart(6)} s; computeDrift alone ${s(computeHere)} s (best of ${o.pyRuns})`);
    console.log(`   numpy/scipy (/usr/bin/python3, drift-stats-numpy.py)    ${s(pySum).padStart(6)} s (numeric ${s(numericPy)} s, categorical ${s(catPy)} s; compute only, best of ${o.pyRuns} per column)`);
    console.log(`   numpy/scipy ÷ the report's statistics step: ${(pySum / r.t.computeMs).toFixed(1)}× — target: no slower than numpy/scipy: ${r.t.computeMs <= pySum ? "MET" : "MISSED"}`);
    console.log(`   the stored report agrees with numpy/scipy: ${compared} figures, worst relative difference ${worst.toExponential(1)}${worstAt ? ` (${worstAt})` : ""} (threshold 1e-9) ${worst <= 1e-9 ? "✓" : "✗"}`);
    const few = ["duration", "amount", "age", "purpose", "installment_rate_percentage"].filter((n) => python.some((p) => p.name === n));
    for (const n of few) {
      const p = python.find((x) => x.name === n)!;
      const mine = stored.features.find((f) => f.name === n)!;
      const pick = (k: string) => `${k} ${(mine[k as keyof typeof mine] as number).toPrecision(8)} / ${p.result[k].toPrecision(8)}`;
      console.log(`     ${n} (${mine.kind}): ${["statistic", "pValue", mine.kind === "numeric" ? "wasserstein" : "jsDistance", "psi"].map(pick).join(", ")}  (report / scipy)`);
    }
    if (worst > 1e-9) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
