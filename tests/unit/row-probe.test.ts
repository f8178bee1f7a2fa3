// The row-independence probe (lib/serving/data/inference/row-probe.ts) against plain functions in
// place of a session: a model whose rows mix is not batched, and the reason says why.
import { describe, expect, it } from "vitest";
import type { Signature } from "@/lib/onnx/signature";
import { probeRowIndependence } from "@/lib/serving/data/inference/row-probe";
import { ModelTimeout } from "@/lib/serving/data/inference/session-runner";
import type { Feeds, Outputs } from "@/lib/serving/shared/tensors";

const sig: Signature = { inputs: [{ name: "x", type: "float32", shape: ["N", 2] }], outputs: [{ name: "y", type: "float32", shape: ["N", 1] }] };
const rowsOf = (f: Feeds) => f.x.shape[0];
const perRow = (fn: (a: number, b: number) => number) => async (f: Feeds): Promise<Outputs> => {
  const d = f.x.data as number[];
  return { y: { shape: [rowsOf(f), 1], data: Array.from({ length: rowsOf(f) }, (_, r) => fn(d[2 * r], d[2 * r + 1])) } };
};

describe("probeRowIndependence", () => {
  it("batches a model whose rows are independent (within rounding)", async () => {
    let calls = 0;
    const run = async (f: Feeds) => { calls++; const o = await perRow((a, b) => a * 3 - b)(f); return rowsOf(f) > 1 ? { y: { ...o.y, data: o.y.data.map((v) => (v as number) + 1e-6) } } : o; };
    expect(await probeRowIndependence(run, sig)).toEqual({ batched: true, reason: null });
    expect(calls).toBe(5);
  });

  it("does not batch a model whose output for a row depends on the other rows", async () => {
    const run = async (f: Feeds): Promise<Outputs> => {
      const d = f.x.data as number[];
      const mean = d.reduce((a, b) => a + b, 0) / d.length;
      return { y: { shape: [rowsOf(f), 1], data: Array.from({ length: rowsOf(f) }, (_, r) => d[2 * r] - mean) } };
    };
    const r = await probeRowIndependence(run, sig);
    expect(r.batched).toBe(false);
    expect(r.reason).toMatch(/^output "y" of a row changes with the other rows in its batch \(probe row 0: -?[\d.]+ alone, -?[\d.]+ in a batch of 4\)$/);
  });

  it("does not batch a model whose output is not one row per input row, or whose batch is fixed", async () => {
    const pooled = async (): Promise<Outputs> => ({ y: { shape: [1, 1], data: [0] } });
    expect(await probeRowIndependence(pooled, sig)).toEqual({ batched: false, reason: 'output "y" does not have one row per input row' });
    const fixed: Signature = { ...sig, inputs: [{ name: "x", type: "float32", shape: [1, 2] }] };
    expect(await probeRowIndependence(perRow((a) => a), fixed)).toEqual({ batched: false, reason: 'input "x" has a fixed first dimension (1), so requests cannot be merged' });
  });

  it("does not batch a model that fails on merged rows; a timeout fails the load instead", async () => {
    const noBatches = async (f: Feeds) => { if (rowsOf(f) > 1) throw new Error("Got invalid dimensions"); return perRow((a) => a)(f); };
    expect(await probeRowIndependence(noBatches, sig)).toEqual({ batched: false, reason: "the row-independence probe failed: Got invalid dimensions" });
    await expect(probeRowIndependence(async () => { throw new ModelTimeout("slow"); }, sig)).rejects.toThrow(ModelTimeout);
  });
});
