// `npm run bench:serving`: what a prediction costs on each serving path, measured with Debian's wrk
// (scripts/bench/lib/wrk.ts) after calibrating it against a trivial responder. Models: a tiny logistic
// regression (7 floats as one [N,7] input) and the 20-input German-credit LR and MLP (one [N,1] input a
// feature). Paths, each at c=1/16/64 for BENCH_SECONDS (default 5): a bare node:http + session.run
// server, a signed OIP call straight to an inference worker, the gateway with the prediction log off and
// on (job workers writing the log to Postgres), and a FastAPI + scikit-learn server for the 20-input
// data. Each row says how much CPU every process group used during it (from /proc) and per request.
//
// Knobs (env): BENCH_SECONDS, BENCH_WARMUP_SECONDS (2), GATEWAY_PROCESSES (or --gateway-processes=N;
// default: cores; passed to the gateways, which honour it once lib/env/gateway-env.ts defines it),
// BENCH_PROFILE=1 (a CPU profile of a gateway at c=64 with a model inline, top 25 functions; BENCH_PROFILE_LOG=on|off|off,on
// picks the log-on or log-off gateway or both, BENCH_PROFILE_MODEL=tiny|lr20|mlp20 the model),
// BENCH_LOG_ROUNDS (3: pairs of runs, log off then on, whose median is inline placement's logging cost),
// BENCH_PROFILE_JOBS=1 (a CPU profile of the job workers over the whole run: where ingest's CPU goes),
// BENCH_MODELS / BENCH_PATHS (comma lists, e.g. "tiny" and "bare,gateway log off": only those rows, for
// looking into one figure; the targets print only where both their rows ran).
import { execFileSync, fork, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { createDb } from "../../lib/db/client";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { createVersion } from "../../lib/registry/create-version";
import { SYSTEM_ACTOR } from "../../lib/auth/principal";
import { loadGermanCredit } from "../../lib/training/german-credit";
import { trainClassifier } from "../../lib/training/train-classifier";
import { DEFAULT_BATCHING, type Routing } from "../../lib/serving/shared/routing";
import { writeRouting } from "../../lib/serving/control/deployments/switch-routing";
import { SIGNATURE_HEADER, signCall } from "../../lib/serving/shared/cluster-auth";
import { clusterSecret, freePort, httpOk, startProcess, startRedis, stopProcess, waitFor, type Proc } from "../../tests/helpers/processes";
import { scratchDatabase } from "./lib/scratch-database";
import { buildTinyModel, TINY_INPUT } from "./lib/tiny-model";
import { calibrate, CONCURRENCIES, ensureWrk, nearCeiling, runWrk, type Ceiling, type Concurrency, type WrkResult } from "./lib/wrk";
import { cpuBetween, findPids, readCpu, type ProcGroup } from "./lib/proc-cpu";
import { printProfile, printProfileDelta, type ProfileSummary } from "./lib/cpu-profile";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
/** Pairs of runs (log off, log on) that inline placement's logging cost is the median of: the table's, and more */
const LOG_ROUNDS = Number(process.env.BENCH_LOG_ROUNDS ?? 3);
const WARMUP = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
const cliProcesses = process.argv.find((a) => a.startsWith("--gateway-processes="))?.split("=")[1];
const GATEWAY_PROCESSES = String(cliProcesses ?? process.env.GATEWAY_PROCESSES ?? os.availableParallelism());
const PYTHON = "/usr/bin/python3";
const only = (name: string) => { const v = process.env[name]?.split(",").map((x) => x.trim()).filter(Boolean); return (x: string) => !v?.length || v.includes(x); };
const wantModel = only("BENCH_MODELS");
const wantPath = only("BENCH_PATHS");
const log = (m: string) => console.log(m);

type ModelKey = "tiny" | "lr20" | "mlp20";
type PathKey = "bare" | "worker" | "gateway log off" | "gateway log on" | "inline log off" | "inline log on" | "inline log on (10% inputs)" | "gateway log on (instances)" | "inline log on (instances)" | "fastapi+sklearn";
const GROUPS = ["gateway", "inference", "jobs", "postgres", "redis", "server"] as const;
type Group = (typeof GROUPS)[number];
/** One more pair of runs for logging's cost (inline placement): req/s with the log off, then on. */
type LogPair = { model: ModelKey; c: Concurrency; off: number; on: number };
type Row = { model: ModelKey; path: PathKey; c: Concurrency; w: WrkResult; cpuMs: Record<Group | "wrk", number> };
/** The processes a request of each path goes through: their CPU is the path's cost per request (the others idle). */
const ON_PATH: Record<PathKey, Group[]> = {
  "bare": ["server"],
  "worker": ["inference"],
  "gateway log off": ["gateway", "inference"],
  "gateway log on": ["gateway", "inference", "jobs", "postgres", "redis"],
  // placement "inline": the model runs in the gateway's own threads, no hop to a worker
  "inline log off": ["gateway"],
  "inline log on": ["gateway", "jobs", "postgres", "redis"],
  // the endpoint keeps the inputs of 10% of requests (logInputs 0.1); every request is still logged and counted
  "inline log on (10% inputs)": ["gateway", "jobs", "postgres", "redis"],
  "gateway log on (instances)": ["gateway", "inference", "jobs", "postgres", "redis"],
  "inline log on (instances)": ["gateway", "jobs", "postgres", "redis"],
  "fastapi+sklearn": ["server"],
};

ensureWrk(log);
const tmp = mkdtempSync(path.join(os.tmpdir(), "switchyard-bench-serving-"));
const jobsProfileDir = path.join(tmp, "jobs-profile");
const artifactDir = path.join(tmp, "artifacts");
const procs: Proc[] = [];
const others: ChildProcess[] = [];
const db0 = await scratchDatabase("switchyard_bench_serving");
// Redis as docker-compose.yml runs it: an append-only file, synced every second
const redis = await startRedis({ appendfsync: process.env.BENCH_REDIS_FSYNC === "always" ? "always" : "everysec" });
const pgClient = new pg.Client(db0.url);
await pgClient.connect();
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "-");

