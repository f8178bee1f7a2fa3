// What the registry console relies on in the API: editing a version, archiving it (and the rules that
// keep a serving version from being archived, or an archived one from being routed or promoted), and
// lists with search, filters, sorts and cursor pages. Every test makes its own model.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "@/lib/db/client";
import * as models from "@/app/api/v1/models/route";
import * as versions from "@/app/api/v1/models/[model]/versions/route";
import * as version from "@/app/api/v1/models/[model]/versions/[n]/route";
import * as archive from "@/app/api/v1/models/[model]/versions/[n]/archive/route";
import * as unarchive from "@/app/api/v1/models/[model]/versions/[n]/unarchive/route";
import * as alias from "@/app/api/v1/models/[model]/aliases/[alias]/route";
import * as endpoints from "@/app/api/v1/endpoints/route";
import * as traffic from "@/app/api/v1/endpoints/[endpoint]/traffic/route";
import { asRouting } from "@/lib/serving/shared/routing";
import { writeRouting } from "@/lib/serving/control/deployments/switch-routing";
import { call, multipart } from "./helpers/call";
import { makeWorld, type World } from "./helpers/world";
import { trained } from "./helpers/models";

const db = getDb();
let w: World;

beforeAll(async () => {
  w = await makeWorld("console");
});

