// A variant with placement "inline" is not loaded on inference workers: every gateway process loads
// it from the artifact store once a deployment in progress names it (lib/serving/data/inline), and
// says so in its signed heartbeat. The deployment's place step waits here until every live gateway
// process reports it ready (loaded, warmed up, probed), or fails with the reason gateways give.
import type { Redis } from "ioredis";
import type { Variant } from "../../shared/routing";
import { listGateways } from "../../shared/gateway-registry";
import { PlacementError } from "./placement";

export async function waitForInline(opts: {
  redis: Redis; clusterSecret: string; variants: Variant[]; timeoutMs?: number; pollMs?: number;
  /** asks gateways to reload now rather than at their next period */
  nudge?: () => Promise<void>;
}): Promise<Record<string, string[]>> {
  const placed: Record<string, string[]> = {};
  if (!opts.variants.length) return placed;
  await opts.nudge?.();
  const deadline = Date.now() + (opts.timeoutMs ?? 120_000);
  for (;;) {
    const gateways = await listGateways(opts.redis, { secret: opts.clusterSecret });
    let waiting: string | null = null;
    for (const v of opts.variants) {
      if (placed[v.name]) continue;
      const states = gateways.map((g) => ({ g, s: g.inline.find((x) => x.versionId === v.versionId) }));
      // every live gateway process: traffic may reach any of them, and one without the version answers 503
      const ready = states.filter((x) => x.s?.ready).map((x) => x.g.id);
      if (gateways.length && ready.length === gateways.length) { placed[v.name] = ready.map((id) => `gateway ${id}`); continue; }
      const failed = states.filter((x) => x.s?.error);
      if (failed.length && failed.length === gateways.length) throw new PlacementError(`${v.name} could not be loaded inline: ${failed[0].s!.error}`);
      waiting = gateways.length
        ? `${v.name} is ready inline on ${ready.length} of ${gateways.length} gateway process(es)${failed.length ? ` (${failed[0].s!.error})` : ""}`
        : `no live gateway to run ${v.name} inline`;
    }
    if (!waiting) return placed;
    if (Date.now() > deadline) throw new PlacementError(waiting);
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 250));
  }
}
