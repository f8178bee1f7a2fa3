// The REST API's OpenAPI 3.1 document, generated from the contracts: the same zod schemas the routes parse with.
// Request and response bodies are named schemas under components.schemas: those the contracts name (`named`),
// the rest after their contract (createModel → CreateModelRequest, CreateModelResponse). Schema objects are
// JSON Schema 2020-12, as OpenAPI 3.1 wants them (`type: ["string", "null"]`, never `nullable`).
import { z } from "zod";
import type { Contract } from "./contract";
import { ruleOf } from "../auth/policy";
import { NAMED_CONTRACTS } from "./contracts";
import { namedSchemas } from "./contracts/shared";

type Json = Record<string, unknown>;
type Io = "input" | "output";

const SCHEMAS = "#/components/schemas/";
const ref = (name: string) => ({ $ref: SCHEMAS + name });
const pascal = (s: string) => s[0].toUpperCase() + s.slice(1);

/** Error answers, all `{"error":{"code","message"}}`; operations list the ones that apply to them. */
const ERROR_RESPONSES = {
  BadRequest: { status: 400, description: "Bad input: the message names the field (`body.name: …`, `path.model: …`)" },
  Unauthorized: { status: 401, description: "No or bad credentials" },
  Forbidden: { status: 403, description: "Missing scope, role or team" },
  NotFound: { status: 404, description: "Unknown resource" },
  RateLimited: { status: 429, description: "Over the token's rate limit (API_RATE_LIMIT_PER_MINUTE)" },
  Error: { status: "default", description: "Any other error: 409 conflict, 413 too large, 422 unusable model or version, 500, 503" },
} as const;
type ErrorResponse = keyof typeof ERROR_RESPONSES;

function inlineSchema(s: z.ZodType, io: Io): Json {
  const { $schema: _, ...rest } = z.toJSONSchema(s, { io, unrepresentable: "any" }) as Json;
  return rest;
}

function parameters(c: Contract) {
  const out: object[] = [];
  for (const [where, obj] of [["path", c.params], ["query", c.query]] as const) {
    if (!obj) continue;
    const js = inlineSchema(obj, "input") as { properties?: Record<string, object>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

function errorsOf(c: Contract): ErrorResponse[] {
  const out: ErrorResponse[] = [];
  if (c.params || c.query || c.body || c.multipart || c.rawForm) out.push("BadRequest");
  // a signed public route (rawForm) refuses a bad signature with 401 like a bad credential
  if (c.auth !== "public" || c.rawForm) out.push("Unauthorized");
  if (c.auth !== "public") out.push("Forbidden");
  if (c.params) out.push("NotFound");
  if (c.auth !== "public") out.push("RateLimited");
  return [...out, "Error"];
}

function operation(name: string, c: Contract, bodyName: (s: z.ZodType) => string) {
  const action = c.auth === "public" ? null : c.auth.action;
  const rule = action ? ruleOf(action) : null;
  const status = String(c.status ?? 200);
  const op: Record<string, unknown> = {
    summary: c.summary,
    tags: [c.tag],
    operationId: `${c.method.toLowerCase()}${c.path.replace(/[{}]/g, "").replace(/[/.]+(\w)/g, (_, ch: string) => ch.toUpperCase())}`,
    parameters: parameters(c),
    security: !rule ? [] : rule.token === false ? [{ session: [] }] : [{ bearer: [] }, { session: [] }],
    responses: {
      [status]: c.produces
        ? { description: "file", content: Object.fromEntries([c.produces].flat().map((type) => [type, { schema: { type: "string", format: "binary" } }])) }
        : { description: "success", ...(c.response ? { content: { "application/json": { schema: ref(bodyName(c.response)) } } } : {}) },
      ...(c.accepted ? { "202": { description: c.accepted.description, content: { "application/json": { schema: ref(bodyName(c.accepted.response)) } } } } : {}),
      ...Object.fromEntries(errorsOf(c).map((e) => [ERROR_RESPONSES[e].status, { $ref: `#/components/responses/${e}` }])),
    },
  };
  if (c.body) op.requestBody = { required: true, content: { "application/json": { schema: ref(bodyName(c.body)) } } };
  if (c.multipart) {
    op.requestBody = {
      required: true,
      content: {
        "multipart/form-data": {
          schema: ref(`${pascal(name)}Request`),
          encoding: Object.fromEntries(Object.entries(c.multipart).filter(([, f]) => f.type === "json").map(([k]) => [k, { contentType: "application/json" }])),
        },
      },
    };
  }
  if (c.rawForm) {
    op.requestBody = { required: true, content: { "application/x-www-form-urlencoded": { schema: ref(`${pascal(name)}Request`) } } };
    op["x-signed"] = c.rawForm.signed;
  }
  if (action && rule) {
    // Who may call it, from lib/auth/policy.ts: the least role for people, the scope for tokens (none: session only).
    op["x-action"] = action;
    op["x-required-role"] = rule.role;
    if (rule.production) op["x-required-role-production"] = rule.production;
    if (rule.token) op["x-required-scope"] = rule.token;
  }
  return op;
}

function multipartSchema(fields: NonNullable<Contract["multipart"]>): Json {
  return {
    type: "object",
    required: Object.entries(fields).filter(([, f]) => f.type === "file" && !f.optional).map(([k]) => k),
    properties: Object.fromEntries(
      Object.entries(fields).map(([k, f]) => [k, f.type === "file" ? { type: "string", format: "binary", description: f.description } : { type: "string", description: `JSON: ${f.description}` }]),
    ),
  };
}

function formSchema(form: NonNullable<Contract["rawForm"]>): Json {
  const names = Object.keys(form.fields);
  return { type: "object", required: names, properties: Object.fromEntries(names.map((k) => [k, { type: "string", description: form.fields[k] }])) };
}

/** Names of the components a schema refers to. */
function refsIn(v: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(v)) v.forEach((x) => refsIn(x, out));
  else if (v && typeof v === "object") {
    for (const [k, x] of Object.entries(v)) {
      if (k === "$ref" && typeof x === "string" && x.startsWith(SCHEMAS)) out.add(x.slice(SCHEMAS.length));
      else refsIn(x, out);
    }
  }
  return out;
}

function renameRefs<T>(v: T, rename: (name: string) => string): T {
  if (Array.isArray(v)) return v.map((x) => renameRefs(x, rename)) as T;
  if (!v || typeof v !== "object") return v;
  return Object.fromEntries(
    Object.entries(v).map(([k, x]) => [k, k === "$ref" && typeof x === "string" && x.startsWith(SCHEMAS) ? SCHEMAS + rename(x.slice(SCHEMAS.length)) : renameRefs(x, rename)]),
  ) as T;
}

function closure(roots: Iterable<string>, schemas: Record<string, Json>): Set<string> {
  const seen = new Set<string>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    refsIn(schemas[name]).forEach(visit);
  };
  [...roots].forEach(visit);
  return seen;
}

/**
 * The named schemas, each as a request reads it (io "input": defaults make fields optional) or as a
 * response writes it (io "output"). One used both ways whose two forms differ becomes two components,
 * `Name` for answers and `NameInput` for requests.
 */
function componentSchemas(registry: z.core.$ZodRegistry<{ id: string }>, requests: Set<string>, responses: Set<string>) {
  const convert = (io: Io): Record<string, Json> => {
    const { schemas } = z.toJSONSchema(registry, { io, unrepresentable: "any", uri: (id) => SCHEMAS + id });
    if ("__shared" in schemas) throw new Error("OpenAPI: a contract schema is recursive; name the recursive part");
    // zod gives each its own $schema and $id; the document's dialect and the component names say both
    return Object.fromEntries(Object.entries(schemas).map(([id, s]) => {
      const { $schema: _s, $id: _i, ...rest } = s as Json;
      return [id, rest];
    }));
  };
  const input = convert("input");
  const output = convert("output");
  const inNames = closure(requests, input);
  const outNames = closure(responses, output);
  const split = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const n of inNames) {
      if (split.has(n) || !outNames.has(n)) continue;
      if (JSON.stringify(input[n]) !== JSON.stringify(output[n]) || [...refsIn(input[n])].some((r) => split.has(r))) {
        split.add(n);
        grew = true;
      }
    }
  }
  const inName = (n: string) => (split.has(n) ? `${n}Input` : n);
  const out: Record<string, Json> = {};
  for (const n of outNames) out[n] = output[n];
  for (const n of inNames) out[inName(n)] = renameRefs(input[n], inName);
  return { schemas: out, inName };
}

