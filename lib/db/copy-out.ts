// COPY … TO STDOUT (FORMAT binary) on a node-postgres client, without a dependency: a submittable
// query object that hands each tuple's fields, as raw bytes, to a callback as they arrive. node-postgres
// returns bytea as hex text (twice the bytes, then decoded) and its binary result mode decodes fields as
// UTF-8; COPY BINARY is the one way to stream bytea rows raw. COPY takes no bind parameters: callers
// inline values with client.escapeLiteral.
import type { PoolClient } from "pg";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/** Splits a binary COPY stream into tuples, whatever the chunking of the messages that carry it. */
function tupleSplitter(onTuple: (fields: (Buffer | null)[]) => void): (chunk: Buffer) => void {
  let pending: Buffer | null = null;
  let headerDone = false;
  return (chunk) => {
    const buf = pending ? Buffer.concat([pending, chunk]) : chunk;
    pending = null;
    let at = 0;
    if (!headerDone) {
      if (buf.length < 19) return void (pending = buf);
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error("COPY BINARY: unexpected header");
      at = 19 + buf.readUInt32BE(15);
      headerDone = true;
    }
    for (;;) {
      if (buf.length - at < 2) break;
      const count = buf.readInt16BE(at);
      if (count === -1) return; // trailer
      let p = at + 2;
      const fields: (Buffer | null)[] = [];
      let complete = true;
      for (let i = 0; i < count; i++) {
        if (buf.length - p < 4) { complete = false; break; }
        const len = buf.readInt32BE(p);
        p += 4;
        if (len === -1) { fields.push(null); continue; }
        if (buf.length - p < len) { complete = false; break; }
        fields.push(buf.subarray(p, p + len));
        p += len;
      }
      if (!complete) break;
      onTuple(fields);
      at = p;
    }
    if (at < buf.length) pending = Buffer.from(buf.subarray(at));
  };
}

class CopyOutQuery {
  readonly done: Promise<void>;
  private settle!: (err?: unknown) => void;
  private settled = false;
  private readonly split: (chunk: Buffer) => void;

  constructor(readonly text: string, onTuple: (fields: (Buffer | null)[]) => void) {
    this.split = tupleSplitter(onTuple);
    this.done = new Promise<void>((resolve, reject) => {
      this.settle = (err) => {
        if (this.settled) return;
        this.settled = true;
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve();
      };
    });
  }
  submit(connection: { query(text: string): void }) {
    connection.query(this.text);
  }
  handleCopyData(msg: { chunk: Buffer }) {
    if (this.settled) return;
    try {
      this.split(msg.chunk);
    } catch (err) {
      this.settle(err); // the caller destroys the connection: the rest of the stream is not wanted
    }
  }
  handleError(err: unknown) {
    this.settle(err);
  }
  handleReadyForQuery() {
    this.settle();
  }
  handleCommandComplete() {}
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
}

/**
 * Runs `COPY (…) TO STDOUT (FORMAT binary)` and calls onTuple for every row, synchronously as the bytes
 * arrive (a thrown error, or `signal`, stops it). After a failure the client's connection is in an
 * unknown state: release it with `release(true)`.
 */
export async function copyOutBinary(client: PoolClient, sql: string, onTuple: (fields: (Buffer | null)[]) => void, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const q = new CopyOutQuery(`COPY (${sql}) TO STDOUT (FORMAT binary)`, (fields) => {
    signal?.throwIfAborted();
    onTuple(fields);
  });
  // a stalled server sends nothing to stop on: end the connection so the query fails now
  const onAbort = () => void client.end().catch(() => {});
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    (client as unknown as { query(q: CopyOutQuery): unknown }).query(q);
    await q.done;
    signal?.throwIfAborted();
  } catch (err) {
    if (signal?.aborted) throw signal.reason;
    throw err;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}
