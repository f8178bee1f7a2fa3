// The "current" side of a drift report: the inputs an endpoint's model answered in a time window, and
// its prediction, column by column. Read from "PredictionColumns" (the prediction log's columnar copy,
// written by ingest: lib/serving/data/prediction-log/column-block.ts) with one COPY BINARY stream, each
// block copied into typed arrays as it arrives, so memory is the result and one block, never the log.
//
// What counts as a row:
//   - served answers only: shadow copies are not in the columnar copy at all;
//   - successful answers only (HTTP status below 400): a failed request has no prediction, and failures
//     are what the error-rate metric and its alert rules watch; a drift report describes the traffic the
//     model answered;
//   - `version` given: the rows that version served; otherwise every served row, each under the version
//     that served it (its primary version), counted per version in `versions`;
//   - a record of several rows (one request, many instances) gives all its rows;
//   - a value that is absent, null, or not a number or string is missing: NaN (numeric) or code -1.
// Time runs in the job workers (a BullMQ job), never the web's event loop: decoding a block is a memcpy
// for float64 columns and one pass for the others, so no task holds the loop for long.
import type { Pool, PoolClient } from "pg";
import { copyOutBinary } from "../../db/copy-out";
import { AppError } from "../../errors";
import { layoutOf, type BlockColumn } from "../../serving/data/prediction-log/column-block";
import { seededRandom } from "../../training/random";

/** Numbers, one per row; NaN = missing. */
export type NumericColumn = { kind: "numeric"; values: Float64Array };
/** Dictionary-encoded values: row i is labels[codes[i]], code -1 = missing. Labels keep their JSON type. */
export type CategoricalColumn = { kind: "categorical"; codes: Int32Array; labels: (string | number)[] };
export type CurrentColumn = NumericColumn | CategoricalColumn;

export type CurrentData = {
  /** rows returned (every column and the prediction has this many) */
  rows: number;
  /** rows in the window: more than `rows` when the window held more than maxRows */
  seenRows: number;
  /** true when `rows` is a seeded uniform sample (reservoir) of the window's `seenRows` */
  sampled: boolean;
  /** a column a block lacks is missing for that block's rows; one that is a string anywhere is categorical */
  columns: Record<string, CurrentColumn>;
  /** the model's first output (the first value of each row's), named as the model names it */
  prediction: { name: string; column: CurrentColumn } | null;
  /** rows seen per model version */
  versions: Record<number, number>;
  /** what was read: blocks and bytes */
  blocks: number;
  bytes: number;
  /** where the time went (ms): until the first block arrived, decoding blocks, in all */
  timings: { firstBlockMs: number; decodeMs: number; totalMs: number };
};

export type ReadCurrentDataOptions = {
  pool: Pool;
  teamId: string;
  endpointId: string;
  /** window [from, to) */
  from: Date;
  to: Date;
  version?: number;
  /** input columns to return (default: every input column in the window) */
  columns?: string[];
  /** the most rows held: beyond it, a uniform sample of this many (default 2,000,000: ~8 bytes per value) */
  maxRows?: number;
  /** seed of the sample (reports are reproducible) */
  seed?: number;
  /** stops the read (the job's time limit): the promise rejects with the signal's reason */
  signal?: AbortSignal;
};

export const DEFAULT_MAX_ROWS = 2_000_000;
const HOUR = 3_600_000;

/** One output column while it fills: numeric until a string shows up, then categorical for good. */
class ColumnBuilder {
  kind: "numeric" | "categorical" = "numeric";
  values = new Float64Array(0);
  codes = new Int32Array(0);
  labels: (string | number)[] = [];
  private index = new Map<string | number, number>();

  constructor(capacity: number) {
    this.values = new Float64Array(capacity).fill(NaN);
  }

  grow(capacity: number, length: number) {
    if (this.kind === "numeric") {
      const next = new Float64Array(capacity).fill(NaN, length);
      next.set(this.values.subarray(0, length));
      this.values = next;
    } else {
      const next = new Int32Array(capacity).fill(-1, length);
      next.set(this.codes.subarray(0, length));
      this.codes = next;
    }
  }

  code(v: string | number): number {
    let c = this.index.get(v);
    if (c === undefined) this.index.set(v, (c = this.labels.push(v) - 1));
    return c;
  }

  toCategorical() {
    if (this.kind === "categorical") return;
    const codes = new Int32Array(this.values.length);
    for (let i = 0; i < codes.length; i++) codes[i] = Number.isNaN(this.values[i]) ? -1 : this.code(this.values[i]);
    this.codes = codes;
    this.values = new Float64Array(0);
    this.kind = "categorical";
  }

