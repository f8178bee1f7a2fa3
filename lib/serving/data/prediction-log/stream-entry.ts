// The JSON forms of stream entries that gateways before the binary entries (log-block.ts) wrote; ingest
// still reads them, so that records sent by an older gateway during an upgrade are stored.
//   "c" (columnar): one JSON object of arrays, one array per record field, all of one length:
//       { t: [...], e: [...], v: [...], …, in: [...], out: [...], err: [... | null], ns: [0 | 1] }.
//   "r" (one JSON list of record objects): what the gateways before those wrote.
// packEntry stays to write "c" entries in tests of that reading.
import type { PredictionRecord } from "../../shared/prediction-log/record";

export const COLUMNAR_FIELD = "c";
export const LIST_FIELD = "r";

const FIELDS = ["t", "e", "v", "n", "id", "s", "l", "sh", "r", "in", "out"] as const;

/** The columnar entry of `records` (JSON), `from` to `to` (exclusive). */
export function packEntry(records: PredictionRecord[], from: number, to: number): string {
  const k = to - from;
  const c = { t: new Array(k), e: new Array(k), v: new Array(k), n: new Array(k), id: new Array(k), s: new Array(k), l: new Array(k), sh: new Array(k), r: new Array(k), in: new Array(k), out: new Array(k), err: new Array(k), ns: new Array(k) };
  for (let i = 0; i < k; i++) {
    const x = records[from + i];
    c.t[i] = x.t; c.e[i] = x.e; c.v[i] = x.v; c.n[i] = x.n; c.id[i] = x.id; c.s[i] = x.s; c.l[i] = x.l;
    c.sh[i] = x.sh ? 1 : 0; c.r[i] = x.r; c.in[i] = x.in; c.out[i] = x.out; c.err[i] = x.err ?? null; c.ns[i] = x.ns ? 1 : 0;
  }
  return JSON.stringify(c);
}

/**
 * The records of a columnar entry, as objects in the record shape (unchecked: see recordIssue), or a
 * reason when the entry itself is not one (not an object, a field missing, arrays of different lengths).
 */
export function unpackEntry(parsed: unknown): { records: unknown[] } | { issue: string } {
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return { issue: "the columnar stream entry is not a JSON object" };
  const c = parsed as Record<string, unknown>;
  const t = c.t;
  if (!Array.isArray(t)) return { issue: "the columnar stream entry has no t array" };
  const k = t.length;
  for (const f of [...FIELDS, "err", "ns"]) {
    const a = c[f];
    if (a === undefined && (f === "err" || f === "ns")) continue;
    if (!Array.isArray(a) || a.length !== k) return { issue: `the columnar stream entry's ${f} is not an array of ${k} values` };
  }
  const [e, v, n, id, s, l, sh, r, ins, outs] = [c.e, c.v, c.n, c.id, c.s, c.l, c.sh, c.r, c.in, c.out] as unknown[][];
  const err = c.err as unknown[] | undefined;
  const ns = c.ns as unknown[] | undefined;
  const records: unknown[] = new Array(k);
  for (let i = 0; i < k; i++) {
    const x: Record<string, unknown> = { t: t[i], e: e[i], v: v[i], n: n[i], id: id[i], s: s[i], l: l[i], sh: sh[i] === 1 ? true : sh[i] === 0 ? false : sh[i], r: r[i], in: ins[i], out: outs[i] };
    if (err && err[i] !== null) x.err = err[i];
    if (ns && ns[i] !== 0) x.ns = ns[i] === 1 ? true : ns[i];
    records[i] = x;
  }
  return { records };
}
