// Ingest's rule that one record never blocks the others: a refused batch is halved until each
// refused record stands alone; the rest are written; failures that are not about the data are thrown.
import { describe, expect, it } from "vitest";
import { bisectBatch } from "@/lib/serving/data/prediction-log/bisect-batch";
import { refusalOf } from "@/lib/serving/data/prediction-log/write-batch";

/** An all-or-nothing store in memory that refuses any write holding a value in `bad`, as Postgres refuses a batch. */
function store(bad: Set<number>) {
  const rows: number[] = [];
  const writes: number[][] = [];
  const write = async (part: number[]) => {
    writes.push(part);
    const refused = part.find((x) => bad.has(x));
    if (refused !== undefined) throw Object.assign(new Error(`unsupported Unicode escape sequence in ${refused}`), { code: "22P05", detail: "\\u0000 cannot be converted to text." });
    const fresh = part.filter((x) => !rows.includes(x)); // duplicates are skipped, as ON CONFLICT DO NOTHING does
    rows.push(...fresh);
    return fresh.length;
  };
  return { rows, writes, write };
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("bisectBatch", () => {
  it("writes a clean batch in one write", async () => {
    const s = store(new Set());
    expect(await bisectBatch(range(1000), s.write, refusalOf)).toEqual({ written: 1000, rejected: [] });
    expect(s.writes).toHaveLength(1);
  });

  it("isolates one refused record in a batch of 12,800 and writes every other one, in about 2·log2(n) writes", async () => {
    const s = store(new Set([4321]));
    const r = await bisectBatch(range(12_800), s.write, refusalOf);
    expect(r.written).toBe(12_799);
    expect(r.rejected).toEqual([{ item: 4321, reason: "Postgres refused the record: unsupported Unicode escape sequence in 4321 (\\u0000 cannot be converted to text.) [SQLSTATE 22P05]" }]);
    expect(s.rows.sort((a, b) => a - b)).toEqual(range(12_800).filter((x) => x !== 4321));
    expect(s.writes.length).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(12_800)));
  });

  it("isolates several refused records, first and last included, and reports them in their order", async () => {
    const bad = new Set([0, 7, 8, 63, 99]);
    const s = store(bad);
    const r = await bisectBatch(range(100), s.write, refusalOf);
    expect(r.rejected.map((x) => x.item)).toEqual([0, 7, 8, 63, 99]);
    expect(r.written).toBe(95);
    expect(new Set(s.rows)).toEqual(new Set(range(100).filter((x) => !bad.has(x))));
  });

  it("refuses a batch of one refused record, and handles an empty batch", async () => {
    expect((await bisectBatch([5], store(new Set([5])).write, refusalOf)).rejected.map((x) => x.item)).toEqual([5]);
    const s = store(new Set());
    expect(await bisectBatch([], s.write, refusalOf)).toEqual({ written: 0, rejected: [] });
    expect(s.writes).toHaveLength(0);
  });

  it("counts only new rows when a replayed batch is partly stored already (no duplicates)", async () => {
    const s = store(new Set([3]));
    await bisectBatch(range(10), s.write, refusalOf);
    const again = await bisectBatch(range(10), s.write, refusalOf);
    expect(again.written).toBe(0);
    expect(again.rejected.map((x) => x.item)).toEqual([3]);
    expect(s.rows).toHaveLength(9);
  });

  it("throws a failure that is not about the data, blaming no record", async () => {
    const down = async () => { throw Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432"), { code: "ECONNREFUSED" }); };
    await expect(bisectBatch(range(10), down, refusalOf)).rejects.toThrow(/ECONNREFUSED/);
    // Postgres failing mid-way: what was written stays written (a retry skips it), nothing is dead-lettered
    const s = store(new Set([2]));
    let calls = 0;
    const flaky = async (part: number[]) => {
      if (++calls === 3) throw Object.assign(new Error("terminating connection due to administrator command"), { code: "57P01" });
      return s.write(part);
    };
    await expect(bisectBatch(range(8), flaky, refusalOf)).rejects.toThrow(/administrator command/);
  });
});

describe("refusalOf", () => {
  it("blames the data only for data exceptions, integrity violations and program limits", () => {
    const pg = (code: string, message = "m") => Object.assign(new Error(message), { code });
    expect(refusalOf(pg("22P05", "unsupported Unicode escape sequence"))).toBe("Postgres refused the record: unsupported Unicode escape sequence [SQLSTATE 22P05]");
    expect(refusalOf(pg("22P02"))).toMatch(/SQLSTATE 22P02/); // invalid input syntax (a lone surrogate in jsonb)
    expect(refusalOf(pg("22003"))).toMatch(/SQLSTATE 22003/); // a number out of range
    expect(refusalOf(pg("23502"))).toMatch(/SQLSTATE 23502/); // null where a value is needed
    expect(refusalOf(pg("54000"))).toMatch(/SQLSTATE 54000/);
    for (const code of ["08006", "40001", "40P01", "53300", "57P01", "42P01", "XX000", "ECONNREFUSED", "ETIMEDOUT"]) expect(refusalOf(pg(code)), code).toBeNull();
    expect(refusalOf(new Error("Connection terminated unexpectedly"))).toBeNull();
    expect(refusalOf(null)).toBeNull();
    expect(refusalOf(pg("22P05", "x".repeat(2000)))!.length).toBe(500);
  });
});
