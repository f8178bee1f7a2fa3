// Every drift statistic against numpy/scipy (Debian's python3-scipy at /usr/bin/python3, computed at
// test time by tests/unit/drift-statistics-oracle.py, the README's recipe): to 1e-9 relative, for ties,
// unseen categories, constant columns, missing values, tiny and large samples, p-values from 1 to 1e-290.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { computeColumnDrift, type DriftValue, type FeatureDrift } from "@/lib/monitoring/drift";
import { gammaQ, kolmogorovSf } from "@/lib/monitoring/drift/special-functions";
import { seededRandom } from "@/lib/training/random";

const ORACLE = path.join(import.meta.dirname, "drift-statistics-oracle.py");
type Expected = Partial<Omit<FeatureDrift, "name">>;
type Case = { name: string; reference: DriftValue[]; current: DriftValue[]; currentRows?: number };

const rand = seededRandom(20_240_610);
const normal = (mean = 0, sd = 1) => mean + sd * Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
const normals = (n: number, mean = 0, sd = 1) => Array.from({ length: n }, () => normal(mean, sd));
const pick = (labels: string[], weights: number[]) => {
  const total = weights.reduce((a, b) => a + b, 0);
  let r = rand() * total;
  for (let i = 0; i < labels.length; i++) if ((r -= weights[i]) < 0) return labels[i];
  return labels[labels.length - 1];
};
const picks = (n: number, labels: string[], weights: number[]) => Array.from({ length: n }, () => pick(labels, weights));
const ages = (n: number, shift: number) => Array.from({ length: n }, () => Math.max(18, Math.min(75, Math.round(normal(38 + shift, 11)))));
const withMissing = (xs: DriftValue[], every: number, value: DriftValue = null) => xs.map((x, i) => (i % every === 0 ? value : x));

const SHIFTS = [0, 0.01, 0.03, 0.06, 0.1, 0.15, 0.2, 0.3, 0.5, 0.8];
const LABELS = ["A", "B", "C", "D", "E"];
const cases: Case[] = [
  { name: "numeric, heavily drifted", reference: normals(500), current: normals(400, 1.5) },
  { name: "numeric, identical", reference: normals(800), current: [] },
  { name: "numeric, ties (integer ages)", reference: ages(900, 0), current: ages(700, 2) },
  { name: "numeric, tiny: 6 distinct reference values, one current value", reference: [1, 2, 3, 4, 5, 6], current: [3.5] },
  { name: "numeric, tiny: current outside the reference's range", reference: [0.5, 1, 1, 2, 3, 5, 8], current: [100, 200] },
  { name: "numeric, missing values (null, undefined, a string in a numeric column)", reference: withMissing(normals(600), 7), current: withMissing(withMissing(normals(500, 0.2), 5, undefined), 11, "n/a") },
  { name: "numeric, large (100,000 each side, small shift)", reference: normals(100_000, 10, 3), current: normals(100_000, 10.05, 3) },
  { name: "numeric, large reference, large drift", reference: normals(20_000, 0, 1), current: normals(30_000, 0.5, 1.4) },
  ...SHIFTS.map((s) => ({ name: `numeric p-value sweep, shift ${s}`, reference: normals(1000), current: normals(900, s) })),
  { name: "numeric, one current value equal to a PSI edge", reference: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], current: [2, 3, 6, 6, 11, 12] },
  { name: "categorical, a category unseen in the reference", reference: picks(700, LABELS.slice(0, 3), [5, 3, 2]), current: picks(600, LABELS, [5, 3, 2, 1, 0.2]) },
  { name: "categorical, a reference category absent from the current data", reference: picks(700, LABELS, [5, 3, 2, 1, 1]), current: picks(300, LABELS.slice(0, 4), [5, 3, 2, 1]) },
  { name: "categorical, constant column both sides (k = 1, dof 0)", reference: Array(50).fill("same"), current: Array(30).fill("same") },
  { name: "categorical, constant numeric reference (numbers as labels)", reference: Array(200).fill(3), current: [...Array(150).fill(3), ...Array(20).fill(4)] },
  { name: "categorical, numbers as labels: 1 and \"1\" are one category", reference: [1, 2, 3, 1, 2, 1, 1, 2, 3, 4.5], current: ["1", 2, 3.0, "4.5", "1", "2", 7] },
  { name: "categorical, missing values", reference: withMissing(picks(800, LABELS, [1, 2, 3, 4, 5]), 9), current: withMissing(picks(800, LABELS, [1, 2, 3, 4, 6]), 4, undefined) },
  { name: "categorical, tiny samples", reference: ["x"], current: ["x", "y"] },
  { name: "categorical, identical distributions", reference: picks(900, LABELS, [3, 1, 4, 1, 5]), current: [] },
  { name: "categorical, large (100,000 each side)", reference: picks(100_000, LABELS, [30, 25, 20, 15, 10]), current: picks(100_000, LABELS, [29, 25, 21, 15, 10]) },
  { name: "categorical, 300 categories (high dof)", reference: picks(1000, LABELS300(), W300(0)), current: picks(2000, LABELS300(), W300(1)) },
  ...SHIFTS.map((s) => ({ name: `categorical p-value sweep, shift ${s}`, reference: picks(1000, LABELS, [1, 1, 1, 1, 1]), current: picks(1000, LABELS, [1 + 2 * s, 1, 1, 1, 1 - s]) })),
  { name: "categorical, p-value below 1e-250", reference: [...Array(1000).fill("a"), ...Array(1000).fill("b")], current: Array(2000).fill("a") },
  { name: "numeric, current a subsample of the reference (p near 1)", reference: normals(1000), current: [] },
  { name: "categorical, current a subsample of the reference (p near 1)", reference: picks(1000, LABELS, [1, 2, 3, 4, 5]), current: [] },
  { name: "no current rows", reference: normals(50), current: [] },
  { name: "current column missing throughout", reference: picks(50, LABELS, [1, 1, 1, 1, 1]), current: [null, undefined, null], currentRows: 3 },
];
// identical: the current data is the reference itself
for (const c of cases) if (c.name.includes("identical")) c.current = [...c.reference];
for (const c of cases) if (c.name.includes("subsample")) c.current = c.reference.filter((_, i) => i % 3 !== 0);

