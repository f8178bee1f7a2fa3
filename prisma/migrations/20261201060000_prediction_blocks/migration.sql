-- The prediction log stored as blocks: one row per block of one endpoint's records (a gateway's binary
-- block, lib/serving/data/prediction-log/log-block.ts, stored as it came), not one row per request.
-- A row per request cost Postgres a heap tuple, four index entries and a JSON parse per prediction, and
-- ingest a row to build: logging took 28-48% of the gateway's throughput (`npm run bench:serving`).
-- Readers decode the blocks they select (lib/serving/data/prediction-log/read-blocks.ts); the block's
-- summary columns let them skip the blocks that cannot match:
--   "time", "lastTime": its earliest and latest record (a block spans at most a minute);
--   "records", "shadows", "errors" (status 400 and above), "maxLatencyMs", "variants", "statuses";
--   "requestHashes": FNV-1a of each record's request id, for lookups by request id (feedback, the
--   explorer's request filter) through a GIN index: a hash is four bytes where the id is up to 200;
--   "key": the SHA-1 of "data", so a block written again (a replay after a crash, a gateway's resend of
--   the same entry) is found and skipped.
CREATE TABLE "PredictionBlock" (
    "id" BIGSERIAL,
    "time" TIMESTAMPTZ NOT NULL,
    "lastTime" TIMESTAMPTZ NOT NULL,
    "endpointId" TEXT NOT NULL,
    "key" BYTEA NOT NULL,
    "records" INTEGER NOT NULL,
    "shadows" INTEGER NOT NULL,
    "errors" INTEGER NOT NULL,
    "maxLatencyMs" REAL NOT NULL,
    "variants" TEXT[] NOT NULL,
    "statuses" SMALLINT[] NOT NULL,
    "requestHashes" INTEGER[] NOT NULL,
    "data" BYTEA NOT NULL,
    PRIMARY KEY ("time", "id")
) PARTITION BY RANGE ("time");

-- Compressed with lz4 where the server has it (Debian's and the official images do): a block shrinks
-- about threefold (request ids, repeated strings, zero padding) at a fraction of pglz's CPU per write.
-- Partitions take the parent's setting.
DO $$ BEGIN
  ALTER TABLE "PredictionBlock" ALTER COLUMN "data" SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported THEN
  RAISE NOTICE 'this Postgres lacks lz4: prediction blocks are compressed with pglz';
END $$;

CREATE UNIQUE INDEX "PredictionBlock_key_time_key" ON "PredictionBlock" ("key", "time");
CREATE INDEX "PredictionBlock_endpoint_last_idx" ON "PredictionBlock" ("endpointId", "lastTime");
CREATE INDEX "PredictionBlock_endpoint_latency_idx" ON "PredictionBlock" ("endpointId", "maxLatencyMs");
CREATE INDEX "PredictionBlock_endpoint_shadow_idx" ON "PredictionBlock" ("endpointId", "lastTime") WHERE "shadows" > 0;
CREATE INDEX "PredictionBlock_request_idx" ON "PredictionBlock" USING gin ("requestHashes");

CREATE TABLE "PredictionBlock_default" PARTITION OF "PredictionBlock" DEFAULT;
