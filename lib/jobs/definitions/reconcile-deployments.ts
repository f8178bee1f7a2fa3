// Scheduled: queues deployments recorded while Redis was down (every JOBS_RECONCILE_MS, one job worker per period).
import { z } from "zod";
import { reconcilePending } from "../../serving/control/deployments/reconcile-pending";
import { defineJob } from "../define-job";

export const reconcileDeploymentsJob = defineJob({
  queue: "reconcile-deployments",
  name: "reconcile-deployments",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => {
    const queued = await reconcilePending({ db: ctx.db, redisUrl: ctx.redisUrl });
    if (queued) ctx.log(`queued ${queued} pending deployment(s)`);
    return { queued };
  },
});
