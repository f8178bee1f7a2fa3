// The gateway's own CPU per request (issue 11): one inference worker, two gateways (prediction log on
// and off), wrk at c=16 against each with the 20-input German-credit LR, in the OIP and `instances`
// forms. CPU is read from /proc/<pid>/stat (utime+stime) before and after each run and divided by the
// requests wrk completed, so the figure does not depend on how busy the shared machine is.
// `npx tsx scripts/bench/gateway-cpu.ts` (BENCH_SECONDS, default 6; BENCH_PROFILE=<dir> profiles the log-off gateway).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { createDb } from "../../lib/db/client";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { createVersion } from "../../lib/registry/create-version";
import { SYSTEM_ACTOR } from "../../lib/auth/principal";
import { DEFAULT_MODEL_LIMITS } from "../../lib/onnx/check-model-limits";
import { loadGermanCredit } from "../../lib/training/german-credit";
import { trainClassifier } from "../../lib/training/train-classifier";
import { DEFAULT_BATCHING, type Routing } from "../../lib/serving/shared/routing";
import { writeRouting } from "../../lib/serving/control/deployments/switch-routing";
import { SIGNATURE_HEADER, signCall } from "../../lib/serving/shared/cluster-auth";
import { clusterSecret, freePort, httpOk, startProcess, startRedis, stopProcess, waitFor, type Proc } from "../../tests/helpers/processes";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `switchyard_gwcpu_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const artifactDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-gwcpu-"));
const procs: Proc[] = [];
const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const redis = await startRedis();
const TICK = 100; // USER_HZ

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(f[11]) + Number(f[12])) / TICK;
}

try {
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  const store = new LocalArtifactStore(artifactDir);
  const team = await db.team.create({ data: { slug: "bench", name: "Bench" } });
  await db.model.create({ data: { teamId: team.id, name: "credit", task: "binary_classification", createdBy: "bench" } });
  const t = trainClassifier({ name: "lr", data: loadGermanCredit(), kind: "logistic_regression" });
  const tmp = await store.tempPath();
  writeFileSync(tmp, t.onnx);
  const sha256 = createHash("sha256").update(t.onnx).digest("hex");
  const v = await createVersion({ db, store, teamId: team.id, modelName: "credit", upload: { tempFile: tmp, sha256, sizeBytes: t.onnx.length }, metadata: { metrics: {}, params: {}, tags: [] }, actor: SYSTEM_ACTOR, limits: { ...DEFAULT_MODEL_LIMITS, timeoutMs: 120_000 } });
  const version = await db.modelVersion.findFirstOrThrow({ where: { number: v.number } });
  const row = t.testRows[0];
  const e = await db.endpoint.create({ data: { teamId: team.id, name: "bench-lr", routing: {}, createdBy: "bench" } });
  const routing: Routing = { sticky: null, variants: [{ name: `credit-v${v.number}`, model: "credit", version: v.number, versionId: version.id, sha256, weight: 100, role: "primary", device: "cpu", replicas: 1, batching: DEFAULT_BATCHING }] };
  await writeRouting(db, e.id, routing);
  await db.$disconnect();

  const base = { DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, REDIS_URL: redis.url, LOG_LEVEL: "error" };
  const workerPort = await freePort();
  const worker = startProcess("inference", "workers/inference/main.ts", { ...base, INFERENCE_PORT: String(workerPort), INFERENCE_WORKER_ID: "bench" });
  procs.push(worker);
  await waitFor("worker", () => httpOk(`http://127.0.0.1:${workerPort}/healthz`), 120_000);
  const loadBody = JSON.stringify({ versionId: version.id, sha256, batching: DEFAULT_BATCHING });
  const loadSig = signCall(clusterSecret(), { method: "POST", path: "/admin/load", workerId: "bench", body: loadBody });
  const r = await fetch(`http://127.0.0.1:${workerPort}/admin/load`, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: loadSig }, body: loadBody });
  if (!r.ok) throw new Error(await r.text());

  const gateways: { log: string; port: number; proc: Proc }[] = [];
  for (const log of ["on", "off"]) {
    const port = await freePort();
    const prof = process.env.BENCH_PROFILE && log === "off" ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
    const proc = startProcess(`gateway-${log}`, "workers/gateway/main.ts", { ...base, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1", GATEWAY_LOG_PREDICTIONS: log === "on" ? "1" : "0" }, prof);
    procs.push(proc);
    gateways.push({ log, port, proc });
    await waitFor(`gateway ${log}`, () => httpOk(`http://127.0.0.1:${port}/v2/models/bench-lr/ready`), 120_000);
  }

  const bodies = {
    oip: { path: "/v2/models/bench-lr/infer", body: JSON.stringify({ inputs: Object.entries(row).map(([name, x]) => ({ name, shape: [1, 1], datatype: typeof x === "number" ? "FP32" : "BYTES", data: [x] })) }) },
    instances: { path: "/v1/endpoints/bench-lr/predict", body: JSON.stringify({ instances: [row] }) },
  };
  const bodyFile = path.join(artifactDir, "body.json");
  const wrk = (port: number, urlPath: string, seconds: number) => {
    const out = execFileSync("/usr/bin/wrk", ["-t1", "-c16", `-d${seconds}s`, "-s", "scripts/bench/wrk-post.lua", `http://127.0.0.1:${port}${urlPath}`], { env: { ...process.env, WRK_BODY: bodyFile }, encoding: "utf8" });
    const line = out.split("\n").find((l) => l.startsWith("WRK_JSON "));
    return JSON.parse(line!.slice(9)) as { requests: number; status: number; p50_us: number };
  };
  console.log("form | log | requests | non-2xx | req/s | gateway CPU µs/req (less idle) | worker CPU µs/req (less idle) | p50 µs");
  for (const [form, b] of Object.entries(bodies)) {
    writeFileSync(bodyFile, b.body);
    for (const g of gateways) {
      wrk(g.port, b.path, 2); // warm-up: JIT, sockets
      // what the processes spend idle (routing reloads, heartbeats, timers) is taken off: on a busy
      // machine few requests get through, and that background would otherwise count against each
      const [gi, wi] = [cpuSeconds(g.proc.child.pid!), cpuSeconds(worker.child.pid!)];
      await new Promise((r) => setTimeout(r, 3000));
      const idle = [(cpuSeconds(g.proc.child.pid!) - gi) / 3, (cpuSeconds(worker.child.pid!) - wi) / 3];
      const [g0, w0] = [cpuSeconds(g.proc.child.pid!), cpuSeconds(worker.child.pid!)];
      const t0 = performance.now();
      const res = wrk(g.port, b.path, SECONDS);
      const secs = (performance.now() - t0) / 1000;
      const [g1, w1] = [cpuSeconds(g.proc.child.pid!), cpuSeconds(worker.child.pid!)];
      const per = (s: number, idleRate: number) => (((s - idleRate * secs) * 1e6) / res.requests).toFixed(1);
      console.log(`${form} | ${g.log} | ${res.requests} | ${res.status} | ${Math.round(res.requests / SECONDS)} | ${per(g1 - g0, idle[0])} | ${per(w1 - w0, idle[1])} | ${res.p50_us}`);
    }
  }
} finally {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await redis.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(artifactDir, { recursive: true, force: true });
}
