// Which columns a version's reference data has, from its signature: one per model input, each input
// taking one value per row ([N], [N, 1]), and optionally one per such output. The value a cell or a JSON value becomes in such a column.
// Plain code without Node APIs: the upload check's child process and the web both use it.
import type { Signature } from "../onnx/signature";
import { unstorableText } from "../db/storable-text";

export type ColumnKind = "number" | "bool" | "string";
/** `optional`: a model output's column, which reference data may hold (drift reports compare predictions with it) */
export type ColumnSpec = { name: string; kind: ColumnKind; optional?: boolean };
export type CellValue = number | string | null;

/** Why a value does not fit its column (returned, not thrown: the check runs once per value). */
export class ValueProblem {
  constructor(readonly problem: string) {}
}

const NUMBER_TYPES = new Set(["float32", "float64", "float16", "bfloat16", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "float", "double"]);

/** The columns, or why this signature cannot take row data (the problem, without a prefix). */
export function columnsOf(signature: Signature): { columns: ColumnSpec[] } | { problem: string } {
  const columns: ColumnSpec[] = [];
  for (const input of signature.inputs) {
    const kind: ColumnKind | null = input.type === "string" ? "string" : input.type === "bool" ? "bool" : NUMBER_TYPES.has(input.type) ? "number" : null;
    if (!kind) return { problem: `input "${input.name}" is of type ${input.type}; reference data holds numbers, booleans and strings` };
    const perRow = input.shape.slice(1);
    if (input.shape.length === 0 || perRow.length > 1 || (perRow.length === 1 && perRow[0] !== 1)) {
      return { problem: `input "${input.name}" takes [${input.shape.join(", ")}] values; reference data has one value per row for each input ([N] or [N, 1])` };
    }
    columns.push({ name: input.name, kind });
  }
  if (!columns.length) return { problem: "the model has no inputs" };
  // an output with one value per row may come along (optional), so drift reports can compare the
  // model's predictions too; any other output is not a reference column
  for (const output of signature.outputs) {
    const kind: ColumnKind | null = output.type === "string" ? "string" : output.type === "bool" ? "bool" : NUMBER_TYPES.has(output.type) ? "number" : null;
    const perRow = output.shape.slice(1);
    if (!kind || output.shape.length === 0 || perRow.length > 1 || (perRow.length === 1 && perRow[0] !== 1)) continue;
    if (!columns.some((c) => c.name === output.name)) columns.push({ name: output.name, kind, optional: true });
  }
  return { columns };
}

// a decimal number as people and pandas write it: no hex, no Infinity
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
// what spreadsheets, R and pandas write for a missing number
const MISSING_NUMBER = new Set(["", "NA", "NaN", "nan", "null", "NULL"]);

/** A CSV cell's value in the column (an empty cell: missing). */
export function fromCell(kind: ColumnKind, raw: string): CellValue | ValueProblem {
  if (kind === "string") {
    if (raw === "") return null;
    const bad = unstorableText(raw);
    return bad ? new ValueProblem(`holds ${bad}`) : raw;
  }
  const s = raw.trim();
  if (kind === "bool") {
    if (s === "") return null;
    const b = s.toLowerCase();
    if (b === "true" || b === "1") return 1;
    if (b === "false" || b === "0") return 0;
    return new ValueProblem(`must be true or false, not ${shown(raw)}`);
  }
  if (MISSING_NUMBER.has(s)) return null;
  if (!NUMBER.test(s)) return new ValueProblem(`must be a number, not ${shown(raw)}`);
  const n = Number(s);
  return Number.isFinite(n) ? n : new ValueProblem(`must be a finite number, not ${shown(raw)}`);
}

/** A JSON value's value in the column (null or absent: missing). */
export function fromJson(kind: ColumnKind, v: unknown): CellValue | ValueProblem {
  if (v === null || v === undefined) return null;
  if (kind === "number") return typeof v === "number" && Number.isFinite(v) ? v : new ValueProblem(`must be a number, not ${shown(v)}`);
  if (kind === "bool") {
    if (v === true || v === 1) return 1;
    if (v === false || v === 0) return 0;
    return new ValueProblem(`must be true or false, not ${shown(v)}`);
  }
  // a category written as a number (pandas writes integer codes as numbers) is that number's text
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (typeof v !== "string") return new ValueProblem(`must be a string, not ${Array.isArray(v) ? "a list" : "an object"}`);
  const bad = unstorableText(v);
  return bad ? new ValueProblem(`holds ${bad}`) : v;
}

function shown(v: unknown): string {
  // a list or an object is named, not printed: it may nest deeper than a recursive print can go
  if (typeof v === "object" && v !== null) return Array.isArray(v) ? "a list" : "an object";
  const s = typeof v === "string" ? v : String(v);
  const cut = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  // the value as JSON text: quotes and escapes keep control characters and NULs out of the message
  return JSON.stringify(cut);
}
