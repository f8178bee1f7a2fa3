// The CLI as people get it: the one-file bundle the web app serves, copied to a directory outside the
// repository (no node_modules anywhere up the tree) and run with plain `node`, against a real HTTP
// server in front of the real route handlers; and `npm run cli -- admin …` in the repository.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import { getServices } from "@/lib/services";
import { closeDeploymentsQueue } from "@/lib/jobs/enqueue-deployment";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as versionReference from "@/app/api/v1/models/[model]/versions/[n]/reference/route";
import * as alias from "@/app/api/v1/models/[model]/aliases/[alias]/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as traffic from "@/app/api/v1/endpoints/[endpoint]/traffic/route";
import * as deployment from "@/app/api/v1/deployments/[id]/route";
import * as endpointKeys from "@/app/api/v1/endpoints/[endpoint]/keys/route";
import * as endpointKey from "@/app/api/v1/endpoints/[endpoint]/keys/[id]/route";
import * as endpointSettings from "@/app/api/v1/endpoints/[endpoint]/settings/route";
import * as feedbackRoute from "@/app/api/v1/endpoints/[endpoint]/feedback/route";
import * as driftReports from "@/app/api/v1/endpoints/[endpoint]/drift-reports/route";
import * as driftReportRoute from "@/app/api/v1/drift-reports/[id]/route";
import { runDriftReport } from "@/lib/monitoring/drift/run-drift-report";
import { ensurePartitions } from "@/lib/serving/data/prediction-log/partitions";
import { writePredictionBatch } from "@/lib/serving/data/prediction-log/write-batch";
import * as promotions from "@/app/api/v1/promotions/route";
import * as promotionRoute from "@/app/api/v1/promotions/[id]/route";
import * as approve from "@/app/api/v1/promotions/[id]/approve/route";
import * as reject from "@/app/api/v1/promotions/[id]/reject/route";
import { followDeployment } from "@/lib/governance/follow-deployment";
import { call } from "./helpers/call";
import { buildCli } from "../scripts/build-cli";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";
import { freePort, startRedis } from "./helpers/processes";
import { ADMIN_URL, testDatabaseUrl } from "./setup/urls";

const ROOT = path.resolve(import.meta.dirname, "..");
const db = getDb();

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Module = Partial<Record<string, Handler>>;
// The routes the CLI uses, as Next.js would route them.
const ROUTES: [RegExp, string[], Module][] = [
  [/^\/api\/v1\/models$/, [], models],
  [/^\/api\/v1\/models\/([^/]+)\/versions$/, ["model"], versions],
  [/^\/api\/v1\/models\/([^/]+)\/versions\/([^/]+)\/reference$/, ["model", "n"], versionReference],
  [/^\/api\/v1\/models\/([^/]+)\/aliases\/([^/]+)$/, ["model", "alias"], alias],
  [/^\/api\/v1\/endpoints$/, [], endpoints],
  [/^\/api\/v1\/endpoints\/([^/]+)\/traffic$/, ["endpoint"], traffic],
  [/^\/api\/v1\/deployments\/([^/]+)$/, ["id"], deployment],
  [/^\/api\/v1\/endpoints\/([^/]+)\/keys$/, ["endpoint"], endpointKeys],
  [/^\/api\/v1\/endpoints\/([^/]+)\/keys\/([^/]+)$/, ["endpoint", "id"], endpointKey],
  [/^\/api\/v1\/endpoints\/([^/]+)\/settings$/, ["endpoint"], endpointSettings],
  [/^\/api\/v1\/endpoints\/([^/]+)\/feedback$/, ["endpoint"], feedbackRoute],
  [/^\/api\/v1\/endpoints\/([^/]+)\/drift-reports$/, ["endpoint"], driftReports],
  [/^\/api\/v1\/drift-reports\/([^/]+)$/, ["id"], driftReportRoute],
  [/^\/api\/v1\/promotions$/, [], promotions],
  [/^\/api\/v1\/promotions\/([^/]+)$/, ["id"], promotionRoute],
];