  result(rows: number): CurrentColumn {
    return this.kind === "numeric" ? { kind: "numeric", values: this.values.slice(0, rows) } : { kind: "categorical", codes: this.codes.slice(0, rows), labels: this.labels };
  }
}

/**
 * Where each selected row of a block goes: `dest` null = rows 0…m-1 of the selection to `start`,
 * `start + 1`, … (the fast path); otherwise dest[k] is the slot of the k-th selected row, -1 = dropped.
 */
type Placement = { src: Int32Array | null; m: number; start: number; dest: Int32Array | null };

/** A section's bytes at an address its typed array can view (a block sits anywhere in a COPY message). */
function aligned(data: Buffer, at: number, bytes: number): ArrayBuffer {
  const copy = new Uint8Array(bytes);
  copy.set(data.subarray(at, at + bytes));
  return copy.buffer;
}

function writeColumn(b: ColumnBuilder, col: BlockColumn | undefined, data: Buffer, at: number, p: Placement): void {
  const { src, m, start, dest } = p;
  const contiguous = !src && !dest;
  if (!col) {
    if (contiguous) {
      if (b.kind === "numeric") b.values.fill(NaN, start, start + m);
      else b.codes.fill(-1, start, start + m);
      return;
    }
    for (let k = 0; k < m; k++) {
      const s = dest ? dest[k] : start + k;
      if (s < 0) continue;
      if (b.kind === "numeric") b.values[s] = NaN;
      else b.codes[s] = -1;
    }
    return;
  }
  // bytes of the section up to the last row wanted (`src` ascends)
  const n = (col.k === "dict" ? (col.w ?? 1) : col.k === "i32" ? 4 : 8) * (src ? src[m - 1] + 1 : m);
  if (col.k === "dict" && (col.l ?? []).some((l) => typeof l === "string")) b.toCategorical();
  // the section as numbers (f64, i32, or a dictionary of numbers) or codes into `remap`
  let numbers: Float64Array | Int32Array | null = null;
  let codes: Uint8Array | Uint16Array | Uint32Array | null = null;
  let labels: (string | number)[] = [];
  if (col.k === "f64") numbers = new Float64Array(aligned(data, at, n));
  else if (col.k === "i32") numbers = new Int32Array(aligned(data, at, n));
  else {
    labels = col.l ?? [];
    const w = col.w ?? 1;
    codes = w === 1 ? data.subarray(at, at + n) : w === 2 ? new Uint16Array(aligned(data, at, n)) : new Uint32Array(aligned(data, at, n));
  }
  if (b.kind === "numeric") {
    const out = b.values;
    if (numbers) {
      if (contiguous) out.set(numbers, start);
      else for (let k = 0; k < m; k++) { const s = dest ? dest[k] : start + k; if (s >= 0) out[s] = numbers[src ? src[k] : k]; }
    } else {
      // a dictionary of numbers only (one holding a string made the column categorical above)
      const value = Float64Array.from([NaN, ...(labels as number[])]);
      for (let k = 0; k < m; k++) { const s = dest ? dest[k] : start + k; if (s >= 0) out[s] = value[codes![src ? src[k] : k]]; }
    }
    return;
  }
  const out = b.codes;
  if (codes) {
    const remap = Int32Array.from([-1, ...labels.map((l) => b.code(l))]);
    if (contiguous) for (let k = 0; k < m; k++) out[start + k] = remap[codes[k]];
    else for (let k = 0; k < m; k++) { const s = dest ? dest[k] : start + k; if (s >= 0) out[s] = remap[codes[src ? src[k] : k]]; }
    return;
  }
  for (let k = 0; k < m; k++) {
    const s = dest ? dest[k] : start + k;
    if (s < 0) continue;
    const x = numbers![src ? src[k] : k];
    out[s] = Number.isNaN(x) ? -1 : b.code(x);
  }
}

