// The prediction log's records as tests check them: the blocks of "PredictionBlock" decoded, in the
// column names of the row a record used to be.
import { requestHash } from "@/lib/serving/shared/prediction-log/request-hash";
import { BLOCK_COLUMNS, recordsOfBlocks, type StoredBlock } from "@/lib/serving/shared/prediction-log/read-blocks";

type Queryable = { $queryRawUnsafe<T>(sql: string, ...params: unknown[]): Promise<T> } | { query(sql: string, params?: unknown[]): Promise<{ rows: unknown[] }> };

export type LoggedRow = {
  time: Date; ms: number; endpointId: string; variant: string; version: number; requestId: string; status: number; latencyMs: number; shadow: boolean; rows: number;
  inputs: Record<string, (number | string)[]> | null; inputsSampled: boolean; outputs: Record<string, (number | string)[]> | null; error: string | null;
};

/**
 * The records of one endpoint (by id, or by name with `{ name }`), or of every endpoint, in stored order;
 * `{ requestIds }`: those with these request ids.
 */
export async function loggedRecords(db: Queryable, endpoint?: string | { name: string } | { requestIds: string[] }): Promise<LoggedRow[]> {
  let where = "";
  let params: unknown[] = [];
  if (typeof endpoint === "string") [where, params] = [`WHERE "endpointId" = $1`, [endpoint]];
  else if (endpoint && "name" in endpoint) [where, params] = [`WHERE "endpointId" = (SELECT id FROM "Endpoint" WHERE name = $1 LIMIT 1)`, [endpoint.name]];
  else if (endpoint) [where, params] = [`WHERE "requestHashes" && $1::int4[]`, [endpoint.requestIds.map(requestHash)]];
  const sql = `SELECT ${BLOCK_COLUMNS} FROM "PredictionBlock" ${where} ORDER BY "time", id`;
  const blocks = ("$queryRawUnsafe" in db ? await db.$queryRawUnsafe<StoredBlock[]>(sql, ...params) : (await db.query(sql, params)).rows) as StoredBlock[];
  const ids = typeof endpoint === "object" && "requestIds" in endpoint ? new Set(endpoint.requestIds) : null;
  return recordsOfBlocks(blocks).filter((r) => !ids || ids.has(r.id)).map((r) => ({
    time: new Date(r.t), ms: r.t, endpointId: r.e, variant: r.v, version: r.n, requestId: r.id, status: r.s, latencyMs: Math.fround(r.l), shadow: r.sh, rows: r.r,
    inputs: r.in, inputsSampled: !r.ns, outputs: r.out, error: r.err ?? null,
  }));
}
