// The deployments queue: one job per deployment, job id = deployment id (lib/jobs/enqueue-deployment.ts).
import { z } from "zod";
import { failDeployment, runDeployment, type RunnerDeps } from "../../serving/control/deployments/run-deployment";
import { defineJob, type JobContext } from "../define-job";

const deps = (ctx: JobContext): RunnerDeps => ({ db: ctx.db, redis: ctx.redis, clusterSecret: ctx.settings.clusterSecret, log: ctx.log, ingestLagMs: ctx.settings.ingestLagMs, redisUrl: ctx.redisUrl });

export const runDeploymentJob = defineJob({
  queue: "deployments",
  name: "run-deployment",
  version: 1,
  schema: z.object({ v: z.literal(1), deploymentId: z.string().regex(/^[a-z0-9]+$/) }),
  handler: (payload, ctx) => runDeployment(deps(ctx), payload.deploymentId),
  // the queue gave up (or refused the payload): restore the last good routing and say why
  onFailed: (ctx, job, err) => failDeployment(deps(ctx), job.id, err.message),
});
export type RunDeploymentPayload = z.output<typeof runDeploymentJob.schema>;
