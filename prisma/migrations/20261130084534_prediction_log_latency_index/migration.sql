-- The prediction-log explorer's "slow requests" filter (minLatencyMs) keeps few rows: walking the
-- (endpointId, time) index for them reads the endpoint's whole window. On 1M rows over 7 days
-- (`npm run bench:log`), minLatencyMs=80 over 7 days took 590-850 ms that way and 0.6 ms with this
-- index (bitmap scan per daily partition, then a sort of the few matches). Created on the partitioned
-- parent, so every daily partition, present and future, gets its own.
CREATE INDEX "PredictionLog_endpoint_latency_idx" ON "PredictionLog" ("endpointId", "latencyMs");
