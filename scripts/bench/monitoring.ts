// `npm run bench:monitoring`: the monitoring issue's figures, in one run, on this machine.
//   1. a drift report end to end over 1,000,000 logged German-credit predictions × 20 inputs against a
//      100,000-row reference, with numpy/scipy computing the same statistics on the same columns
//      (scripts/bench/lib/drift-report-e2e.ts);
//   2. alert evaluation cycles over 1,000 rules (scripts/bench/alerts.ts, via lib/alert-cycles.ts);
//   3. whether the prediction log keeps up with the gateway at its maximum rate, wrk at concurrency 16
//      for 2 minutes (lib/ingest-keeps-up.ts).
// One database (migrated like `npm start` does), artifact directory and redis-server of its own, all
// removed at the end. The machine is shared: the load average is printed at the start and the end.
// BENCH_PARTS (default "drift,alerts,ingest"), BENCH_ROWS (logged predictions, 1,000,000), BENCH_REF_ROWS
// (100,000), BENCH_REPORTS (reports requested, 3), BENCH_PY_RUNS (runs per column on the python side, 1),
// BENCH_ALERT_RUNS (alert cycles, 7), BENCH_INGEST_SECONDS (120), BENCH_NOLOG_SECONDS (20; 0 skips the
// log-off gateway) change the defaults; e.g. a quick run:
//   BENCH_ROWS=100000 BENCH_REPORTS=1 BENCH_INGEST_SECONDS=20 BENCH_NOLOG_SECONDS=5 npm run bench:monitoring
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { createDb } from "../../lib/db/client";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { createVersion } from "../../lib/registry/create-version";
import { setReference } from "../../lib/registry/set-reference";
import { SYSTEM_ACTOR, type Principal } from "../../lib/auth/principal";
import { loadGermanCredit } from "../../lib/training/german-credit";
import { trainClassifier } from "../../lib/training/train-classifier";
import { closeProducerQueues } from "../../lib/jobs/producer-queues";
import { startRedis } from "../../tests/helpers/processes";
import { readGermanCredit } from "./lib/german-credit-log";
import { benchDriftReport } from "./lib/drift-report-e2e";
import { benchAlertCycles } from "./lib/alert-cycles";
import { benchIngest } from "./lib/ingest-keeps-up";

const PARTS = new Set((process.env.BENCH_PARTS ?? "drift,alerts,ingest").split(",").map((x) => x.trim()));
const SERVED = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REF_ROWS = Number(process.env.BENCH_REF_ROWS ?? 100_000);
const REPORTS = Number(process.env.BENCH_REPORTS ?? 3);
const PY_RUNS = Number(process.env.BENCH_PY_RUNS ?? 1);
const ALERT_RUNS = Number(process.env.BENCH_ALERT_RUNS ?? 7);
const INGEST_SECONDS = Number(process.env.BENCH_INGEST_SECONDS ?? 120);
const NOLOG_SECONDS = Number(process.env.BENCH_NOLOG_SECONDS ?? 20);
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `monitoring_bench_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;

const load = () => os.loadavg().map((x) => x.toFixed(2)).join(" ");
const log = (m: string) => console.log(m);

function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The reference data: the German credit rows resampled to `n`, amount and age perturbed (as the logged
 * traffic is, scripts/bench/lib/german-credit-log.ts), 1% of savings_account_bonds missing; CSV text.
 */
function referenceCsv(n: number): string {
  const { features, rows } = readGermanCredit();
  const rand = prng(2024);
  const lines = [features.map((f) => f.name).join(",")];
  for (let i = 0; i < n; i++) {
    const r = { ...rows[Math.floor(rand() * rows.length)] };
    r.amount = Math.round((r.amount as number) * (0.8 + 0.4 * rand()));
    r.age = (r.age as number) + Math.floor(rand() * 5) - 2;
    if (rand() < 0.01) r.savings_account_bonds = "";
    lines.push(features.map((f) => r[f.name]).join(","));
  }
  return lines.join("\n") + "\n";
}

console.log(`bench:monitoring, ${new Date().toISOString()}: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "CPU"}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB; load average at the start ${load()} (1, 5, 15 min; shared machine)`);
const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const artifactDir = mkdtempSync(path.join(os.tmpdir(), "monitoring-bench-artifacts-"));
const redis = await startRedis();
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
// a connection still closing when DROP DATABASE … FORCE ends the run reports an error: not ours to fail on
pool.on("error", () => {});
const db = createDb(databaseUrl);
const started = performance.now();
try {
  await applyMigrations(databaseUrl);
  const store = new LocalArtifactStore(artifactDir);
  const team = await db.team.create({ data: { slug: "bench", name: "Bench" } });
  const principal: Principal = { kind: "user", id: "bench", label: "bench", teamId: team.id, teamSlug: team.slug, role: "admin", scopes: ["read", "write", "deploy"] };
  await db.model.create({ data: { teamId: team.id, name: "credit", task: "binary_classification", createdBy: "bench" } });

  // the German-credit logistic regression, pushed as a version, with its reference data set the way
  // PUT …/versions/1/reference does (checked in a child process, stored column-wise in the artifact store)
  const t = performance.now();
  const trained = trainClassifier({ name: "credit", data: loadGermanCredit(), kind: "logistic_regression" });
  const tmp = await store.tempPath();
  writeFileSync(tmp, trained.onnx);
  const sha256 = createHash("sha256").update(trained.onnx).digest("hex");
  const pushed = await createVersion({ db, store, teamId: team.id, modelName: "credit", upload: { tempFile: tmp, sha256, sizeBytes: trained.onnx.length }, metadata: { metrics: {}, params: {}, tags: [] }, actor: SYSTEM_ACTOR });
  const version = await db.modelVersion.findFirstOrThrow({ where: { number: pushed.number, model: { teamId: team.id } } });
  const csv = referenceCsv(REF_ROWS);
  const refFile = await store.tempPath();
  writeFileSync(refFile, csv);
  const set = await setReference({
    db, store, teamId: team.id, modelName: "credit", number: version.number, actor: SYSTEM_ACTOR,
    reference: { tempFile: refFile, sha256: createHash("sha256").update(csv).digest("hex"), sizeBytes: Buffer.byteLength(csv) },
  });
  log(`credit v${version.number} (logistic regression) pushed with ${set.reference?.rows.toLocaleString("en-US")} reference rows (${(Buffer.byteLength(csv) / 1e6).toFixed(1)} MB CSV, stored as ${set.reference?.sha256.slice(0, 12)}…) in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const model = { name: "credit", version: version.number, versionId: version.id, sha256: version.sha256 };

  if (PARTS.has("drift")) {
    await benchDriftReport({ db, pool, store, databaseUrl, artifactDir, redisUrl: redis.url, principal, model, served: SERVED, reports: REPORTS, pyRuns: PY_RUNS, log });
  }
  if (PARTS.has("alerts")) await benchAlertCycles({ runs: ALERT_RUNS });
  if (PARTS.has("ingest")) {
    await benchIngest({ db, pool, databaseUrl, artifactDir, redisUrl: redis.url, principal, model, row: trained.testRows[0], seconds: INGEST_SECONDS, noLogSeconds: NOLOG_SECONDS, log });
  }
  console.log(`\nload average at the end ${load()} (1, 5, 15 min) on ${os.cpus().length} cores; whole run ${((performance.now() - started) / 60_000).toFixed(1)} min`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await closeProducerQueues();
  await db.$disconnect();
  await pool.end();
  await redis.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(artifactDir, { recursive: true, force: true });
}
