// `npm run bench:drift`: the drift statistics step on a report's worth of data — 1,000,000 current rows
// × 20 German-credit-shaped columns (10 numeric, 10 categorical; 1% missing in some) against a
// 100,000-row reference — timed per column kind, and in the same run numpy/scipy (/usr/bin/python3,
// scripts/bench/drift-stats-numpy.py) computing the same statistics on the same data, handed over as
// raw binary files (only the computation is timed on either side). Also checks that both sides agree.
// BENCH_ROWS, BENCH_REF_ROWS, BENCH_RUNS change the defaults.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { computeColumnDrift, computeDrift, type DictionaryColumn, type DriftColumn, type FeatureDrift } from "../../lib/monitoring/drift";
import { parseCsv } from "../../lib/training/csv";
import { GERMAN_CREDIT_CSV } from "../../lib/training/german-credit";
import { seededRandom } from "../../lib/training/random";

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const REF_ROWS = Number(process.env.BENCH_REF_ROWS ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);

const rand = seededRandom(1994);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const clamp = (x: number, lo: number, hi: number) => Math.max(lo, Math.min(hi, x));

// numeric columns: a value per row; `d` is the drift (0 in the reference); some columns have ties, some missing
type NumericSpec = { name: string; missing: number; draw: (d: number) => number };
const NUMERIC: NumericSpec[] = [
  { name: "duration", missing: 0, draw: (d) => clamp(Math.round(Math.exp(2.9 + 0.55 * gauss() + 0.1 * d)), 4, 72) },
  { name: "amount", missing: 0.01, draw: (d) => Math.round(Math.exp(7.8 + 0.75 * gauss() + 0.2 * d)) },
  { name: "age", missing: 0, draw: (d) => clamp(Math.round(35 + 11 * Math.abs(gauss()) + 3 * d), 19, 75) },
  { name: "income", missing: 0.01, draw: () => Math.round((3000 + 900 * gauss()) * 100) / 100 },
  { name: "balance", missing: 0, draw: (d) => Math.exp(6 + 1.2 * gauss()) - 200 * (1 + d) },
  { name: "credit_score", missing: 0, draw: () => clamp(Math.round(650 + 80 * gauss()), 300, 850) },
  { name: "debt_ratio", missing: 0.01, draw: (d) => rand() ** (2 - d) },
  { name: "months_at_address", missing: 0, draw: () => Math.floor(-30 * Math.log(1 - rand())) },
  { name: "savings", missing: 0, draw: (d) => (rand() < 0.3 - 0.1 * d ? 0 : Math.round(Math.exp(7 + gauss()))) },
  { name: "loan_to_value", missing: 0, draw: () => 0.2 + rand() },
];
const DRIFTED = new Set(["duration", "amount", "age", "balance", "debt_ratio", "purpose", "housing", "savings_account_bonds", "job", "property"]);

function numericColumn(spec: NumericSpec, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = rand() < spec.missing ? NaN : spec.draw(d);
  return out;
}

// categorical columns: the German credit data's labels and frequencies; the drifted ones lean to their last label
function categoricalColumns(): { name: string; labels: string[]; weights: number[] }[] {
  const rows = parseCsv(readFileSync(GERMAN_CREDIT_CSV, "utf8"));
  const names = ["checking_account_status", "credit_history", "purpose", "savings_account_bonds", "employment_duration", "personal", "other_debtors_guarantors", "property", "housing", "job"];
  return names.map((name) => {
    const counts = new Map<string, number>();
    for (const r of rows) counts.set(String(r[name]), (counts.get(String(r[name])) ?? 0) + 1);
    return { name, labels: [...counts.keys()], weights: [...counts.values()] };
  });
}

function codesColumn(weights: number[], rows: number, d: number, missing: number): Int32Array {
  const w = weights.map((x, i) => (i === weights.length - 1 ? x * (1 + 2 * d) : x));
  const cum: number[] = [];
  w.reduce((acc, x, i) => (cum[i] = acc + x), 0);
  const total = cum[cum.length - 1];
  const out = new Int32Array(rows);
  for (let i = 0; i < rows; i++) {
    if (rand() < missing) {
      out[i] = -1;
      continue;
    }
    const r = rand() * total;
    let c = 0;
    while (cum[c] <= r) c++;
    out[i] = c;
  }
  return out;
}

type Column = { name: string; kind: "numeric" | "categorical"; ref: Float64Array | DictionaryColumn; cur: Float64Array | DictionaryColumn };

function generate(): Column[] {
  const cols: Column[] = NUMERIC.map((s) => ({
    name: s.name,
    kind: "numeric",
    ref: numericColumn(s, REF_ROWS, 0),
    cur: numericColumn(s, ROWS, DRIFTED.has(s.name) ? 1 : 0),
  }));
  categoricalColumns().forEach((c, i) => {
    const missing = i % 3 === 0 ? 0.01 : 0;
    cols.push({
      name: c.name,
      kind: "categorical",
      ref: { codes: codesColumn(c.weights, REF_ROWS, 0, missing), labels: c.labels },
      cur: { codes: codesColumn(c.weights, ROWS, DRIFTED.has(c.name) ? 1 : 0, missing), labels: c.labels },
    });
  });
  return cols;
}

