import type { Client } from "./client";
import type { Out } from "./commands";

type Flags = Record<string, string | boolean | undefined>;
type Deployment = { id: string; status: string; strategy: string; steps: { kind: string; percent?: number; status: string; detail?: string }[]; error: string | null; rollbackReason: string | null };

export async function endpointsCreate(api: Client, [name]: string[], f: Flags, out: Out) {
  if (!name) throw new Error("usage: switchyard endpoints create <name> [--environment staging|production] [--sticky-header h | --sticky-field f]");
  const sticky = f["sticky-header"] ? { header: f["sticky-header"] } : f["sticky-field"] ? { field: f["sticky-field"] } : undefined;
  const e = await api.request<{ name: string; environment: string }>("POST", "/api/v1/endpoints", { name, environment: f.environment ?? "staging", description: f.description, sticky });
  out(`created ${e.environment} endpoint ${e.name}`);
  return e;
}

export async function endpointsList(api: Client, _a: string[], _f: Flags, out: Out) {
  const { endpoints } = await api.request<{ endpoints: { name: string; environment: string; variants: { name: string; weight: number; role: string; readyReplicas: number }[] }[] }>("GET", "/api/v1/endpoints");
  for (const e of endpoints) out(`${e.name}\t${e.environment}\t${e.variants.map((v) => `${v.name}:${v.weight}%${v.role === "primary" ? "" : `(${v.role})`}`).join(" ") || "no traffic"}`);
  return endpoints;
}

/** --variant 3=90 --variant 4=10:canary --variant 5=0:shadow (version=weight[:role[:device]]) */
export function parseVariants(specs: string[]) {
  return specs.map((s) => {
    const m = /^(?:([a-z0-9][a-z0-9-_.]*)@)?v?(\d+)=(\d+(?:\.\d+)?)(?::(primary|canary|shadow))?(?::(cpu|gpu))?$/.exec(s);
    if (!m) throw new Error(`--variant ${s}: use [model@]version=weight[:role][:device], e.g. 3=90 or 4=0:shadow`);
    return { ...(m[1] ? { model: m[1] } : {}), version: Number(m[2]), weight: Number(m[3]), role: m[4] ?? "primary", device: m[5] ?? "cpu" };
  });
}

export async function trafficSet(api: Client, [endpoint]: string[], f: Flags, out: Out, variants: string[]) {
  if (!endpoint || !variants.length) throw new Error("usage: switchyard traffic set <endpoint> --model <name> --variant 1=90 --variant 2=10 [--strategy immediate|canary|blue_green] [--steps 10,50] [--bake-seconds 60] [--wait]");
  const body = {
    model: f.model,
    variants: parseVariants(variants),
    strategy: f.strategy ?? "immediate",
    ...(f.strategy === "canary" ? { canary: { ...(f.steps ? { steps: String(f.steps).split(",").map(Number) } : {}), ...(f["bake-seconds"] ? { bakeSeconds: Number(f["bake-seconds"]) } : {}) } } : {}),
    ...(f.reason ? { reason: f.reason } : {}),
  };
  const d = await api.request<Deployment & { queued: boolean }>("PUT", `/api/v1/endpoints/${encodeURIComponent(endpoint)}/traffic`, body);
  out(`deployment ${d.id} (${d.strategy}) ${d.queued ? "queued" : "recorded; it starts when the job workers reach Redis"}`);
  if (f.wait) return waitDeployment(api, d.id, out);
  return d;
}

export async function deploymentsWait(api: Client, [id]: string[], f: Flags, out: Out) {
  if (!id) throw new Error("usage: switchyard deployments wait <id> [--timeout-seconds 600]");
  return waitDeployment(api, id, out, Number(f["timeout-seconds"] ?? 600));
}

/** Polls until the deployment finishes; throws (exit 1) when it failed or rolled back. */
async function waitDeployment(api: Client, id: string, out: Out, timeoutSeconds = 600) {
  const until = Date.now() + timeoutSeconds * 1000;
  let shown = -1;
  while (Date.now() < until) {
    const d = await api.request<Deployment>("GET", `/api/v1/deployments/${encodeURIComponent(id)}`);
    const done = d.steps.filter((s) => s.status === "done").length;
    if (done !== shown) {
      const s = d.steps[Math.min(done, d.steps.length - 1)];
      out(`${d.status}: step ${Math.min(done + 1, d.steps.length)}/${d.steps.length} ${s.kind}${s.percent ? ` ${s.percent}%` : ""}`);
      shown = done;
    }
    if (d.status === "succeeded") return d;
    if (d.status === "failed") throw new Error(`deployment ${id} failed: ${d.error}`);
    if (d.status === "rolled_back") throw new Error(`deployment ${id} was rolled back: ${d.rollbackReason}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(`deployment ${id} did not finish within ${timeoutSeconds}s`);
}
