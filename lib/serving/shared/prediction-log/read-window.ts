// The log's records of an endpoint over a time window, for the readers that aggregate them (the shadow
// comparison, the alert readers): the blocks reaching into the window, decoded, and the records in it.
import type { Db } from "../../../db/client";
import { BLOCK_COLUMNS, MAX_BLOCK_SPAN_MS, recordsOfBlock, type StoredBlock, type StoredRecord } from "./read-blocks";
import { requestHash } from "./request-hash";

export type WindowQuery = {
  endpointId: string;
  /** epoch ms, from inclusive, to exclusive */
  from: number;
  to: number;
  /** only blocks holding shadow copies (through a partial index) or served answers */
  kind?: "shadow" | "served";
  /** only blocks holding one of these request ids' hashes (through the GIN index) */
  requestIds?: readonly string[];
};

/** The window's records (of blocks the query's kind and ids select; the caller filters records further). */
export async function readWindow(db: Db, q: WindowQuery): Promise<StoredRecord[]> {
  const where = [`"endpointId" = $1`, `"time" < $2::timestamptz`, `"time" >= $3::timestamptz`, `"lastTime" >= $4::timestamptz`];
  const params: unknown[] = [q.endpointId, new Date(q.to), new Date(q.from - MAX_BLOCK_SPAN_MS), new Date(q.from)];
  if (q.kind === "shadow") where.push("shadows > 0");
  if (q.kind === "served") where.push("records > shadows");
  if (q.requestIds) {
    if (!q.requestIds.length) return [];
    params.push([...new Set(q.requestIds.map(requestHash))]);
    where.push(`"requestHashes" && $${params.length}::int4[]`);
  }
  const blocks = await db.$queryRawUnsafe<StoredBlock[]>(`SELECT ${BLOCK_COLUMNS()} FROM "PredictionBlock" WHERE ${where.join(" AND ")}`, ...params);
  const out: StoredRecord[] = [];
  for (const b of blocks) for (const r of recordsOfBlock(b)) if (r.t >= q.from && r.t < q.to) out.push(r);
  return out;
}

/**
 * The served answers (status 200) to the requests of these shadow copies, logged within [from, to),
 * by request id (the latest one where a client reused an id).
 */
export async function servedFor(db: Db, endpointId: string, shadows: readonly StoredRecord[], from: number, to: number): Promise<Map<string, StoredRecord>> {
  const served = await readWindow(db, { endpointId, from, to, kind: "served", requestIds: shadows.map((s) => s.id) });
  const wanted = new Set(shadows.map((s) => s.id));
  const byId = new Map<string, StoredRecord>();
  for (const r of served) {
    if (r.sh || r.s !== 200 || !wanted.has(r.id)) continue;
    const seen = byId.get(r.id);
    if (!seen || seen.t < r.t) byId.set(r.id, r);
  }
  return byId;
}

/** The first output's values of an answer (the model's first output), or null. */
export function firstOutput(r: StoredRecord): readonly (number | string)[] | null {
  if (!r.out) return null;
  for (const k in r.out) return r.out[k];
  return null;
}

/** How a shadow's answer compares with the served one: the first value of each's first output. */
export function comparePair(shadow: StoredRecord, served: StoredRecord): { numbers: boolean; comparable: boolean; diff: number; equal: boolean } {
  const sv = firstOutput(shadow)?.[0];
  const pv = firstOutput(served)?.[0];
  const numbers = typeof sv === "number" && typeof pv === "number";
  const comparable = (typeof sv === "number" || typeof sv === "string") && typeof sv === typeof pv;
  return { numbers, comparable, diff: numbers ? Math.abs(sv - pv) : 0, equal: comparable && sv === pv };
}
