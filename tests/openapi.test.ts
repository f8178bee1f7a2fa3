import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import * as openapi from "@/app/api/v1/openapi.json/route";
import { buildOpenApi } from "@/lib/api/openapi";
import { defineContract, type Contract } from "@/lib/api/contract";
import { errorSchema } from "@/lib/api/contracts/shared";
import { call } from "./helpers/call";
import { freePort, httpOk, startProcess, startRedis, stopProcess, waitFor, type Proc } from "./helpers/processes";

type Doc = { openapi: string; servers?: { url: string }[]; paths: Record<string, Record<string, any>>; components: Record<string, Record<string, any>> }; // eslint-disable-line @typescript-eslint/no-explicit-any

function routeFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? routeFiles(p) : d.name === "route.ts" ? [p] : [];
  });
}

function walk(v: unknown, visit: (key: string, value: unknown, where: string) => void, where = "#"): void {
  if (Array.isArray(v)) v.forEach((x, i) => walk(x, visit, `${where}/${i}`));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      visit(k, x, where);
      walk(x, visit, `${where}/${k}`);
    }
  }
}

/** What a local `$ref` points at, or undefined. */
function resolve(doc: Doc, ref: string): unknown {
  if (!ref.startsWith("#/")) return undefined;
  return ref.slice(2).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")).reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], doc);
}
const deref = (doc: Doc, s: { $ref?: string }) => (s.$ref ? resolve(doc, s.$ref) : s) as any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** Checks that hold for both documents: valid OpenAPI 3.1 by a real validator, JSON Schema 2020-12 only, every $ref resolves. */
async function expectSoundOpenApi31(doc: Doc) {
  expect(doc.openapi).toBe("3.1.0");
  const result = await new Validator().validate(structuredClone(doc));
  expect(result.errors, JSON.stringify(result.errors, null, 1)?.slice(0, 2000)).toBeUndefined();
  expect(result.valid).toBe(true);
  expect(doc.servers?.length).toBeGreaterThan(0);
  const problems: string[] = [];
  walk(doc, (key, value, where) => {
    if (key === "nullable") problems.push(`${where}: nullable is OpenAPI 3.0; 3.1 uses type arrays or anyOf with null`);
    if (key === "$ref" && (typeof value !== "string" || resolve(doc, value) === undefined)) problems.push(`${where}: $ref ${String(value)} resolves to nothing`);
    if (key === "$schema" || key === "$id") problems.push(`${where}: ${key} left in a component`);
  });
  expect(problems).toEqual([]);
  // the error shape is a named schema, and every error answer uses it
  expect(doc.components.schemas.Error.properties.error.required).toEqual(["code", "message"]);
  for (const [p, ops] of Object.entries(doc.paths)) {
    for (const [verb, op] of Object.entries(ops)) {
      for (const [status, r] of Object.entries(op.responses as Record<string, { $ref?: string }>)) {
        if (status !== "default" && Number(status) < 400) continue;
        const response = deref(doc, r);
        const schemas = Object.values(response.content as Record<string, { schema: { $ref?: string } }>).map((c) => c.schema.$ref);
        // a readiness or liveness probe answers 503 with its own body; every other error is the Error schema
        const probe = p.endsWith("/ready") || p.endsWith("/live") || p === "/healthz";
        if (!(probe && status === "503")) expect(schemas, `${verb} ${p} ${status}`).toEqual(["#/components/schemas/Error"]);
      }
    }
  }
}

