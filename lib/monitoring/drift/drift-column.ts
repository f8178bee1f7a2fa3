// The column forms a drift computation takes, and the two ways of reading one: as numbers (for the
// KS/Wasserstein side) or as category counts. Missing is null, undefined, a non-finite number (NaN,
// ±Infinity, as Evidently treats them) or a position past the column's end; a column may be absent.
import { AppError } from "../../errors";

export type DriftValue = number | string | null | undefined;
/**
 * Dictionary-encoded values (Arrow's and Parquet's layout): `labels[codes[i]]`; a code outside
 * `labels` (e.g. −1) is missing. Counting a million codes needs no hashing at all.
 */
export type DictionaryColumn = { codes: Int32Array; labels: readonly (string | number)[] };
/** Plain values, or doubles with NaN for missing, or dictionary codes: the same statistics either way. */
export type DriftColumn = readonly DriftValue[] | Float64Array | DictionaryColumn;

const isDictionary = (c: DriftColumn): c is DictionaryColumn => !Array.isArray(c) && !(c instanceof Float64Array);
const finite = (v: number) => v - v === 0;

export function columnLength(column: DriftColumn | undefined, field: string): number {
  if (column === undefined) return 0;
  if (Array.isArray(column) || column instanceof Float64Array) return column.length;
  const dict = column as Partial<DictionaryColumn> | null;
  if (typeof dict === "object" && dict !== null && dict.codes instanceof Int32Array && Array.isArray(dict.labels)) return dict.codes.length;
  throw new AppError("bad_request", `${field} must be an array of values, a Float64Array or {codes: Int32Array, labels}`, { field });
}

export type NumberRead = {
  /** the finite numbers, in column order */
  values: Float64Array;
  /** present values that are not numbers (strings), not counted in `values` */
  others: number;
};

/**
 * The column's numbers. With `stopAtOther`, stops at the first string (the reference's kind check:
 * one string makes the column categorical, whatever follows).
 */
export function readNumbers(column: DriftColumn | undefined, stopAtOther = false): NumberRead {
  if (column === undefined) return { values: new Float64Array(0), others: 0 };
  if (stopAtOther && firstPresentIsText(column)) return { values: new Float64Array(0), others: 1 };
  if (column instanceof Float64Array) {
    const out = new Float64Array(column.length);
    let k = 0;
    for (let i = 0; i < column.length; i++) {
      const v = column[i];
      if (finite(v)) out[k++] = v;
    }
    return { values: out.subarray(0, k), others: 0 };
  }
  if (isDictionary(column)) {
    const { codes, labels } = column;
    const decoded = new Float64Array(labels.length);
    const isNumber = new Uint8Array(labels.length);
    for (let c = 0; c < labels.length; c++) {
      const l = labels[c];
      if (typeof l !== "number") continue;
      // 1: a number; 2: a non-finite label, which is missing
      isNumber[c] = finite(l) ? 1 : 2;
      decoded[c] = l;
    }
    const out = new Float64Array(codes.length);
    let k = 0;
    let others = 0;
    for (let i = 0; i < codes.length; i++) {
      const c = codes[i];
      if (c < 0 || c >= labels.length) continue;
      const t = isNumber[c];
      if (t === 1) out[k++] = decoded[c];
      else if (t === 0) {
        others++;
        if (stopAtOther) break;
      }
    }
    return { values: out.subarray(0, k), others };
  }
  const out = new Float64Array(column.length);
  let k = 0;
  let others = 0;
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (typeof v === "number") {
      if (finite(v)) out[k++] = v;
    } else if (v !== null && v !== undefined) {
      others++;
      if (stopAtOther) break;
    }
  }
  return { values: out.subarray(0, k), others };
}

/** Whether the first present value is not a number: a text column, known without reading it all. */
function firstPresentIsText(column: DriftColumn): boolean {
  if (column instanceof Float64Array) return false;
  if (isDictionary(column)) {
    for (let i = 0; i < column.codes.length; i++) {
      const c = column.codes[i];
      if (c >= 0 && c < column.labels.length) return typeof column.labels[c] !== "number";
    }
    return false;
  }
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v !== null && v !== undefined) return typeof v !== "number";
  }
  return false;
}

/**
 * Count per category label. A number's label is `String(n)` (so 1, 1.0 and "1" are one category,
 * as a CSV reference and JSON inputs should be); other values' is `String(v)`.
 */
export function countCategories(column: DriftColumn | undefined): Map<string, number> {
  const counts = new Map<string, number>();
  if (column === undefined) return counts;
  const add = (label: string, n: number) => {
    if (n > 0) counts.set(label, (counts.get(label) ?? 0) + n);
  };
  if (isDictionary(column)) {
    const { codes, labels } = column;
    const perCode = countCodes(codes, labels.length);
    labels.forEach((l, c) => {
      if (typeof l !== "number" || finite(l)) add(String(l), perCode[c]);
    });
    return counts;
  }
  // raw value → slot: one hash lookup per value, no string built per value
  const slots = new Map<unknown, number>();
  let perSlot = new Float64Array(64);
  for (let i = 0; i < column.length; i++) {
    const v = column[i];
    if (v === null || v === undefined || (typeof v === "number" && !finite(v))) continue;
    let s = slots.get(v);
    if (s === undefined) {
      s = slots.size;
      slots.set(v, s);
      if (s === perSlot.length) {
        const grown = new Float64Array(s * 2);
        grown.set(perSlot);
        perSlot = grown;
      }
    }
    perSlot[s]++;
  }
  for (const [v, s] of slots) add(String(v), perSlot[s]);
  return counts;
}

/**
 * How many times each code in [0, k) occurs (slot k: every other code, i.e. missing). Four count
 * arrays in turn, so that runs of one category do not wait on their own increments.
 */
function countCodes(codes: Int32Array, k: number): Int32Array {
  const c0 = new Int32Array(k + 1), c1 = new Int32Array(k + 1), c2 = new Int32Array(k + 1), c3 = new Int32Array(k + 1);
  const n = codes.length;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const a = codes[i], b = codes[i + 1], c = codes[i + 2], d = codes[i + 3];
    c0[a >>> 0 < k ? a : k]++;
    c1[b >>> 0 < k ? b : k]++;
    c2[c >>> 0 < k ? c : k]++;
    c3[d >>> 0 < k ? d : k]++;
  }
  for (; i < n; i++) {
    const a = codes[i];
    c0[a >>> 0 < k ? a : k]++;
  }
  for (let j = 0; j <= k; j++) c0[j] += c1[j] + c2[j] + c3[j];
  return c0;
}
