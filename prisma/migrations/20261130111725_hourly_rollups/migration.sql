-- CreateTable
CREATE TABLE "MetricRollupHour" (
    "endpointId" TEXT NOT NULL,
    "variant" TEXT NOT NULL,
    "hour" TIMESTAMP(3) NOT NULL,
    "shadow" BOOLEAN NOT NULL,
    "latencyLayout" INTEGER NOT NULL,
    "version" INTEGER NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,
    "errors" INTEGER NOT NULL DEFAULT 0,
    "shadowCount" INTEGER NOT NULL DEFAULT 0,
    "latencySumMs" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "latencyBuckets" INTEGER[],

    CONSTRAINT "MetricRollupHour_pkey" PRIMARY KEY ("endpointId","variant","hour","shadow","latencyLayout")
);

-- CreateIndex
CREATE INDEX "MetricRollupHour_hour_idx" ON "MetricRollupHour"("hour");

-- Adds one minute row's figures (negated to take them away) to its hour's row.
CREATE FUNCTION "metric_rollup_hour_add"(e TEXT, v TEXT, m TIMESTAMP(3), sh BOOLEAN, lay INTEGER, ver INTEGER,
                                         c INTEGER, er INTEGER, sc INTEGER, s DOUBLE PRECISION, b INTEGER[])
RETURNS void LANGUAGE sql AS $$
  INSERT INTO "MetricRollupHour" AS h ("endpointId","variant","hour","shadow","latencyLayout","version","count","errors","shadowCount","latencySumMs","latencyBuckets")
  VALUES (e, v, date_trunc('hour', m), sh, lay, ver, c, er, sc, s, b)
  ON CONFLICT ("endpointId","variant","hour","shadow","latencyLayout") DO UPDATE SET
    "version" = GREATEST(h."version", EXCLUDED."version"),
    "count" = h."count" + EXCLUDED."count",
    "errors" = h."errors" + EXCLUDED."errors",
    "shadowCount" = h."shadowCount" + EXCLUDED."shadowCount",
    "latencySumMs" = h."latencySumMs" + EXCLUDED."latencySumMs",
    "latencyBuckets" = ARRAY(SELECT COALESCE(x, 0) + COALESCE(y, 0) FROM unnest(h."latencyBuckets", EXCLUDED."latencyBuckets") WITH ORDINALITY AS t(x, y, i) ORDER BY i)
$$;

-- Every change to a minute row (ingest's upserts, a bulk load, a delete) moves its hour by the same
-- amount, in the same transaction: the hour table can never disagree with the minutes.
CREATE FUNCTION "metric_rollup_to_hour"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' AND OLD."endpointId" = NEW."endpointId" AND OLD."variant" = NEW."variant" AND OLD."minute" = NEW."minute"
     AND OLD."shadow" = NEW."shadow" AND OLD."latencyLayout" = NEW."latencyLayout" THEN
    PERFORM "metric_rollup_hour_add"(NEW."endpointId", NEW."variant", NEW."minute", NEW."shadow", NEW."latencyLayout", NEW."version",
      NEW."count" - OLD."count", NEW."errors" - OLD."errors", NEW."shadowCount" - OLD."shadowCount", NEW."latencySumMs" - OLD."latencySumMs",
      ARRAY(SELECT COALESCE(x, 0) - COALESCE(y, 0) FROM unnest(NEW."latencyBuckets", OLD."latencyBuckets") WITH ORDINALITY AS t(x, y, i) ORDER BY i));
    RETURN NULL;
  END IF;
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    PERFORM "metric_rollup_hour_add"(OLD."endpointId", OLD."variant", OLD."minute", OLD."shadow", OLD."latencyLayout", OLD."version",
      -OLD."count", -OLD."errors", -OLD."shadowCount", -OLD."latencySumMs",
      ARRAY(SELECT -x FROM unnest(OLD."latencyBuckets") WITH ORDINALITY AS t(x, i) ORDER BY i));
  END IF;
  IF TG_OP IN ('UPDATE', 'INSERT') THEN
    PERFORM "metric_rollup_hour_add"(NEW."endpointId", NEW."variant", NEW."minute", NEW."shadow", NEW."latencyLayout", NEW."version",
      NEW."count", NEW."errors", NEW."shadowCount", NEW."latencySumMs", NEW."latencyBuckets");
  END IF;
  RETURN NULL;
END
$$;

-- The minutes written before this migration.
SELECT count("metric_rollup_hour_add"("endpointId", "variant", "minute", "shadow", "latencyLayout", "version", "count", "errors", "shadowCount", "latencySumMs", "latencyBuckets"))
FROM "MetricRollup";

CREATE TRIGGER "MetricRollup_to_hour" AFTER INSERT OR UPDATE OR DELETE ON "MetricRollup"
FOR EACH ROW EXECUTE FUNCTION "metric_rollup_to_hour"();
