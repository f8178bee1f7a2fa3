// Issue 11, GPU part: serves the German-credit MLP and a ~100 MB dense model the way an inference
// worker does and measures it, on whatever execution provider really loads (CUDA, WebGPU, or the
// CPU fallback, said plainly). Bundled by scripts/gpu/pack.sh into .gpu/bench.mjs (with the worker
// and its session process), run on the device by scripts/gpu/run.sh; it also runs here on the CPU.
//
// 1. provider probes: the product's chooseDevice (a session with only that provider) for cuda and webgpu
// 2. models built in code: trainClassifier (mlp) on the bundled German-credit CSV, and a dense net
//    256→4096→4096→1536→16 (24.1M float32 parameters, ~96 MB) with seeded weights
// 3. session.run in-process per provider, batch 1 and 64 (the provider's ceiling, no worker), with the
//    largest difference from the CPU answers
// 4. the real inference worker (workers/inference, bundled) per device, with a private redis-server for
//    its heartbeats, driven over HTTP (signed OIP infer calls) at c=1 and c=64, dynamic batching on
//    (maxBatch 64) and off (maxBatch 1); without Redis or the worker, in-process ModelHost instead.
//
// Environment: BENCH_SECONDS (per measurement, default 5), BENCH_RAW_SECONDS (default 2), BENCH_CSV,
// BENCH_WORKER (worker bundle), BENCH_REDIS and BENCH_REDIS_LIBS (redis-server and its libraries),
// BENCH_DEVICES (default cuda,webgpu,cpu), BENCH_INTRA_OP (default 1, the product's default), BENCH_PATH=host.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import * as ort from "onnxruntime-node";
import { GraphBuilder } from "../../lib/onnx/graph-builder";
import { DataType } from "../../lib/onnx/proto";
import { SESSION_OPTIONS } from "../../lib/onnx/session-options";
import { seededRandom } from "../../lib/training/random";
import { GERMAN_CREDIT_CSV, loadGermanCredit } from "../../lib/training/german-credit";
import { trainClassifier } from "../../lib/training/train-classifier";
import { chooseDevice, type DeviceChoice } from "../../lib/serving/data/inference/providers";
import { ModelHost } from "../../lib/serving/data/inference/model-host";
import { toOrtFeeds } from "../../lib/serving/data/inference/ort-tensors";
import { LocalArtifactStore } from "../../lib/storage/artifact-store";
import { SIGNATURE_HEADER, signCall } from "../../lib/serving/shared/cluster-auth";
import type { Batching } from "../../lib/serving/shared/routing";
import { mergeFeeds, type Feeds } from "../../lib/serving/shared/tensors";
import { runLoad, type LoadResult } from "./load";

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const RAW_SECONDS = Number(process.env.BENCH_RAW_SECONDS ?? 2);
const INTRA_OP = Number(process.env.BENCH_INTRA_OP ?? 1);
const HERE = path.dirname(new URL(import.meta.url).pathname);
const CSV = process.env.BENCH_CSV ?? (existsSync(path.join(HERE, "german_credit.csv")) ? path.join(HERE, "german_credit.csv") : GERMAN_CREDIT_CSV);
const WORKER = process.env.BENCH_WORKER ?? path.join(HERE, "worker.mjs");
/** BENCH_PATH=host skips the HTTP worker and measures the in-process ModelHost only */
const HOST_ONLY = process.env.BENCH_PATH === "host";
const DEVICES = (process.env.BENCH_DEVICES ?? "cuda,webgpu,cpu").split(",").map((d) => d.trim()).filter(Boolean);
const MAX_MEMORY_MB = 16384; // a CUDA session process maps the CUDA libraries; the product default (2048) is for CPU models
const SECRET = randomBytes(32).toString("hex");
const WORKER_ID = "gpu-bench";
const BATCHING: Record<"on" | "off", Batching> = { on: { maxBatch: 64, maxQueueDelayMs: 0 }, off: { maxBatch: 1, maxQueueDelayMs: 0 } };