describe("OpenAPI document", () => {
  it("describes every route file and verb under app/api/v1, from the same zod schemas", async () => {
    const r = await call(openapi.GET, "GET", "/api/v1/openapi.json");
    expect(r.status).toBe(200);
    expect(r.json.openapi).toBe("3.1.0");
    const root = path.resolve("app");
    for (const file of routeFiles(path.join(root, "api/v1"))) {
      const urlPath = "/" + path.relative(root, path.dirname(file)).replace(/\[(\w+)\]/g, "{$1}");
      const verbs = [...readFileSync(file, "utf8").matchAll(/export const (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1].toLowerCase());
      expect(verbs.length, file).toBeGreaterThan(0);
      for (const verb of verbs) expect(r.json.paths[urlPath]?.[verb], `${verb} ${urlPath}`).toBeDefined();
    }
    const create = r.json.paths["/api/v1/models"].post;
    expect(deref(r.json, create.requestBody.content["application/json"].schema).properties.name.pattern).toBeDefined();
    expect(deref(r.json, r.json.paths["/api/v1/models/{model}/versions"].post.requestBody.content["multipart/form-data"].schema).required).toEqual(["file"]);
    // Slack's interactions: a signed form, no credentials, 401 for a bad signature
    const slack = r.json.paths["/api/v1/integrations/slack/interactions"].post;
    expect(deref(r.json, slack.requestBody.content["application/x-www-form-urlencoded"].schema).required).toEqual(["payload"]);
    expect(slack.security).toEqual([]);
    expect(slack["x-signed"]).toMatch(/X-Slack-Signature/);
    expect(slack.responses["401"].$ref).toBe("#/components/responses/Unauthorized");
  });

  it("is valid OpenAPI 3.1 with named request and response schemas under components.schemas", async () => {
    const doc = (await call(openapi.GET, "GET", "/api/v1/openapi.json")).json as Doc;
    await expectSoundOpenApi31(doc);
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [verb, op] of Object.entries(ops)) {
        for (const c of Object.values((op.requestBody?.content ?? {}) as Record<string, { schema: { $ref?: string } }>)) {
          expect(c.schema.$ref, `${verb} ${p} request`).toMatch(/^#\/components\/schemas\/\w+$/);
        }
        for (const [status, r] of Object.entries(op.responses as Record<string, { content?: Record<string, { schema: { $ref?: string; format?: string } }> }>)) {
          for (const c of Object.values(r.content ?? {})) if (c.schema.format !== "binary") expect(c.schema.$ref, `${verb} ${p} ${status}`).toMatch(/^#\/components\/schemas\/\w+$/);
        }
      }
    }
    const schemas = doc.components.schemas;
    expect(doc.paths["/api/v1/models/{model}"].get.responses["200"].content["application/json"].schema.$ref).toBe("#/components/schemas/Model");
    // shared shapes are referenced, not repeated
    expect(schemas.ListModelsResponse.properties.models.items.$ref).toBe("#/components/schemas/Model");
    expect(schemas.Endpoint.properties.latestDeployment.anyOf).toEqual([{ $ref: "#/components/schemas/Deployment" }, { type: "null" }]);
    // nullable fields are type arrays, as JSON Schema 2020-12 has them
    expect(schemas.Model.properties.latestVersion.type).toEqual(["number", "null"]);
    // requests are read as they are parsed: a field with a default is optional
    expect(schemas.CreateModelRequest.required).toEqual(["name"]);
    expect(doc.paths["/api/v1/models"].post.responses["400"].$ref).toBe("#/components/responses/BadRequest");
  });
});

describe("OpenAPI generator", () => {
  it("gives a schema used by requests and answers a second component when its input form differs", async () => {
    const plan = z.object({ steps: z.array(z.number()).default([10, 50]) });
    const contracts: [string, Contract][] = [
      ["createPlan", defineContract({ method: "POST", path: "/plans", summary: "create", tag: "t", auth: "public", body: z.object({ plan }), response: z.object({ plan, id: z.string() }) })],
    ];
    const doc = buildOpenApi("1", contracts, new Map<string, z.ZodType>([["Plan", plan], ["Error", errorSchema]])) as unknown as Doc;
    await expectSoundOpenApi31(doc);
    const s = doc.components.schemas;
    expect(Object.keys(s).sort()).toEqual(["CreatePlanRequest", "CreatePlanResponse", "Error", "Plan", "PlanInput"]);
    expect(s.CreatePlanRequest.properties.plan.$ref).toBe("#/components/schemas/PlanInput");
    expect(s.CreatePlanResponse.properties.plan.$ref).toBe("#/components/schemas/Plan");
    expect(s.PlanInput.required).toBeUndefined(); // a default makes it optional for requests
    expect(s.Plan.required).toEqual(["steps"]); // and always there in answers
  });
});

describe("gateway OpenAPI document (GET /openapi.json on the gateway)", () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let gateway: Proc;
  let url: string;

  beforeAll(async () => {
    redis = await startRedis();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    gateway = startProcess("gateway", "workers/gateway/main.ts", {
      DATABASE_URL: process.env.DATABASE_URL!, REDIS_URL: redis.url, GATEWAY_PORT: String(port), GATEWAY_HOST: "127.0.0.1", GATEWAY_PROCESSES: "1",
    });
    await waitFor("gateway", () => httpOk(`${url}/v2/health/live`), 30_000).catch((err) => { throw new Error(`${err.message}\n${gateway.output.join("")}`); });
  });

  afterAll(async () => {
    await stopProcess(gateway);
    await redis?.stop();
  });

  it("is valid OpenAPI 3.1 and describes both prediction protocols, health, metadata and metrics", async () => {
    const res = await fetch(`${url}/openapi.json`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    const doc = (await res.json()) as Doc;
    await expectSoundOpenApi31(doc);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/v2/models/{endpoint}/infer", "/v1/endpoints/{endpoint}/predict", "/v2/health/live", "/v2/health/ready", "/v2/models/{endpoint}", "/metrics"]));
    const body = (p: string) => doc.paths[p].post.requestBody.content["application/json"].schema.$ref;
    const answer = (p: string) => doc.paths[p].post.responses["200"].content["application/json"].schema.$ref;
    expect(body("/v2/models/{endpoint}/infer")).toBe("#/components/schemas/InferRequest");
    expect(answer("/v2/models/{endpoint}/infer")).toBe("#/components/schemas/InferResponse");
    expect(body("/v1/endpoints/{endpoint}/predict")).toBe("#/components/schemas/PredictRequest");
    expect(answer("/v1/endpoints/{endpoint}/predict")).toBe("#/components/schemas/PredictResponse");
    expect(doc.components.schemas.InferRequest.required).toEqual(["inputs"]);
    expect(doc.components.schemas.InferInput.required).toEqual(["name", "shape", "datatype", "data"]);
    expect(doc.components.schemas.InferResponse.required).toEqual(["model_name", "model_version", "id", "outputs"]);
    expect(doc.components.schemas.PredictRequest.required).toEqual(["instances"]);
    expect(doc.components.schemas.PredictResponse.required).toEqual(expect.arrayContaining(["predictions", "model_version"]));
  });

  it("matches what the gateway answers: every documented route exists, with a documented status and body", async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as Doc;
    let checked = 0;
    for (const [p, ops] of Object.entries(doc.paths)) {
      for (const [verb, op] of Object.entries(ops)) {
        const res = await fetch(url + p.replace("{endpoint}", "no-such-endpoint"), { method: verb.toUpperCase(), ...(verb === "post" ? { body: "{}", headers: { "content-type": "application/json" } } : {}) });
        const status = String(res.status);
        const documented = op.responses[status] ?? op.responses.default;
        expect(documented, `${verb} ${p} answered ${status}`).toBeDefined();
        const type = res.headers.get("content-type") ?? "";
        if (!type.startsWith("application/json")) continue;
        const json = await res.json();
        expect(json?.error?.message ?? "", `${verb} ${p}`).not.toMatch(/^no route/);
        const schema = deref(doc, deref(doc, documented).content["application/json"].schema);
        for (const key of schema.required ?? []) expect(json, `${verb} ${p} ${status}`).toHaveProperty(key);
        checked++;
      }
    }
    expect(checked).toBeGreaterThanOrEqual(7);
  });
});
