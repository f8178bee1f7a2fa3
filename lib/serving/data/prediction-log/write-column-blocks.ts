// Ingest's second write: the batch's served answers, column by column, for drift reads (column-block.ts).
// Runs inside writePredictionBatch's transaction with the records that insert actually stored, so a
// replayed batch adds no rows here either. Shadow copies and failed requests (status 400 and above)
// are left out: a drift report describes the traffic the model answered. So are records whose inputs
// the endpoint's input sampling left out: a drift report reads the sampled inputs only.
import type { PoolClient } from "pg";
import { BinaryRows, copyInBinary } from "../../../db/copy-in";
import { ColumnBlockBuilder } from "./column-block";
import { FLAG_NOT_SAMPLED, FLAG_SHADOW, type LogBlockView } from "../../shared/prediction-log/log-block";
import type { PredictionRecord } from "../../shared/prediction-log/record";

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

/** isDriftRow for record j of a log block. */
export function isDriftRowOf(v: LogBlockView, j: number): boolean {
  if (v.flags[j] & (FLAG_SHADOW | FLAG_NOT_SAMPLED) || v.st[j] >= 400) return false;
  const inputs = v.sigs[v.sg[j]].i;
  const rows = v.rw[j];
  if (!inputs || rows < 1) return false;
  for (const c of inputs) if (v.counts[c][j] >= rows) return true;
  return false;
}

/**
 * Writes one block per endpoint, model version and UTC hour of the records and of the log blocks' records
 * (read column by column: ingest makes no record of them); returns the number of blocks.
 */
export async function writeColumnBlocks(client: Pick<PoolClient, "query">, records: PredictionRecord[], views: readonly LogBlockView[] = []): Promise<number> {
  const groups = new Map<string, { endpointId: string; version: number; hour: number; builder: ColumnBlockBuilder }>();
  const groupOf = (e: string, version: number, t: number) => {
    const hour = Math.floor(t / HOUR) * HOUR;
    const key = `${e}\u0000${version}\u0000${hour}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { endpointId: e, version, hour, builder: new ColumnBlockBuilder() }));
    return g.builder;
  };
  for (const r of records) if (isDriftRow(r)) groupOf(r.e, r.n, r.t).addRecord(r);
  for (const v of views) {
    // a block's drift rows by group (a block spans a minute or two: almost always one group)
    const rows = new Map<ColumnBlockBuilder, number[]>();
    let last: { version: number; hour: number; rows: number[] } | null = null;
    for (let j = 0; j < v.n; j++) {
      if (!isDriftRowOf(v, j)) continue;
      const hour = Math.floor(v.t[j] / HOUR) * HOUR;
      if (!last || last.version !== v.nv[j] || last.hour !== hour) {
        const builder = groupOf(v.e, v.nv[j], v.t[j]);
        let list = rows.get(builder);
        if (!list) rows.set(builder, (list = []));
        last = { version: v.nv[j], hour, rows: list };
      }
      last.rows.push(j);
    }
    for (const [builder, js] of rows) builder.addFromBlock(v, js);
  }
  if (!groups.size) return 0;
  const blocks = [...groups.values()].map((g) => ({ ...g, ...g.builder.build() }));
  // binary COPY: a bytea parameter would travel as hex text, twice its bytes, for Postgres to parse back
  const rows = new BinaryRows(blocks.reduce((n, b) => n + b.block.length + b.endpointId.length + 64, 0));
  for (const b of blocks) rows.row(5).text(b.endpointId).int4(b.version).timestamptz(b.hour).int4(b.rows).bytea(b.block);
  await copyInBinary(client, `"PredictionColumns" ("endpointId","version","hour","rows","data")`, rows);
  return blocks.length;
}
