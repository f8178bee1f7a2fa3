-- The prediction-log explorer's "slow requests" filter (minLatencyMs) usually keeps few rows. Walking
-- the time index for them reads the endpoint's whole window: on 1M rows over 7 days (`npm run bench:log`),
-- minLatencyMs=80 (40 matches in a week) took 290-590 ms that way. With this index, and the matches asked
-- for unordered first (lib/serving/control/predictions/prediction-query.ts, fewMatches), it takes 4 ms.
-- Created on the partitioned parent, so every daily partition, present and future, gets its own.
CREATE INDEX "PredictionLog_endpoint_latency_idx" ON "PredictionLog" ("endpointId", "latencyMs");
