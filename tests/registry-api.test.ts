// Every test that depends on what a team holds makes its own team or model, so any one runs alone.
import { randomUUID } from "node:crypto";
import { readdirSync, existsSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as models from "@/app/api/v1/models/route";
import * as model from "@/app/api/v1/models/[model]/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as version from "@/app/api/v1/models/[model]/versions/[n]/route";
import * as artifact from "@/app/api/v1/models/[model]/versions/[n]/artifact/route";
import * as alias from "@/app/api/v1/models/[model]/aliases/[alias]/route";
import * as health from "@/app/api/v1/health/route";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";

const db = getDb();
let w: World;

async function counts(teamId: string) {
  const artifactsDir = process.env.ARTIFACT_DIR!;
  const files = (dir: string): number => (existsSync(dir) ? readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).length : 0);
  return {
    versions: await db.modelVersion.count({ where: { model: { teamId } } }),
    audit: await db.auditEvent.count({ where: { teamId } }),
    files: files(path.join(artifactsDir, "sha256")) + files(path.join(artifactsDir, "tmp")),
  };
}

const push = (token: string, name: string, file: Uint8Array | null, metadata?: unknown) =>
  call(versions.POST, "POST", `/api/v1/models/${name}/versions`, { token, rawBody: multipart(file, metadata), params: { model: name } });

/** A model of this test's own, named `<prefix>-<random>`, with `versions` versions pushed (v1 logistic regression, then MLPs). */
async function freshModel(prefix: string, versions = 0): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const r = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  for (let i = 0; i < versions; i++) {
    const pushed = await push(w.tokens.write, name, trained(i === 0 ? "logistic_regression" : "mlp").onnx, {});
    expect(pushed.status, JSON.stringify(pushed.json)).toBe(201);
  }
  return name;
}

beforeAll(async () => {
  w = await makeWorld("reg");
  const r = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } });
  expect(r.status).toBe(201);
});

describe("health", () => {
  it("answers without auth and reports both stores", async () => {
    const r = await call(health.GET, "GET", "/api/v1/health");
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ status: "ok", db: "ok", redis: "ok" });
  });
});

describe("models", () => {
  it("registers, lists and shows a model, and audits the write", async () => {
    // a team of its own, holding only "credit", so the list below is exact whatever ran before
    const w = await makeWorld("reg-list");
    expect((await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } })).status).toBe(201);
    const r = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "churn", task: "binary_classification", description: "who leaves" } });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ name: "churn", latestVersion: null, createdBy: "token:read+write" });
    const list = await call(models.GET, "GET", "/api/v1/models", { token: w.tokens.read });
    expect(list.json.models.map((m: { name: string }) => m.name)).toEqual(["churn", "credit"]);
    const one = await call(model.GET, "GET", "/api/v1/models/churn", { token: w.tokens.read, params: { model: "churn" } });
    expect(one.json.description).toBe("who leaves");
    const audit = await db.auditEvent.findFirst({ where: { teamId: w.teamId, action: "model.create", after: { path: ["name"], equals: "churn" } } });
    expect(audit?.actorLabel).toBe("token:read+write");
  });

  it("refuses a duplicate name with 409 and a bad name with 400 naming the field", async () => {
    const dup = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "credit" } });
    expect(dup.status).toBe(409);
    expect(dup.json.error).toEqual({ code: "conflict", message: 'model "credit" already exists' });
    const bad = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "Bad Name!" } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/^body\.name: /);
    const extra = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, body: { name: "x", colour: "red" } });
    expect(extra.status).toBe(400);
    const malformed = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.write, rawBody: "{nope", headers: { "content-type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.message).toBe("body: malformed JSON");
  });

  it("answers 401 without or with a bad token and 403 without the scope or role", async () => {
    expect((await call(models.GET, "GET", "/api/v1/models")).status).toBe(401);
    const bad = await call(models.GET, "GET", "/api/v1/models", { token: "sy_not-a-real-token" });
    expect(bad.status).toBe(401);
    expect(bad.json.error.code).toBe("unauthorized");
    const noScope = await call(models.POST, "POST", "/api/v1/models", { token: w.tokens.read, body: { name: "nope" } });
    expect(noScope.status).toBe(403);
    expect(noScope.json.error.message).toContain('"write" scope');
    const viewer = await call(models.POST, "POST", "/api/v1/models", { cookie: w.people.viewer.cookie, body: { name: "nope" } });
    expect(viewer.status).toBe(403);
    const engineer = await call(models.POST, "POST", "/api/v1/models", { cookie: w.people.engineer.cookie, body: { name: "by-session" } });
    expect(engineer.status).toBe(201);
    expect(engineer.json.createdBy).toBe(w.people.engineer.email);
    const forged = await call(models.GET, "GET", "/api/v1/models", { cookie: "next-auth.session-token=forged.jwt.value" });
    expect(forged.status).toBe(401);
  });

  it("keeps teams apart", async () => {
    const other = await makeWorld("other");
    const r = await call(model.GET, "GET", "/api/v1/models/credit", { token: other.tokens.read, params: { model: "credit" } });
    expect(r.status).toBe(404);
    const wrongTeam = await call(models.GET, "GET", "/api/v1/models", { token: other.tokens.read, headers: { "x-switchyard-team": w.slug } });
    expect(wrongTeam.status).toBe(403);
    const notMember = await call(models.GET, "GET", "/api/v1/models", { cookie: other.people.admin.cookie, headers: { "x-switchyard-team": w.slug } });
    expect(notMember.status).toBe(403);
  });
});