/** A node:http server that hands each request to the real route handler, with a real Request. */
async function startApi(): Promise<{ url: string; requests: string[]; close: () => Promise<void> }> {
  const requests: string[] = [];
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    requests.push(`${req.method} ${url.pathname}`);
    for (const [re, names, mod] of ROUTES) {
      const m = re.exec(url.pathname);
      const handler = m && mod[req.method ?? "GET"];
      if (!m || !handler) continue;
      const params = Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1])]));
      const hasBody = req.method !== "GET" && req.method !== "HEAD";
      const request = new Request(url, {
        method: req.method,
        headers: Object.entries(req.headers).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)] as [string, string]])),
        body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
        duplex: "half",
      } as RequestInit);
      const response = await handler(request, { params: Promise.resolve(params) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "not_found", message: `no route ${url.pathname}` } }));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let dir: string; // outside the repository, with nothing installed
let api: Awaited<ReturnType<typeof startApi>>;
let redis: Awaited<ReturnType<typeof startRedis>>;
let w: World;

/**
 * `node switchyard.mjs …` in `dir`, with only what a CI job would have in its environment. Not spawnSync:
 * the API server answering it runs in this process.
 */
function start(args: string[], env: Record<string, string> = {}) {
  const ciEnv: NodeJS.ProcessEnv = { NODE_ENV: process.env.NODE_ENV, PATH: process.env.PATH, HOME: dir, ...env };
  const child = spawn(process.execPath, ["switchyard.mjs", ...args], { cwd: dir, env: ciEnv, timeout: 30_000 });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (b) => (stdout += b));
  child.stderr.on("data", (b) => (stderr += b));
  const exited = new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
  return { output: () => stdout, done: async () => ({ code: await exited, stdout, stderr }) };
}
const bundled = (args: string[], env: Record<string, string> = {}) => start(args, env).done();

/** `npm run cli -- …` in the repository. */
function repoCli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync("npm", ["run", "--silent", "cli", "--", ...args], { cwd: ROOT, encoding: "utf8", env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "switchyard-cli-"));
  // The bundle, built the way `npm run build` builds it, then copied where nothing else is.
  const built = buildCli(path.join(mkdtempSync(path.join(os.tmpdir(), "switchyard-cli-build-")), "switchyard.mjs"));
  writeFileSync(path.join(dir, "switchyard.mjs"), readFileSync(built.outfile));
  rmSync(path.dirname(built.outfile), { recursive: true, force: true });
  // A private Redis for the deployments queue (no job worker consumes it: the test plays that part).
  redis = await startRedis();
  process.env.REDIS_URL = redis.url;
  api = await startApi();
  w = await makeWorld("cli");
});

