// Scheduled: re-loads routed versions on inference workers that restarted empty (every JOBS_HEAL_MS, one job worker per period).
import { z } from "zod";
import { healPlacements } from "../../serving/control/deployments/heal-placements";
import { defineJob } from "../define-job";

export const healPlacementsJob = defineJob({
  queue: "heal-placements",
  name: "heal-placements",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => ({ healed: await healPlacements({ db: ctx.db, redis: ctx.redis, clusterSecret: ctx.settings.clusterSecret, log: (m) => ctx.log(m) }) }),
});
