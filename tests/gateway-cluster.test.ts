// The gateway on several cores (GATEWAY_PROCESSES=2, node:cluster): real processes, real Redis and
// Postgres. Both processes serve, /metrics describes the whole gateway whichever process answers the
// scrape, a killed process is replaced while the other keeps serving, and stopping the primary loses
// no prediction record, even one still waiting in a process's buffer for Redis.
import http from "node:http";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";
import { startCluster, waitFor, type Cluster } from "./helpers/serving-cluster";
import { parseExposition } from "./helpers/prometheus";
import { loggedRecords } from "./helpers/logged";

const db = getDb();
const METRICS_TOKEN = `gateway-metrics-${randomUUID()}`;
let cluster: Cluster;
let w: World;
let endpoint: string;

const rows = () => trained().testRows;

/** One request on a connection of its own, so the primary hands each to the next process. */
function fresh(method: string, path: string, opts: { body?: unknown; headers?: Record<string, string> } = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${cluster.gatewayUrl}${path}`, { method, agent: false, headers: { "content-type": "application/json", ...opts.headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString() }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.setTimeout(10_000, () => req.destroy(new Error(`no answer to ${method} ${path} in 10 s`)));
    req.end(opts.body === undefined ? undefined : JSON.stringify(opts.body));
  });
}

/** answers received and those that were 200, since the last reset */
const tally = { answered: 0, ok: 0 };
const predict = async (i: number, requestId?: string) => {
  // status 0: the connection broke (one handed to a process as it was killed)
  const a = await fresh("POST", `/v1/endpoints/${endpoint}/predict`, { body: { instances: [rows()[i % rows().length]] }, headers: requestId ? { "x-request-id": requestId } : {} }).catch((err: Error) => ({ status: 0, text: err.message }));
  tally.answered++;
  if (a.status === 200) tally.ok++;
  return a;
};

async function inParallel<T>(n: number, concurrency: number, fn: (i: number) => Promise<T>): Promise<T[]> {
  const out = new Array<T>(n);
  let next = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => { while (next < n) { const i = next++; out[i] = await fn(i); } }));
  return out;
}

/** The pids of the processes that answer /healthz over a dozen fresh connections. */
async function servingPids(): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < 12; i++) {
    const h = JSON.parse((await fresh("GET", "/healthz")).text) as { live: boolean; processes: number; pid: number };
    expect(h).toMatchObject({ live: true, processes: 2 });
    pids.add(h.pid);
  }
  return pids;
}

/** This endpoint's routed requests and latency observations, summed over the scrape's series. */
async function scrapedTotals() {
  const r = await fresh("GET", "/metrics", { headers: { authorization: `Bearer ${METRICS_TOKEN}` } });
  expect(r.status, r.text).toBe(200);
  const families = parseExposition(r.text);
  const sum = (family: string, sample: string) => (families.get(family)?.samples ?? []).filter((s) => s.name === sample && s.labels.endpoint === endpoint).reduce((a, s) => a + s.value, 0);
  return {
    requests: sum("switchyard_gateway_requests_total", "switchyard_gateway_requests_total"),
    observed: sum("switchyard_gateway_request_duration_seconds", "switchyard_gateway_request_duration_seconds_count"),
    // every process sees the same heartbeats: the whole gateway sees one worker, not one per process
    workers: families.get("switchyard_gateway_inference_workers")?.samples[0]?.value,
  };
}

/** records of requests whose id starts with `prefix` (earlier tests' records may still be on their way) */
const loggedIds = async (prefix: string) => (await loggedRecords(db, { name: endpoint })).map((r) => r.requestId).filter((id) => id.startsWith(prefix));
const loggedCount = async (prefix: string) => (await loggedIds(prefix)).length;

beforeAll(async () => {
  cluster = await startCluster({ workers: 1, gatewayEnv: { GATEWAY_PROCESSES: "2", GATEWAY_METRICS_TOKEN: METRICS_TOKEN } });
  process.env.REDIS_URL = cluster.redis.url;
  const models = await import("@/app/api/v1/models/route");
  const versions = await import("@/app/api/v1/models/[model]/versions/route");
  const endpoints = await import("@/app/api/v1/endpoints/route");
  const traffic = await import("@/app/api/v1/endpoints/[endpoint]/traffic/route");
  w = await makeWorld("gwc");
  expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } })).status).toBe(201);
  const pushed = await call(versions.POST, "POST", "/api/v1/models/credit/versions", { token: w.tokens.write, rawBody: multipart(trained("logistic_regression").onnx, { metrics: {} }), params: { model: "credit" } });
  expect(pushed.status, JSON.stringify(pushed.json)).toBe(201);
  endpoint = `multicore-${randomUUID().slice(0, 8)}`;
  expect((await call(endpoints.POST, "POST", "/api/v1/endpoints", { token: w.tokens.deploy, body: { name: endpoint } })).status).toBe(201);
  const r = await call(traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { token: w.tokens.deploy, body: { model: "credit", variants: [{ version: pushed.json.number, weight: 100 }] }, params: { endpoint } });
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  const d = await waitFor("the deployment", async () => {
    const x = await db.deployment.findUnique({ where: { id: r.json.id } });
    return x && ["succeeded", "failed", "rolled_back"].includes(x.status) ? x : null;
  }, 60_000, 200).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
  expect(d.status, d.error ?? "").toBe("succeeded");
  // each process reloads its routing table on its own: wait until both serve the endpoint
  await waitFor("both processes route the endpoint", async () => (await Promise.all([predict(0), predict(1), predict(2), predict(3)])).every((a) => a.status === 200), 30_000, 200);
}, 180_000);

afterAll(async () => {
  await cluster?.stop();
});

describe("gateway on several cores", () => {
  it("serves from both processes, and /metrics totals every process's requests whichever process answers it", async () => {
    expect((await servingPids()).size).toBe(2);
    const before = await scrapedTotals();
    const answers = await inParallel(60, 6, predict);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.text)).toEqual([]);
    // several scrapes, each on its own connection: both processes answer one, with the same totals
    for (let i = 0; i < 4; i++) {
      const now = await scrapedTotals();
      expect(now.requests - before.requests).toBe(60);
      expect(now.observed - before.observed).toBe(60);
      expect(now.workers).toBe(1);
    }
    // the token still guards the aggregated text
    expect((await fresh("GET", "/metrics")).status).toBe(401);
  }, 60_000);

  it("replaces a process killed with SIGKILL while the other keeps serving, and its totals stay in /metrics", async () => {
    const pids = await servingPids();
    const victim = [...pids][0];
    const before = await scrapedTotals();
    Object.assign(tally, { answered: 0, ok: 0 });
    process.kill(victim, "SIGKILL");
    // the survivor serves at once (a connection handed to the dying process may fail: not counted)
    const meanwhile = await inParallel(20, 2, predict);
    expect(meanwhile.filter((a) => a.status === 200).length).toBeGreaterThan(0);
    const replaced = await waitFor("a new process in place of the killed one", async () => {
      const now = await servingPids();
      return now.size === 2 && !now.has(victim) ? now : null;
    }, 60_000, 500).catch((err) => { throw new Error(`${err.message}\n${cluster.logs()}`); });
    expect([...replaced].filter((p) => pids.has(p))).toHaveLength(1);
    await waitFor("the new process routes the endpoint", async () => (await Promise.all([predict(0), predict(1)])).every((a) => a.status === 200), 30_000, 200);
    const answers = await inParallel(40, 4, predict);
    expect(answers.filter((a) => a.status !== 200).map((a) => a.text)).toEqual([]);
    // the killed process's counts (as of the last scrape) stay in the totals: they never go down, and
    // grow by what was answered since (had they been dropped, by about half the earlier total less)
    const after = await scrapedTotals();
    expect(after.requests - before.requests).toBeGreaterThanOrEqual(tally.ok);
    expect(after.requests - before.requests).toBeLessThanOrEqual(tally.answered);
    expect(cluster.logs()).toContain("gateway process died; starting another");
  }, 120_000);

  it("logs every request of a client that reuses one request id, even several in one millisecond on both processes", async () => {
    const id = `same-${randomUUID().slice(0, 8)}`;
    const answers = await inParallel(60, 12, (i) => predict(i, id));
    expect(answers.filter((a) => a.status !== 200).map((a) => a.text)).toEqual([]);
    await waitFor("every record ingested", async () => (await loggedCount(id)) >= 60, 30_000, 200);
    await new Promise((r) => setTimeout(r, 1_000)); // any duplicate would arrive by now
    expect(await loggedCount(id)).toBe(60);
  }, 60_000);

  it("stops on SIGTERM to the primary only once every process has flushed its prediction log: no record lost", async () => {
    const primary = cluster.procs.gateway!;
    const prefix = `flush-${randomUUID().slice(0, 8)}-`;
    // Redis stops answering: what is served meanwhile waits in the processes' buffers
    cluster.redis.pause();
    let answers: Awaited<ReturnType<typeof predict>>[];
    try {
      answers = await inParallel(100, 4, (i) => predict(i, `${prefix}${i}`));
    } catch (err) {
      cluster.redis.resume();
      throw err;
    }
    expect(answers.filter((a) => a.status !== 200).map((a) => a.text)).toEqual([]);
    const buffered = (await Promise.all([fresh("GET", "/healthz"), fresh("GET", "/healthz")])).map((h) => (JSON.parse(h.text) as { predictionBuffer: number }).predictionBuffer);
    expect(Math.max(...buffered)).toBeGreaterThan(0);
    primary.child.kill("SIGTERM");
    // the processes wait for Redis rather than exit with records in memory
    await new Promise((r) => setTimeout(r, 1_500));
    expect(primary.child.exitCode).toBeNull();
    cluster.redis.resume();
    expect(await primary.exited).toBe(0);
    expect(primary.output.join("")).not.toContain("records lost");
    await waitFor("every record ingested", async () => (await loggedCount(prefix)) >= 100, 60_000, 500);
    await new Promise((r) => setTimeout(r, 1_000)); // any duplicate would arrive by now
    expect(await loggedCount(prefix)).toBe(100);
    expect(new Set(await loggedIds(prefix)).size).toBe(100);
  }, 120_000);
});
