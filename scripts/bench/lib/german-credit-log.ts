// A million German-credit predictions in "PredictionLog", in well under a minute: a pool of distinct
// records is built here (the 1,000 real rows of fixtures/german_credit.csv, perturbed, a few values missing, a
// few multi-row requests), sent once, and Postgres replicates it into the log with INSERT … SELECT over
// generate_series. Around the served answers the window also holds what a drift read must leave out:
// shadow copies, failed requests, and another endpoint's traffic.
// The records have the gateway's shape (record.ts): inputs and outputs column-wise, one value per row.
import { readFileSync } from "node:fs";
import type { Pool } from "pg";
import { GERMAN_CREDIT_CSV, GERMAN_CREDIT_NUMERIC } from "../../../lib/training/german-credit";
import type { PredictionRecord } from "../../../lib/serving/shared/prediction-log/record";
import { ensurePartitions } from "../../../lib/serving/data/prediction-log/partitions";
import { writeColumnBlocks } from "../../../lib/serving/data/prediction-log/write-column-blocks";
import { seededRandom } from "../../../lib/training/random";

const DAY = 86_400_000;
const POOL = 20_000;
/** records per INSERT … SELECT: progress lines, and two statements at a time on two connections */
const CHUNK = 100_000;


/** The 20 attributes of fixtures/german_credit.csv (9 numbers, 11 strings) and its 1,000 rows. */
export function readGermanCredit(file = GERMAN_CREDIT_CSV): { features: { name: string; numeric: boolean }[]; rows: Record<string, number | string>[] } {
  const [header, ...lines] = readFileSync(file, "utf8").trim().split("\n");
  const names = header.split(",").filter((n) => n !== "credit_risk");
  const rows = lines.map((line) => {
    const cells = line.split(",");
    return Object.fromEntries(names.map((n, i) => [n, GERMAN_CREDIT_NUMERIC.includes(n) ? Number(cells[i]) : cells[i]]));
  });
  return { features: names.map((name) => ({ name, numeric: GERMAN_CREDIT_NUMERIC.includes(name) })), rows };
}

export type PoolRecord = { rows: number; inputs: Record<string, (number | string)[]>; outputs: Record<string, (number | string)[]> };

/**
 * `size` distinct records: amount and age perturbed, 1% of records without `savings_account_bonds`
 * (a missing value), 2% carrying 2-4 rows. The first output is `label`, then `probabilities`
 * (two per row, as skl2onnx classifiers answer).
 */
export function buildPool(size = POOL, seed = 11): PoolRecord[] {
  const rand = seededRandom(seed);
  const { rows } = readGermanCredit();
  const out: PoolRecord[] = [];
  for (let k = 0; k < size; k++) {
    const n = rand() < 0.02 ? 2 + Math.floor(rand() * 3) : 1;
    const inputs: Record<string, (number | string)[]> = {};
    const outputs: PoolRecord["outputs"] = { label: [], probabilities: [] };
    for (let j = 0; j < n; j++) {
      const r = { ...rows[Math.floor(rand() * rows.length)] };
      r.amount = Math.round((r.amount as number) * (0.8 + 0.4 * rand()));
      r.age = (r.age as number) + Math.floor(rand() * 5) - 2;
      for (const [name, v] of Object.entries(r)) (inputs[name] ??= []).push(v);
      const p = Math.round(1000 / (1 + Math.exp(-((r.amount as number) / 4000 - 1 + (r.duration as number) / 30 - 1)))) / 1000;
      outputs.label.push(p > 0.5 ? "bad" : "good");
      outputs.probabilities.push(1 - p, p);
    }
    if (n === 1 && rand() < 0.01) delete inputs.savings_account_bonds;
    out.push({ rows: n, inputs, outputs });
  }
  return out;
}

export type LoadedLog = { served: number; servedRows: number; shadow: number; failed: number; other: number };

