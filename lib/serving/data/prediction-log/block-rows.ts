// Prediction records → the rows of "PredictionBlock": the records of one endpoint, at most
// MAX_BLOCK_RECORDS of them over at most MAX_BLOCK_SPAN_MS, as a log block (log-block.ts), with the
// summary columns readers select blocks by. A gateway's block is stored as it came; records from
// elsewhere are encoded, deterministically, so the same records make the same block, with the same key
// (its SHA-1): a replayed batch is recognised and skipped.
import { createHash } from "node:crypto";
import { encodeLogBlock } from "../../shared/prediction-log/log-block-builder";
import { asLogged, FLAG_SHADOW, recordsOf, type LogBlockView } from "../../shared/prediction-log/log-block";
import type { PredictionRecord } from "../../shared/prediction-log/record";
import { requestHash, requestHashOfBytes } from "../../shared/prediction-log/request-hash";
import { MAX_BLOCK_RECORDS, MAX_BLOCK_SPAN_MS } from "../../shared/prediction-log/read-blocks";

type Summary = {
  endpointId: string;
  /** its earliest and latest record's time (epoch ms) */
  time: number;
  lastTime: number;
  count: number;
  shadows: number;
  errors: number;
  maxLatencyMs: number;
  variants: string[];
  statuses: number[];
  requestHashes: Int32Array;
  data: Buffer;
  key: Buffer;
};

/** A stored block's row, and its records: as records, or as the gateway's block read column by column. */
export type BlockRow = Summary & ({ records: PredictionRecord[]; view?: undefined } | { view: LogBlockView; records?: undefined });

/**
 * What a batch is made of: a source's records (an older gateway's entry, a caller's list, what is left of
 * a gateway's block when some of its records were turned away), or a gateway's block whose every record
 * passed ingest's checks, read column by column (stored as it came).
 */
export type SourceBlock = { records: PredictionRecord[]; view?: undefined } | { view: LogBlockView; records?: undefined };

/**
 * The stored blocks of a batch: a gateway's block is kept as it is when it fits the limits; other sources
 * are grouped by endpoint, ordered by time, cut at MAX_BLOCK_RECORDS and MAX_BLOCK_SPAN_MS and encoded.
 * Blocks are made source by source, so the same source makes the same blocks whatever batch it is read
 * in (a replay after a crash is read in batches of another size).
 */
export function blockRowsOf(sources: readonly SourceBlock[]): BlockRow[] {
  const rows: BlockRow[] = [];
  for (const source of sources) {
    let records = source.records;
    if (source.view) {
      const row = blockRowOfView(source.view);
      if (row.count <= MAX_BLOCK_RECORDS && row.lastTime - row.time <= MAX_BLOCK_SPAN_MS) {
        rows.push(row);
        continue;
      }
      records = recordsOf(source.view) as PredictionRecord[];
    }
    const byEndpoint = new Map<string, PredictionRecord[]>();
    for (const r of records!) {
      const g = byEndpoint.get(r.e);
      if (g) g.push(r);
      else byEndpoint.set(r.e, [r]);
    }
    for (const group of byEndpoint.values()) {
      group.sort((a, b) => a.t - b.t);
      let from = 0;
      for (let i = 1; i <= group.length; i++) {
        if (i === group.length || i - from >= MAX_BLOCK_RECORDS || group[i].t - group[from].t > MAX_BLOCK_SPAN_MS) {
          rows.push(blockRowOf(group.slice(from, i)));
          from = i;
        }
      }
    }
  }
  return rows;
}

/** The row of records of one endpoint, within the limits above, encoded. */
export function blockRowOf(records: PredictionRecord[]): BlockRow {
  const data = encodeLogBlock(records.map(asLogged));
  let shadows = 0;
  let errors = 0;
  let maxLatencyMs = -Infinity;
  let time = Infinity;
  let lastTime = -Infinity;
  const variants = new Set<string>();
  const statuses = new Set<number>();
  const requestHashes = new Int32Array(records.length);
  for (let i = 0; i < records.length; i++) {
    const r = records[i];
    if (r.t < time) time = r.t;
    if (r.t > lastTime) lastTime = r.t;
    if (r.sh) shadows++;
    if (r.s >= 400) errors++;
    // compared as the column's real, as the explorer's latency filter compares
    const l = Math.fround(r.l);
    if (l > maxLatencyMs) maxLatencyMs = l;
    variants.add(r.v);
    statuses.add(r.s);
    requestHashes[i] = requestHash(r.id);
  }
  return {
    endpointId: records[0].e, time, lastTime, count: records.length, shadows, errors, maxLatencyMs,
    variants: [...variants], statuses: [...statuses], requestHashes, data, key: createHash("sha1").update(data).digest(), records,
  };
}

/** The row of a gateway's block, from its columns. */
function blockRowOfView(v: LogBlockView): BlockRow {
  let shadows = 0;
  let errors = 0;
  let maxLatencyMs = -Infinity;
  let time = Infinity;
  let lastTime = -Infinity;
  const used = new Uint8Array(v.vs.length);
  const statuses = new Set<number>();
  const requestHashes = new Int32Array(v.n);
  for (let j = 0; j < v.n; j++) {
    const t = v.t[j];
    if (t < time) time = t;
    if (t > lastTime) lastTime = t;
    if (v.flags[j] & FLAG_SHADOW) shadows++;
    if (v.st[j] >= 400) errors++;
    const l = Math.fround(v.l[j]);
    if (l > maxLatencyMs) maxLatencyMs = l;
    used[v.vc[j]] = 1;
    statuses.add(v.st[j]);
    requestHashes[j] = requestHashOfBytes(v.block, v.idAt + v.idOff[j], v.idAt + v.idOff[j + 1]);
  }
  return {
    endpointId: v.e, time, lastTime, count: v.n, shadows, errors, maxLatencyMs, variants: v.vs.filter((_, k) => used[k]), statuses: [...statuses],
    requestHashes, data: v.block, key: createHash("sha1").update(v.block).digest(), view: v,
  };
}
