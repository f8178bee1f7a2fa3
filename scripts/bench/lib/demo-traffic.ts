// A week of logged predictions for the seeded demo's endpoints, written straight into the per-request rows
// of earlier versions ("PredictionLog") and "MetricRollup" with the histogram layout the ingest consumer
// writes (write-batch.ts), in big multi-row INSERTs, then moved into blocks as an upgrade moves them
// (convert-row-log.ts): a million records take a minute or two instead of an afternoon of real traffic.
// The records look like the gateway's: German-credit inputs column-wise, the version's real output for
// those inputs (scored once with onnxruntime), a daily rhythm, a slow tail, a few client and server errors,
// and one bad half hour of the canary so the charts have something to show.
import { randomUUID } from "node:crypto";
import type { Pool } from "pg";
import * as ort from "onnxruntime-node";
import { ensurePartitions } from "../../../lib/serving/data/prediction-log/partitions";
import { convertRowLog } from "../../../lib/serving/data/prediction-log/convert-row-log";
import { bucketOf, LATENCY_LAYOUT, LATENCY_SLOTS } from "../../../lib/serving/shared/rollups";
import type { FeatureRow } from "../../../lib/training/tabular-data";
import { seededRandom } from "../../../lib/training/random";

const MINUTE = 60_000;
const DAY = 86_400_000;
const ROW_CHUNK = 10_000;
const ROLLUP_CHUNK = 1_000;

export type TrafficVariant = {
  /** the routing's variant name (`<model>-v<version>`) */
  name: string;
  version: number;
  /** share of the endpoint's requests, in percent */
  weight: number;
  /** the model file, to score the input rows with */
  onnxPath: string;
  /** median latency (ms) of a served answer */
  medianMs: number;
};
export type TrafficEndpoint = { id: string; name: string; share: number; variants: TrafficVariant[] };

