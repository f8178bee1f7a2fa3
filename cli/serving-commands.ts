import type { Client } from "./client";
import { describePromotion } from "./describe-promotion";
import type { Out } from "./commands";
import { CommandFailed, intFlag, oneOf, UsageError, wholeNumber } from "./errors";
import type { ResponseOf } from "../lib/api/contract";
import type * as endpoints from "../lib/api/contracts/endpoints";
import type * as endpointKeys from "../lib/api/contracts/endpoint-keys";

import type { Flags } from "./flags";
type Deployment = ResponseOf<typeof endpoints.getDeployment>;

const ENVIRONMENTS = ["staging", "production"] as const;
const STRATEGIES = ["immediate", "canary", "blue_green"] as const;

export async function endpointsCreate(api: Client, [name]: string[], f: Flags, out: Out) {
  if (!name) throw new UsageError("usage: endpoints create <name> [--environment staging|production] [--sticky-header h | --sticky-field f]");
  if (f["sticky-header"] && f["sticky-field"]) throw new UsageError("--sticky-header and --sticky-field: give one of them, not both");
  const environment = oneOf("--environment", String(f.environment ?? "staging"), ENVIRONMENTS);
  const sticky = f["sticky-header"] ? { header: f["sticky-header"] } : f["sticky-field"] ? { field: f["sticky-field"] } : undefined;
  const e = await api.request<ResponseOf<typeof endpoints.createEndpoint>>("POST", "/api/v1/endpoints", { name, environment, description: f.description, sticky });
  out(`created ${e.environment} endpoint ${e.name}`);
  return e;
}

export async function endpointsList(api: Client, _a: string[], _f: Flags, out: Out) {
  const list = await api.request<ResponseOf<typeof endpoints.listEndpoints>>("GET", "/api/v1/endpoints");
  for (const e of list.endpoints) out(`${e.name}\t${e.environment}\t${e.variants.map((v) => `${v.name}:${v.weight}%${v.role === "primary" ? "" : `(${v.role})`}`).join(" ") || "no traffic"}`);
  return list.endpoints;
}

const keysPath = (endpoint: string) => `/api/v1/endpoints/${encodeURIComponent(endpoint)}/keys`;

/** Prints the key alone on stdout (so `key=$(… keys create …)` works); the rest goes to stderr. */
export async function keysCreate(api: Client, [endpoint]: string[], f: Flags, out: Out, err: Out) {
  if (!endpoint) throw new UsageError("usage: keys create <endpoint> [--name n]");
  const k = await api.request<ResponseOf<typeof endpointKeys.createEndpointKey>>("POST", keysPath(endpoint), { name: f.name ?? "default" });
  out(k.key);
  err(`created endpoint key ${k.id} (${k.name}) for ${k.endpoint}; it is shown once. Send it as: Authorization: Bearer ${k.prefix}…`);
  return k;
}

export async function keysList(api: Client, [endpoint]: string[], _f: Flags, out: Out) {
  if (!endpoint) throw new UsageError("usage: keys list <endpoint>");
  const r = await api.request<ResponseOf<typeof endpointKeys.listEndpointKeys>>("GET", keysPath(endpoint));
  out(`${r.endpoint}: ${r.requireKey ? "requests need a key" : "requests need no key"}`);
  for (const k of r.keys) out(`${k.id}\t${k.name}\t${k.prefix}…\t${k.revokedAt ? `revoked ${k.revokedAt}` : "active"}\t${k.createdBy}`);
  return r;
}

export async function keysRevoke(api: Client, [endpoint, id]: string[], _f: Flags, out: Out) {
  if (!endpoint || !id) throw new UsageError("usage: keys revoke <endpoint> <key id>");
  const k = await api.request<ResponseOf<typeof endpointKeys.revokeEndpointKey>>("DELETE", `${keysPath(endpoint)}/${encodeURIComponent(id)}`);
  out(`revoked endpoint key ${k.id} (${k.name})`);
  return k;
}

export async function keysRequire(api: Client, [endpoint, value]: string[], _f: Flags, out: Out) {
  if (!endpoint || !value) throw new UsageError("usage: keys require <endpoint> on|off");
  const requireKey = oneOf("on|off", value, ["on", "off"] as const) === "on";
  const r = await api.request<ResponseOf<typeof endpointKeys.updateEndpointSettings>>("PUT", `/api/v1/endpoints/${encodeURIComponent(endpoint)}/settings`, { requireKey });
  out(`${r.endpoint}: ${r.requireKey ? "requests need a key" : "requests need no key"}`);
  return r;
}