export function buildOpenApi(version: string, contracts: [string, Contract][] = NAMED_CONTRACTS, named: Map<string, z.ZodType> = namedSchemas) {
  // A registry per document: the contracts' named schemas, then every body under its contract's name.
  const registry = z.registry<{ id: string }>();
  const names = new Map<z.ZodType, string>([...named].map(([name, s]) => [s, name]));
  const extra: Record<string, Json> = {};
  const requests = new Set<string>();
  const responses = new Set<string>(["Error"]);
  const nameOf = (s: z.ZodType, fallback: string) => {
    if (!names.has(s)) names.set(s, fallback);
    return names.get(s)!;
  };
  for (const [name, c] of contracts) {
    if (c.body) requests.add(nameOf(c.body, `${pascal(name)}Request`));
    if (c.response) responses.add(nameOf(c.response, `${pascal(name)}Response`));
    if (c.accepted) responses.add(nameOf(c.accepted.response, `${pascal(name)}Accepted`));
    if (c.multipart) extra[`${pascal(name)}Request`] = multipartSchema(c.multipart);
    if (c.rawForm) extra[`${pascal(name)}Request`] = formSchema(c.rawForm);
  }
  for (const [s, id] of names) registry.add(s, { id });
  const { schemas, inName } = componentSchemas(registry, requests, responses);

  const paths: Record<string, Record<string, unknown>> = {};
  for (const [name, c] of contracts) {
    const op = operation(name, c, (s) => (s === c.body ? inName(names.get(s)!) : names.get(s)!));
    (paths[c.path] ??= {})[c.method.toLowerCase()] = op;
  }
  const all = { ...schemas, ...extra };
  return {
    openapi: "3.1.0",
    info: {
      title: "Switchyard API",
      version,
      description: 'The control plane\'s REST API for CI and scripts. JSON in and out; every error is {"error":{"code","message"}} (the Error schema) with a fitting status.',
    },
    servers: [{ url: "/", description: "the Switchyard web app that serves this document" }],
    paths,
    components: {
      schemas: Object.fromEntries(Object.keys(all).sort().map((k) => [k, all[k]])),
      responses: Object.fromEntries(
        Object.entries(ERROR_RESPONSES).map(([k, e]) => [
          k,
          {
            description: e.description,
            ...(e.status === 429 ? { headers: { "Retry-After": { description: "seconds until the token may call again", schema: { type: "integer" } } } } : {}),
            content: { "application/json": { schema: ref("Error") } },
          },
        ]),
      ),
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token, sy_…" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
  };
}
