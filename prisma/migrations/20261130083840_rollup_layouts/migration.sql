-- Rollups gain their histogram layout and their kind of traffic as part of the key.
-- Rows written before this migration used the coarse buckets (layout 1) and are read with those bounds.
-- A row of shadow copies only becomes a shadow row; a row that mixed both kinds in one minute (a variant
-- that changed role within that minute) stays a served row, as before.
ALTER TABLE "MetricRollup" DROP CONSTRAINT "MetricRollup_pkey",
ADD COLUMN     "latencyLayout" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN     "shadow" BOOLEAN NOT NULL DEFAULT false;

UPDATE "MetricRollup" SET "shadow" = true WHERE "shadowCount" > 0 AND "shadowCount" = "count";

-- every writer names both from now on
ALTER TABLE "MetricRollup" ALTER COLUMN "latencyLayout" DROP DEFAULT, ALTER COLUMN "shadow" DROP DEFAULT;

ALTER TABLE "MetricRollup" ADD CONSTRAINT "MetricRollup_pkey" PRIMARY KEY ("endpointId", "variant", "minute", "shadow", "latencyLayout");