/**
 * Fills [from, to) of `endpointId` with `served` successful answers (versions `version`, default 3, and,
 * one in ten, the next one),
 * a shadow copy (version 5) of one in ten, `failed` 500s one in fifty, and `other` records of
 * `otherEndpointId`. Deterministic: record g uses pool record (g·7919) mod pool size.
 */
export async function loadGermanCreditLog(opts: { pool: Pool; endpointId: string; otherEndpointId: string; served: number; other: number; from: number; to: number; version?: number; log?: (m: string) => void }): Promise<LoadedLog> {
  const { pool } = opts;
  const v = opts.version ?? 3;
  const records = buildPool();
  await ensurePartitions(pool, Math.ceil((opts.to - opts.from) / DAY) + 1, new Date(opts.from));
  const client = await pool.connect();
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS bench_pool (k int PRIMARY KEY, rows int NOT NULL, inputs jsonb NOT NULL, outputs jsonb NOT NULL)`);
    await client.query(`TRUNCATE bench_pool`);
    await client.query(`INSERT INTO bench_pool SELECT * FROM unnest($1::int[], $2::int[], $3::jsonb[], $4::jsonb[])`, [
      records.map((_, k) => k), records.map((r) => r.rows), records.map((r) => JSON.stringify(r.inputs)), records.map((r) => JSON.stringify(r.outputs)),
    ]);
  } finally {
    client.release();
  }
  const step = (opts.to - opts.from) / opts.served;
  const statements: { sql: string; params: unknown[] }[] = [];
  for (let g0 = 0; g0 < opts.served; g0 += CHUNK) {
    const g1 = Math.min(opts.served, g0 + CHUNK) - 1;
    const span = [g0, g1, opts.from, step, POOL];
    // $1..$5: first and last g, window start (ms), ms between records, pool size
    const at = `to_timestamp(($3::float8 + g * $4::float8) / 1000)`;
    statements.push({
      sql: `INSERT INTO "PredictionLog" ("time","endpointId","variant","version","requestId","status","latencyMs","shadow","rows","inputs","outputs")
            SELECT ${at}, $6, 'credit-v' || (CASE WHEN g % 10 = 0 THEN $7::int + 1 ELSE $7::int END), CASE WHEN g % 10 = 0 THEN $7::int + 1 ELSE $7::int END,
                   'req-' || g, 200, 5 + (g % 7), false, p.rows, p.inputs, p.outputs
            FROM generate_series($1::int, $2::int) g JOIN bench_pool p ON p.k = (g::bigint * 7919) % $5`,
      params: [...span, opts.endpointId, v],
    });
    statements.push({
      sql: `INSERT INTO "PredictionLog" ("time","endpointId","variant","version","requestId","status","latencyMs","shadow","rows","inputs","outputs","error")
            SELECT ${at} + CASE WHEN g % 10 = 1 THEN interval '2 ms' ELSE interval '1 ms' END, $6,
                   CASE WHEN g % 10 = 1 THEN 'credit-v' || ($7::int + 2) || '-shadow' ELSE 'credit-v' || $7::int END, CASE WHEN g % 10 = 1 THEN $7::int + 2 ELSE $7::int END,
                   CASE WHEN g % 10 = 1 THEN 'req-' || g ELSE 'req-failed-' || g END,
                   CASE WHEN g % 10 = 1 THEN 200 ELSE 500 END, 9, g % 10 = 1, p.rows, p.inputs,
                   CASE WHEN g % 10 = 1 THEN p.outputs END, CASE WHEN g % 10 = 1 THEN NULL ELSE 'the model''s worker failed: inference error' END
            FROM generate_series($1::int, $2::int) g JOIN bench_pool p ON p.k = (g::bigint * 7919) % $5
            WHERE g % 10 = 1 OR g % 50 = 7`,
      params: [...span, opts.endpointId, v],
    });
  }
  const otherStep = (opts.to - opts.from) / Math.max(1, opts.other);
  for (let g0 = 0; g0 < opts.other; g0 += CHUNK) {
    const g1 = Math.min(opts.other, g0 + CHUNK) - 1;
    statements.push({
      sql: `INSERT INTO "PredictionLog" ("time","endpointId","variant","version","requestId","status","latencyMs","shadow","rows","inputs","outputs")
            SELECT to_timestamp(($3::float8 + g * $4::float8) / 1000), $6, 'credit-v3', 3, 'other-' || g, 200, 7, false, p.rows, p.inputs, p.outputs
            FROM generate_series($1::int, $2::int) g JOIN bench_pool p ON p.k = (g::bigint * 104729) % $5`,
      params: [g0, g1, opts.from, otherStep, POOL, opts.otherEndpointId],
    });
  }
  let done = 0;
  const worker = async () => {
    for (let s = statements.shift(); s; s = statements.shift()) {
      await pool.query(s.sql, s.params);
      if (++done % 5 === 0) opts.log?.(`  ${done} insert statements done`);
    }
  };
  await Promise.all([worker(), worker()]);
  await pool.query(`DROP TABLE bench_pool`);
  const { rows } = await pool.query<{ served: number; served_rows: number; shadow: number; failed: number; other: number }>(
    `SELECT count(*) FILTER (WHERE "endpointId" = $1 AND NOT shadow AND status < 400)::int AS served,
            coalesce(sum(rows) FILTER (WHERE "endpointId" = $1 AND NOT shadow AND status < 400), 0)::int AS served_rows,
            count(*) FILTER (WHERE "endpointId" = $1 AND shadow)::int AS shadow,
            count(*) FILTER (WHERE "endpointId" = $1 AND status >= 400)::int AS failed,
            count(*) FILTER (WHERE "endpointId" = $2)::int AS other
     FROM "PredictionLog" WHERE time >= $3 AND time < $4`,
    [opts.endpointId, opts.otherEndpointId, new Date(opts.from), new Date(opts.to + 10)],
  );
  const r = rows[0];
  return { served: r.served, servedRows: r.served_rows, shadow: r.shadow, failed: r.failed, other: r.other };
}

/**
 * The columnar copy ingest would have written for the same served records (write-column-blocks.ts, the
 * product's own code), `batch` records per ingest batch; returns the blocks written. Records g as in
 * loadGermanCreditLog (same pool record, version and time to the millisecond; give the same `version`).
 */
export async function writeGermanCreditBlocks(opts: { pool: Pool; endpointId: string; served: number; from: number; to: number; batch: number; version?: number }): Promise<number> {
  const records = buildPool();
  const v = opts.version ?? 3;
  const step = (opts.to - opts.from) / opts.served;
  let blocks = 0;
  const inFlight = new Set<Promise<void>>();
  for (let g0 = 0; g0 < opts.served; g0 += opts.batch) {
    const batch: PredictionRecord[] = [];
    for (let g = g0; g < Math.min(opts.served, g0 + opts.batch); g++) {
      const p = records[(g * 7919) % POOL];
      batch.push({ t: Math.floor(opts.from + g * step), e: opts.endpointId, v: `credit-v${g % 10 === 0 ? v + 1 : v}`, n: g % 10 === 0 ? v + 1 : v, id: `req-${g}`, s: 200, l: 5, sh: false, r: p.rows, in: p.inputs, out: p.outputs });
    }
    // two transactions at a time, as two ingest consumers would
    while (inFlight.size >= 2) await Promise.race(inFlight);
    const w: Promise<void> = (async () => {
      const client = await opts.pool.connect();
      try {
        const n = await writeColumnBlocks(client, batch);
        blocks += n;
      } finally {
        client.release();
      }
    })().finally(() => inFlight.delete(w));
    inFlight.add(w);
  }
  await Promise.all(inFlight);
  return blocks;
}
