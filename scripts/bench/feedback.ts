// Figures for feedback and labelled performance: one call of 10,000 labels, and a performance read at its
// cap (100,000 labelled predictions, two variants, bootstrap of 1,000 resamples). A scratch database.
// Usage: npm run bench:feedback
import { performance as perf } from "node:perf_hooks";
import pg from "pg";
import { ensureDatabase } from "../../lib/db/ensure-database";
import { applyMigrations } from "../../lib/db/migrate";
import { createDb } from "../../lib/db/client";
import { ensurePartitions } from "../../lib/serving/data/prediction-log/partitions";
import { writePredictionBatch } from "../../lib/serving/data/prediction-log/write-batch";
import { recordFeedback } from "../../lib/performance/record-feedback";
import { readPerformance, PERFORMANCE_MAX_ROWS } from "../../lib/performance/read-performance";
import { seededRandom } from "../../lib/training/random";

const url = `postgresql://postgres@127.0.0.1:5432/switchyard_bench_feedback_${process.pid}`;
await ensureDatabase(url);
await applyMigrations(url);
const db = createDb(url);
const pool = new pg.Pool({ connectionString: url });
try {
  const team = await db.team.create({ data: { slug: "bench", name: "Bench" } });
  const e = await db.endpoint.create({ data: { teamId: team.id, name: "bench", routing: {}, createdBy: "bench" } });
  await ensurePartitions(pool);
  const rand = seededRandom(1);
  const n = PERFORMANCE_MAX_ROWS;
  const now = Date.now();
  const recs = Array.from({ length: n }, (_, i) => ({ t: now - Math.floor(rand() * 20 * 3_600_000), e: e.id, v: i % 2 ? "credit-v2" : "credit-v1", n: i % 2 ? 2 : 1, id: `r${i}`, s: 200, l: 1, sh: false, r: 1, in: null, out: { probability: [rand()] } }));
  for (let i = 0; i < n; i += 10_000) await writePredictionBatch(pool, recs.slice(i, i + 10_000));
  const principal = { kind: "token" as const, id: "bench", label: "bench", teamId: team.id, teamSlug: "bench", role: "engineer" as const, scopes: ["read", "write"] as ("read" | "write")[] };
  const times: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i += 10_000) {
    const t0 = perf.now();
    await recordFeedback({ db, principal, endpointName: "bench", records: recs.slice(i, i + 10_000).map((r) => ({ requestId: r.id, label: rand() < 0.3 ? 1 : 0 })) });
    times.push(perf.now() - t0);
  }
  const c1 = process.cpuUsage(c0);
  times.sort((a, b) => a - b);
  console.log(`feedback: 10,000 labels a call, ${times.length} calls: median ${times[times.length >> 1].toFixed(0)} ms, max ${times.at(-1)!.toFixed(0)} ms wall; ${((c1.user + c1.system) / 1000 / times.length).toFixed(0)} ms CPU a call in this process`);
  const cpu = (f: () => Promise<unknown>) => async () => { const c0 = process.cpuUsage(); const t0 = perf.now(); await f(); const c = process.cpuUsage(c0); return `${(perf.now() - t0).toFixed(0)} ms wall, ${((c.user + c.system) / 1000).toFixed(0)} ms CPU in this process`; };
  console.log("read 100,000 rows (the query alone):", await cpu(() => db.$queryRaw`SELECT "requestId", "variant", "version", "shadow", "time", "actual", "score", "correct" FROM "PredictionFeedback" WHERE "endpointId" = ${e.id} ORDER BY "time" DESC LIMIT ${n + 1}`)());
  let r: Awaited<ReturnType<typeof readPerformance>> | undefined;
  const took = await cpu(async () => { r = await readPerformance({ db, teamId: team.id, name: "bench", range: "24h" }); })();
  console.log(`performance 24h: ${r!.rows.read} labelled predictions read, verdict on ${r!.verdict?.labelledRequests} requests (auc diff ${r!.verdict?.difference?.toFixed(4)}): ${took}`);
} finally {
  await pool.end();
  await db.$disconnect();
  const admin = new pg.Client({ connectionString: "postgresql://postgres@127.0.0.1:5432/postgres" });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "switchyard_bench_feedback_${process.pid}" WITH (FORCE)`);
  await admin.end();
}