function LABELS300() {
  return Array.from({ length: 300 }, (_, i) => `c${i}`);
}
function W300(tilt: number) {
  return Array.from({ length: 300 }, (_, i) => 1 + tilt * (i % 7 === 0 ? 0.5 : 0));
}

const KOLMOGOROV_X: number[] = [0.001, 0.03, 0.0406, 0.05, 0.1, 0.3, 0.5, 0.7, 0.8, 0.82, 0.8200001, 0.9, 1, 1.2, 1.5, 2, 3, 5, 8, 12, 19, 27, 40];
const GAMMA_AX: [number, number][] = [];
for (const a of [0.5, 1, 1.5, 2, 4.5, 10, 24.5, 149.5, 999.5, 25_000]) for (const r of [1e-6, 0.01, 0.5, 0.9, 1, 1.05, 1.3, 2, 5, 30]) GAMMA_AX.push([a, a * r]);
for (const a of [5_000, 249_999.5]) for (const z of [-4, -1, 0, 1, 3, 8, 20]) GAMMA_AX.push([a, a + z * Math.sqrt(a)]);

let expected: { cases: Expected[]; kolmogorov: (number | null)[]; gammaincc: (number | null)[] };

beforeAll(() => {
  const input = JSON.stringify({
    cases: cases.map((c) => ({ reference: c.reference, current: c.current, currentRows: Math.max(c.currentRows ?? 0, c.current.length) })),
    kolmogorov: KOLMOGOROV_X,
    gammaincc: GAMMA_AX,
  });
  expected = JSON.parse(execFileSync("/usr/bin/python3", [ORACLE], { input, maxBuffer: 64 << 20 }).toString());
}, 60_000);

/** 1e-9 relative; near 0 (a statistic of exactly 0 one side, 1e-17 the other) 1e-14 absolute. */
function expectClose(actual: number | null | undefined, want: number | null | undefined, what: string, absolute = 1e-14) {
  if (want === null || want === undefined) {
    expect(actual ?? null, what).toBeNull();
    return;
  }
  expect(actual, what).toBeTypeOf("number");
  const diff = Math.abs((actual as number) - want);
  const scale = Math.max(Math.abs(actual as number), Math.abs(want));
  expect(diff <= 1e-9 * scale || diff <= absolute, `${what}: ${actual} vs scipy ${want} (relative ${diff / scale})`).toBe(true);
}

const STATS = ["statistic", "pValue", "psi", "jsDistance", "wasserstein", "missingShare"] as const;

describe("drift statistics match numpy/scipy", () => {
  cases.forEach((c, i) => {
    it(c.name, () => {
      const got = computeColumnDrift({ name: "f", reference: c.reference, current: c.current, currentRows: c.currentRows });
      const want = expected.cases[i];
      expect({ kind: got.kind, method: got.method }).toEqual({ kind: want.kind, method: want.method });
      // p-values keep their relative accuracy down to the smallest normal doubles
      for (const k of STATS) expectClose(got[k], want[k] ?? null, `${c.name}: ${k}`, k === "pValue" ? 1e-300 : 1e-14);
      expect(got.drifted).toBe(want.drifted ?? false);
    });
  });

  it("the sweeps span p-values from near 1 to near 0, through both Kolmogorov series", () => {
    const pOf = (prefix: string) => cases.flatMap((c, i) => (c.name.startsWith(prefix) ? [expected.cases[i].pValue as number] : []));
    for (const prefix of ["numeric p-value sweep", "categorical p-value sweep"]) {
      const ps = pOf(prefix);
      expect(Math.max(...ps)).toBeGreaterThan(0.3);
      expect(Math.min(...ps)).toBeLessThan(1e-20);
    }
    const pOfCase = (part: string) => expected.cases[cases.findIndex((c) => c.name.includes(part))].pValue as number;
    expect(pOfCase("numeric, current a subsample")).toBeGreaterThan(0.9);
    expect(pOfCase("categorical, current a subsample")).toBeGreaterThan(0.9);
    expect(pOfCase("below 1e-250")).toBeLessThan(1e-250);
  });

  it("scipy.special.kolmogorov, both series and the far tail", () => {
    KOLMOGOROV_X.forEach((x, i) => expectClose(kolmogorovSf(x), expected.kolmogorov[i], `kolmogorov(${x})`, 1e-300));
  });

  it("scipy.special.gammaincc (chi² tails), small and large degrees of freedom", () => {
    GAMMA_AX.forEach(([a, x], i) => expectClose(gammaQ(a, x), expected.gammaincc[i], `gammaincc(${a}, ${x})`, 1e-300));
  });
});
