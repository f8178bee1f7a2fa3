// The data set's drift report from columns: rows, the drift share and verdict, which test decides,
// the order of features, typed columns giving the same figures, and what an empty window says.
import { describe, expect, it } from "vitest";
import { AppError } from "@/lib/errors";
import {
  computeColumnDrift, computeDrift, DEFAULT_DRIFT_THRESHOLDS, driftResultSchema, driftThresholdsSchema, type DriftColumns, type DriftValue,
} from "@/lib/monitoring/drift";
import { seededRandom } from "@/lib/training/random";

const rand = seededRandom(7);
const normals = (n: number, mean = 0) => Array.from({ length: n }, () => mean + Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand()));
const labels = (n: number, weights: number[]) =>
  Array.from({ length: n }, () => {
    let r = rand() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return "ABCDEFGH"[i];
    return "A";
  });

function dataset(refRows: number, curRows: number, drift: { amount: number; purpose: number }): { reference: DriftColumns; current: DriftColumns } {
  return {
    reference: { amount: normals(refRows), age: normals(refRows, 40), purpose: labels(refRows, [4, 3, 2, 1]), housing: labels(refRows, [1, 1, 1]) },
    current: { amount: normals(curRows, drift.amount), age: normals(curRows, 40), purpose: labels(curRows, [4, 3, 2, 1 + drift.purpose]), housing: labels(curRows, [1, 1, 1]) },
  };
}

