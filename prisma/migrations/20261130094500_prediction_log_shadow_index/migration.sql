-- Shadow copies of one endpoint, newest first: what the shadow comparison (metrics API, the endpoint
-- page, promotion evidence) and the explorer's "shadow copies only" filter read. Without it the comparison
-- read every record of the window to find the shadow ones: on 1M records over 7 days (`npm run bench:ui`)
-- the endpoint page's 7-day view spent 0.3-0.6 s there for an endpoint with no shadow at all, growing with
-- the log. Partial: it holds only shadow records, so it costs served traffic nothing.
-- Created on the partitioned parent, so every daily partition, present and future, gets its own.
CREATE INDEX "PredictionLog_endpoint_shadow_time_idx" ON "PredictionLog" ("endpointId", "time") WHERE shadow;
