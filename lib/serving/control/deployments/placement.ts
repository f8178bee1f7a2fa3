// Puts model versions on inference workers of the right device and takes them off again. Only
// workers whose heartbeats carry the cluster secret's signature are used, and every call to one
// is signed for it (shared/cluster-auth.ts).
import type { Redis } from "ioredis";
import { isInline, type Variant } from "../../shared/routing";
import { SIGNATURE_HEADER, signCall } from "../../shared/cluster-auth";
import { listWorkers, workerServes, type WorkerInfo } from "../../shared/worker-registry";

export class PlacementError extends Error {}

async function post(secret: string, worker: WorkerInfo, path: string, body: unknown, timeoutMs: number): Promise<unknown> {
  const url = new URL(path, worker.url);
  const text = JSON.stringify(body);
  const signature = signCall(secret, { method: "POST", path: url.pathname, workerId: worker.id, body: text });
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", [SIGNATURE_HEADER]: signature }, body: text, signal: AbortSignal.timeout(timeoutMs) });
  const json = (await res.json().catch(() => null)) as { error?: { message: string } } | null;
  if (!res.ok) throw new PlacementError(json?.error?.message ?? `HTTP ${res.status}`);
  return json;
}

/**
 * Loads each variant on up to `replicas` live workers of its device (preferring ones that have it).
 * Inline variants are left out: gateways load those themselves (wait-inline.ts).
 */
export async function placeVariants(opts: { redis: Redis; clusterSecret: string; variants: Variant[]; loadTimeoutMs?: number }): Promise<Record<string, string[]>> {
  const workers = await listWorkers(opts.redis, { secret: opts.clusterSecret });
  const placed: Record<string, string[]> = {};
  for (const v of opts.variants) {
    if (isInline(v)) continue;
    const candidates = workers
      .filter((w) => workerServes(w, v.device))
      .sort((a, b) => Number(has(b, v.versionId)) - Number(has(a, v.versionId)) || a.queueDepth - b.queueDepth);
    if (!candidates.length) {
      const devices = [...new Set(workers.map((w) => w.device))].join(", ") || "none";
      throw new PlacementError(`no live ${v.device} inference worker for ${v.name} (live workers' devices: ${devices})`);
    }
    const targets = candidates.slice(0, Math.max(1, v.replicas));
    const results = await Promise.allSettled(targets.map((w) => post(opts.clusterSecret, w, "/admin/load", { versionId: v.versionId, sha256: v.sha256, batching: v.batching }, opts.loadTimeoutMs ?? 120_000)));
    const ok = targets.filter((_, i) => results[i].status === "fulfilled");
    if (!ok.length) {
      const reason = (results.find((r) => r.status === "rejected") as PromiseRejectedResult).reason as Error;
      throw new PlacementError(`could not load ${v.name}: ${reason.message}`);
    }
    placed[v.name] = ok.map((w) => w.id);
  }
  return placed;
}

const has = (w: WorkerInfo, versionId: string) => w.loaded.some((l) => l.versionId === versionId && l.ready);

/** Unloads versions from every worker that has them. Best effort: a worker that is gone has nothing loaded. */
export async function unloadVersions(opts: { redis: Redis; clusterSecret: string; versionIds: string[] }): Promise<void> {
  if (!opts.versionIds.length) return;
  const workers = await listWorkers(opts.redis, { secret: opts.clusterSecret });
  await Promise.allSettled(
    workers.flatMap((w) => opts.versionIds.filter((id) => has(w, id)).map((versionId) => post(opts.clusterSecret, w, "/admin/unload", { versionId }, 10_000))),
  );
}

/** Checks that every worker-placed variant answers a real request on at least one replica (blue-green's check). */
export async function verifyVariants(opts: { redis: Redis; clusterSecret: string; variants: Variant[]; probe: (v: Variant) => unknown }): Promise<void> {
  const workers = await listWorkers(opts.redis, { secret: opts.clusterSecret });
  for (const v of opts.variants) {
    if (isInline(v)) continue;
    const w = workers.find((x) => has(x, v.versionId));
    if (!w) throw new PlacementError(`${v.name} is not ready on any worker`);
    let inputs: unknown;
    try {
      inputs = opts.probe(v); // built from the declared shape, which may be too large to build
    } catch (err) {
      throw new PlacementError(`${v.name} cannot be checked: ${(err as Error).message}`);
    }
    // the worker's OIP call (JSON; the gateway's hop is a binary frame): an answer that is not 200 throws
    const oip = { inputs: Object.entries(inputs as Record<string, { shape: number[]; data: unknown[] }>).map(([name, t]) => ({ name, shape: t.shape, data: t.data })) };
    await post(opts.clusterSecret, w, `/v2/models/${encodeURIComponent(v.versionId)}/infer`, oip, 30_000).catch((err: Error) => {
      throw new PlacementError(`${v.name} failed its check: ${err.message}`);
    });
  }
}
