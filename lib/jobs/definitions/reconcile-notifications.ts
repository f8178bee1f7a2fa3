// Scheduled: queues deliveries that were written but never queued (Redis away, a process that died
// between commit and enqueue), every JOBS_RECONCILE_MS, one job worker per period.
import { z } from "zod";
import { reconcileDeliveries } from "../../notifications/reconcile-deliveries";
import { defineJob } from "../define-job";

export const reconcileNotificationsJob = defineJob({
  queue: "reconcile-notifications",
  name: "reconcile-notifications",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => {
    const queued = await reconcileDeliveries({ db: ctx.db, redisUrl: ctx.redisUrl });
    if (queued) ctx.log(`queued ${queued} notification delivery(ies)`);
    return { queued };
  },
});