/** The model's probability for every row, as the worker would answer (float32). */
async function scoreRows(onnxPath: string, rows: FeatureRow[]): Promise<number[]> {
  const session = await ort.InferenceSession.create(onnxPath, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  try {
    const feeds: Record<string, ort.Tensor> = {};
    for (const name of session.inputNames) {
      const values = rows.map((r) => r[name]);
      feeds[name] = typeof values[0] === "number" ? new ort.Tensor("float32", Float32Array.from(values as number[]), [rows.length, 1]) : new ort.Tensor("string", values.map(String), [rows.length, 1]);
    }
    const out = await session.run(feeds);
    return Array.from(out[session.outputNames[0]].data as Float32Array, (x) => Number(x));
  } finally {
    await session.release();
  }
}

type Rollup = { endpointId: string; variant: string; version: number; minute: number; count: number; errors: number; sum: number; buckets: Int32Array };

/**
 * Writes `total` records spread over the last `days` days up to `now`, and their per-minute rollups.
 * Returns how many records it wrote.
 */
export async function loadDemoTraffic(opts: { pool: Pool; endpoints: TrafficEndpoint[]; rows: FeatureRow[]; total: number; now: number; days: number; log: (m: string) => void }): Promise<number> {
  const { pool, endpoints, rows, now } = opts;
  const rand = seededRandom(7);
  await ensurePartitions(pool, opts.days + 1, new Date(now - (opts.days + 1) * DAY));

  // inputs and outputs as JSON once per row (and version): the million records reuse them
  const inputsJson = rows.map((r) => JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, [v]]))));
  const outputsJson = new Map<string, string[]>();
  for (const e of endpoints) {
    for (const v of e.variants) {
      if (outputsJson.has(v.onnxPath)) continue;
      const scores = await scoreRows(v.onnxPath, rows);
      outputsJson.set(v.onnxPath, scores.map((p) => JSON.stringify({ probability: [p] })));
    }
  }

  // requests per minute: a daily rhythm (busiest mid-afternoon UTC), quieter weekends, some noise
  const first = Math.floor((now - opts.days * DAY) / MINUTE) * MINUTE;
  const minutes: number[] = [];
  for (let m = first; m <= now; m += MINUTE) minutes.push(m);
  const shape = minutes.map((m) => {
    const d = new Date(m);
    const hour = d.getUTCHours() + d.getUTCMinutes() / 60;
    const weekend = d.getUTCDay() === 0 || d.getUTCDay() === 6 ? 0.6 : 1;
    return weekend * (1 + 0.55 * Math.sin((2 * Math.PI * (hour - 9)) / 24)) * (0.85 + 0.3 * rand());
  });
  const shapeSum = shape.reduce((a, b) => a + b, 0);
  // the canary's bad half hour, six hours ago: slow and failing (in the 24 h and 7 d charts)
  const incidentFrom = now - 6 * 3_600_000;
  const incidentTo = incidentFrom + 30 * MINUTE;

  const cols = { t: [] as Date[], e: [] as string[], v: [] as string[], n: [] as number[], id: [] as string[], s: [] as number[], l: [] as number[], i: [] as (string | null)[], o: [] as (string | null)[], err: [] as (string | null)[] };
  const inFlight = new Set<Promise<void>>();
  let failure: unknown = null;
  const send = async (sql: string, params: unknown[]) => {
    // two writes at a time: Postgres inserts one batch while this process builds the next
    while (inFlight.size >= 2) await Promise.race(inFlight);
    if (failure) throw failure;
    const p: Promise<void> = pool.query(sql, params).then(() => {}, (err: unknown) => { failure ??= err; }).finally(() => inFlight.delete(p));
    inFlight.add(p);
  };
  const flushRows = async () => {
    if (!cols.t.length) return;
    const params = [cols.t, cols.e, cols.v, cols.n, cols.id, cols.s, cols.l, cols.i, cols.o, cols.err];
    for (const k of Object.keys(cols) as (keyof typeof cols)[]) cols[k] = [];
    await send(
      `INSERT INTO "PredictionLog" ("time","endpointId","variant","version","requestId","status","latencyMs","shadow","rows","inputs","outputs","error")
       SELECT t, e, v, n, id, s, l, false, 1, i, o, err FROM unnest($1::timestamptz[], $2::text[], $3::text[], $4::int[], $5::text[], $6::smallint[], $7::real[], $8::jsonb[], $9::jsonb[], $10::text[])
         AS x(t, e, v, n, id, s, l, i, o, err)`,
      params,
    );
  };
  let rollups: Rollup[] = [];
  const flushRollups = async () => {
    if (!rollups.length) return;
    const r = rollups;
    rollups = [];
    await send(
      `INSERT INTO "MetricRollup" ("endpointId","variant","minute","shadow","latencyLayout","version","count","errors","shadowCount","latencySumMs","latencyBuckets")
       SELECT e, v, to_timestamp(m / 1000.0) AT TIME ZONE 'UTC', false, ${LATENCY_LAYOUT}, n, c, err, 0, s, b::int[]
       FROM unnest($1::text[], $2::text[], $3::float8[], $4::int[], $5::int[], $6::int[], $7::float8[], $8::text[]) AS x(e, v, m, n, c, err, s, b)`,
      [r.map((x) => x.endpointId), r.map((x) => x.variant), r.map((x) => x.minute), r.map((x) => x.version), r.map((x) => x.count), r.map((x) => x.errors), r.map((x) => x.sum), r.map((x) => `{${x.buckets.join(",")}}`)],
    );
  };

  let written = 0;
  let carry = 0;
  for (let k = 0; k < minutes.length; k++) {
    const minute = minutes[k];
    const span = Math.min(MINUTE, now - minute);
    carry += (opts.total * shape[k]) / shapeSum;
    const count = k === minutes.length - 1 ? opts.total - written : Math.floor(carry);
    carry -= count;
    const times = Array.from({ length: count }, () => minute + Math.floor(rand() * span)).sort((a, b) => a - b);
    const open = new Map<string, Rollup>();
    for (const t of times) {
      const r = rand();
      let acc = 0;
      const e = endpoints.find((x) => r < (acc += x.share)) ?? endpoints[endpoints.length - 1];
      const w = rand() * 100;
      acc = 0;
      const v = e.variants.find((x) => w < (acc += x.weight)) ?? e.variants[e.variants.length - 1];
      const bad = v.version > 1 && t >= incidentFrom && t < incidentTo;
      const u = rand();
      // server errors: mostly fast failures (500), rarely a timeout (503 after 2 s); timeouts pile up in the bad half hour
      const status = u < (bad ? 0.08 : 0.003) ? (rand() < (bad ? 0.7 : 0.1) ? 503 : 500) : u > 0.985 ? 400 : 200;
      // log-normal around the variant's median, one in a hundred much slower (a cold cache, a long GC)
      const gauss = Math.sqrt(-2 * Math.log(rand() || 1e-9)) * Math.cos(2 * Math.PI * rand());
      let latency = v.medianMs * Math.exp(0.35 * gauss) * (rand() < 0.01 ? 4 + 8 * rand() : 1) * (bad ? 4 : 1);
      if (status === 400) latency = 0.2 + rand() * 0.3;
      if (status === 503) latency = 2000 + rand() * 50;
      latency = Math.fround(Number(latency.toFixed(3)));
      const row = Math.floor(rand() * rows.length);
      cols.t.push(new Date(t));
      cols.e.push(e.id);
      cols.v.push(v.name);
      cols.n.push(v.version);
      cols.id.push(randomUUID());
      cols.s.push(status);
      cols.l.push(latency);
      cols.i.push(status === 400 ? null : inputsJson[row]);
      cols.o.push(status === 200 ? outputsJson.get(v.onnxPath)![row] : null);
      cols.err.push(status === 200 ? null : status === 400 ? "inputs: \"age\" is missing" : status === 503 ? "the model's worker did not answer within 2000 ms" : "the model's worker failed: inference error");

      const key = `${e.id}|${v.name}`;
      let a = open.get(key);
      if (!a) open.set(key, (a = { endpointId: e.id, variant: v.name, version: v.version, minute, count: 0, errors: 0, sum: 0, buckets: new Int32Array(LATENCY_SLOTS) }));
      a.count++;
      if (status >= 500) a.errors++;
      a.sum += latency;
      a.buckets[bucketOf(latency)]++;
      if (cols.t.length === ROW_CHUNK) await flushRows();
    }
    written += count;
    rollups.push(...open.values());
    if (rollups.length >= ROLLUP_CHUNK) await flushRollups();
    if (Math.floor((written - count) / 200_000) !== Math.floor(written / 200_000)) opts.log(`${written.toLocaleString("en-US")} records`);
  }
  await flushRows();
  await flushRollups();
  await Promise.all(inFlight);
  if (failure) throw failure;
  opts.log(`moving the ${written.toLocaleString("en-US")} records into blocks`);
  await convertRowLog(pool);
  return written;
}
