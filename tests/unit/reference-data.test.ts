// Reference data's pure core: the stored column-wise file, the seeded sample, and the parsing and
// checking the upload check's child process runs (here in-process, on temp files).
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { decodeReference, encodeReference, plainColumns } from "@/lib/reference/reference-file";
import { RowSample } from "@/lib/reference/sample-rows";
import { columnsOf, type ColumnSpec } from "@/lib/reference/reference-columns";
import { checkReferenceFile } from "@/lib/reference/check-reference-process";

const dir = mkdtempSync(path.join(os.tmpdir(), "reference-unit-"));
let n = 0;

async function check(text: string | Buffer, columns: ColumnSpec[], maxRows = 100_000) {
  const input = path.join(dir, `in-${++n}`);
  const output = path.join(dir, `out-${n}`);
  writeFileSync(input, text);
  const r = await checkReferenceFile(input, output, { columns, maxRows, seed: 42, maxRowChars: 1024 });
  return r.ok ? { ...r, columns: plainColumns(decodeReference(readFileSync(output))) } : r;
}

const cols = (spec: Record<string, ColumnSpec["kind"]>): ColumnSpec[] => Object.entries(spec).map(([name, kind]) => ({ name, kind }));

describe("the stored reference file", () => {
  it("gives back exactly the values it was given, missing values included", () => {
    const table = {
      rows: 3, sampledFrom: 7,
      columns: [
        { name: "age", type: "number" as const, values: Float64Array.from([35, Number.NaN, -1.5e-300]) },
        { name: "purpose", type: "string" as const, categories: ["car", "tv", "ünïcødé 🚗"], codes: Int32Array.from([2, -1, 0]) },
      ],
    };
    const decoded = decodeReference(encodeReference(table));
    expect(decoded.rows).toBe(3);
    expect(decoded.sampledFrom).toBe(7);
    expect(plainColumns(decoded)).toEqual({ age: [35, null, -1.5e-300], purpose: ["ünïcødé 🚗", null, "car"] });
  });

  it("refuses bytes that are not one, or are cut short", () => {
    expect(() => decodeReference(Buffer.from("x,y\n1,2\n"))).toThrow(/not a reference data file/);
    const whole = encodeReference({ rows: 100, sampledFrom: 100, columns: [{ name: "x", type: "number", values: new Float64Array(100) }] });
    expect(() => decodeReference(whole.subarray(0, whole.length - 16))).toThrow(/truncated/);
  });
});

describe("the seeded sample", () => {
  const x = cols({ x: "number" });
  const sampleOf = (rows: number, cap: number, seed: number) => {
    const s = new RowSample(x, cap, seed);
    for (let i = 0; i < rows; i++) s.add([i]);
    return Array.from((s.table().columns[0] as { values: Float64Array }).values);
  };

  it("keeps every row, in order, while there are no more than it keeps", () => {
    expect(sampleOf(5000, 5000, 1)).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });

  it("is the same for the same seed and differs for another", () => {
    expect(sampleOf(3000, 1000, 7)).toEqual(sampleOf(3000, 1000, 7));
    expect(sampleOf(3000, 1000, 7)).not.toEqual(sampleOf(3000, 1000, 8));
  });

  it("gives every row the same chance: each tenth of the stream keeps a tenth of the sample (300 seeds)", () => {
    const perTenth = new Array(10).fill(0);
    for (let seed = 0; seed < 300; seed++) for (const v of sampleOf(10_000, 1000, seed)) perTenth[Math.floor(v / 1000)]++;
    // expected 30,000 each; the binomial sd is about 164, so 3 % (900) is over 5 sd
    for (const count of perTenth) expect(Math.abs(count - 30_000)).toBeLessThan(900);
  });
});