export async function readCurrentData(opts: ReadCurrentDataOptions): Promise<CurrentData> {
  const { pool, from, to, signal } = opts;
  const maxRows = opts.maxRows ?? DEFAULT_MAX_ROWS;
  if (!(from.getTime() < to.getTime())) throw new AppError("bad_request", `from (${from.toISOString()}) must be before to (${to.toISOString()})`, { field: "from" });
  if (opts.version !== undefined && !Number.isSafeInteger(opts.version)) throw new AppError("bad_request", "version must be an integer", { field: "version" });
  if (!Number.isSafeInteger(maxRows) || maxRows < 1) throw new AppError("bad_request", "maxRows must be a positive integer", { field: "maxRows" });

  const started = performance.now();
  const client: PoolClient = await pool.connect();
  let broken = false;
  try {
    const owned = await client.query(`SELECT 1 FROM "Endpoint" WHERE id = $1 AND "teamId" = $2`, [opts.endpointId, opts.teamId]);
    if (!owned.rowCount) throw new AppError("not_found", `endpoint ${opts.endpointId} not found`, { field: "endpointId" });

    const rand = seededRandom(opts.seed ?? 1);
    const builders = new Map<string, ColumnBuilder>();
    const fixed = opts.columns !== undefined;
    let capacity = Math.min(maxRows, 65_536);
    for (const name of opts.columns ?? []) builders.set(name, new ColumnBuilder(capacity));
    let prediction: { name: string; builder: ColumnBuilder } | null = null;
    let length = 0;
    let seen = 0;
    let blocks = 0;
    let bytes = 0;
    const versions: Record<number, number> = {};
    const fromMs = from.getTime();
    const toMs = to.getTime();

    let firstBlockMs = 0;
    let decodeMs = 0;
    const onBlock = (version: number, hour: number, data: Buffer) => {
      const t = performance.now();
      if (!blocks) firstBlockMs = t - started;
      decode(version, hour, data);
      decodeMs += performance.now() - t;
    };
    const decode = (version: number, hour: number, data: Buffer) => {
      blocks++;
      bytes += data.length;
      const { header, timeAt, at } = layoutOf(data);
      const n = header.rows;
      // rows of a block the window cuts (its first or last hour): by each row's own time
      let src: Int32Array | null = null;
      let m = n;
      if (hour < fromMs || hour + HOUR > toMs) {
        const keep = new Int32Array(n);
        m = 0;
        for (let i = 0; i < n; i++) {
          const t = header.t0 + data.readInt32LE(timeAt + 4 * i);
          if (t >= fromMs && t < toMs) keep[m++] = i;
        }
        src = keep.subarray(0, m);
      }
      if (!m) return;
      versions[version] = (versions[version] ?? 0) + m;
      // past maxRows: reservoir sampling (Algorithm R), so the result is a uniform sample of the window
      let dest: Int32Array | null = null;
      const start = length;
      if (length + m > maxRows) {
        dest = new Int32Array(m);
        for (let k = 0; k < m; k++) {
          const i = seen + k;
          if (i < maxRows) dest[k] = i;
          else {
            const j = Math.floor(rand() * (i + 1));
            dest[k] = j < maxRows ? j : -1;
          }
        }
      }
      seen += m;
      const newLength = Math.min(maxRows, length + m);
      if (newLength > capacity) {
        capacity = Math.min(maxRows, Math.max(newLength, capacity * 2));
        for (const b of builders.values()) b.grow(capacity, length);
        prediction?.builder.grow(capacity, length);
      }
      const placement: Placement = { src, m, start, dest };
      const byName = new Map<string, number>();
      header.cols.forEach((c, j) => j !== header.p && byName.set(c.n, j));
      if (!fixed) for (const name of byName.keys()) if (!builders.has(name)) builders.set(name, new ColumnBuilder(capacity));
      for (const [name, b] of builders) {
        const j = byName.get(name);
        writeColumn(b, j === undefined ? undefined : header.cols[j], data, j === undefined ? 0 : at[j], placement);
      }
      if (header.p >= 0 && !prediction) prediction = { name: header.cols[header.p].n, builder: new ColumnBuilder(capacity) };
      if (prediction) writeColumn(prediction.builder, header.p >= 0 ? header.cols[header.p] : undefined, data, header.p >= 0 ? at[header.p] : 0, placement);
      length = newLength;
    };

    const lit = (v: string) => client.escapeLiteral(v);
    const firstHour = new Date(Math.floor(fromMs / HOUR) * HOUR);
    const sql = `SELECT c.version, (extract(epoch FROM c.hour) * 1000)::float8, c.data FROM "PredictionColumns" c
      WHERE c."endpointId" = ${lit(opts.endpointId)} AND c.hour >= ${lit(firstHour.toISOString())}::timestamptz AND c.hour < ${lit(to.toISOString())}::timestamptz
      ${opts.version !== undefined ? `AND c.version = ${opts.version}` : ""}
      ORDER BY c.hour, c.id`;
    try {
      await copyOutBinary(client, sql, (f) => onBlock(f[0]!.readInt32BE(0), f[1]!.readDoubleBE(0), f[2]!), signal);
    } catch (err) {
      broken = true;
      throw err;
    }
    const columns: Record<string, CurrentColumn> = {};
    for (const [name, b] of builders) columns[name] = b.result(length);
    const p = prediction as { name: string; builder: ColumnBuilder } | null;
    return {
      rows: length, seenRows: seen, sampled: seen > length, columns, versions, blocks, bytes,
      prediction: p ? { name: p.name, column: p.builder.result(length) } : null,
      timings: { firstBlockMs, decodeMs, totalMs: performance.now() - started },
    };
  } finally {
    client.release(broken);
  }
}