/** The same data as plain JavaScript arrays (what a caller decoding JSON would hold). */
function plain(c: Float64Array | DictionaryColumn): DriftColumn {
  if (c instanceof Float64Array) return Array.from(c, (x) => (Number.isNaN(x) ? null : x));
  return Array.from(c.codes, (k) => (k < 0 ? null : (c.labels[k] as string)));
}

const best = (xs: number[]) => Math.min(...xs);
// Collect the garbage of the run before (npm run starts node with --expose-gc), so one column's timing does
// not pay for another's: numpy frees its arrays as it goes.
const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
function time(f: () => void): number {
  const s: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    collect();
    const t = performance.now();
    f();
    s.push((performance.now() - t) / 1000);
  }
  return best(s);
}

function main() {
  console.log(`drift statistics: ${ROWS.toLocaleString("en")} current rows × 20 columns against ${REF_ROWS.toLocaleString("en")} reference rows, best of ${RUNS} runs on each side`);
  let t = performance.now();
  const cols = generate();
  console.log(`generated in ${((performance.now() - t) / 1000).toFixed(1)} s`);

  const dir = mkdtempSync(path.join(os.tmpdir(), "drift-bench-"));
  try {
    for (const c of cols) {
      const bytes = (x: Float64Array | DictionaryColumn) => (x instanceof Float64Array ? x : x.codes);
      writeFileSync(path.join(dir, `${c.name}.ref`), bytes(c.ref));
      writeFileSync(path.join(dir, `${c.name}.cur`), bytes(c.cur));
    }
    writeFileSync(path.join(dir, "manifest.json"), JSON.stringify({ columns: cols.map((c) => ({ name: c.name, kind: c.kind, labels: c.kind === "categorical" ? (c.ref as DictionaryColumn).labels : null })) }));

    const ours = new Map<string, { seconds: number; result: FeatureDrift }>();
    for (const c of cols) {
      let result!: FeatureDrift;
      const seconds = time(() => (result = computeColumnDrift({ name: c.name, reference: c.ref, current: c.cur })));
      ours.set(c.name, { seconds, result });
    }
    const whole = time(() => computeDrift({ reference: Object.fromEntries(cols.map((c) => [c.name, c.ref])), current: Object.fromEntries(cols.map((c) => [c.name, c.cur])) }));

    t = performance.now();
    const plainCols = cols.map((c) => ({ ...c, ref: plain(c.ref), cur: plain(c.cur) }));
    const plainBuild = (performance.now() - t) / 1000;
    const plainSeconds = new Map<string, number>();
    for (const c of plainCols) plainSeconds.set(c.name, time(() => computeColumnDrift({ name: c.name, reference: c.ref, current: c.cur })));

    const python = JSON.parse(execFileSync("/usr/bin/python3", [path.join(import.meta.dirname, "drift-stats-numpy.py"), dir, String(RUNS)], { maxBuffer: 16 << 20 }).toString()) as {
      name: string; seconds: number; result: Record<string, number>;
    }[];

    // both sides must have computed the same figures
    let worst = 0;
    for (const p of python) {
      const mine = ours.get(p.name)!.result;
      for (const [k, v] of Object.entries(p.result)) {
        const m = mine[k as keyof FeatureDrift] as number;
        const diff = Math.abs(m - v);
        if (diff > 1e-14) worst = Math.max(worst, diff / Math.max(Math.abs(m), Math.abs(v)));
      }
    }

    const rows: string[][] = [["columns", "switchyard, typed (s)", "switchyard, JS arrays (s)", "numpy/scipy (s)", "numpy/scipy ÷ switchyard typed"]];
    for (const kind of ["numeric", "categorical"] as const) {
      const names = cols.filter((c) => c.kind === kind).map((c) => c.name);
      const sum = (f: (n: string) => number) => names.reduce((a, n) => a + f(n), 0);
      const a = sum((n) => ours.get(n)!.seconds);
      const b = sum((n) => plainSeconds.get(n)!);
      const p = sum((n) => python.find((x) => x.name === n)!.seconds);
      rows.push([`${names.length} ${kind}`, a.toFixed(3), b.toFixed(3), p.toFixed(3), `${(p / a).toFixed(1)}×`]);
    }
    const allPy = python.reduce((a, p) => a + p.seconds, 0);
    const allPlain = [...plainSeconds.values()].reduce((a, b) => a + b, 0);
    rows.push(["all 20 (computeDrift)", whole.toFixed(3), allPlain.toFixed(3), allPy.toFixed(3), `${(allPy / whole).toFixed(1)}×`]);
    const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
    for (const r of rows) console.log(r.map((x, i) => (i === 0 ? x.padEnd(widths[i]) : x.padStart(widths[i]))).join("  "));
    console.log(`typed: Float64Array (NaN missing) and dictionary codes; JS arrays: number|null and string|null arrays (built in ${plainBuild.toFixed(1)} s, not counted)`);
    console.log(`figures agree with numpy/scipy: worst relative difference ${worst.toExponential(1)} (threshold 1e-9) ${worst <= 1e-9 ? "✓" : "✗"}`);
    console.log(`load average ${os.loadavg().map((x) => x.toFixed(1)).join(" ")} on ${os.cpus().length} cores`);
    if (worst > 1e-9) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
