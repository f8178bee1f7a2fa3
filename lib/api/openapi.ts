import { z } from "zod";
import type { Contract } from "./contract";
import { ruleOf } from "../auth/policy";
import { ALL_CONTRACTS } from "./contracts";
import { errorSchema } from "./contracts/shared";

const schema = (s: z.ZodType, io: "input" | "output") => z.toJSONSchema(s, { io, unrepresentable: "any", target: "openapi-3.0" });

function parameters(c: Contract) {
  const out: object[] = [];
  for (const [where, obj] of [["path", c.params], ["query", c.query]] as const) {
    if (!obj) continue;
    const js = schema(obj, "input") as { properties?: Record<string, object>; required?: string[] };
    for (const [name, s] of Object.entries(js.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (js.required ?? []).includes(name), schema: s });
    }
  }
  return out;
}

function operation(c: Contract) {
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
        ? { description: "file", content: { [c.produces]: { schema: { type: "string", format: "binary" } } } }
        : { description: "success", content: c.response ? { "application/json": { schema: schema(c.response, "output") } } : undefined },
      default: { description: "error", content: { "application/json": { schema: schema(errorSchema, "output") } } },
    },
  };
  if (c.body) op.requestBody = { required: true, content: { "application/json": { schema: schema(c.body, "input") } } };
  if (c.multipart) {
    op.requestBody = {
      required: true,
      content: {
        "multipart/form-data": {
          schema: {
            type: "object",
            required: Object.entries(c.multipart).filter(([, f]) => f.type === "file").map(([k]) => k),
            properties: Object.fromEntries(
              Object.entries(c.multipart).map(([k, f]) => [k, f.type === "file" ? { type: "string", format: "binary", description: f.description } : { type: "string", description: `JSON: ${f.description}` }]),
            ),
          },
        },
      },
    };
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

export function buildOpenApi(version: string) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const c of ALL_CONTRACTS) (paths[c.path] ??= {})[c.method.toLowerCase()] = operation(c);
  return {
    openapi: "3.1.0",
    info: { title: "Switchyard API", version, description: "Errors are {\"error\":{\"code\",\"message\"}}." },
    components: {
      securitySchemes: {
        bearer: { type: "http", scheme: "bearer", description: "API token, sy_…" },
        session: { type: "apiKey", in: "cookie", name: "next-auth.session-token" },
      },
    },
    paths,
  };
}
