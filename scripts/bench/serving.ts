// `npm run bench:serving`: session.run in-process, straight to an inference worker, and through
// the gateway, for the German-credit LR and MLP, with dynamic batching on and off, next to a bare
// node:http + session.run server. Everything runs on this machine; figures are printed as tables.
import { fork } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { createDb } from "../../lib/db/client";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { createVersion } from "../../lib/registry/create-version";
import { SYSTEM_ACTOR } from "../../lib/auth/principal";
import { loadGermanCredit } from "../../lib/training/german-credit";
import { trainClassifier } from "../../lib/training/train-classifier";
import { toOrtFeeds } from "../../lib/serving/data/inference/ort-tensors";
import { DEFAULT_BATCHING, type Routing } from "../../lib/serving/shared/routing";
import { writeRouting } from "../../lib/serving/control/deployments/switch-routing";
import { mergeFeeds, type Feeds } from "../../lib/serving/shared/tensors";
import { SIGNATURE_HEADER, signCall } from "../../lib/serving/shared/cluster-auth";
import { clusterSecret, freePort, httpOk, startProcess, startRedis, stopProcess, waitFor, type Proc } from "../../tests/helpers/processes";
import { runLoad, type LoadResult } from "./load";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `switchyard_bench_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;
const artifactDir = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-"));
const procs: Proc[] = [];
const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const redis = await startRedis();
const fmt = (x: number, d = 3) => (Number.isFinite(x) ? x.toFixed(d) : "-");

try {
  await applyMigrations(databaseUrl);
  const db = createDb(databaseUrl);
  const store = new LocalArtifactStore(artifactDir);
  const team = await db.team.create({ data: { slug: "bench", name: "Bench" } });
  await db.model.create({ data: { teamId: team.id, name: "credit", task: "binary_classification", createdBy: "bench" } });
  const data = loadGermanCredit();
  const models: { key: "lr" | "mlp"; file: string; versionId: string; sha256: string; row: Record<string, number | string>; feeds: Feeds }[] = [];
  for (const [key, kind] of [["lr", "logistic_regression"], ["mlp", "mlp"]] as const) {
    const t = trainClassifier({ name: key, data, kind });
    const tmp = await store.tempPath();
    writeFileSync(tmp, t.onnx);
    const sha256 = createHash("sha256").update(t.onnx).digest("hex");
    const v = await createVersion({ db, store, teamId: team.id, modelName: "credit", upload: { tempFile: tmp, sha256, sizeBytes: t.onnx.length }, metadata: { metrics: {}, params: {}, tags: [] }, actor: SYSTEM_ACTOR });
    const version = await db.modelVersion.findFirstOrThrow({ where: { number: v.number } });
    const row = t.testRows[0];
    const feeds: Feeds = Object.fromEntries(Object.entries(row).map(([k, x]) => [k, { shape: [1, 1], data: [x] }]));
    models.push({ key, file: store.localPath(sha256), versionId: version.id, sha256, row, feeds });
    const e = await db.endpoint.create({ data: { teamId: team.id, name: `bench-${key}`, routing: {}, createdBy: "bench" } });
    const routing: Routing = { sticky: null, variants: [{ name: `credit-v${v.number}`, model: "credit", version: v.number, versionId: version.id, sha256, weight: 100, role: "primary", device: "cpu", replicas: 1, batching: DEFAULT_BATCHING }] };
    await writeRouting(db, e.id, routing);
  }
  await db.$disconnect();

  // (a) session.run in-process
  console.log("(a) session.run in-process (intra-op threads 1)");
  console.log("model | batch | calls/s | rows/s | p50 ms | p99 ms");
  for (const m of models) {
    const session = await ort.InferenceSession.create(m.file, { intraOpNumThreads: 1, interOpNumThreads: 1 });
    const sig = { inputs: session.inputMetadata.map((x) => ({ name: x.name, type: (x as { type: string }).type, shape: ["N", 1] })), outputs: [] };
    for (const batch of [1, 64]) {
      const feeds = toOrtFeeds(mergeFeeds(Array.from({ length: batch }, () => m.feeds)), sig);
      const lat: number[] = [];
      const until = performance.now() + SECONDS * 1000;
      const t0 = performance.now();
      while (performance.now() < until) {
        const s = performance.now();
        await session.run(feeds);
        lat.push(performance.now() - s);
      }
      const secs = (performance.now() - t0) / 1000;
      lat.sort((a, b) => a - b);
      console.log(`${m.key} | ${batch} | ${Math.round(lat.length / secs)} | ${Math.round((lat.length * batch) / secs)} | ${fmt(lat[Math.floor(lat.length / 2)])} | ${fmt(lat[Math.floor(lat.length * 0.99)])}`);
    }
    await session.release();
  }

  const base = { DATABASE_URL: databaseUrl, ARTIFACT_DIR: artifactDir, REDIS_URL: redis.url, LOG_LEVEL: "error" };
  const workerPort = await freePort();
  procs.push(startProcess("inference", "workers/inference/main.ts", { ...base, INFERENCE_PORT: String(workerPort), INFERENCE_WORKER_ID: "bench" }));
  await waitFor("worker", () => httpOk(`http://127.0.0.1:${workerPort}/healthz`), 30_000);
  const load = async (batching: object) => {
    for (const m of models) {
      const body = JSON.stringify({ versionId: m.versionId, sha256: m.sha256, batching });
      const signature = signCall(clusterSecret(), { method: "POST", path: "/admin/load", workerId: "bench", body });
      const r = await fetch(`http://127.0.0.1:${workerPort}/admin/load`, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature }, body });
      if (!r.ok) throw new Error(await r.text());
    }
  };
  await load(DEFAULT_BATCHING);
  const gw: Record<"on" | "off", number> = { on: await freePort(), off: await freePort() };
  for (const mode of ["on", "off"] as const) {
    procs.push(startProcess(`gateway-${mode}`, "workers/gateway/main.ts", { ...base, GATEWAY_PORT: String(gw[mode]), GATEWAY_HOST: "127.0.0.1", GATEWAY_COALESCE: mode === "on" ? "1" : "0",
      // one process: its CPU per request is read from its own /proc entry
      GATEWAY_PROCESSES: "1" },
      // BENCH_PROFILE=<dir> writes a CPU profile of the batching gateway there
      process.env.BENCH_PROFILE && mode === "on" ? ["--cpu-prof", `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : []));
    await waitFor(`gateway ${mode}`, () => httpOk(`http://127.0.0.1:${gw[mode]}/v2/models/bench-lr/ready`), 30_000);
  }

  const oip = (m: (typeof models)[number]) => JSON.stringify({ inputs: Object.entries(m.row).map(([name, x]) => ({ name, shape: [1, 1], datatype: typeof x === "number" ? "FP32" : "BYTES", data: [x] })) });
  type Row = { model: string; path: string; batching: string; c1: LoadResult; c16: LoadResult; c64: LoadResult };
  const rows: Row[] = [];
  const measure = async (model: string, pathName: string, batching: string, port: number, urlPath: string, body: string) => {
    // straight to the worker, a call is signed for it like the gateway's (one signature per run: it is good for 30 s)
    const signed = (): Record<string, string> => (port === workerPort ? { [SIGNATURE_HEADER]: signCall(clusterSecret(), { method: "POST", path: urlPath, workerId: "bench", body }) } : {});
    const run = (concurrency: number, seconds: number) => runLoad({ port, path: urlPath, body, concurrency, seconds, headers: signed() });
    // warm up (JIT, sockets, sessions) at both ends of the concurrency range before measuring
    await run(16, 2);
    await run(1, 1);
    const [c1, c16, c64] = [await run(1, SECONDS), await run(16, SECONDS), await run(64, SECONDS)];
    rows.push({ model, path: pathName, batching, c1, c16, c64 });
  };
  for (const batching of ["on", "off"] as const) {
    if (batching === "off") await load({ maxBatch: 1, maxQueueDelayMs: 0 });
    for (const m of models) {
      await measure(m.key, "(b) worker", batching, workerPort, `/v2/models/${m.versionId}/infer`, oip(m));
      await measure(m.key, "(c) gateway", batching, gw[batching], `/v2/models/bench-${m.key}/infer`, oip(m));
    }
  }
  for (const m of models) {
    const port = await freePort();
    const child = fork(path.resolve("scripts/bench/bare-server.ts"), [m.file, String(port)], { execArgv: ["--import", "tsx"], stdio: "ignore" });
    await new Promise((r) => child.once("message", r));
    await measure(m.key, "bare node:http", "-", port, "/", oip(m));
    child.kill();
  }

  console.log("\nmodel | path | batching | c=1 p50 ms | c=1 p99 ms | c=1 req/s | c=16 req/s | c=64 req/s | c=64 p99 ms | errors");
  for (const r of rows) {
    console.log(`${r.model} | ${r.path} | ${r.batching} | ${fmt(r.c1.p50)} | ${fmt(r.c1.p99)} | ${Math.round(r.c1.rps)} | ${Math.round(r.c16.rps)} | ${Math.round(r.c64.rps)} | ${fmt(r.c64.p99, 1)} | ${r.c1.errors + r.c16.errors + r.c64.errors}`);
  }
  console.log("\nTargets");
  for (const m of models) {
    const get = (p: string, b: string) => rows.find((r) => r.model === m.key && r.path === p && r.batching === b)!;
    const added = get("(c) gateway", "on").c1.p50 - get("(b) worker", "on").c1.p50;
    const share = get("(c) gateway", "on").c16.rps / get("bare node:http", "-").c16.rps;
    const gain = get("(c) gateway", "on").c64.rps / get("(c) gateway", "off").c64.rps;
    console.log(`${m.key}: gateway adds ${fmt(added)} ms to p50 at c=1 (target <= 0.5) ${added <= 0.5 ? "MET" : "MISSED"}`);
    console.log(`${m.key}: gateway at c=16 serves ${Math.round(share * 100)}% of bare node:http req/s (target >= 50%) ${share >= 0.5 ? "MET" : "MISSED"}`);
    console.log(`${m.key}: batching on/off through the gateway at c=64: ${gain.toFixed(2)}x (target >= 3x) ${gain >= 3 ? "MET" : "MISSED"}`);
  }
} finally {
  await Promise.all(procs.map((p) => stopProcess(p)));
  await redis.stop();
  await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  await admin.end();
  rmSync(artifactDir, { recursive: true, force: true });
}