afterAll(async () => {
  await api?.close();
  await closeDeploymentsQueue();
  getServices().redis.disconnect();
  await redis?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("the bundled CLI, outside the repository", () => {
  it("is one ES module with a shebang that imports nothing but Node's own modules", () => {
    const code = readFileSync(path.join(dir, "switchyard.mjs"), "utf8");
    expect(code.startsWith("#!/usr/bin/env node\n")).toBe(true);
    const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((m) => m[1]);
    expect(imports.length).toBeGreaterThan(0);
    expect(imports.filter((s) => !s.startsWith("node:"))).toEqual([]);
    expect(code).not.toMatch(/\brequire\(|@prisma|PrismaClient|onnxruntime/);
    expect(path.relative(ROOT, dir).startsWith("..")).toBe(true);
    for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) expect(existsSync(path.join(d, "node_modules")), d).toBe(false);
  });

  it("prints its usage with --help and exits 0", async () => {
    const r = await bundled(["--help"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("usage: node switchyard.mjs <command>");
    expect(r.stdout).toContain("traffic set <endpoint>");
    expect(r.stdout).not.toContain("admin create-token");
  });

  it("exits 2 with a usage message on bad usage, before it needs a token", async () => {
    const cases: [string[], string][] = [
      [[], "usage: node switchyard.mjs"],
      [["frobnicate", "all"], "unknown command: frobnicate all"],
      [["models", "create"], "usage: models create <name>"],
      [["models", "list", "--colour", "red"], "Unknown option '--colour'"],
      [["versions", "push", "model.onnx"], "usage: versions push"],
      [["versions", "reference", "credit", "1"], "usage: versions reference <model> <version> <data.csv|data.jsonl>"],
      [["alias", "set", "credit", "champion", "three"], '<version>: expected a whole number >= 1, got "three"'],
      [["endpoints", "create", "fraud", "--environment", "prod"], '--environment: use one of staging, production, got "prod"'],
      [["traffic", "set", "fraud", "--variant", "1=ninety"], "--variant 1=ninety: use [model@]version=weight"],
      [["traffic", "set", "fraud", "--variant", "1=100", "--strategy", "canary", "--steps", "10,fifty"], '--steps: expected a whole number from 1 to 99, got "fifty"'],
      [["deployments", "wait", "d1", "--timeout-seconds", "soon"], '--timeout-seconds: expected a whole number >= 1, got "soon"'],
    ];
    for (const [args, message] of cases) {
      const r = await bundled(args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr, args.join(" ")).toContain(message);
      expect(r.stdout, args.join(" ")).toBe("");
    }
  });

  it("refuses --expires-days 0 with exit 2, and says admin commands are repo-only", async () => {
    const zero = await bundled(["admin", "create-token", "--team", "demo", "--name", "ci", "--expires-days", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("only inside the Switchyard repository");
    expect(zero.stderr).toContain("npm run cli -- admin create-token");
    expect(zero.stderr).not.toMatch(/\n\s+at /);
    const plain = await bundled(["admin", "add-member", "--team", "demo", "--email", "a@example.test"]);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toContain("API tokens page");
  });

  it("says SWITCHYARD_TOKEN is missing (exit 2) and that the API is unreachable (exit 1)", async () => {
    const noToken = await bundled(["models", "list"], { SWITCHYARD_URL: api.url });
    expect(noToken.code).toBe(2);
    expect(noToken.stderr).toContain("SWITCHYARD_TOKEN is not set");
    const down = await bundled(["models", "list"], { SWITCHYARD_URL: "http://127.0.0.1:9", SWITCHYARD_TOKEN: w.tokens.read });
    expect(down.code).toBe(1);
    expect(down.stderr).toContain("cannot reach http://127.0.0.1:9");
  });

  it("creates, lists, pushes and aliases over the REST API", async () => {
    const env = { SWITCHYARD_URL: `${api.url}/`, SWITCHYARD_TOKEN: w.tokens.write };
    const created = await bundled(["models", "create", "credit", "--description", "from the bundled CLI"], env);
    expect(created).toMatchObject({ code: 0, stderr: "" });
    expect(created.stdout.trim()).toBe("created model credit");
    expect((await db.model.findFirst({ where: { teamId: w.teamId, name: "credit" } }))?.description).toBe("from the bundled CLI");

    const dup = await bundled(["models", "create", "credit"], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toMatch(/^error: .*\(HTTP 409, conflict\)/);

    const t = trained();
    writeFileSync(path.join(dir, "model.onnx"), t.onnx);
    writeFileSync(path.join(dir, "metrics.json"), JSON.stringify({ auc: 0.75 }));
    const pushed = await bundled(["versions", "push", "model.onnx", "--model", "credit", "--metrics", "metrics.json", "--tags", "ci,nightly", "--json"], env);
    expect(pushed.stderr).toBe("");
    expect(pushed.code).toBe(0);
    expect(JSON.parse(pushed.stdout)).toMatchObject({ number: 1, sha256: expect.stringMatching(/^[0-9a-f]{64}$/), reference: null });

    // reference data for drift reports: the German credit CSV (its label column is not an input: ignored)
    writeFileSync(path.join(dir, "reference.csv"), readFileSync(path.join(ROOT, "fixtures/german_credit.csv")));
    const withReference = await bundled(["versions", "push", "model.onnx", "--model", "credit", "--reference", "reference.csv"], env);
    expect(withReference).toMatchObject({ code: 0, stderr: "" });
    expect(withReference.stdout).toMatch(/^pushed credit v2 \(sha256 [0-9a-f]{12}\), reference data: 1000 rows\n$/);
    const stored = await db.modelVersion.findFirstOrThrow({ where: { model: { teamId: w.teamId, name: "credit" }, number: 2 } });
    expect(stored).toMatchObject({ referenceRows: 1000, referenceSampledFrom: 1000, referenceSha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const lines = readFileSync(path.join(ROOT, "fixtures/german_credit.csv"), "utf8").split("\n");
    writeFileSync(path.join(dir, "bad.csv"), [lines[0], lines[1], lines[2].replace(/^\d+,/, "long,")].join("\n"));
    const refused = await bundled(["versions", "push", "model.onnx", "--model", "credit", "--reference", "bad.csv"], env);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('reference row 2: column "duration" must be a number, not "long"');
    expect(refused.stderr).toContain("HTTP 400");
    const missing = await bundled(["versions", "push", "model.onnx", "--model", "credit", "--reference", "nope.csv"], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--reference: cannot read nope.csv");
    writeFileSync(path.join(dir, "later.jsonl"), lines.slice(1, 11).map((l) => JSON.stringify(Object.fromEntries(l.split(",").map((v, i) => [lines[0].split(",")[i], /^\d+$/.test(v) ? Number(v) : v])))).join("\n"));
    const later = await bundled(["versions", "reference", "credit", "v1", "later.jsonl"], env);
    expect(later).toMatchObject({ code: 0, stderr: "", stdout: "credit v1: reference data: 10 rows\n" });

    expect(await bundled(["alias", "set", "credit", "challenger", "1"], env)).toMatchObject({ code: 0, stdout: "credit@challenger -> v1\n" });

    const readOnly = { ...env, SWITCHYARD_TOKEN: w.tokens.read };
    const listed = await bundled(["models", "list"], readOnly);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe("credit\tlatest v2\tchallenger=v1\n");
    const json = await bundled(["models", "list", "--json"], readOnly);
    expect(JSON.parse(json.stdout)).toEqual([expect.objectContaining({ name: "credit", latestVersion: 2 })]);

    const versionsListed = await bundled(["versions", "list", "credit", "--metric", "auc>0.7", "--tag", "nightly", "--sort=-metrics.auc"], readOnly);
    expect(versionsListed).toMatchObject({ code: 0, stderr: "" });
    expect(versionsListed.stdout).toMatch(/^v1\tauc=0\.75\tchallenger\t/);
    expect((await bundled(["versions", "list", "credit", "--metric", "auc>0.8"], readOnly)).stdout).toBe("");
    const badFilter = await bundled(["versions", "list", "credit", "--metric", "auc >> 1"], readOnly);
    expect(badFilter.code).toBe(1);
    expect(badFilter.stderr).toContain("is not a metric filter");

    const forbidden = await bundled(["models", "create", "other"], readOnly);
    expect(forbidden.code).toBe(1);
    expect(forbidden.stderr).toContain("HTTP 403");
    expect(api.requests).toContain("POST /api/v1/models/credit/versions");
  });

  it("traffic set --wait ends with the deployment's final status line, and exits 1 when it was rolled back", async () => {
    const env = { SWITCHYARD_URL: api.url, SWITCHYARD_TOKEN: w.tokens.all };
    expect(await bundled(["endpoints", "create", "fraud", "--sticky-header", "x-user-id"], env)).toMatchObject({ code: 0, stdout: "created staging endpoint fraud\n" });

    // The job worker's part, played here: finish the deployment the CLI is waiting on.
    const finish = async (run: ReturnType<typeof start>, data: { status: "succeeded" | "rolled_back"; rollbackReason?: string }) => {
      const id = (await until("the deployment id", () => /deployment (\S+) \(immediate\) queued/.exec(run.output())))[1];
      await until("the first poll", () => run.output().includes("pending: step 1/"));
      await db.deployment.update({ where: { id }, data: { ...data, finishedAt: new Date() } });
      return { id, ...(await run.done()) };
    };

    const ok = await finish(start(["traffic", "set", "fraud", "--model", "credit", "--variant", "1=100", "--wait"], env), { status: "succeeded" });
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    expect(ok.stdout.trimEnd().split("\n").at(-1)).toBe(`deployment ${ok.id}: succeeded`);

    const back = await finish(start(["traffic", "set", "fraud", "--model", "credit", "--variant", "1=100", "--reason", "again", "--wait"], env), { status: "rolled_back", rollbackReason: "p95 latency 900ms > 500ms" });
    expect(back.code).toBe(1);
    expect(back.stdout.trimEnd().split("\n").at(-1)).toBe(`deployment ${back.id}: rolled_back: p95 latency 900ms > 500ms`);
    expect(back.stderr).toContain("p95 latency 900ms > 500ms");

    const waited = await bundled(["deployments", "wait", back.id], { ...env, SWITCHYARD_TOKEN: w.tokens.read });
    expect(waited.code).toBe(1);
    expect(waited.stdout.trimEnd().split("\n").at(-1)).toBe(`deployment ${back.id}: rolled_back: p95 latency 900ms > 500ms`);
  });
});

describe("promote from the bundled CLI", () => {
  it("requests a promotion and, with --wait, exits 0 once it is deployed and 1 when it is rejected", async () => {
    const env = { SWITCHYARD_URL: api.url, SWITCHYARD_TOKEN: w.tokens.all };
    const made = await call(endpoints.POST, "POST", "/api/v1/endpoints", { cookie: w.people.admin.cookie, body: { name: "prod-cli", environment: "production" } });
    expect(made.status, JSON.stringify(made.json)).toBe(201);
    const decide = (verb: "approve" | "reject", id: string) =>
      call((verb === "approve" ? approve : reject).POST, "POST", `/api/v1/promotions/${id}/${verb}`, { cookie: w.people.approver.cookie, body: { comment: verb }, params: { id } });

    const run = start(["promote", "credit", "1", "--endpoint", "prod-cli", "--strategy", "immediate", "--reason", "from CI", "--wait"], env);
    const id = (await until("the promotion id", () => /promotion (\S+) pending_approval: 0 of 1 approval/.exec(run.output())))[1];
    expect((await decide("approve", id)).json.status).toBe("deploying");
    // the job worker's part, played here: the deployment succeeds and the promotion follows it
    const d = await db.deployment.update({ where: { id: (await db.promotion.findUniqueOrThrow({ where: { id } })).deploymentId! }, data: { status: "succeeded", finishedAt: new Date() } });
    await db.$transaction((tx) => followDeployment(tx, { id: d.id, status: "succeeded" }));
    const ok = await run.done();
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout.trimEnd().split("\n").at(-1)).toBe(`promotion ${id} deployed: deployment ${d.id} succeeded (deployment ${d.id} succeeded)`);

    const again = start(["promote", "credit", "1", "--endpoint", "prod-cli", "--strategy", "immediate", "--wait"], env);
    const second = (await until("the second promotion", () => /promotion (\S+) pending_approval/.exec(again.output())))[1];
    expect((await decide("reject", second)).json.status).toBe("rejected");
    const no = await again.done();
    expect(no.code).toBe(1);
    expect(no.stderr).toContain(`promotion ${second} rejected: rejected by ${w.people.approver.email}: reject`);
    expect((await bundled(["promote", "credit", "1"], env)).code).toBe(2);
  });
});

describe("endpoint keys from the bundled CLI", () => {
  it("creates (printing the key alone), lists, asks for and revokes an endpoint's keys", async () => {
    const env = { SWITCHYARD_URL: api.url, SWITCHYARD_TOKEN: w.tokens.all };
    expect((await bundled(["endpoints", "create", "keyed"], env)).code).toBe(0);
    const made = await bundled(["keys", "create", "keyed", "--name", "checkout"], env);
    expect(made.code, made.stderr).toBe(0);
    const key = made.stdout.trim();
    expect(key).toMatch(/^sk_[A-Za-z0-9_-]{32}$/);
    expect(made.stderr).toContain("shown once");
    const row = await db.endpointKey.findFirstOrThrow({ where: { endpoint: { name: "keyed" } } });
    expect(row.keyHash).not.toContain(key);
    expect(await bundled(["keys", "require", "keyed", "on"], env)).toMatchObject({ code: 0, stdout: "keyed: requests need a key\n" });
    const listed = await bundled(["keys", "list", "keyed"], { ...env, SWITCHYARD_TOKEN: w.tokens.read });
    expect(listed.code).toBe(0);
    expect(listed.stdout).toBe(`keyed: requests need a key\n${row.id}\tcheckout\t${key.slice(0, 9)}…\tactive\ttoken:read+write+deploy\n`);
    expect(await bundled(["keys", "revoke", "keyed", row.id], env)).toMatchObject({ code: 0, stdout: `revoked endpoint key ${row.id} (checkout)\n` });
    expect((await bundled(["keys", "revoke", "keyed", row.id], { ...env, SWITCHYARD_TOKEN: w.tokens.read })).stderr).toContain("HTTP 403");
    expect((await bundled(["keys", "require", "keyed", "maybe"], env)).code).toBe(2);
    expect((await bundled(["keys", "create"], env)).stderr).toContain("usage: keys create <endpoint>");
  });
});

describe("feedback from the bundled CLI", () => {
  it("sends a JSON Lines file of labels in calls of at most 10,000, and lists the ids the log does not hold", async () => {
    const env = { SWITCHYARD_URL: api.url, SWITCHYARD_TOKEN: w.tokens.write };
    expect((await bundled(["endpoints", "create", "labelled"], { ...env, SWITCHYARD_TOKEN: w.tokens.all })).code).toBe(0);
    const e = await db.endpoint.findFirstOrThrow({ where: { name: "labelled" } });
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    try {
      await ensurePartitions(pool);
      const records = Array.from({ length: 12_000 }, (_, i) => ({ t: Date.now() - i, e: e.id, v: "credit-v1", n: 1, id: `r${i}`, s: 200, l: 1, sh: false, r: 1, in: null, out: { probability: [(i % 100) / 100] } }));
      expect(await writePredictionBatch(pool, records)).toBe(12_000);
    } finally {
      await pool.end();
    }
    const file = path.join(dir, "labels.jsonl");
    writeFileSync(file, [...Array.from({ length: 12_000 }, (_, i) => JSON.stringify({ requestId: `r${i}`, label: i % 3 ? 0 : 1 })), JSON.stringify({ requestId: "nope", label: 1 }), ""].join("\n"));
    const before = api.requests.length;
    const r = await bundled(["feedback", "send", "--endpoint", "labelled", "--file", file], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe("labelled: labelled 12000 of 12001 requests (12000 predictions, 0 replaced an earlier label)\nnot in the log (yet? ingest runs seconds behind): nope\n");
    expect(api.requests.slice(before)).toEqual(["POST /api/v1/endpoints/labelled/feedback", "POST /api/v1/endpoints/labelled/feedback"]);
    expect(await db.predictionFeedback.count({ where: { endpointId: e.id } })).toBe(12_000);
    writeFileSync(file, "not json\n");
    expect(await bundled(["feedback", "send", "--endpoint", "labelled", "--file", file], env)).toMatchObject({ code: 2, stderr: expect.stringContaining("--file line 1: not JSON") });
    expect((await bundled(["feedback", "send", "--file", file], env)).stderr).toContain("usage: feedback send");
  });
});

describe("drift reports from the bundled CLI", () => {
  it("asks for a report and, with --wait, prints the share and the most drifted columns; bad windows exit 2", async () => {
    const env = { SWITCHYARD_URL: api.url, SWITCHYARD_TOKEN: w.tokens.write };
    writeFileSync(path.join(dir, "drifty.onnx"), trained().onnx);
    writeFileSync(path.join(dir, "drifty-reference.csv"), readFileSync(path.join(ROOT, "fixtures/german_credit.csv")));
    expect((await bundled(["models", "create", "drifty"], env)).code).toBe(0);
    expect((await bundled(["versions", "push", "drifty.onnx", "--model", "drifty", "--reference", "drifty-reference.csv"], env)).code).toBe(0);
    const v = await db.modelVersion.findFirstOrThrow({ where: { number: 1, model: { teamId: w.teamId, name: "drifty" } } });
    const e = await db.endpoint.create({
      data: { teamId: w.teamId, name: "drifting", createdBy: "test", routing: { sticky: null, variants: [{ name: "drifty-v1", model: "drifty", version: 1, versionId: v.id, sha256: v.sha256, weight: 100, role: "primary", device: "cpu", replicas: 1 }] } },
    });
    // 200 served rows whose loans run three times as long as the reference's
    const rows = trained().testRows.slice(0, 200);
    const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL });
    try {
      await ensurePartitions(pool);
      const records = rows.map((row, i) => ({
        t: Date.now() - 60_000 + i, e: e.id, v: "drifty-v1", n: 1, id: `d${i}`, s: 200, l: 1, sh: false, r: 1,
        in: Object.fromEntries(Object.entries(row).map(([k, x]) => [k, [k === "duration" ? Number(x) * 3 : x]])), out: { probability: [0.5] },
      }));
      expect(await writePredictionBatch(pool, records)).toBe(200);
    } finally {
      await pool.end();
    }

    // no job worker here: the test runs the queued report itself, as one would
    const run = start(["drift", "report", "--endpoint", "drifting", "--from", "1h", "--version", "1", "--wait"], env);
    const queued = await until("the queued report", () => db.driftReport.findFirst({ where: { endpointId: e.id } }));
    expect(await runDriftReport({ db, reportId: queued.id, settings: { databaseUrl: process.env.DATABASE_URL!, artifactDir: process.env.ARTIFACT_DIR!, timeoutMs: 60_000, maxMemoryMb: 1024, maxRows: 100_000 } })).toBe("succeeded");
    const r = await run.done();
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^drift report ${queued.id}: queued \\(drifting, .* → .*, v1\\)$`));
    const stored = await db.driftReport.findUniqueOrThrow({ where: { id: queued.id } });
    const features = (stored.result as { features: { name: string; drifted: boolean; statistic: number | null }[] }).features;
    const drifted = features.filter((f) => f.drifted).length;
    expect(lines[1]).toBe(`drift report ${queued.id}: succeeded: ${drifted} of ${features.filter((f) => f.statistic !== null).length} columns drifted (share ${((stored.share ?? 0) * 100).toFixed(1)}%, dataset drifted: ${stored.drifted ? "yes" : "no"}); 200 rows against drifty v1's 1000 reference rows`);
    // the most drifted first: duration among them, marked
    expect(lines.slice(2, 2 + drifted).every((l) => / drifted /.test(l))).toBe(true);
    expect(lines.find((l) => l.trimStart().startsWith("duration "))).toMatch(/ drifted +ks p=\S+ +psi \S+$/);
    expect(lines.filter((l) => l.startsWith("  ")).length).toBe(Math.min(10, features.length));

    expect(await bundled(["drift", "report", "--endpoint", "drifting"], env)).toMatchObject({ code: 2, stderr: expect.stringContaining("usage: drift report") });
    expect(await bundled(["drift", "report", "--endpoint", "drifting", "--from", "yesterday"], env)).toMatchObject({ code: 2, stderr: expect.stringContaining('--from: expected an ISO time') });
    const unknown = await bundled(["drift", "report", "--endpoint", "drifting", "--from", "24h", "--version", "9"], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("has no version 9");
  }, 120_000);
});

describe("npm run cli -- admin … in the repository", () => {
  it("names the database it cannot reach, without its password or a stack trace, and exits non-zero", async () => {
    const port = await freePort();
    const r = repoCli(["admin", "create-token", "--team", "demo", "--name", "ci", "--scopes", "read,write,deploy"], { DATABASE_URL: `postgresql://ci:hunter2@127.0.0.1:${port}/switchyard_nowhere` });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`database: ci@127.0.0.1:${port}/switchyard_nowhere`);
    expect(r.stderr).toContain(`cannot reach the database ci@127.0.0.1:${port}/switchyard_nowhere`);
    expect(r.stdout + r.stderr).not.toContain("hunter2");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("says when the database is there but not migrated", async () => {
    const name = `switchyard_cli_empty_${process.pid}`;
    const admin = new pg.Client(ADMIN_URL);
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      const r = repoCli(["admin", "add-member", "--team", "demo", "--email", "a@example.test"], { DATABASE_URL: testDatabaseUrl(name) });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`/${name} has no Switchyard tables (not migrated); run \`npm run migrate\``);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });

  it("creates a token that expires in 90 days unless --no-expiry says otherwise; --expires-days 0 exits 2", async () => {
    const made = repoCli(["admin", "create-token", "--team", w.slug, "--name", "from-cli", "--scopes", "read,deploy"]);
    const u = new URL(process.env.DATABASE_URL!);
    expect(made.stderr).toContain(`database: ${u.username}@${u.host}${u.pathname} (DATABASE_URL)`);
    expect(made.code).toBe(0);
    expect(made.stdout.trim()).toMatch(/^sy_\S+$/);
    const row = await db.apiToken.findFirst({ where: { teamId: w.teamId, name: "from-cli" } });
    expect(row?.scopes).toEqual(["read", "deploy"]);
    expect(Math.round((row!.expiresAt!.getTime() - Date.now()) / 86_400_000)).toBe(90);

    const forever = repoCli(["admin", "create-token", "--team", w.slug, "--name", "forever", "--no-expiry"]);
    expect(forever.code).toBe(0);
    expect(forever.stderr).toContain("never expires");
    expect((await db.apiToken.findFirst({ where: { teamId: w.teamId, name: "forever" } }))?.expiresAt).toBeNull();

    const zero = repoCli(["admin", "create-token", "--team", w.slug, "--name", "zero", "--expires-days", "0"]);
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain('--expires-days: expected a whole number from 1 to 3650, got "0"');
    expect(await db.apiToken.count({ where: { teamId: w.teamId, name: "zero" } })).toBe(0);
  });
});
