// Scheduled: expires, stales and starts promotions (every JOBS_PROMOTIONS_MS, one job worker per period).
import { z } from "zod";
import { maintainPromotions } from "../../governance/maintain-promotions";
import { defineJob } from "../define-job";

export const maintainPromotionsJob = defineJob({
  queue: "maintain-promotions",
  name: "maintain-promotions",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => {
    const counts = await maintainPromotions({ db: ctx.db, redisUrl: ctx.redisUrl, inlineMaxModelMb: ctx.settings.inlineMaxModelMb });
    if (counts.expired || counts.stale || counts.started) ctx.log("promotions maintained", counts);
    return counts;
  },
});
