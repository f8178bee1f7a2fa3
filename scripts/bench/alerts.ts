// `npm run bench:alerts`: one alert-evaluation cycle over 1,000 rules (target: under 1 s).
// Creates its own database (migrated like `npm start` does), 200 endpoints with two served variants
// and a shadow each, an hour of per-minute rollups per variant (log-linear latency histograms), the
// last 10 minutes of logged predictions (served and shadow), and 5 rules per endpoint: error rate
// (5 min), p95 (5 min), p50 (10 min), request rate (1 min) and, in turn, shadow delta, prediction
// mean or drift share (no data yet). Then runs evaluateAlertRules (what the job runs every 15 s)
// BENCH_RUNS times and prints each cycle's time, where it went (reads, writes), the CPU time the
// database's backends spent on it (from /proc, when Postgres runs on this machine: wall times on a
// shared machine say more about the neighbours than about the queries), and the median. A last cycle
// three hours on, when the traffic has stopped, resolves every open incident at once.
// BENCH_ENDPOINTS, BENCH_RUNS and BENCH_KEEP_DB=1 (leave the database for a look) change the defaults.
import { readFileSync } from "node:fs";
import pg from "pg";
import { applyMigrations } from "../../lib/db/migrate";
import { createDb } from "../../lib/db/client";
import { ensurePartitions } from "../../lib/serving/data/prediction-log/partitions";
import { convertRowLog } from "../../lib/serving/data/prediction-log/convert-row-log";
import { LATENCY_SLOTS, LATENCY_LAYOUT } from "../../lib/serving/shared/rollups";
import { evaluateAlertRules } from "../../lib/alerts/evaluate-alert-rules";
import { closeNotificationsQueues } from "../../lib/notifications/queue-deliveries";
import { startRedis } from "../../tests/helpers/processes";

const ENDPOINTS = Number(process.env.BENCH_ENDPOINTS ?? 200);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const PG = process.env.TEST_PG_BASE ?? "postgresql://postgres@127.0.0.1:5432";
const dbName = `alerts_bench_${process.pid}`;
const databaseUrl = `${PG}/${dbName}`;