describe("computeDrift", () => {
  it("answers the issue's shape: rows, the share of drifted columns, and each feature's figures", () => {
    const r = computeDrift(dataset(800, 600, { amount: 1, purpose: 6 }));
    expect(driftResultSchema.parse(r)).toEqual(r);
    expect(r.rows).toEqual({ reference: 800, current: 600 });
    const byName = Object.fromEntries(r.features.map((f) => [f.name, f]));
    expect(byName.amount).toMatchObject({ kind: "numeric", method: "ks", drifted: true, missingShare: 0 });
    expect(byName.purpose).toMatchObject({ kind: "categorical", method: "chisquare", drifted: true, wasserstein: null });
    expect(byName.age.drifted).toBe(false);
    expect(byName.housing.drifted).toBe(false);
    expect(r.datasetDrift).toEqual({ share: 0.5, drifted: true }); // 2 of 4, and 0.5 ≥ 0.5
  });

  it("lists the most drifted first: drifted columns, then by PSI", () => {
    const r = computeDrift(dataset(800, 600, { amount: 1, purpose: 6 }));
    expect(r.features.slice(0, 2).every((f) => f.drifted)).toBe(true);
    const psis = (fs: typeof r.features) => fs.map((f) => f.psi as number);
    for (const group of [r.features.slice(0, 2), r.features.slice(2)]) expect(psis(group)).toEqual([...psis(group)].sort((a, b) => b - a));
  });

  it("judges by distance above 1000 reference values: Wasserstein for numbers, Jensen–Shannon for categories", () => {
    const r = computeDrift(dataset(5_000, 5_000, { amount: 0.3, purpose: 0 }));
    const byName = Object.fromEntries(r.features.map((f) => [f.name, f]));
    expect(byName.amount).toMatchObject({ method: "wasserstein", drifted: true });
    expect(byName.amount.wasserstein).toBeGreaterThanOrEqual(0.1);
    expect(byName.purpose).toMatchObject({ method: "jensenshannon", drifted: false });
    expect(r.datasetDrift).toEqual({ share: 0.25, drifted: false });
  });

  it("takes an endpoint's thresholds over the defaults", () => {
    const data = dataset(5_000, 5_000, { amount: 0.3, purpose: 0 });
    const strict = computeDrift({ ...data, thresholds: { wasserstein: 10, datasetShare: 0.2 } });
    expect(strict.features.find((f) => f.name === "amount")?.drifted).toBe(false);
    const smallOnly = computeDrift({ ...data, thresholds: { smallReferenceRows: 10_000, datasetShare: 0.25 } });
    expect(smallOnly.features.find((f) => f.name === "amount")?.method).toBe("ks");
    expect(smallOnly.datasetDrift.drifted).toBe(true);
  });

  it("invents nothing for a window with no rows: null statistics, no share, not drifted", () => {
    const { reference } = dataset(300, 0, { amount: 0, purpose: 0 });
    const r = computeDrift({ reference, current: {} });
    expect(r.rows).toEqual({ reference: 300, current: 0 });
    expect(r.datasetDrift).toEqual({ share: null, drifted: false });
    for (const f of r.features) expect(f).toMatchObject({ statistic: null, pValue: null, psi: null, jsDistance: null, wasserstein: null, missingShare: null, drifted: false });
  });

  it("counts a column the window lacks as missing and leaves it out of the share", () => {
    const { reference, current } = dataset(300, 200, { amount: 2, purpose: 0 });
    delete current.housing;
    const r = computeDrift({ reference, current });
    expect(r.features.find((f) => f.name === "housing")).toMatchObject({ missingShare: 1, statistic: null, drifted: false });
    expect(r.datasetDrift.share).toBeCloseTo(1 / 3, 12);
  });

  it("gives the same figures for Float64Array (NaN missing) and dictionary-coded columns as for plain arrays", () => {
    const ref: DriftValue[] = normals(3_000).map((x, i) => (i % 10 === 0 ? null : x));
    const cur: DriftValue[] = normals(2_000, 0.1).map((x, i) => (i % 7 === 0 ? null : x));
    const typed = (xs: DriftValue[]) => Float64Array.from(xs, (x) => (x === null ? NaN : (x as number)));
    const plain = computeColumnDrift({ name: "x", reference: ref, current: cur });
    expect(computeColumnDrift({ name: "x", reference: typed(ref), current: typed(cur) })).toEqual(plain);
    expect(plain.missingShare).toBeCloseTo(286 / 2000, 15);

    const refLabels = labels(3_000, [5, 1, 1]);
    const curLabels: DriftValue[] = labels(2_000, [1, 1, 5]).map((x, i) => (i % 9 === 0 ? undefined : x));
    const dict = (xs: DriftValue[]) => ({ codes: Int32Array.from(xs, (x) => (x === undefined ? -1 : "ABC".indexOf(x as string))), labels: ["A", "B", "C"] });
    expect(computeColumnDrift({ name: "c", reference: dict(refLabels), current: dict(curLabels) })).toEqual(computeColumnDrift({ name: "c", reference: refLabels, current: curLabels }));
  });

  it("reads dictionary-coded numbers as numbers when the reference has more than 5 distinct", () => {
    const values = [1.5, 2, 3, 4, 5, 6, 7.25];
    const codes = Int32Array.from({ length: 700 }, (_, i) => i % 7);
    const dict = computeColumnDrift({ name: "n", reference: { codes, labels: values }, current: { codes: codes.slice(0, 300), labels: values } });
    expect(dict).toEqual(computeColumnDrift({ name: "n", reference: Array.from(codes, (c) => values[c]), current: Array.from(codes.slice(0, 300), (c) => values[c]) }));
    expect(dict.kind).toBe("numeric");
  });

  it("treats a column of 5 distinct numbers as categorical, and a string among numbers too", () => {
    expect(computeColumnDrift({ name: "rate", reference: [1, 2, 3, 4, 5, 1, 2], current: [1, 2] }).kind).toBe("categorical");
    expect(computeColumnDrift({ name: "rate", reference: [1, 2, 3, 4, 5, 6, "7"], current: [1, 2] }).kind).toBe("categorical");
    expect(computeColumnDrift({ name: "rate", reference: [1, 2, 3, 4, 5, 6, null, NaN], current: [1, 2] }).kind).toBe("numeric");
  });

  it("refuses bad thresholds and columns, naming the field", () => {
    const { reference, current } = dataset(50, 50, { amount: 0, purpose: 0 });
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(AppError);
        return (e as AppError).field;
      }
      return "no error";
    };
    expect(field(() => computeDrift({ reference, current, thresholds: { jsDistance: 2 } }))).toBe("thresholds.jsDistance");
    expect(field(() => computeDrift({ reference: { x: "abc" as unknown as number[] }, current }))).toBe("reference.x");
    expect(field(() => computeDrift({ reference, current: { amount: null as unknown as number[] } }))).toBe("current.amount");
    expect(field(() => computeDrift({ reference, current: { amount: { codes: [1], labels: ["a"] } as unknown as number[] } }))).toBe("current.amount");
  });

  it("exports Evidently's defaults as the thresholds schema's defaults", () => {
    expect(driftThresholdsSchema.parse({})).toEqual({ smallReferenceRows: 1000, ksPValue: 0.05, chiSquarePValue: 0.05, wasserstein: 0.1, jsDistance: 0.1, datasetShare: 0.5 });
    expect(DEFAULT_DRIFT_THRESHOLDS.datasetShare).toBe(0.5);
  });
});