/** --variant 3=90 --variant 4=10:canary --variant 5=0:shadow --variant 6=10:canary:cpu:inline (version=weight[:role][:device][:placement]) */
export function parseVariants(specs: string[]) {
  return specs.map((s) => {
    const m = /^(?:([a-z0-9][a-z0-9-_.]*)@)?v?(\d+)=(\d+(?:\.\d+)?)(?::(primary|canary|shadow))?(?::(cpu|gpu))?(?::(inline|worker))?$/.exec(s);
    if (!m) throw new UsageError(`--variant ${s}: use [model@]version=weight[:role][:device][:placement], e.g. 3=90, 4=0:shadow or 5=100:primary:cpu:inline`);
    return { ...(m[1] ? { model: m[1] } : {}), version: Number(m[2]), weight: Number(m[3]), role: m[4] ?? "primary", device: m[5] ?? "cpu", ...(m[6] ? { placement: m[6] } : {}) };
  });
}

export function canaryPlan(f: Flags) {
  const steps = f.steps === undefined ? undefined : String(f.steps).split(",").map((p) => wholeNumber("--steps", p, { min: 1, max: 99 }));
  const bakeSeconds = intFlag(f, "bake-seconds", { min: 0, max: 24 * 3600 });
  const minRequests = intFlag(f, "min-requests", { min: 0 });
  const maxWaitSeconds = intFlag(f, "max-wait-seconds", { min: 0, max: 24 * 3600 });
  return {
    ...(steps ? { steps } : {}), ...(bakeSeconds !== undefined ? { bakeSeconds } : {}),
    ...(minRequests !== undefined ? { minRequests } : {}), ...(maxWaitSeconds !== undefined ? { maxWaitSeconds } : {}),
  };
}

export async function trafficSet(api: Client, [endpoint]: string[], f: Flags, out: Out, variants: string[]) {
  if (!endpoint || !variants.length) throw new UsageError("usage: traffic set <endpoint> --model <name> --variant 1=90 --variant 2=10 [--strategy immediate|canary|blue_green] [--steps 10,50] [--bake-seconds 60] [--min-requests 100] [--max-wait-seconds 600] [--wait]");
  const strategy = oneOf("--strategy", String(f.strategy ?? "immediate"), STRATEGIES);
  if (strategy !== "canary" && ["steps", "bake-seconds", "min-requests", "max-wait-seconds"].some((k) => f[k] !== undefined)) {
    throw new UsageError("--steps, --bake-seconds, --min-requests and --max-wait-seconds go with --strategy canary");
  }
  const timeoutSeconds = intFlag(f, "timeout-seconds", { min: 1 }) ?? 600;
  const body = {
    model: f.model,
    variants: parseVariants(variants),
    strategy,
    ...(strategy === "canary" ? { canary: canaryPlan(f) } : {}),
    ...(f.reason ? { reason: f.reason } : {}),
  };
  const r = await api.request<ResponseOf<typeof endpoints.setTraffic>>("PUT", `/api/v1/endpoints/${encodeURIComponent(endpoint)}/traffic`, body);
  if ("promotion" in r) {
    // a production endpoint: the change waits for the release policy's approvals
    out(describePromotion(r.promotion));
    return r;
  }
  const d = r;
  out(`deployment ${d.id} (${d.strategy}) ${d.queued ? "queued" : "recorded; it starts when the job workers reach Redis"}`);
  if (f.wait) return waitDeployment(api, d.id, out, timeoutSeconds);
  return d;
}

export async function deploymentsWait(api: Client, [id]: string[], f: Flags, out: Out) {
  if (!id) throw new UsageError("usage: deployments wait <id> [--timeout-seconds 600]");
  return waitDeployment(api, id, out, intFlag(f, "timeout-seconds", { min: 1 }) ?? 600);
}

/**
 * Polls until the deployment finishes and ends with its status line, `deployment <id>: succeeded`
 * (or `failed: <error>`, `rolled_back: <reason>`, which exit 1).
 */
export async function waitDeployment(api: Client, id: string, out: Out, timeoutSeconds = 600, pollMs = 1000) {
  const until = Date.now() + timeoutSeconds * 1000;
  let shown = -1;
  for (;;) {
    const d = await api.request<Deployment>("GET", `/api/v1/deployments/${encodeURIComponent(id)}`);
    const done = d.steps.filter((s) => s.status === "done").length;
    if (done !== shown && d.steps.length) {
      const s = d.steps[Math.min(done, d.steps.length - 1)];
      out(`${d.status}: step ${Math.min(done + 1, d.steps.length)}/${d.steps.length} ${s.kind}${s.percent ? ` ${s.percent}%` : ""}`);
      shown = done;
    }
    if (d.status === "succeeded") {
      out(`deployment ${id}: succeeded`);
      return d;
    }
    if (d.status === "failed" || d.status === "rolled_back") {
      const line = `deployment ${id}: ${d.status}: ${(d.status === "failed" ? d.error : d.rollbackReason) ?? "no reason recorded"}`;
      out(line);
      throw new CommandFailed(line, d);
    }
    if (Date.now() + pollMs > until) throw new CommandFailed(`deployment ${id}: still ${d.status} after ${timeoutSeconds}s (deployments wait ${id} keeps waiting)`, d);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