// its own Redis: the deliveries a cycle queues must reach no one's notifications worker
const redis = await startRedis();
const admin = new pg.Client(`${PG}/postgres`);
await admin.connect();
await admin.query(`CREATE DATABASE ${dbName}`);
const pool = new pg.Pool({ connectionString: databaseUrl, max: 4 });
const db = createDb(databaseUrl);
try {
  await applyMigrations(databaseUrl);
  const now = Date.now();
  await ensurePartitions(pool, 2, new Date(now - 86_400_000));
  const team = await db.team.create({ data: { slug: "bench", name: "Bench" } });
  // every rule notifies a webhook channel, and a Slack channel hears every alert: a firing or a resolve writes two deliveries
  const hook = await db.channel.create({ data: { teamId: team.id, name: "hook", kind: "webhook", config: {}, events: [], createdBy: "bench" } });
  await db.channel.create({ data: { teamId: team.id, name: "slack", kind: "slack", config: {}, events: ["alert.firing", "alert.resolved"], createdBy: "bench" } });
  const ids: string[] = [];
  for (let i = 0; i < ENDPOINTS; i++) {
    const e = await db.endpoint.create({ data: { teamId: team.id, name: `ep-${i}`, routing: { variants: [], sticky: null }, createdBy: "bench" } });
    ids.push(e.id);
  }

  let t = performance.now();
  // an hour of rollups per endpoint × {v1, v2 served, v3 shadow}: ~20 non-empty latency slots around
  // 8–40 ms, a few per cent errors (some endpoints more, so that some rules fire)
  await pool.query(
    `INSERT INTO "MetricRollup" ("endpointId","variant","minute","shadow","latencyLayout","version","count","errors","shadowCount","latencySumMs","latencyBuckets")
     SELECT e.id, v.name, m.minute, v.shadow, $3, v.n, 600, (CASE WHEN e.ord % 20 = 0 THEN 90 ELSE 12 END), 0, 600 * 12.0,
            (SELECT array_agg(CASE WHEN i BETWEEN c.center - 10 AND c.center + 10 THEN 30 - abs(i - c.center) ELSE 0 END ORDER BY i) FROM generate_series(1, $4::int) i)
     FROM unnest($1::text[]) WITH ORDINALITY AS e(id, ord)
     CROSS JOIN (VALUES ('m-v1', 1, false), ('m-v2', 2, false), ('m-v3', 3, true)) AS v(name, n, shadow)
     CROSS JOIN generate_series(date_trunc('minute', to_timestamp($2::float8) AT TIME ZONE 'UTC') - interval '59 minutes', date_trunc('minute', to_timestamp($2::float8) AT TIME ZONE 'UTC'), interval '1 minute') AS m(minute)
     CROSS JOIN LATERAL (SELECT 300 + (e.ord % 7) * 8 + v.n * 4 AS center) c`,
    [ids, now / 1000, LATENCY_LAYOUT, LATENCY_SLOTS],
  );
  const rollups = (await pool.query(`SELECT count(*)::int AS n FROM "MetricRollup"`)).rows[0].n;
  // the last 10 minutes of the log: 20 requests a minute per endpoint, each answered and shadowed
  await pool.query(
    `INSERT INTO "PredictionLog" ("time","endpointId","variant","version","requestId","status","latencyMs","shadow","rows","inputs","outputs")
     SELECT to_timestamp($2::float8) - (k * interval '3 seconds'), e.id, x.variant, x.n, e.id || '-' || k, 200, 10, x.shadow, 1, NULL,
            jsonb_build_object('probability', jsonb_build_array(round((0.3 + 0.1 * x.n + (k % 10) * 0.02)::numeric, 3)))
     FROM unnest($1::text[]) AS e(id)
     CROSS JOIN generate_series(1, 200) AS k
     CROSS JOIN (VALUES ('m-v1', 1, false), ('m-v3', 3, true)) AS x(variant, n, shadow)`,
    [ids, now / 1000],
  );
  // as an earlier version's rows, moved into blocks as an upgrade moves them
  const logged = await convertRowLog(pool);
  await pool.query(`ANALYZE`);

  const rotating = [
    { metric: "shadow_delta", operator: ">", threshold: 0.15, windowSeconds: 300 },
    { metric: "prediction_mean", operator: ">", threshold: 0.45, windowSeconds: 300 },
    { metric: "drift_share", operator: ">=", threshold: 0.5, windowSeconds: 3600 },
  ];
  await db.alertRule.createMany({
    data: ids.flatMap((endpointId, i) => [
      { metric: "error_rate", operator: ">", threshold: 0.05, windowSeconds: 300 },
      { metric: "p95_latency_ms", operator: ">", threshold: 30, windowSeconds: 300 },
      { metric: "p50_latency_ms", operator: ">", threshold: 25, windowSeconds: 600 },
      { metric: "request_rate", operator: "<", threshold: 5, windowSeconds: 60 },
      rotating[i % 3],
    ].map((r) => ({ ...r, teamId: team.id, endpointId, name: `${r.metric} ${r.operator} ${r.threshold}`, forSeconds: 60, severity: "warning" as const, channelIds: [hook.id], createdBy: "bench" }))),
  });
  const rules = await db.alertRule.count();
  console.log(`set up in ${((performance.now() - t) / 1000).toFixed(1)} s: ${ENDPOINTS} endpoints, ${rollups} rollup rows (last hour), ${logged} logged predictions, ${rules} rules`);

  /** CPU seconds the bench database's backends have used so far (null: Postgres is not on this machine). */
  const dbCpu = async (): Promise<number | null> => {
    const pids = (await pool.query(`SELECT pid FROM pg_stat_activity WHERE datname = $1`, [dbName])).rows.map((r) => r.pid as number);
    try {
      // utime and stime, in clock ticks (100 a second on Linux), fields 14 and 15 of /proc/<pid>/stat
      return pids.reduce((a, pid) => { const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" "); return a + (Number(f[11]) + Number(f[12])) / 100; }, 0);
    } catch {
      return null;
    }
  };
  const times: number[] = [];
  const quiet: number[] = [];
  const cycle = async (label: string, at: number) => {
    const cpu0 = await dbCpu();
    t = performance.now();
    const c = await evaluateAlertRules({ db, redisUrl: redis.url, now: new Date(at) });
    const ms = performance.now() - t;
    const cpu1 = await dbCpu();
    const cpu = cpu0 === null || cpu1 === null ? "n/a" : `${((cpu1 - cpu0) * 1000).toFixed(0)} ms`;
    const changed = c.pending + c.fired + c.resolved + c.dropped;
    console.log(`${label}: ${ms.toFixed(0)} ms (reads ${c.readMs.toFixed(0)} ms: ${Object.entries(c.readerMs).map(([k, v]) => `${k} ${v}`).join(", ")}; writes ${c.writeMs.toFixed(0)} ms; database CPU ${cpu}) · ${c.rules} rules · pending ${c.pending}, fired ${c.fired}, resolved ${c.resolved}, dropped ${c.dropped}, deliveries ${c.notified}`);
    return { ms, changed };
  };
  for (let run = 0; run < RUNS; run++) {
    // 15 s apart, as the job runs: the first cycle opens incidents, later ones move them on
    const { ms, changed } = await cycle(`cycle ${run + 1}`, now + run * 15_000);
    times.push(ms);
    if (!changed) quiet.push(ms);
  }
  await cycle("traffic stopped (3 h on)", now + 3 * 3_600_000);
  const sorted = [...times].sort((a, b) => a - b);
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  console.log(`\nmedian cycle: ${median(times).toFixed(0)} ms (quiet cycles: ${quiet.length ? median(quiet).toFixed(0) : "-"} ms), slowest ${sorted[sorted.length - 1].toFixed(0)} ms for ${rules} rules (target < 1000 ms)`);
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await closeNotificationsQueues();
  await redis.stop();
  await db.$disconnect();
  await pool.end();
  // the client's pool closes its connections a moment after it says so: dropping the database under one kills it, and an idle pg client that dies throws
  for (let i = 0; i < 50 && (await admin.query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1`, [dbName])).rows[0].n > 0; i++) await new Promise((r) => setTimeout(r, 100));
  if (process.env.BENCH_KEEP_DB !== "1") await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
  else console.log(`\nkept the database: ${databaseUrl}`);
  await admin.end();
}