const work = mkdtempSync(path.join(os.tmpdir(), "sy-gpu-bench-"));
const store = new LocalArtifactStore(path.join(work, "artifacts"));
const started = performance.now();
const fmt = (x: number, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : "-");
const say = (s: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1).padStart(6)}s] ${s}`);
const firstLine = (err: unknown) => String((err as Error)?.message ?? err).split("\n")[0].slice(0, 300);

type BenchModel = { key: string; versionId: string; sha256: string; file: string; bytes: number; feeds: Feeds; oipBody: string };

async function storeModel(key: string, onnx: Uint8Array, feeds: Feeds): Promise<BenchModel> {
  const sha256 = createHash("sha256").update(onnx).digest("hex");
  const tmp = await store.tempPath();
  writeFileSync(tmp, onnx);
  await store.put(tmp, sha256);
  const oipBody = JSON.stringify({
    inputs: Object.entries(feeds).map(([name, t]) => ({ name, shape: t.shape, datatype: typeof t.data[0] === "number" ? "FP32" : "BYTES", data: t.data })),
  });
  return { key, versionId: `bench-${key}`, sha256, file: store.localPath(sha256), bytes: onnx.length, feeds, oipBody };
}

/** Dense ReLU layers with seeded He-scaled weights and a sigmoid head, so answers stay in (0, 1). */
function buildDense(sizes: number[], seed: number): Uint8Array {
  const rand = seededRandom(seed);
  const g = new GraphBuilder("dense_100mb");
  let h = g.input("x", DataType.FLOAT, ["N", sizes[0]]);
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
    const scale = Math.sqrt(2 / fanIn);
    const w = new Float32Array(fanIn * fanOut);
    for (let j = 0; j < w.length; j++) w[j] = (rand() * 2 - 1) * scale;
    const b = Float32Array.from({ length: fanOut }, () => (rand() * 2 - 1) * 0.01);
    h = g.node("Add", [g.node("MatMul", [h, g.floats(`w${i}`, [fanIn, fanOut], w)]), g.floats(`b${i}`, [fanOut], b)]);
    if (i + 2 < sizes.length) h = g.node("Relu", [h]);
  }
  g.node("Sigmoid", [h], [], undefined, "y");
  g.output("y", DataType.FLOAT, ["N", sizes.at(-1)!]);
  return g.toBytes({ docString: "seeded dense network for the GPU serving benchmark" });
}

async function buildModels(): Promise<BenchModel[]> {
  const t = trainClassifier({ name: "credit-mlp", data: loadGermanCredit(CSV), kind: "mlp" });
  const row = t.testRows[0];
  const mlp = await storeModel("mlp", t.onnx, Object.fromEntries(Object.entries(row).map(([k, x]) => [k, { shape: [1, 1], data: [x] }])));
  say(`mlp: German credit (${CSV}), test AUC ${t.metrics.auc}, ${mlp.bytes} bytes`);
  const sizes = [256, 4096, 4096, 1536, 16];
  const params = sizes.slice(1).reduce((n, out, i) => n + sizes[i] * out + out, 0);
  const rand = seededRandom(11);
  const x = Array.from({ length: sizes[0] }, () => Number((rand() * 2 - 1).toFixed(4)));
  const dense = await storeModel("dense100mb", buildDense(sizes, 5), { x: { shape: [1, sizes[0]], data: x } });
  say(`dense100mb: ${sizes.join("→")}, ${(params / 1e6).toFixed(1)}M float32 parameters, ${(dense.bytes / 1e6).toFixed(1)} MB`);
  return [mlp, dense];
}

/** session.run in this process: the provider's own speed, before any worker, IPC or HTTP. */
async function rawRuns(models: BenchModel[], label: string, providers: string[], reference: Map<string, Float32Array>) {
  for (const m of models) {
    let session: ort.InferenceSession;
    try {
      const t0 = performance.now();
      session = await ort.InferenceSession.create(m.file, { executionProviders: providers as ort.InferenceSession.ExecutionProviderConfig[], ...SESSION_OPTIONS, intraOpNumThreads: INTRA_OP });
      say(`raw ${label} ${m.key}: session created in ${fmt(performance.now() - t0, 0)} ms`);
    } catch (err) {
      say(`raw ${label} ${m.key}: session failed: ${firstLine(err)}`);
      continue;
    }
    const sig = { inputs: session.inputMetadata.map((x) => ({ name: x.name, type: (x as { type?: string }).type ?? "float32", shape: ["N", 1] })), outputs: [] };
    for (const batch of [1, 64]) {
      const feeds = toOrtFeeds(mergeFeeds(Array.from({ length: batch }, (_, i) => vary(m.feeds, i))), sig);
      try {
        const first = await session.run(feeds);
        if (batch === 64) compare(label, m.key, first, reference);
        for (let i = 0; i < 3; i++) await session.run(feeds);
        const lat: number[] = [];
        const until = performance.now() + RAW_SECONDS * 1000;
        const t0 = performance.now();
        while (performance.now() < until) {
          const s = performance.now();
          await session.run(feeds);
          lat.push(performance.now() - s);
        }
        const secs = (performance.now() - t0) / 1000;
        lat.sort((a, b) => a - b);
        console.log(`  raw | ${label} | ${m.key} | batch ${batch} | ${Math.round(lat.length / secs)} runs/s | ${Math.round((lat.length * batch) / secs)} rows/s | p50 ${fmt(lat[Math.floor(lat.length / 2)], 3)} ms | p99 ${fmt(lat[Math.floor(lat.length * 0.99)], 3)} ms`);
      } catch (err) {
        say(`raw ${label} ${m.key} batch ${batch}: run failed: ${firstLine(err)}`);
      }
    }
    await session.release();
  }
}

/** Distinct rows for a batch: numeric inputs shifted a little per row. */
function vary(feeds: Feeds, i: number): Feeds {
  return Object.fromEntries(Object.entries(feeds).map(([k, t]) => [k, { shape: t.shape, data: t.data.map((x) => (typeof x === "number" ? x + i * 0.01 : x)) }]));
}

function compare(label: string, key: string, out: ort.InferenceSession.OnnxValueMapType, reference: Map<string, Float32Array>) {
  for (const [name, v] of Object.entries(out)) {
    const t = v as ort.Tensor;
    if (t.type !== "float32") continue;
    const data = t.data as Float32Array;
    const ref = reference.get(`${key}/${name}`);
    if (!ref) { reference.set(`${key}/${name}`, Float32Array.from(data)); continue; }
    let worst = 0;
    for (let i = 0; i < data.length; i++) worst = Math.max(worst, Math.abs(data[i] - ref[i]));
    say(`raw ${label} ${key}: output "${name}" (batch 64) differs from the CPU provider's by at most ${worst.toExponential(2)}`);
  }
}

