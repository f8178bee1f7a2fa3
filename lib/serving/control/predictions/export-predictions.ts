// An endpoint's filtered prediction log as a download, newest first, read a keyset page at a time
// while the client reads (the route streams it with backpressure): JSON Lines, one record a line as
// the explorer's API gives it, or CSV for spreadsheets, one column per input feature (its first value).
import type { Db } from "../../../db/client";
import { csvLine } from "../../../audit/csv-cell";
import { findEndpoint } from "../endpoints/read-endpoints";
import { readPage, resolveQuery, type PredictionFilter, type PredictionRecordView, type ResolvedQuery } from "./prediction-query";

export const PREDICTION_EXPORT_FORMATS = ["csv", "jsonl"] as const;
export type PredictionExportFormat = (typeof PREDICTION_EXPORT_FORMATS)[number];

/** An export stops after this many records (the newest); a narrower from/to exports the rest. */
export const EXPORT_MAX_ROWS = 1_000_000;
const PAGE = 2_000;

const FIXED_COLUMNS = ["time", "requestId", "variant", "version", "status", "latencyMs", "shadow", "rows", "error"] as const;

/**
 * Checks the endpoint and the filter before anything is sent (a wrong filter is a 400, not a broken
 * download), then gives the export's text a page per chunk.
 */
export async function exportPredictions(opts: { db: Db; teamId: string; name: string; filter: PredictionFilter; format: PredictionExportFormat; maxRows?: number; pageSize?: number; now?: Date }) {
  const e = await findEndpoint(opts.db, opts.teamId, opts.name);
  const q = resolveQuery({ endpointId: e.id, filter: opts.filter, now: opts.now });
  const stamp = (d: Date) => d.toISOString().slice(0, 16).replace(/[-:]/g, "");
  return {
    filename: `predictions-${e.name}-${stamp(q.from)}-${stamp(q.to)}.${opts.format}`,
    maxRows: opts.maxRows ?? EXPORT_MAX_ROWS,
    chunks: chunks(opts.db, q, opts.format, opts.maxRows ?? EXPORT_MAX_ROWS, opts.pageSize ?? PAGE),
  };
}

async function* chunks(db: Db, first: ResolvedQuery, format: PredictionExportFormat, maxRows: number, pageSize: number): AsyncGenerator<string> {
  let q: ResolvedQuery | null = first;
  let left = maxRows;
  let features: Set<string> | null = null;
  while (q && left > 0) {
    const page = await readPage(db, q, Math.min(pageSize, left));
    left -= page.records.length;
    q = page.next;
    if (format === "jsonl") {
      if (page.records.length) yield page.records.map((r) => `${JSON.stringify(r)}\n`).join("");
      continue;
    }
    if (!features) {
      // the columns are the features of the first page; a later record's other inputs go to otherInputs
      features = new Set([...new Set(page.records.flatMap((r) => Object.keys(r.inputs ?? {})))].sort());
      yield csvLine([...FIXED_COLUMNS, ...[...features].map((f) => `input.${f}`), "otherInputs", "outputs"]);
    }
    if (page.records.length) yield page.records.map((r) => csvRow(r, features!)).join("");
  }
}

function csvRow(r: PredictionRecordView, features: Set<string>): string {
  const inputs = r.inputs ?? {};
  const other = Object.entries(inputs).filter(([k]) => !features.has(k));
  const cell = (v: unknown) => (v === undefined || v === null ? null : typeof v === "number" || typeof v === "string" ? v : JSON.stringify(v));
  return csvLine([
    r.time, r.requestId, r.variant, r.version, r.status, r.latencyMs, String(r.shadow), r.rows, r.error,
    ...[...features].map((f) => cell(inputs[f]?.[0])),
    other.length ? JSON.stringify(Object.fromEntries(other)) : null,
    r.outputs === null ? null : JSON.stringify(r.outputs),
  ]);
}