async function freshModel(prefix: string, opts: { description?: string; token?: string } = {}): Promise<string> {
  const name = `${prefix}-${randomUUID().slice(0, 8)}`;
  const r = await call(models.POST, "POST", "/api/v1/models", { token: opts.token ?? w.tokens.write, body: { name, description: opts.description } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return name;
}

async function push(model: string, metadata: object = {}, kind: "logistic_regression" | "mlp" = "logistic_regression"): Promise<number> {
  const r = await call(versions.POST, "POST", `/api/v1/models/${model}/versions`, { token: w.tokens.write, rawBody: multipart(trained(kind).onnx, metadata), params: { model } });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  return r.json.number;
}

const listVersions = (model: string, query: Record<string, string> = {}, token = w.tokens.read) =>
  call(versions.GET, "GET", `/api/v1/models/${model}/versions?${new URLSearchParams(query)}`, { token, params: { model } });

const post = (handler: typeof archive.POST, model: string, n: number, verb: string, token = w.tokens.write) =>
  call(handler, "POST", `/api/v1/models/${model}/versions/${n}/${verb}`, { token, params: { model, n: String(n) } });

/**
 * More versions of a model, made like the pushed version `from` (same artifact) but with their own
 * metrics and tags: listing tests need many rows and ties, not many ONNX validations.
 */
async function copies(model: string, from: number, rows: { metrics: Record<string, number>; tags?: string[] }[]): Promise<number[]> {
  const m = await db.model.findFirstOrThrow({ where: { name: model, teamId: w.teamId } });
  const base = await db.modelVersion.findFirstOrThrow({ where: { modelId: m.id, number: from } });
  const numbers: number[] = [];
  for (const row of rows) {
    const { latestVersion } = await db.model.update({ where: { id: m.id }, data: { latestVersion: { increment: 1 } } });
    await db.modelVersion.create({
      data: { modelId: m.id, number: latestVersion, sha256: base.sha256, sizeBytes: base.sizeBytes, signature: base.signature ?? {}, metrics: row.metrics, tags: row.tags ?? [], createdBy: "test" },
    });
    numbers.push(latestVersion);
  }
  return numbers;
}

/** Every page of a list, by its cursor, `limit` rows at a time. */
async function allPages(model: string, query: Record<string, string>, limit: number): Promise<number[][]> {
  const pages: number[][] = [];
  let cursor: string | null = null;
  do {
    const r = await listVersions(model, { ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    pages.push(r.json.versions.map((v: { number: number }) => v.number));
    cursor = r.json.nextCursor;
  } while (cursor && pages.length < 50);
  return pages;
}

describe("editing a version", () => {
  it("changes the description and tags, audits the change, and leaves what was pushed alone", async () => {
    const model = await freshModel("edit");
    const n = await push(model, { description: "first cut", tags: ["nightly"], metrics: { auc: 0.8 } });
    const patch = (body: unknown, token = w.tokens.write) => call(version.PATCH, "PATCH", `/api/v1/models/${model}/versions/${n}`, { token, body, params: { model, n: String(n) } });
    const r = await patch({ description: "the one we ship", tags: ["candidate", "german-credit", "candidate"] });
    expect(r.status, JSON.stringify(r.json)).toBe(200);
    expect(r.json).toMatchObject({ number: n, description: "the one we ship", tags: ["candidate", "german-credit"], metrics: { auc: 0.8 } });
    const ev = await db.auditEvent.findFirst({ where: { teamId: w.teamId, action: "version.update", after: { path: ["model"], equals: model } } });
    expect(ev?.before).toMatchObject({ description: "first cut", tags: ["nightly"] });
    expect(ev?.after).toMatchObject({ description: "the one we ship", tags: ["candidate", "german-credit"] });

    const tagsOnly = await patch({ tags: [] });
    expect(tagsOnly.json).toMatchObject({ description: "the one we ship", tags: [] });

    const empty = await patch({});
    expect(empty.status).toBe(400);
    expect(empty.json.error.message).toMatch(/give description, tags or both/);
    const metrics = await patch({ metrics: { auc: 0.99 } });
    expect(metrics.status).toBe(400);
    expect((await patch({ description: "x" }, w.tokens.read)).status).toBe(403);
    const missing = await call(version.PATCH, "PATCH", `/api/v1/models/${model}/versions/99`, { token: w.tokens.write, body: { description: "x" }, params: { model, n: "99" } });
    expect(missing.status).toBe(404);
  });
});

describe("archiving a version", () => {
  it("refuses while an endpoint routes it or a deployment is moving to it (409 naming the endpoint), then archives, hides and refuses to route or promote it", async () => {
    const model = await freshModel("arch");
    const v1 = await push(model, { metrics: { auc: 0.7 } });
    const v2 = await push(model, { metrics: { auc: 0.8 } }, "mlp");
    const endpoint = `arch-ep-${randomUUID().slice(0, 8)}`;
    expect((await call(endpoints.POST, "POST", "/api/v1/endpoints", { token: w.tokens.deploy, body: { name: endpoint } })).status).toBe(201);
    const setTraffic = (n: number) => call(traffic.PUT, "PUT", `/api/v1/endpoints/${endpoint}/traffic`, { token: w.tokens.deploy, body: { model, variants: [{ version: n, weight: 100 }] }, params: { endpoint } });
    /** What the deployment runner does when a deployment finishes: its routing goes live. */
    const finish = async (deploymentId: string) => db.$transaction(async (tx) => {
      const d = await tx.deployment.update({ where: { id: deploymentId }, data: { status: "succeeded", finishedAt: new Date() } });
      await writeRouting(tx, d.endpointId, asRouting(d.toRouting));
    });

    // a deployment on its way to v1 (no job worker runs here: it stays pending)
    const toV1 = await setTraffic(v1);
    expect(toV1.status, JSON.stringify(toV1.json)).toBe(202);
    const whileDeploying = await post(archive.POST, model, v1, "archive");
    expect(whileDeploying.status).toBe(409);
    expect(whileDeploying.json.error.message).toContain(`endpoint "${endpoint}"`);

    // v1 serving
    await finish(toV1.json.id);
    const whileServing = await post(archive.POST, model, v1, "archive");
    expect(whileServing.status).toBe(409);
    expect(whileServing.json.error).toMatchObject({ code: "conflict" });
    expect(whileServing.json.error.message).toMatch(new RegExp(`routed by endpoint "${endpoint}": move its traffic`));

    // moved to v2: v1 can go
    const toV2 = await setTraffic(v2);
    expect(toV2.status).toBe(202);
    await finish(toV2.json.id);
    const archived = await post(archive.POST, model, v1, "archive", w.tokens.write);
    expect(archived.status, JSON.stringify(archived.json)).toBe(200);
    expect(archived.json).toMatchObject({ number: v1, archivedBy: "token:read+write" });
    expect(archived.json.archivedAt).toBeTruthy();
    const ev = await db.auditEvent.findFirst({ where: { teamId: w.teamId, action: "version.archive", after: { path: ["model"], equals: model } } });
    expect(ev?.after).toMatchObject({ version: v1, archived: true });

    // the artifact and the version stay; lists hide it unless asked
    const stored = await db.modelVersion.findFirstOrThrow({ where: { number: v1, model: { name: model } } });
    expect(stored.sha256).toHaveLength(64);
    expect((await listVersions(model)).json.versions.map((v: { number: number }) => v.number)).toEqual([v2]);
    expect((await listVersions(model, { archived: "true" })).json.versions.map((v: { number: number }) => v.number)).toEqual([v2, v1]);

    // it can no longer be routed (422 naming the field) nor promoted
    const route = await setTraffic(v1);
    expect(route.status).toBe(422);
    expect(route.json.error.field).toBe("body.variants.0.version");
    expect(route.json.error.message).toMatch(/is archived: unarchive it/);
    const promote = await call(alias.PUT, "PUT", `/api/v1/models/${model}/aliases/challenger`, { token: w.tokens.write, body: { version: v1 }, params: { model, alias: "challenger" } });
    expect(promote.status).toBe(422);
    expect(promote.json.error.field).toBe("body.version");
    const protectedAlias = await call(alias.PUT, "PUT", `/api/v1/models/${model}/aliases/champion`, { token: w.tokens.all, body: { version: v1 }, params: { model, alias: "champion" } });
    expect(protectedAlias.status).toBe(422);

    // only writers archive; unarchiving makes it routable again
    expect((await post(unarchive.POST, model, v1, "unarchive", w.tokens.read)).status).toBe(403);
    const back = await post(unarchive.POST, model, v1, "unarchive");
    expect(back.status).toBe(200);
    expect(back.json).toMatchObject({ archivedAt: null, archivedBy: null });
    expect((await setTraffic(v1)).status).toBe(202);
    expect(await db.auditEvent.count({ where: { teamId: w.teamId, action: "version.unarchive", after: { path: ["model"], equals: model } } })).toBe(1);
  });
});

describe("listing versions", () => {
  let model: string;
  let numbers: number[];
  beforeAll(async () => {
    model = await freshModel("list");
    const v1 = await push(model, { metrics: { auc: 0.75, logloss: 0.5 }, tags: ["baseline"] });
    // ties on auc (0.8 three times), one version without auc, tags on some
    numbers = [v1, ...(await copies(model, v1, [
      { metrics: { auc: 0.8, logloss: 0.45 }, tags: ["nightly"] },
      { metrics: { auc: 0.8, logloss: 0.4 }, tags: ["nightly", "candidate"] },
      { metrics: { logloss: 0.6 } },
      { metrics: { auc: 0.8, logloss: 0.41 } },
      { metrics: { auc: 0.9, logloss: 0.3 }, tags: ["candidate"] },
      { metrics: { auc: 0.77, logloss: 0.49 }, tags: ["nightly"] },
    ]))];
  });

  it("pages by cursor without duplicates or gaps, in a stable order with ties broken by number", async () => {
    const byAuc = await allPages(model, { sort: "-metrics.auc" }, 2);
    expect(byAuc.length).toBe(4);
    const flat = byAuc.flat();
    expect(new Set(flat).size).toBe(flat.length);
    const [v1, v2, v3, v4, v5, v6, v7] = numbers;
    // auc descending, ties newest first, the version without auc last
    expect(flat).toEqual([v6, v5, v3, v2, v7, v1, v4]);
    expect((await allPages(model, { sort: "metrics.auc" }, 3)).flat()).toEqual([v1, v7, v2, v3, v5, v6, v4]);
    expect((await allPages(model, {}, 3)).flat()).toEqual([...numbers].reverse());
    expect((await allPages(model, { sort: "createdAt" }, 4)).flat()).toEqual(numbers);
  });

  it("keeps its place when versions are added between pages", async () => {
    const m = await freshModel("stable");
    const first = await push(m, { metrics: { auc: 0.5 } });
    await copies(m, first, [{ metrics: { auc: 0.6 } }, { metrics: { auc: 0.7 } }]);
    const page1 = await listVersions(m, { sort: "-metrics.auc", limit: "2" });
    await copies(m, first, [{ metrics: { auc: 0.95 } }, { metrics: { auc: 0.55 } }]);
    const page2 = await listVersions(m, { sort: "-metrics.auc", limit: "2", cursor: page1.json.nextCursor });
    expect(page1.json.versions.map((v: { metrics: { auc: number } }) => v.metrics.auc)).toEqual([0.7, 0.6]);
    expect(page2.json.versions.map((v: { metrics: { auc: number } }) => v.metrics.auc)).toEqual([0.55, 0.5]);
    expect(page2.json.nextCursor).toBeNull();
  });

  it("filters by tag and by several metric conditions", async () => {
    const [, v2, v3, , , v6, v7] = numbers;
    const nums = async (q: Record<string, string>) => {
      const r = await listVersions(model, q);
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json.versions.map((v: { number: number }) => v.number);
    };
    expect(await nums({ tag: "nightly" })).toEqual([v7, v3, v2]);
    expect(await nums({ metric: "auc > 0.77" })).toEqual(numbers.filter((_, i) => [1, 2, 4, 5].includes(i)).reverse());
    expect(await nums({ metric: "auc>=0.77,logloss<0.45" })).toEqual(numbers.filter((_, i) => [2, 4, 5].includes(i)).reverse());
    expect(await nums({ metric: "auc=0.9" })).toEqual([v6]);
    expect(await nums({ tag: "candidate", metric: "auc < 0.85" })).toEqual([v3]);
    expect(await nums({ metric: "no_such_metric > 0" })).toEqual([]);
  });

  it("refuses bad filters, sorts and cursors with 400 naming the field", async () => {
    for (const [query, field, message] of [
      [{ metric: "auc >> 0.7" }, "query.metric", /not a metric filter/],
      [{ metric: "auc > high" }, "query.metric", /not a metric filter/],
      [{ metric: "auc > 0.7," }, "query.metric", /not a metric filter/],
      [{ metric: "1=1; drop table x" }, "query.metric", /not a metric filter/],
      [{ metric: "a\u0000b > 1" }, "query.metric", /./],
      [{ sort: "metrics.auc desc" }, "query.sort", /sort by number, createdAt or metrics/],
      [{ sort: "sha256" }, "query.sort", /sort by/],
      [{ cursor: "not-a-cursor" }, "query.cursor", /not a cursor from this list/],
      [{ limit: "0" }, "query.limit", /./],
      [{ archived: "yes" }, "query.archived", /./],
    ] as const) {
      const r = await listVersions(model, query as Record<string, string>);
      expect(r.status, JSON.stringify(query)).toBe(400);
      expect(r.json.error.field, JSON.stringify(query)).toBe(field);
      expect(r.json.error.message).toMatch(message);
    }
    // a cursor read with one sort is refused with another
    const page = await listVersions(model, { sort: "-metrics.auc", limit: "1" });
    const other = await listVersions(model, { sort: "number", cursor: page.json.nextCursor });
    expect(other.status).toBe(400);
    expect(other.json.error).toMatchObject({ field: "query.cursor" });
    expect(other.json.error.message).toMatch(/keep the sort while paging/);
  });
});

describe("listing models", () => {
  it("searches name and description, filters by tag, sorts, and pages by cursor", async () => {
    const team = await makeWorld("console-models");
    const names = ["alpha-churn", "beta-credit", "gamma-credit", "delta-fraud", "epsilon-fraud"];
    for (const name of names) {
      const r = await call(models.POST, "POST", "/api/v1/models", { token: team.tokens.write, body: { name, description: name === "delta-fraud" ? "Card CREDIT fraud" : "" } });
      expect(r.status).toBe(201);
    }
    const list = async (query: Record<string, string>) => {
      const r = await call(models.GET, "GET", `/api/v1/models?${new URLSearchParams(query)}`, { token: team.tokens.read });
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      return r.json as { models: { name: string }[]; nextCursor: string | null };
    };
    expect((await list({ q: "credit" })).models.map((m) => m.name)).toEqual(["beta-credit", "delta-fraud", "gamma-credit"]);
    expect((await list({ q: "%" })).models).toEqual([]);
    expect((await list({ sort: "-name" })).models.map((m) => m.name)).toEqual([...names].sort().reverse());

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await list({ sort: "-createdAt", limit: "2", ...(cursor ? { cursor } : {}) });
      seen.push(...page.models.map((m) => m.name));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...names].reverse());

    // by tag: models with an unarchived version carrying it
    const tagged = await call(versions.POST, "POST", "/api/v1/models/gamma-credit/versions", { token: team.tokens.write, rawBody: multipart(trained().onnx, { tags: ["prod-ready"] }), params: { model: "gamma-credit" } });
    expect(tagged.status).toBe(201);
    expect((await list({ tag: "prod-ready" })).models.map((m) => m.name)).toEqual(["gamma-credit"]);
    expect((await call(archive.POST, "POST", "/api/v1/models/gamma-credit/versions/1/archive", { token: team.tokens.write, params: { model: "gamma-credit", n: "1" } })).status).toBe(200);
    expect((await list({ tag: "prod-ready" })).models).toEqual([]);

    const bad = await call(models.GET, "GET", "/api/v1/models?sort=size", { token: team.tokens.read });
    expect(bad.status).toBe(400);
    expect(bad.json.error.field).toBe("query.sort");
  });
});
