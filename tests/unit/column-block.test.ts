// The prediction log's columnar block format: what ingest writes is what a reader gets back.
import { describe, expect, it } from "vitest";
import { decodeColumnBlock, encodeColumnBlock, layoutOf, mergeColumnBlocks } from "@/lib/serving/data/prediction-log/column-block";
import type { PredictionRecord } from "@/lib/serving/shared/prediction-log/record";
import { isDriftRow, isDriftRowOf } from "@/lib/serving/data/prediction-log/write-column-blocks";
import { ColumnBlockBuilder } from "@/lib/serving/data/prediction-log/column-block";
import { rollupsOf } from "@/lib/serving/data/prediction-log/write-batch";
import { encodeLogBlock } from "@/lib/serving/shared/prediction-log/log-block-builder";
import { viewLogBlock, type LogBlockView, type LoggedRecord } from "@/lib/serving/shared/prediction-log/log-block";

const rec = (t: number, r: number, inputs: Record<string, unknown[]>, outputs: Record<string, unknown[]> | null): PredictionRecord =>
  ({ t, e: "ep", v: "m-v1", n: 1, id: `r${t}`, s: 200, l: 1, sh: false, r, in: inputs, out: outputs }) as PredictionRecord;

describe("column blocks", () => {
  it("round-trips each kind of column, picking the smallest exact encoding", () => {
    const many = Array.from({ length: 300 }, (_, i) => `city-${i}`);
    const records = many.map((city, i) =>
      rec(1_700_000_000_000 + i, 1, { n: [i], x: [i / 3], big: [i === 7 ? 2 ** 40 : i], neg0: [i === 3 ? -0 : 1], city: [city], small: [i % 2 ? "a" : "b"] }, { score: [i / 300], extra: [1] }),
    );
    const { block, rows } = encodeColumnBlock(records);
    expect(rows).toBe(300);
    const { header } = layoutOf(block);
    expect(Object.fromEntries(header.cols.map((c) => [c.n, [c.k, c.w]]))).toEqual({
      n: ["i32", undefined], x: ["f64", undefined], big: ["f64", undefined], neg0: ["f64", undefined], city: ["dict", 2], small: ["dict", 1], score: ["f64", undefined],
    });
    const d = decodeColumnBlock(block);
    expect(d.times).toEqual(records.map((r) => r.t));
    for (const name of ["n", "x", "big", "city", "small"]) expect(d.columns[name]).toEqual(records.map((r) => r.in![name][0]));
    expect(Object.is(d.columns.neg0[3], -0)).toBe(true);
    expect(d.prediction).toEqual({ name: "score", values: records.map((r) => r.out!.score[0]) });
  });

  it("flattens multi-row records; a tensor of k values per row gives each row its first; anything else is missing", () => {
    const { block } = encodeColumnBlock([
      rec(10, 2, { a: [1, 2], b: ["u", 3], odd: [1, 2, 3] }, { probabilities: [0.9, 0.1, 0.4, 0.6] }),
      rec(20, 1, { a: [null], c: [true] }, null),
    ]);
    const d = decodeColumnBlock(block);
    expect(d.times).toEqual([10, 10, 20]);
    expect(d.columns).toEqual({ a: [1, 2, null], b: ["u", 3, null], odd: [null, null, null], c: [null, null, null] });
    expect(d.prediction).toEqual({ name: "probabilities", values: [0.9, 0.4, null] });
  });

  it("merges blocks whose columns and kinds differ", () => {
    const a = encodeColumnBlock([rec(100, 1, { age: [30], purpose: ["car"] }, { label: ["good"] })]).block;
    const b = encodeColumnBlock([rec(50, 2, { age: [31.5, 32], purpose: [4, 5], income: [9, 10] }, { label: ["bad", "good"] })]).block;
    const m = decodeColumnBlock(mergeColumnBlocks([a, b]).block);
    expect(m.times).toEqual([100, 50, 50]);
    expect(m.columns).toEqual({ age: [30, 31.5, 32], purpose: ["car", 4, 5], income: [null, 9, 10] });
    expect(m.prediction).toEqual({ name: "label", values: ["good", "bad", "good"] });
  });

  it("keeps int32 where every block has it so, and widens dictionary codes past 254 labels", () => {
    const a = encodeColumnBlock(Array.from({ length: 200 }, (_, i) => rec(1000 + i, 1, { k: [i], both: [i], city: [`a${i}`] }, { label: [i % 2] }))).block;
    const b = encodeColumnBlock(Array.from({ length: 100 }, (_, i) => rec(900 + i, 1, { k: [i], city: [`b${i}`] }, { label: [1] }))).block;
    const merged = mergeColumnBlocks([a, b]).block;
    const { header } = layoutOf(merged);
    expect(Object.fromEntries(header.cols.map((c) => [c.n, [c.k, c.w]]))).toEqual({ k: ["i32", undefined], both: ["f64", undefined], city: ["dict", 2], label: ["i32", undefined] });
    const m = decodeColumnBlock(merged);
    expect(m.times).toEqual([...Array.from({ length: 200 }, (_, i) => 1000 + i), ...Array.from({ length: 100 }, (_, i) => 900 + i)]);
    expect(m.columns.k).toEqual([...Array.from({ length: 200 }, (_, i) => i), ...Array.from({ length: 100 }, (_, i) => i)]);
    expect(m.columns.both).toEqual([...Array.from({ length: 200 }, (_, i) => i), ...Array<null>(100).fill(null)]);
    expect(m.columns.city).toEqual([...Array.from({ length: 200 }, (_, i) => `a${i}`), ...Array.from({ length: 100 }, (_, i) => `b${i}`)]);
  });

  it("copies served, successful answers whose row count their values bear out", () => {
    const ok = rec(1, 2, { a: [1, 2] }, null);
    expect(isDriftRow(ok)).toBe(true);
    expect(isDriftRow({ ...ok, sh: true })).toBe(false);
    expect(isDriftRow({ ...ok, s: 500 })).toBe(false);
    expect(isDriftRow({ ...ok, in: null })).toBe(false);
    for (const r of [0, 1.5, 3, 1e9, -1]) expect(isDriftRow({ ...ok, r })).toBe(false);
  });

  it("makes the same block from a gateway's block read column by column as from its records (what ingest does without a record each)", () => {
    const logged: LoggedRecord[] = Array.from({ length: 40 }, (_, i) => ({
      t: 1_700_000_000_000 + i * 7.25, e: "ep", v: i % 3 ? "m-v1" : "m-v2", n: i % 3 ? 1 : 2, id: `r${i}`, s: i % 9 ? 200 : 503, l: 1 + i, sh: i % 5 === 0, r: i % 4 ? 1 : 2,
      ns: i % 11 === 0 ? true : undefined,
      in: i % 11 === 0 ? null : [
        { name: "age", data: i % 4 ? Float32Array.of(20 + i) : Float32Array.of(20 + i, 21 + i) },
        { name: "count", data: i % 4 ? BigInt64Array.of(BigInt(i)) : BigInt64Array.of(BigInt(i), 1n) },
        ...(i % 6 ? [{ name: "purpose", data: i % 4 ? [`p${i % 3}`] : ["a", "b"] }] : []),
      ],
      out: i % 13 === 0 ? null : [{ name: "label", data: i % 4 ? [i % 2 ? "good" : "bad"] : ["good", "bad"] }, { name: "probabilities", data: i % 4 ? Float32Array.of(0.25, 0.75) : Float32Array.of(0.25, 0.75, 0.5, 0.5) }],
    }));
    const view = viewLogBlock(encodeLogBlock(logged)) as LogBlockView;
    expect(view.checked).toBe(true);
    const fromView = new ColumnBlockBuilder();
    fromView.addFromBlock(view, Array.from({ length: view.n }, (_, j) => j).filter((j) => isDriftRowOf(view, j)));
    const records = logged.map((r): PredictionRecord => ({
      ...r, in: r.in && Object.fromEntries(r.in.map((t) => [t.name, Array.from(t.data as ArrayLike<number | bigint | string>, (x) => (typeof x === "bigint" ? Number(x) : x))])),
      out: r.out && Object.fromEntries(r.out.map((t) => [t.name, Array.from(t.data as ArrayLike<number | string>)])),
    }));
    const driftRecords = records.filter(isDriftRow);
    expect(fromView.rows).toBe(driftRecords.reduce((n, r) => n + r.r, 0));
    expect(decodeColumnBlock(fromView.build().block)).toEqual(decodeColumnBlock(encodeColumnBlock(driftRecords).block));
    // and the same per-minute rollups
    expect(rollupsOf([], [view])).toEqual(rollupsOf(records, []));
  });

  it("makes the same block from random gateway blocks read column by column as from their records: layouts, kinds, rows and missing values mixed", () => {
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const pick = <T,>(a: T[]) => a[Math.floor(rnd() * a.length)];
    // a tensor of one of four kinds (one name may come as two kinds), one or two values a row, or a length that fits no row count
    const tensor = (name: string, rows: number) => {
      const n = rnd() < 0.1 ? 3 : rows * pick([1, 1, 1, 2, 0]);
      const kind = pick(["f32", "json", "i64", "mixed"]);
      if (kind === "f32") return { name, data: Float32Array.from({ length: n }, () => Math.round(rnd() * 40) / 4) };
      if (kind === "i64") return { name, data: BigInt64Array.from({ length: n }, () => BigInt(Math.floor(rnd() * 5))) };
      if (kind === "mixed") return { name, data: Array.from({ length: n }, () => pick([1, 2.5, null, "x"])) as (number | string)[] };
      return { name, data: Array.from({ length: n }, () => pick(["a", "b", "c"])) };
    };
    const asRecord = (r: LoggedRecord): PredictionRecord => ({
      ...r, in: r.in && Object.fromEntries(r.in.map((x) => [x.name, Array.from(x.data as ArrayLike<number | bigint | string>, (v) => (typeof v === "bigint" ? Number(v) : v))])),
      out: r.out && Object.fromEntries(r.out.map((x) => [x.name, Array.from(x.data as ArrayLike<number | bigint | string>, (v) => (typeof v === "bigint" ? Number(v) : v))])),
    }) as PredictionRecord;
    for (let trial = 0; trial < 200; trial++) {
      const fromView = new ColumnBlockBuilder();
      const records: PredictionRecord[] = [];
      for (let b = 0; b < 1 + Math.floor(rnd() * 3); b++) {
        const names = ["x", "y", "z", "w"].filter(() => rnd() < 0.7);
        const logged: LoggedRecord[] = Array.from({ length: 1 + Math.floor(rnd() * 30) }, (_, i) => {
          const rows = pick([1, 1, 2, 3]);
          return {
            t: 1_700_000_000_000 + 1000 * b + i, e: "ep", v: "m", n: 1, id: `r${i}`, s: pick([200, 200, 500]), l: 1, sh: rnd() < 0.1, r: rows,
            in: rnd() < 0.1 ? null : names.filter(() => rnd() < 0.8).map((name) => tensor(name, rows)),
            out: rnd() < 0.2 ? null : [tensor(pick(["p", "label"]), rows), tensor("q", rows)],
          };
        });
        const view = viewLogBlock(encodeLogBlock(logged)) as LogBlockView;
        fromView.addFromBlock(view, Array.from({ length: view.n }, (_, j) => j).filter((j) => isDriftRowOf(view, j)));
        records.push(...logged.map(asRecord));
      }
      const drift = records.filter(isDriftRow);
      expect(fromView.rows).toBe(drift.reduce((n, r) => n + r.r, 0));
      if (!drift.length) continue;
      expect(decodeColumnBlock(fromView.build().block)).toEqual(decodeColumnBlock(encodeColumnBlock(drift).block));
    }
  });
});
