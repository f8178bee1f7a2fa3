/** One prediction as the gateway logs it. Short keys: millions of these cross Redis. */
export type PredictionRecord = {
  t: number; // epoch ms
  e: string; // endpoint id
  v: string; // variant name
  n: number; // model version number
  id: string; // request id
  s: number; // HTTP status
  l: number; // latency ms
  sh: boolean; // shadow copy
  r: number; // rows
  in: Record<string, (number | string)[]> | null; // inputs, column-wise
  out: Record<string, (number | string)[]> | null;
  err?: string;
  /** the endpoint's input sampling left this request's inputs out (`in` is null); absent = false */
  ns?: boolean;
};

/** The times a record may carry: from Postgres's earliest (4713 BC) to JavaScript's latest Date. */
export const MIN_TIME_MS = -210_866_803_200_000;
export const MAX_TIME_MS = 8.64e15;
const INT4 = 2147483647;

function intIssue(x: unknown, limit: number): string | null {
  if (typeof x !== "number") return "expected a number";
  return Number.isInteger(x) && x >= -limit - 1 && x <= limit ? null : `expected an integer from ${-limit - 1} to ${limit}`;
}

function columnsIssue(x: unknown): string | null {
  if (x === null) return null;
  if (typeof x !== "object" || Array.isArray(x)) return "expected an object of columns or null";
  for (const name in x) {
    const values = (x as Record<string, unknown>)[name];
    if (!Array.isArray(values)) return `${name}: expected an array`;
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (typeof v !== "string" && typeof v !== "number") return `${name}.${i}: expected a number or a string`;
    }
  }
  return null;
}

/**
 * What ingest accepts from the stream: the shape above, checked on read (the stream is written by
 * gateways, which may be older, or not ours), with the ranges of the columns it is stored in, so that a
 * record Postgres would refuse is turned away here with the reason ("field: what is wrong"), or null.
 * Hand-written: it runs for every record ingest reads (a schema library costs about as much as the insert).
 */
export function recordIssue(raw: unknown): string | null {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return "record: expected an object";
  const r = raw as Record<string, unknown>;
  if (typeof r.t !== "number" || !(r.t >= MIN_TIME_MS && r.t <= MAX_TIME_MS)) return "t: expected a time (epoch ms)";
  for (const k of ["e", "v", "id"] as const) if (typeof r[k] !== "string") return `${k}: expected a string`;
  let bad = intIssue(r.n, INT4);
  if (bad) return `n: ${bad}`;
  if ((bad = intIssue(r.s, 32767))) return `s: ${bad}`;
  if ((bad = intIssue(r.r, INT4))) return `r: ${bad}`;
  if (typeof r.l !== "number" || !(Math.abs(r.l) <= 3.4e38)) return "l: expected a latency (ms)";
  if (typeof r.sh !== "boolean") return "sh: expected a boolean";
  if ((bad = columnsIssue(r.in === undefined ? "missing" : r.in))) return `in: ${bad}`;
  if ((bad = columnsIssue(r.out === undefined ? "missing" : r.out))) return `out: ${bad}`;
  if (r.err !== undefined && typeof r.err !== "string") return "err: expected a string";
  if (r.ns !== undefined && typeof r.ns !== "boolean") return "ns: expected a boolean";
  return null;
}