try {
  console.log(`bench:serving — wrk -t1, ${SECONDS} s a run (warm-up ${WARMUP} s at c=16 before each path), ${os.availableParallelism()} cores; load average ${os.loadavg().map((x) => x.toFixed(2)).join(" ")}`);
  console.log(`redis-server: append-only file, appendfsync ${process.env.BENCH_REDIS_FSYNC === "always" ? "always" : "everysec (as docker-compose.yml runs it; BENCH_REDIS_FSYNC=always syncs every write)"}`);
  console.log(`GATEWAY_PROCESSES=${GATEWAY_PROCESSES} (processes per gateway)`);

  // ---- models, versions, endpoints ----
  const db = createDb(db0.url);
  const store = new LocalArtifactStore(artifactDir);
  const team = await db.team.create({ data: { slug: "bench", name: "Bench" } });
  const data = loadGermanCredit();
  type Model = { key: ModelKey; file: string; versionId: string; sha256: string; oip: string; instances: string | null };
  const models: Model[] = [];
  const register = async (key: ModelKey, modelName: string, onnx: Uint8Array, oip: object, instances: object | null) => {
    if (!(await db.model.findFirst({ where: { name: modelName } }))) await db.model.create({ data: { teamId: team.id, name: modelName, task: "binary_classification", createdBy: "bench" } });
    const file = await store.tempPath();
    writeFileSync(file, onnx);
    const sha256 = createHash("sha256").update(onnx).digest("hex");
    const v = await createVersion({ db, store, teamId: team.id, modelName, upload: { tempFile: file, sha256, sizeBytes: onnx.length }, metadata: { metrics: {}, params: {}, tags: [] }, actor: SYSTEM_ACTOR });
    const version = await db.modelVersion.findFirstOrThrow({ where: { sha256 } });
    const e = await db.endpoint.create({ data: { teamId: team.id, name: `bench-${key}`, routing: {}, createdBy: "bench" } });
    const routing: Routing = { sticky: null, variants: [{ name: `${modelName}-v${v.number}`, model: modelName, version: v.number, versionId: version.id, sha256, weight: 100, role: "primary", device: "cpu", replicas: 1, batching: DEFAULT_BATCHING }] };
    await writeRouting(db, e.id, routing);
    // the same version with placement "inline" (run in the gateway's processes)
    const inline = await db.endpoint.create({ data: { teamId: team.id, name: `bench-${key}-inline`, routing: {}, createdBy: "bench" } });
    await writeRouting(db, inline.id, { ...routing, variants: routing.variants.map((v) => ({ ...v, placement: "inline" as const })) });
    const sampled = await db.endpoint.create({ data: { teamId: team.id, name: `bench-${key}-inline-sampled`, routing: {}, createdBy: "bench", logInputs: 0.1 } });
    await writeRouting(db, sampled.id, { ...routing, variants: routing.variants.map((v) => ({ ...v, placement: "inline" as const })) });
    models.push({ key, file: store.localPath(sha256), versionId: version.id, sha256, oip: JSON.stringify(oip), instances: instances && JSON.stringify(instances) });
  };
  const tiny = buildTinyModel(data);
  await register("tiny", "credit-tiny", tiny.onnx, { inputs: [{ name: TINY_INPUT, shape: [1, tiny.row.length], datatype: "FP32", data: tiny.row }] }, null);
  for (const [key, kind] of [["lr20", "logistic_regression"], ["mlp20", "mlp"]] as const) {
    const t = trainClassifier({ name: key, data, kind });
    const row = t.testRows[0];
    const oip = { inputs: Object.entries(row).map(([name, x]) => ({ name, shape: [1, 1], datatype: typeof x === "number" ? "FP32" : "BYTES", data: [x] })) };
    await register(key, "credit", t.onnx, oip, { instances: [row] });
  }
  await db.$disconnect();

  // ---- processes ----
  const base = { DATABASE_URL: db0.url, ARTIFACT_DIR: artifactDir, REDIS_URL: redis.url, LOG_LEVEL: "error" };
  const [workerPort, jobsPort, gwOffPort, gwOnPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const worker = startProcess("inference", "workers/inference/main.ts", { ...base, INFERENCE_PORT: String(workerPort), INFERENCE_WORKER_ID: "bench" });
  const jobs = startProcess("jobs", "workers/jobs/main.ts", { ...base, JOBS_PORT: String(jobsPort) }, process.env.BENCH_PROFILE_JOBS === "1" ? ["--cpu-prof", `--cpu-prof-dir=${jobsProfileDir}`] : []);
  procs.push(worker, jobs);
  const gatewayEnv = (port: number, logOn: boolean) => ({ ...base, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1", GATEWAY_PROCESSES, GATEWAY_LOG_PREDICTIONS: logOn ? "1" : "0" });
  const failWith = (err: Error) => { throw new Error(`${err.message}\n${procs.map((p) => `--- ${p.name}\n${p.output.join("").slice(-2000)}`).join("\n")}`); };
  await waitFor("the inference worker", () => httpOk(`http://127.0.0.1:${workerPort}/healthz`), 60_000, 200).catch(failWith);
  for (const m of models) {
    const body = JSON.stringify({ versionId: m.versionId, sha256: m.sha256, batching: DEFAULT_BATCHING });
    const signature = signCall(clusterSecret(), { method: "POST", path: "/admin/load", workerId: "bench", body });
    const r = await fetch(`http://127.0.0.1:${workerPort}/admin/load`, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature }, body });
    if (!r.ok) throw new Error(`loading ${m.key} on the worker: ${await r.text()}`);
  }
  const gwOff = startProcess("gateway-log-off", "workers/gateway/main.ts", gatewayEnv(gwOffPort, false));
  const gwOn = startProcess("gateway-log-on", "workers/gateway/main.ts", gatewayEnv(gwOnPort, true));
  procs.push(gwOff, gwOn);
  await waitFor("the job workers", () => httpOk(`http://127.0.0.1:${jobsPort}/healthz`), 60_000, 200).catch(failWith);
  for (const port of [gwOffPort, gwOnPort]) {
    for (const m of models) {
      for (const name of [`bench-${m.key}`, `bench-${m.key}-inline`, `bench-${m.key}-inline-sampled`]) await waitFor(`${name} on the gateway :${port}`, () => httpOk(`http://127.0.0.1:${port}/v2/models/${name}/ready`), 60_000, 200).catch(failWith);
    }
  }

  // ---- measuring ----
  const redisPids = findPids(["redis-server", `:${redis.port}`]);
  let serverPid: number | null = null;
  let gatewayPid: number | null = null;
  const groups: ProcGroup[] = [
    { name: "gateway", roots: () => (gatewayPid ? [gatewayPid] : []) },
    { name: "inference", roots: () => [worker.child.pid!] },
    { name: "jobs", roots: () => [jobs.child.pid!] },
    // this database's backends and the server-wide background processes (WAL writer, checkpointer…);
    // other databases' backends on the shared Postgres are someone else's work
    { name: "postgres", roots: async () => (await pgClient.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE (datname = current_database() OR datname IS NULL) AND pid <> pg_backend_pid()`)).rows.map((r) => r.pid) },
    { name: "redis", roots: () => redisPids },
    { name: "server", roots: () => (serverPid ? [serverPid] : []) },
  ];
  const backlog = async () => {
    const text = await (await fetch(`http://127.0.0.1:${jobsPort}/metrics`, { signal: AbortSignal.timeout(4_000) })).text();
    return Number(/^switchyard_ingest_backlog_entries(?:\{[^}]*\})? (\S+)$/m.exec(text)?.[1] ?? NaN);
  };
  const drained = async () => {
    await new Promise((r) => setTimeout(r, 300)); // the gateway's log buffer flushes every GATEWAY_LOG_FLUSH_MS (100 ms)
    await waitFor("the prediction log to drain", async () => (await backlog()) === 0, 120_000, 200);
  };

  const rows: Row[] = [];
  const logPairs: LogPair[] = [];
  const bodyFile = path.join(tmp, "body.json");
  const measure = async (model: ModelKey, pathKey: PathKey, o: { url: string; body: string; sign?: { path: string }; logged?: boolean; gateway?: Proc }) => {
    if (!wantModel(model) || !wantPath(pathKey)) return;
    writeFileSync(bodyFile, o.body);
    gatewayPid = o.gateway?.child.pid ?? null;
    // a worker call is signed like the gateway signs it; the signature is good for 30 s, so one per wrk run
    const headers = (): Record<string, string> => (o.sign ? { [SIGNATURE_HEADER]: signCall(clusterSecret(), { method: "POST", path: o.sign.path, workerId: "bench", body: o.body }) } : {});
    if (WARMUP > 0) await runWrk({ url: o.url, bodyFile, connections: 16, seconds: WARMUP, headers: headers() });
    if (o.logged) await drained();
    for (const c of CONCURRENCIES) {
      const before = await readCpu(groups);
      const w = await runWrk({ url: o.url, bodyFile, connections: c, seconds: SECONDS, headers: headers() });
      // with the log on, the CPU window runs until the job workers have written every record
      if (o.logged) await drained();
      const used = cpuBetween(before, await readCpu(groups));
      const cpuMs = { ...Object.fromEntries(GROUPS.map((g) => [g, used.get(g) ?? 0])), wrk: w.cpuMs } as Row["cpuMs"];
      rows.push({ model, path: pathKey, c, w, cpuMs });
      log(`  ${model} ${pathKey} c=${c}: ${Math.round(w.rps)} req/s, p50 ${fmt(w.p50Ms, 3)} ms${w.non2xx + w.socketErrors ? `, ${w.non2xx} non-2xx, ${w.socketErrors} socket errors` : ""}`);
    }
  };
  const withServer = async (child: ChildProcess, fn: () => Promise<void>) => {
    serverPid = child.pid ?? null;
    try {
      await fn();
    } finally {
      serverPid = null;
      child.kill();
    }
  };

  const tinyModel = models.find((m) => m.key === "tiny")!;
  log(`\nCalibration: wrk against a trivial node:http responder (fixed small JSON; ${GATEWAY_PROCESSES} process(es) on one port, as many as a gateway), body = the tiny model's request`);
  writeFileSync(bodyFile, tinyModel.oip);
  const ceiling: Ceiling = await calibrate(bodyFile, SECONDS, WARMUP, Number(GATEWAY_PROCESSES));
  for (const c of CONCURRENCIES) log(`  c=${c}: ${Math.round(ceiling[c].rps)} req/s (p50 ${fmt(ceiling[c].p50Ms, 3)} ms), wrk CPU ${fmt(ceiling[c].cpuMs / 1000)} s`);

  log("\nRuns");
  for (const m of models) {
    if (!wantModel(m.key)) continue;
    const barePort = await freePort();
    const bare = fork(path.resolve("scripts/bench/bare-server.ts"), [m.file, String(barePort)], { execArgv: ["--import", "tsx"], stdio: "ignore" });
    others.push(bare);
    await new Promise((r) => bare.once("message", r));
    await withServer(bare, () => measure(m.key, "bare", { url: `http://127.0.0.1:${barePort}/`, body: m.oip }));
    const infer = `/v2/models/${m.versionId}/infer`;
    await measure(m.key, "worker", { url: `http://127.0.0.1:${workerPort}${infer}`, body: m.oip, sign: { path: infer } });
    await measure(m.key, "gateway log off", { url: `http://127.0.0.1:${gwOffPort}/v2/models/bench-${m.key}/infer`, body: m.oip, gateway: gwOff });
    await measure(m.key, "gateway log on", { url: `http://127.0.0.1:${gwOnPort}/v2/models/bench-${m.key}/infer`, body: m.oip, logged: true, gateway: gwOn });
    const inlineUrl = (port: number) => `http://127.0.0.1:${port}/v2/models/bench-${m.key}-inline/infer`;
    await measure(m.key, "inline log off", { url: inlineUrl(gwOffPort), body: m.oip, gateway: gwOff });
    await measure(m.key, "inline log on", { url: inlineUrl(gwOnPort), body: m.oip, logged: true, gateway: gwOn });
    await measure(m.key, "inline log on (10% inputs)", { url: `http://127.0.0.1:${gwOnPort}/v2/models/bench-${m.key}-inline-sampled/infer`, body: m.oip, logged: true, gateway: gwOn });
    // logging's cost moves with the machine's other load from one run to the next: more pairs of runs
    // (log off, then log on, at once), the target judged on the median
    if (wantModel(m.key) && wantPath("inline log off") && wantPath("inline log on")) {
      writeFileSync(bodyFile, m.oip);
      for (let round = 2; round <= LOG_ROUNDS; round++) {
        for (const c of [16, 64] as const) {
          const off = await runWrk({ url: inlineUrl(gwOffPort), bodyFile, connections: c, seconds: SECONDS });
          const on = await runWrk({ url: inlineUrl(gwOnPort), bodyFile, connections: c, seconds: SECONDS });
          await drained();
          logPairs.push({ model: m.key, c, off: off.rps, on: on.rps });
          log(`  ${m.key} logging cost, pair ${round} at c=${c}: ${Math.round(off.rps)} req/s off, ${Math.round(on.rps)} on (${fmt(100 * (1 - on.rps / off.rps), 0)}%)`);
        }
      }
    }
  }

  // FastAPI + scikit-learn against the gateway's instances form, same body, same answer shape
  const lr = models.find((m) => m.key === "lr20")!;
  await measure("lr20", "gateway log on (instances)", { url: `http://127.0.0.1:${gwOnPort}/v1/endpoints/bench-lr20/predict`, body: lr.instances!, logged: true, gateway: gwOn });
  await measure("lr20", "inline log on (instances)", { url: `http://127.0.0.1:${gwOnPort}/v1/endpoints/bench-lr20-inline/predict`, body: lr.instances!, logged: true, gateway: gwOn });
  if (wantModel("lr20") && wantPath("fastapi+sklearn") && pythonReady()) {
    const port = await freePort();
    const py = spawn(PYTHON, ["-m", "uvicorn", "serve:app", "--app-dir", "examples/fastapi-sklearn", "--host", "127.0.0.1", "--port", String(port), "--workers", "1", "--no-access-log", "--log-level", "warning"], { stdio: ["ignore", "ignore", "inherit"] });
    others.push(py);
    await waitFor("the FastAPI server", () => httpOk(`http://127.0.0.1:${port}/openapi.json`), 90_000, 250);
    await withServer(py, () => measure("lr20", "fastapi+sklearn", { url: `http://127.0.0.1:${port}/predict`, body: lr.instances! }));
  }

  printTable(rows, ceiling);
  printTargets(rows, ceiling, logPairs);
  if (process.env.BENCH_PROFILE === "1") {
    // the log-on gateway, or each of BENCH_PROFILE_LOG ("on", "off", "off,on": the two profiles side by side
    // show what logging adds), on BENCH_PROFILE_MODEL (tiny by default) inline
    const model = process.env.BENCH_PROFILE_MODEL ?? "tiny";
    const profiledModel = models.find((m) => m.key === model);
    if (!profiledModel) throw new Error(`BENCH_PROFILE_MODEL=${model}: not one of ${models.map((m) => m.key).join(", ")}`);
    const summaries: ProfileSummary[] = [];
    for (const logSide of (process.env.BENCH_PROFILE_LOG ?? "on").split(",")) {
      const dir = path.join(tmp, `profile-${logSide}`);
      const port = await freePort();
      let [runAt, runEndAt, profiled] = [0, 0, null as WrkResult | null];
      const prof = startProcess(`gateway-profiled-${logSide}`, "workers/gateway/main.ts", gatewayEnv(port, logSide === "on"), ["--cpu-prof", `--cpu-prof-dir=${dir}`]);
      procs.push(prof);
      const endpoint = `bench-${model}-inline`;
      try {
        await waitFor("the profiled gateway", () => httpOk(`http://127.0.0.1:${port}/v2/models/${endpoint}/ready`), 60_000, 200).catch(failWith);
        writeFileSync(bodyFile, profiledModel.oip);
        const url = `http://127.0.0.1:${port}/v2/models/${endpoint}/infer`;
        if (WARMUP > 0) await runWrk({ url, bodyFile, connections: 64, seconds: WARMUP });
        runAt = Date.now();
        profiled = await runWrk({ url, bodyFile, connections: 64, seconds: SECONDS });
        runEndAt = Date.now();
      } finally {
        await stopProcess(prof);
      }
      // the profile ends when the gateway exits: the run is the stretch that ended that long before
      const exitAt = Date.now();
      const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(dir, f)) : [];
      log(`\nProfile: a gateway (log ${logSide}) under --cpu-prof at c=64, ${model} model inline, ${SECONDS} s after a ${WARMUP} s warm-up: ${Math.round(profiled?.rps ?? NaN)} req/s; ${files.length} .cpuprofile file(s); top 25 functions by self time during the run`);
      summaries.push(printProfile(files, 25, log, { fromEndUs: (exitAt - runAt) * 1000, toEndUs: (exitAt - runEndAt) * 1000, requests: profiled?.requests }));
    }
    if (summaries.length === 2) {
      log(`\nProfile difference: log ${process.env.BENCH_PROFILE_LOG} (per request, all threads)`);
      printProfileDelta(summaries[0], summaries[1], 25, log);
    }
  }

} finally {
  for (const c of others) if (c.exitCode === null) c.kill();
  await Promise.all(procs.map((p) => stopProcess(p)));
  if (process.env.BENCH_PROFILE_JOBS === "1" && existsSync(jobsProfileDir)) {
    log("\nProfile of the job workers over the whole run (ingest writes the prediction log), top 25 functions by self time");
    printProfile(readdirSync(jobsProfileDir).filter((f) => f.endsWith(".cpuprofile")).map((f) => path.join(jobsProfileDir, f)), 25, log);
  }
  await redis.stop();
  await pgClient.end();
  await db0.drop();
  rmSync(tmp, { recursive: true, force: true });
}

/** Whether FastAPI, uvicorn and scikit-learn import under Debian's python; installs them as root. */
function pythonReady(): boolean {
  const ok = () => { try { execFileSync(PYTHON, ["-c", "import fastapi, uvicorn, sklearn"], { stdio: "ignore" }); return true; } catch { return false; } };
  if (ok()) return true;
  if (process.getuid?.() === 0) {
    log("\ninstalling python3-fastapi python3-uvicorn python3-sklearn (apt-get)");
    try {
      execFileSync("apt-get", ["install", "-y", "--no-install-recommends", "python3-fastapi", "python3-uvicorn", "python3-sklearn"], { stdio: "ignore", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    } catch { /* told below */ }
    if (ok()) return true;
  }
  log(`\nfastapi+sklearn row skipped: ${PYTHON} lacks fastapi/uvicorn/sklearn (as root: apt-get install python3-fastapi python3-uvicorn python3-sklearn)`);
  return false;
}

function printTable(rows: Row[], ceiling: Ceiling) {
  const cols = [...GROUPS, "wrk"] as const;
  console.log(`\nmodel | path | c | req/s | p50 ms | p99 ms | errors | ${cols.map((g) => `${g} s`).join(" | ")} | CPU µs/req | note`);
  console.log(`${Array(10 + cols.length).fill("---").join(" | ")}`);
  for (const r of rows) {
    const served = ON_PATH[r.path].reduce((a, g) => a + r.cpuMs[g], 0);
    const perReq = r.w.requests ? (served * 1000) / r.w.requests : NaN;
    const note = nearCeiling(r.w.rps, ceiling, r.c) ? `near generator ceiling (${Math.round((100 * r.w.rps) / ceiling[r.c].rps)}% of ${Math.round(ceiling[r.c].rps)})` : "";
    console.log(`${r.model} | ${r.path} | ${r.c} | ${Math.round(r.w.rps)} | ${fmt(r.w.p50Ms, 3)} | ${fmt(r.w.p99Ms, 3)} | ${r.w.non2xx + r.w.socketErrors} | ${cols.map((g) => fmt(r.cpuMs[g] / 1000)).join(" | ")} | ${fmt(perReq, 0)} | ${note}`);
  }
  console.log("CPU s: user+system seconds each process group used during the run (from /proc, children included); gateway = the gateway under test; with the log on, until the job workers had written every record.");
  console.log("CPU µs/req: the groups on the row's path (bare/fastapi: server; worker: inference; log off: + gateway; log on: + jobs, postgres, redis) over the requests wrk counted.");
  console.log("errors: non-2xx answers + socket errors/timeouts.");
}

function printTargets(rows: Row[], ceiling: Ceiling, logPairs: LogPair[]) {
  const get = (model: ModelKey, p: PathKey, c: Concurrency) => rows.find((r) => r.model === model && r.path === p && r.c === c);
  const mark = (ok: boolean) => (ok ? "PASS" : "MISS");
  const caveat = (...rs: (Row | undefined)[]) => (rs.some((r) => r && nearCeiling(r.w.rps, ceiling, r.c)) ? " [a row is near the generator ceiling: the ratio is uncertain]" : "");
  console.log("\nTargets (issue 11), for each placement (worker: a hop to the inference worker; inline: in the gateway's threads)");
  const placements = [["worker", "gateway log on", "gateway log off"], ["inline", "inline log on", "inline log off"]] as const;
  for (const [placement, on] of placements) {
    for (const [model, target] of [["tiny", 0.5], ["lr20", 0.8], ["mlp20", 0.8]] as const) {
      const [gw, bare] = [get(model, on, 16), get(model, "bare", 16)];
      if (!gw || !bare) continue;
      const share = gw.w.rps / bare.w.rps;
      console.log(`${mark(share >= target)} ${model}, ${placement}: gateway (log on) / bare at c=16 = ${Math.round(share * 100)}% (target >= ${target * 100}%)${caveat(gw, bare)}`);
    }
  }
  const [gwInst, fa] = [get("lr20", "gateway log on (instances)", 16), get("lr20", "fastapi+sklearn", 16)];
  if (gwInst && fa) console.log(`${mark(gwInst.w.rps / fa.w.rps >= 5)} lr20, worker: gateway (log on, instances form) / FastAPI+sklearn at c=16 = ${fmt(gwInst.w.rps / fa.w.rps)}x (target >= 5x)${caveat(gwInst, fa)}`);
  const inInst = get("lr20", "inline log on (instances)", 16);
  if (inInst && fa) console.log(`${mark(inInst.w.rps / fa.w.rps >= 5)} lr20, inline: gateway (log on, instances form) / FastAPI+sklearn at c=16 = ${fmt(inInst.w.rps / fa.w.rps)}x (target >= 5x)${caveat(inInst, fa)}`);
  else console.log("n/a gateway / FastAPI: the FastAPI row did not run");
  for (const [placement, on] of placements) {
    for (const model of ["tiny", "lr20", "mlp20"] as const) {
      const [gw, bare] = [get(model, on, 1), get(model, "bare", 1)];
      if (!gw || !bare) continue;
      const added = gw.w.p50Ms - bare.w.p50Ms;
      console.log(`${mark(added <= 0.3)} ${model}, ${placement}: the gateway (log on) adds ${fmt(added, 3)} ms to p50 at c=1 over bare (${fmt(gw.w.p50Ms, 3)} vs ${fmt(bare.w.p50Ms, 3)}; target <= 0.3 ms)`);
    }
  }
  const logged = [...placements, ["inline, 10% of inputs kept", "inline log on (10% inputs)", "inline log off"] as const];
  for (const [placement, on, off] of logged) {
    for (const model of ["tiny", "lr20", "mlp20"] as const) {
      if (!get(model, on, 16) || !get(model, off, 16)) continue;
      // the table's pair, and for inline placement the further pairs: the median
      const losses = (c: Concurrency) => {
        const [a, b] = [get(model, on, c), get(model, off, c)];
        const more = on === "inline log on" ? logPairs.filter((x) => x.model === model && x.c === c).map((x) => 1 - x.on / x.off) : [];
        return [...(a && b ? [1 - a.w.rps / b.w.rps] : []), ...more].sort((x, y) => x - y);
      };
      const median = (xs: number[]) => (xs.length ? xs[Math.floor(xs.length / 2)] : NaN);
      const [s16, s64] = [losses(16), losses(64)];
      const [l16, l64] = [median(s16), median(s64)];
      const spread = (xs: number[]) => (xs.length > 1 ? ` (median of ${xs.length} pairs: ${xs.map((x) => fmt(x * 100, 0)).join(", ")}%)` : "");
      console.log(`${mark(l16 <= 0.2 && l64 <= 0.2)} ${model}, ${placement}: logging costs ${fmt(l16 * 100, 0)}% of the gateway's req/s at c=16${spread(s16)}, ${fmt(l64 * 100, 0)}% at c=64${spread(s64)} (target <= 20%)${caveat(get(model, off, 16), get(model, off, 64))}`);
    }
  }
}
