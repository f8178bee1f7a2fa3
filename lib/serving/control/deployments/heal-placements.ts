// Re-places routed versions on workers that came back empty (a restarted inference worker
// starts with nothing loaded). Endpoints with a deployment in progress are left to it.
import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import { asRouting, isInline } from "../../shared/routing";
import { listWorkers, workerServes } from "../../shared/worker-registry";
import { placeVariants } from "./placement";

export async function healPlacements(opts: { db: Db; redis: Redis; clusterSecret: string; log?: (m: string) => void }): Promise<number> {
  const endpoints = await opts.db.endpoint.findMany({ where: { deployments: { none: { status: { in: ["pending", "running"] } } } }, select: { name: true, routing: true } });
  const workers = await listWorkers(opts.redis, { secret: opts.clusterSecret });
  let healed = 0;
  for (const e of endpoints) {
    // inline variants are loaded by every gateway from the routing itself: nothing to re-place
    for (const v of asRouting(e.routing).variants.filter((x) => !isInline(x))) {
      const eligible = workers.filter((w) => workerServes(w, v.device));
      const serving = eligible.filter((w) => w.loaded.some((l) => l.versionId === v.versionId && l.ready));
      if (!eligible.length || serving.length >= Math.min(v.replicas, eligible.length)) continue;
      try {
        await placeVariants({ redis: opts.redis, clusterSecret: opts.clusterSecret, variants: [v] });
        healed++;
        opts.log?.(`re-placed ${v.name} for endpoint ${e.name}`);
      } catch (err) {
        opts.log?.(`could not re-place ${v.name}: ${(err as Error).message}`);
      }
    }
  }
  return healed;
}
