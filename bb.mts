import { bootstrapDifference } from "./lib/performance/bootstrap-difference";
import { prepareSample } from "./lib/performance/compute-metrics";
import { seededRandom } from "./lib/training/random";
const rand = seededRandom(1);
const mk = (p: string) => { const rows = Array.from({ length: 50_000 }, () => { const a = rand() < 0.3 ? 1 : 0; const s = rand(); return { actual: a, score: s, correct: (s >= 0.5 ? 1 : 0) === a }; }); return { sample: prepareSample(rows), requestIds: rows.map((_, i) => `${p}${i}`) }; };
const a = mk("a"), b = mk("b");
for (const metric of ["auc", "accuracy"] as const) {
  const c0 = process.cpuUsage(); const t0 = performance.now();
  await bootstrapDifference({ a, b, metric });
  const c = process.cpuUsage(c0);
  console.log(metric, (performance.now() - t0).toFixed(0), "ms wall", ((c.user + c.system) / 1000).toFixed(0), "ms cpu");
}