// ---- the worker, over HTTP ----

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, "127.0.0.1", () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
    s.on("error", reject);
  });
}

async function waitFor<T>(fn: () => Promise<T | null>, ms: number): Promise<T | null> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const v = await fn().catch(() => null);
    if (v) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  return null;
}

function pingRedis(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, "127.0.0.1");
    s.setTimeout(500, () => { s.destroy(); resolve(false); });
    s.on("connect", () => s.write("PING\r\n"));
    s.on("data", (d) => { s.destroy(); resolve(d.toString().startsWith("+PONG")); });
    s.on("error", () => resolve(false));
  });
}

function pipeLines(child: ChildProcess, prefix: string) {
  for (const stream of [child.stdout, child.stderr]) {
    let rest = "";
    stream?.on("data", (chunk: Buffer) => {
      const lines = (rest + chunk.toString()).split("\n");
      rest = lines.pop() ?? "";
      for (const l of lines) if (l.trim()) console.log(`  ${prefix} ${l.slice(0, 600)}`);
    });
  }
}

async function startRedis(): Promise<{ url: string; stop: () => void } | null> {
  const bin = process.env.BENCH_REDIS || "redis-server";
  const port = await freePort();
  const libs = process.env.BENCH_REDIS_LIBS;
  const env = { ...process.env, ...(libs ? { LD_LIBRARY_PATH: [libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(":") } : {}) };
  let child: ChildProcess;
  try {
    child = spawn(bin, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", work], { env, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    say(`redis-server (${bin}) could not start: ${firstLine(err)}`);
    return null;
  }
  let failed = "";
  child.on("error", (err) => { failed = err.message; });
  child.stderr?.on("data", (d: Buffer) => { failed += d.toString(); });
  const up = await waitFor(async () => (failed ? null : pingRedis(port).then((ok) => ok || null)), 10_000);
  if (!up) {
    say(`redis-server (${bin}) did not answer: ${failed.trim().slice(0, 300) || "no reply in 10 s"}`);
    child.kill("SIGKILL");
    return null;
  }
  say(`redis-server (${bin}) on port ${port}`);
  return { url: `redis://127.0.0.1:${port}`, stop: () => child.kill("SIGKILL") };
}

type Row = { path: string; device: string; model: string; batching: string; c: number; r: LoadResult; meanBatch: number };
const rows: Row[] = [];

function printRow(r: Row) {
  console.log(`  ${r.path} | ${r.device} | ${r.model} | batching ${r.batching} | c=${r.c} | ${Math.round(r.r.rps)} req/s | ${Math.round(r.r.rps)} rows/s | p50 ${fmt(r.r.p50, 3)} ms | p99 ${fmt(r.r.p99, 3)} ms | rows/batch ${fmt(r.meanBatch, 1)} | errors ${r.r.errors}`);
}

/** The worker's own batch histogram: mean rows per session.run for a version. */
async function batchTotals(port: number, versionId: string): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const get = (suffix: string) => Number(new RegExp(`^switchyard_inference_batch_rows_${suffix}\\{version="${versionId}"\\} (\\S+)$`, "m").exec(text)?.[1] ?? 0);
  return { sum: get("sum"), count: get("count") };
}

async function workerBench(requested: string, models: BenchModel[], redisUrl: string): Promise<boolean> {
  const port = await freePort();
  const child = spawn(process.execPath, [WORKER], {
    env: {
      ...process.env, NODE_ENV: "production", LOG_LEVEL: "warn", REDIS_URL: redisUrl, CLUSTER_SECRET: SECRET, ARTIFACT_DIR: path.join(work, "artifacts"),
      INFERENCE_PORT: String(port), INFERENCE_WORKER_ID: WORKER_ID, INFERENCE_DEVICE: requested, INFERENCE_GPU_FALLBACK: "cpu",
      INFERENCE_INTRA_OP_THREADS: String(INTRA_OP), INFERENCE_SESSION_MAX_MEMORY_MB: String(MAX_MEMORY_MB),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  pipeLines(child, `[worker ${requested}]`);
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  try {
    const health = await waitFor(async () => {
      const r = await fetch(`http://127.0.0.1:${port}/healthz`);
      return r.ok ? ((await r.json()) as { device: string; fallbackReason: string | null }) : null;
    }, 90_000);
    if (!health) { say(`worker (${requested}) did not come up within 90 s`); return false; }
    say(`worker asked for ${requested}: runs on ${health.device}${health.fallbackReason ? ` — ${health.fallbackReason}` : ""}`);
    const signed = (urlPath: string, body: string) => ({ [SIGNATURE_HEADER]: signCall(SECRET, { method: "POST", path: urlPath, workerId: WORKER_ID, body }) });
    for (const mode of ["on", "off"] as const) {
      for (const m of models) {
        const body = JSON.stringify({ versionId: m.versionId, sha256: m.sha256, batching: BATCHING[mode] });
        const t0 = performance.now();
        const r = await fetch(`http://127.0.0.1:${port}/admin/load`, { method: "POST", headers: { "content-type": "application/json", ...signed("/admin/load", body) }, body });
        if (!r.ok) { say(`load ${m.key} on ${requested} worker failed: ${r.status} ${(await r.text()).slice(0, 300)}`); return false; }
        if (mode === "on") say(`loaded ${m.key} in ${fmt(performance.now() - t0, 0)} ms`);
      }
      if (mode === "on") {
        const info = (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as { loaded: { versionId: string; batched: boolean; unbatchedReason: string | null }[] };
        for (const l of info.loaded) say(`  ${l.versionId}: ${l.batched ? "rows independent, batched" : `not batched: ${l.unbatchedReason}`}`);
      }
      for (const m of models) {
        const urlPath = `/v2/models/${m.versionId}/infer`;
        for (const c of [1, 64]) {
          await runLoad({ port, path: urlPath, body: m.oipBody, concurrency: c, seconds: 1, headers: signed(urlPath, m.oipBody) });
          const before = await batchTotals(port, m.versionId);
          const r = await runLoad({ port, path: urlPath, body: m.oipBody, concurrency: c, seconds: SECONDS, headers: signed(urlPath, m.oipBody) });
          const after = await batchTotals(port, m.versionId);
          const row: Row = { path: "worker http", device: health.device, model: m.key, batching: mode, c, r, meanBatch: (after.sum - before.sum) / Math.max(1, after.count - before.count) };
          rows.push(row);
          printRow(row);
        }
      }
    }
    return true;
  } catch (err) {
    say(`worker bench (${requested}) failed: ${firstLine(err)}`);
    return false;
  } finally {
    child.kill("SIGTERM");
    const t = setTimeout(() => child.kill("SIGKILL"), 3000);
    await exited;
    clearTimeout(t);
  }
}

/** Without Redis or the worker bundle: the worker's ModelHost (session processes, Batcher) in this process. */
async function hostBench(choice: DeviceChoice, models: BenchModel[]) {
  let batches = { rows: 0, count: 0 };
  const host = new ModelHost(store, choice.providers, {
    maxQueuedRows: 4096, intraOpThreads: INTRA_OP, batchTimeoutMs: 5000, loadTimeoutMs: 60_000, maxMemoryMb: MAX_MEMORY_MB,
    observe: () => (n) => { batches.rows += n; batches.count++; },
  });
  try {
    for (const mode of ["on", "off"] as const) {
      for (const m of models) await host.load(m.versionId, m.sha256, BATCHING[mode]);
      for (const m of models) {
        for (const c of [1, 64]) {
          const drive = async (seconds: number): Promise<LoadResult> => {
            const lat: number[] = [];
            let errors = 0;
            const until = performance.now() + seconds * 1000;
            const t0 = performance.now();
            await Promise.all(Array.from({ length: c }, async () => {
              while (performance.now() < until) {
                const s = performance.now();
                await host.infer(m.versionId, m.feeds).then(() => lat.push(performance.now() - s), () => errors++);
              }
            }));
            const secs = (performance.now() - t0) / 1000;
            lat.sort((a, b) => a - b);
            return { requests: lat.length, errors, seconds: secs, rps: lat.length / secs, p50: lat[Math.floor(lat.length / 2)] ?? NaN, p99: lat[Math.floor(lat.length * 0.99)] ?? NaN };
          };
          await drive(1);
          batches = { rows: 0, count: 0 };
          const r = await drive(SECONDS);
          const row: Row = { path: "in-process ModelHost", device: choice.device, model: m.key, batching: mode, c, r, meanBatch: batches.rows / Math.max(1, batches.count) };
          rows.push(row);
          printRow(row);
        }
      }
    }
  } catch (err) {
    say(`ModelHost bench (${choice.device}) failed: ${firstLine(err)}`);
  } finally {
    host.close();
  }
}

async function main() {
  say(`onnxruntime-node ${ort.env.versions.node}, node ${process.version}, ${os.cpus().length} CPUs, BENCH_SECONDS=${SECONDS}, intra-op threads ${INTRA_OP}`);
  say(`LD_LIBRARY_PATH=${process.env.LD_LIBRARY_PATH ?? ""}`);
  const choices = new Map<string, DeviceChoice>();
  for (const d of DEVICES.filter((x) => x !== "cpu")) {
    const t0 = performance.now();
    const c = await chooseDevice(d, "cpu").catch((err: Error): DeviceChoice => ({ device: "cpu", providers: ["cpu"], fallbackReason: firstLine(err) }));
    if (c.fallbackReason) say(`${d.toUpperCase()} provider not available: ${c.fallbackReason}`);
    else { say(`${d} provider loads and runs (a session with only ['${d}'] answered in ${fmt(performance.now() - t0, 0)} ms)`); choices.set(d, c); }
  }
  if (DEVICES.includes("cpu")) choices.set("cpu", { device: "cpu", providers: ["cpu"], fallbackReason: null });

  const models = await buildModels();
  const reference = new Map<string, Float32Array>();
  if (choices.has("cpu")) await rawRuns(models, "cpu", ["cpu"], reference);
  for (const [d, c] of choices) if (d !== "cpu") await rawRuns(models, d, c.providers, reference);

  const redis = HOST_ONLY ? null : existsSync(WORKER) ? await startRedis() : (say(`no worker bundle at ${WORKER}`), null);
  const order = [...choices.keys()].sort((a, b) => Number(a === "cpu") - Number(b === "cpu")); // GPUs first
  for (const d of order) {
    const ok = redis ? await workerBench(d, models, redis.url) : false;
    if (!ok) {
      say(HOST_ONLY ? `${d}: BENCH_PATH=host: the worker's ModelHost in this process` : `${d}: the HTTP worker could not be used; measuring the worker's ModelHost in this process instead`);
      await hostBench(choices.get(d)!, models);
    }
  }
  redis?.stop();

  console.log("\nSummary (one row per request; rows/batch = mean rows per session.run, from the worker's histogram)");
  console.log("path | device | model | batching | c | req/s | rows/s | p50 ms | p99 ms | rows/batch | errors");
  for (const r of rows) printRow(r);
  if (!choices.has("cuda") && DEVICES.includes("cuda")) console.log("NOTE: no CUDA execution provider ran; see 'CUDA provider not available' above.");
  say("done");
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
