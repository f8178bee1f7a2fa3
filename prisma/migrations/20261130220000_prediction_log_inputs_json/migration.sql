-- A record's inputs are kept as json (their text, checked), no longer as jsonb (parsed into a binary tree).
-- Ingest writes every request's inputs and the explorer reads a page of them; only its feature filter
-- looks inside, and it parses the few values it compares. Converting 20 German-credit inputs to jsonb
-- took about a third of Postgres's CPU per logged record (`npm run bench:log-ingest`: 15 → 10 µs),
-- and jsonb stored them in more bytes (1,236 → 1,008 per record with the indexes). The outputs stay
-- jsonb: the shadow comparison and the alert readers look inside every one they read.
-- Rewrites every partition (the column's type changes); inputs keep their key order from now on.
ALTER TABLE "PredictionLog" ALTER COLUMN "inputs" TYPE json USING "inputs"::text::json;