describe("versions", () => {
  it("stores an uploaded ONNX model with its signature, hash and metadata, and serves it back", async () => {
    const { onnx, metrics, trainRows } = trained();
    const name = await freshModel("stored");
    // every input's column (reference rows are checked against the signature: tests/reference-data.test.ts)
    const referenceData = Object.fromEntries(Object.keys(trainRows[0]).map((k) => [k, trainRows.slice(0, 50).map((r) => r[k])]));
    const r = await push(w.tokens.write, name, onnx, { metrics: { auc: metrics.auc }, params: { kind: "lr" }, tags: ["baseline"], dataset: "german_credit", referenceData });
    expect(r.status).toBe(201);
    expect(r.json).toMatchObject({ model: name, number: 1, sizeBytes: onnx.length, metrics: { auc: metrics.auc }, tags: ["baseline"], dataset: "german_credit", hasReferenceProfile: true, reference: { rows: 50, sampledFrom: 50 } });
    expect(r.json.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(r.json.signature.inputs).toContainEqual({ name: "age", type: "float32", shape: ["N", 1] });
    expect(r.json.signature.inputs).toContainEqual({ name: "purpose", type: "string", shape: ["N", 1] });
    expect(r.json.signature.outputs).toEqual([{ name: "probability", type: "float32", shape: ["N", 1] }]);

    const shown = await call(version.GET, "GET", `/api/v1/models/${name}/versions/1`, { token: w.tokens.read, params: { model: name, n: "1" } });
    expect(shown.json.number).toBe(1);
    const dl = await artifact.GET(new Request("http://localhost/x", { headers: { authorization: `Bearer ${w.tokens.read}` } }), { params: Promise.resolve({ model: name, n: "1" }) });
    expect(dl.status).toBe(200);
    expect(Buffer.from(await dl.arrayBuffer()).equals(Buffer.from(onnx))).toBe(true);
    expect(dl.headers.get("x-checksum-sha256")).toBe(r.json.sha256);
  });

  it("gives concurrent pushes consecutive numbers and records lineage", async () => {
    const { onnx } = trained("mlp");
    const name = await freshModel("lineage", 1); // version 1 is the parent
    const before = (await call(model.GET, "GET", `/api/v1/models/${name}`, { token: w.tokens.read, params: { model: name } })).json.latestVersion ?? 0;
    const results = await Promise.all(Array.from({ length: 4 }, () => push(w.tokens.write, name, onnx, { parentVersion: 1 })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(results.map((r) => r.json.number).sort()).toEqual([1, 2, 3, 4].map((i) => before + i));
    expect(results[0].json.parentVersion).toBe(1);
    const list = await call(versions.GET, "GET", `/api/v1/models/${name}/versions`, { token: w.tokens.read, params: { model: name } });
    expect(list.json.versions[0].number).toBe(before + 4);
  });

  it("rejects bad uploads with the documented status and leaves nothing behind", async () => {
    const { onnx } = trained();
    const before = await counts(w.teamId);
    const cases: [string, Uint8Array | null, unknown, number, RegExp][] = [
      ["not onnx", new TextEncoder().encode("this is a csv, not a model\n1,2,3"), {}, 422, /not a loadable ONNX model/],
      ["empty", new Uint8Array(0), {}, 422, /empty/],
      ["truncated", onnx.slice(0, Math.floor(onnx.length / 2)), {}, 422, /not a loadable ONNX model/],
      ["oversize", new Uint8Array(3 * 1024 * 1024), {}, 413, /larger than the limit/],
      ["metadata not JSON", onnx, "{oops", 400, /^metadata: malformed JSON/],
      ["metadata wrong type", onnx, { tags: "a,b" }, 400, /^metadata\.tags: /],
      ["metadata unknown parent", onnx, { parentVersion: 999 }, 400, /^metadata\.parentVersion: /],
      ["no file", null, {}, 400, /^file: /],
    ];
    for (const [label, file, meta, status, message] of cases) {
      const r = await push(w.tokens.write, "credit", file, meta);
      expect(r.status, label).toBe(status);
      expect(r.json.error.message, label).toMatch(message);
    }
    const unknown = await push(w.tokens.write, "nope", onnx, {});
    expect(unknown.status).toBe(404);
    expect(await counts(w.teamId)).toEqual(before);
  });

  it("removes the partial file when the client stops mid-upload", async () => {
    const before = await counts(w.teamId);
    const enc = new TextEncoder();
    const stream = new ReadableStream<Uint8Array>({
      start(ctl) {
        ctl.enqueue(enc.encode('--b\r\nContent-Disposition: form-data; name="file"; filename="m.onnx"\r\nContent-Type: application/octet-stream\r\n\r\n'));
        ctl.enqueue(new Uint8Array(4096));
        ctl.error(new Error("client went away"));
      },
    });
    const r = await call(versions.POST, "POST", "/api/v1/models/credit/versions", {
      token: w.tokens.write, rawBody: stream, headers: { "content-type": "multipart/form-data; boundary=b" }, params: { model: "credit" },
    });
    expect(r.status).toBe(400);
    expect(r.json.error.message).toBe("upload did not complete");
    expect(await counts(w.teamId)).toEqual(before);
  });

  it("moves aliases and audits who moved them from where", async () => {
    const name = await freshModel("aliased", 2);
    // champion is protected by the default policy (tests/promotions.test.ts); challenger moves at once
    const set = (n: number) => call(alias.PUT, "PUT", `/api/v1/models/${name}/aliases/challenger`, { token: w.tokens.write, body: { version: n }, params: { model: name, alias: "challenger" } });
    expect((await set(1)).json).toEqual({ model: name, alias: "challenger", version: 1 });
    expect((await set(2)).status).toBe(200);
    const m = await call(model.GET, "GET", `/api/v1/models/${name}`, { token: w.tokens.read, params: { model: name } });
    expect(m.json.aliases).toEqual({ challenger: 2 });
    const ev = await db.auditEvent.findFirst({ where: { teamId: w.teamId, action: "alias.set", after: { path: ["model"], equals: name } }, orderBy: { createdAt: "desc" } });
    expect(ev?.before).toMatchObject({ version: 1 });
    expect(ev?.after).toMatchObject({ version: 2 });
    expect((await set(999)).status).toBe(404);
  });
});
