// The notifications queue: one job per delivery, job id = delivery id (lib/notifications/queue-deliveries.ts).
// A retry is this job moved to delayed until the time the Delivery row names, not a BullMQ attempt:
// the schedule (backoff, Retry-After, Slack's pace) is the product's, exact, and kept across restarts.
import { z } from "zod";
import { deliverNotification } from "../../notifications/deliver-notification";
import { defineJob } from "../define-job";

export const sendNotificationJob = defineJob({
  queue: "notifications",
  name: "send-notification",
  version: 1,
  schema: z.object({ v: z.literal(1), deliveryId: z.string().regex(/^[a-z0-9]+$/) }),
  handler: async (payload, ctx, job) => {
    const r = await deliverNotification({ db: ctx.db, redis: ctx.redis, settings: ctx.notify, log: ctx.log }, payload.deliveryId);
    if (r.state === "later") {
      if (!job.delayUntil) throw new Error("send-notification needs a job worker that can delay jobs");
      return job.delayUntil(r.at);
    }
    return r.state;
  },
});