describe("reading and checking reference rows", () => {
  const spec = cols({ age: "number", purpose: "string", active: "bool" });

  it("reads CSV: quoted fields, a byte order mark, CRLF, blank lines, columns in any order, extra columns ignored", async () => {
    const csv = '\ufeffpurpose,id,age,active\r\n"car, new",a1, 35 ,true\r\n\r\n"two\nlines",a2,,0\r\nradio,a3,NA,FALSE\r\n';
    expect(await check(csv, spec)).toMatchObject({ ok: true, rows: 3, sampledFrom: 3, format: "csv", columns: { age: [35, null, null], purpose: ["car, new", "two\nlines", "radio"], active: [1, 0, 0] } });
  });

  it("reads JSON Lines: CRLF, blank lines, numbers for strings, absent keys missing", async () => {
    const jsonl = '{"age": 35, "purpose": "car", "active": true}\r\n\r\n{"age": null, "purpose": 7}\n{"purpose": "tv", "active": 0}';
    expect(await check(jsonl, spec)).toMatchObject({ ok: true, rows: 3, format: "jsonl", columns: { age: [35, null, null], purpose: ["car", "7", "tv"], active: [1, null, 0] } });
  });

  it("tells JSON Lines from CSV by the first character after a byte order mark and blank space; blank is empty", async () => {
    expect(await check('\ufeff \n\n{"age": 1, "purpose": "a", "active": 1}\n', spec)).toMatchObject({ ok: true, format: "jsonl", rows: 1 });
    expect(await check("\ufeff\n\nage,purpose,active\n1,a,1\n", spec)).toMatchObject({ ok: true, format: "csv", rows: 1 });
    expect(await check(" \r\n\n\t", spec)).toEqual({ ok: false, message: "reference: the file is empty" });
  });

  it("names the row and the column of a value that does not fit", async () => {
    expect(await check("age,purpose,active\n1,a,true\n2,b,maybe\n", spec)).toEqual({ ok: false, message: 'reference row 2: column "active" must be true or false, not "maybe"' });
    expect(await check("age,purpose,active\n1e3,a,1\n1.2.3,b,1\n", spec)).toEqual({ ok: false, message: 'reference row 2: column "age" must be a number, not "1.2.3"' });
    expect(await check('{"age": 1, "purpose": "a", "active": 1}\n{"age": "1", "purpose": "a", "active": 1}\n', spec)).toEqual({ ok: false, message: 'reference row 2: column "age" must be a number, not "1"' });
    expect(await check('{"age": 1, "purpose": {"a": 1}, "active": 1}\n', spec)).toEqual({ ok: false, message: 'reference row 1: column "purpose" must be a string, not an object' });
  });

  it("names missing and doubled columns", async () => {
    expect(await check("age,note\n1,x\n", spec)).toEqual({ ok: false, message: `reference: columns "purpose", "active" are missing; the model's inputs are "age", "purpose", "active"` });
    expect(await check("age,purpose,active,age\n1,a,1,2\n", spec)).toEqual({ ok: false, message: 'reference: the header names column "age" twice' });
    expect(await check('{"age": 1, "purpose": "a"}\n', spec)).toMatchObject({ ok: false, message: /^reference: column "active" is missing/ });
  });

  it("keeps a sample beyond maxRows and says how many rows there were", async () => {
    const csv = `age,purpose,active\n${Array.from({ length: 250 }, (_, i) => `${i},p${i % 3},1`).join("\n")}\n`;
    const r = await check(csv, spec, 100);
    expect(r).toMatchObject({ ok: true, rows: 100, sampledFrom: 250 });
    const ages = "columns" in r ? r.columns.age : [];
    expect(new Set(ages).size).toBe(100);
  });

  it("refuses a row longer than the limit", async () => {
    expect(await check(`age,purpose,active\n1,${"x".repeat(2000)},1\n`, spec)).toMatchObject({ ok: false, message: /longer than 1024 characters/ });
    expect(await check(`{"age": 1, "purpose": "${"x".repeat(2000)}", "active": 1}\n`, spec)).toMatchObject({ ok: false, message: /^reference row 1: longer than 1024 characters/ });
  });
});

describe("which columns a signature takes", () => {
  it("takes one value per row of numbers, booleans and strings, and says why not otherwise", () => {
    const sig = (inputs: { name: string; type: string; shape: (number | string)[] }[]) => ({ inputs, outputs: [] });
    expect(columnsOf(sig([{ name: "a", type: "float32", shape: ["N", 1] }, { name: "b", type: "int64", shape: [-1] }, { name: "c", type: "string", shape: ["?", 1] }, { name: "d", type: "bool", shape: [1, 1] }])))
      .toEqual({ columns: [{ name: "a", kind: "number" }, { name: "b", kind: "number" }, { name: "c", kind: "string" }, { name: "d", kind: "bool" }] });
    expect(columnsOf(sig([{ name: "img", type: "float32", shape: ["N", 3, 224, 224] }]))).toEqual({ problem: 'input "img" takes [N, 3, 224, 224] values; reference data has one value per row for each input ([N] or [N, 1])' });
    expect(columnsOf(sig([{ name: "m", type: "non-tensor", shape: [] }]))).toMatchObject({ problem: /type non-tensor/ });
  });
});
