// Scheduled: deletes stored artifacts no model version refers to, and temp files of uploads that
// died, once older than ARTIFACT_GC_GRACE_MS (every ARTIFACT_GC_MS, one job worker per period).
import { z } from "zod";
import { collectArtifacts } from "../../registry/collect-artifacts";
import { defineJob } from "../define-job";

export const collectArtifactsJob = defineJob({
  queue: "collect-artifacts",
  name: "collect-artifacts",
  version: 1,
  schema: z.object({ v: z.literal(1) }),
  handler: async (_payload, ctx) => {
    const { removed, removedTemp } = await collectArtifacts({ db: ctx.db, store: ctx.artifacts.store, graceMs: ctx.artifacts.graceMs });
    if (removed.length || removedTemp) ctx.log(`artifact garbage collection removed ${removed.length} unreferenced artifact(s) and ${removedTemp} stale temp file(s)`, { removed });
    return { removed: removed.length, removedTemp };
  },
});
