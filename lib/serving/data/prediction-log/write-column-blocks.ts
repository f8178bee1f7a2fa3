// Ingest's second write: the batch's served answers, column by column, for drift reads (column-block.ts).
// Runs inside writePredictionBatch's transaction with the records that insert actually stored, so a
// replayed batch adds no rows here either. Shadow copies and failed requests (status 400 and above)
// are left out: a drift report describes the traffic the model answered. So are records whose inputs
// the endpoint's input sampling left out: a drift report reads the sampled inputs only.
import type { PoolClient } from "pg";
import { encodeColumnBlock } from "./column-block";
import type { PredictionRecord } from "./record";

const HOUR = 3_600_000;

/**
 * A served, successful answer whose row count its values bear out. `r` comes from the stream, which
 * anyone with Redis access can write: a row count no column is as long as would make the block
 * allocate for rows that do not exist, so such a record stays in the log but out of the copy.
 */
export function isDriftRow(r: PredictionRecord): boolean {
  if (r.sh || r.ns || r.s >= 400 || !r.in || !Number.isInteger(r.r) || r.r < 1) return false;
  // one column as long as the row count will do (no list of them: this runs for every record ingest writes)
  for (const name in r.in) {
    const values = r.in[name];
    if (Array.isArray(values) && values.length >= r.r) return true;
  }
  return false;
}

/** Writes one block per endpoint, model version and UTC hour; returns the number of blocks. */
export async function writeColumnBlocks(client: Pick<PoolClient, "query">, records: PredictionRecord[]): Promise<number> {
  const groups = new Map<string, { endpointId: string; version: number; hour: number; records: PredictionRecord[] }>();
  for (const r of records) {
    if (!isDriftRow(r)) continue;
    const hour = Math.floor(r.t / HOUR) * HOUR;
    const key = `${r.e}\u0000${r.n}\u0000${hour}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { endpointId: r.e, version: r.n, hour, records: [] }));
    g.records.push(r);
  }
  if (!groups.size) return 0;
  const blocks = [...groups.values()].map((g) => ({ ...g, ...encodeColumnBlock(g.records) }));
  await client.query(
    `INSERT INTO "PredictionColumns" ("endpointId","version","hour","rows","data")
     SELECT * FROM unnest($1::text[], $2::int[], $3::timestamptz[], $4::int[], $5::bytea[])`,
    [blocks.map((b) => b.endpointId), blocks.map((b) => b.version), blocks.map((b) => new Date(b.hour)), blocks.map((b) => b.rows), blocks.map((b) => b.block)],
  );
  return blocks.length;
}
