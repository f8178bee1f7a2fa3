// COPY … FROM STDIN (FORMAT binary) on a node-postgres client, without a dependency (pg-copy-streams is
// not one of ours): a submittable query object that sends prepared bytes when the server asks for them.
// The twin of copy-out.ts. Binary COPY is the cheapest way into Postgres from Node: no parameter text
// for node-postgres to build (its array literals cost more than the rest of a write) and none for
// Postgres to parse back. BinaryRows builds the bytes.
import type { PoolClient } from "pg";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
/** CopyData messages of at most this many bytes */
const CHUNK = 1 << 20;
/** Postgres counts time from 2000-01-01 UTC, in microseconds */
export const PG_EPOCH_MS = 946_684_800_000;

/** Tuples in COPY's binary format: call row(fieldCount), then one writer per field, then done(). */
export class BinaryRows {
  private buf: Buffer;
  private at = 0;
  rows = 0;

  /** `capacity`: the bytes expected (it grows past them, at the cost of a copy) */
  constructor(capacity = 1 << 16) {
    this.buf = Buffer.allocUnsafe(Math.max(64, capacity));
    SIGNATURE.copy(this.buf, 0);
    this.buf.writeUInt32BE(0, 11); // flags
    this.buf.writeUInt32BE(0, 15); // header extension length
    this.at = 19;
  }

  private room(n: number) {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  row(fields: number): this {
    this.room(2);
    this.buf.writeInt16BE(fields, this.at);
    this.at += 2;
    this.rows++;
    return this;
  }

  null(): this {
    this.room(4);
    this.buf.writeInt32BE(-1, this.at);
    this.at += 4;
    return this;
  }

  int2(v: number): this {
    this.room(6);
    this.buf.writeInt32BE(2, this.at);
    this.buf.writeInt16BE(v, this.at + 4);
    this.at += 6;
    return this;
  }

  int4(v: number): this {
    this.room(8);
    this.buf.writeInt32BE(4, this.at);
    this.buf.writeInt32BE(v, this.at + 4);
    this.at += 8;
    return this;
  }

  float4(v: number): this {
    this.room(8);
    this.buf.writeInt32BE(4, this.at);
    this.buf.writeFloatBE(v, this.at + 4);
    this.at += 8;
    return this;
  }

  bool(v: boolean): this {
    this.room(5);
    this.buf.writeInt32BE(1, this.at);
    this.buf[this.at + 4] = v ? 1 : 0;
    this.at += 5;
    return this;
  }

  /** a timestamptz from epoch milliseconds */
  timestamptz(ms: number): this {
    this.room(12);
    this.buf.writeInt32BE(8, this.at);
    this.buf.writeBigInt64BE(BigInt(Math.round((ms - PG_EPOCH_MS) * 1000)), this.at + 4);
    this.at += 12;
    return this;
  }

  /** text (or, with `prefix` 1, jsonb's binary form: a version byte, then the JSON text) */
  text(s: string, prefix?: number): this {
    const extra = prefix === undefined ? 0 : 1;
    this.room(4 + extra + s.length * 3);
    const n = this.buf.write(s, this.at + 4 + extra, "utf8");
    this.buf.writeInt32BE(n + extra, this.at);
    if (extra) this.buf[this.at + 4] = prefix!;
    this.at += 4 + extra + n;
    return this;
  }

  jsonb(json: string): this {
    return this.text(json, 1);
  }

  int8(v: bigint): this {
    this.room(12);
    this.buf.writeInt32BE(8, this.at);
    this.buf.writeBigInt64BE(v, this.at + 4);
    this.at += 12;
    return this;
  }

  bytea(b: Buffer): this {
    this.room(4 + b.length);
    this.buf.writeInt32BE(b.length, this.at);
    b.copy(this.buf, this.at + 4);
    this.at += 4 + b.length;
    return this;
  }

  /** a one-dimensional int4[] (or int2[] with `oid` 21) without nulls */
  intArray(values: ArrayLike<number>, oid: 21 | 23 = 23): this {
    const size = oid === 21 ? 2 : 4;
    this.arrayHeader(values.length, oid, values.length * (4 + size));
    for (let i = 0; i < values.length; i++) {
      this.buf.writeInt32BE(size, this.at);
      if (size === 2) this.buf.writeInt16BE(values[i], this.at + 4);
      else this.buf.writeInt32BE(values[i], this.at + 4);
      this.at += 4 + size;
    }
    return this;
  }

  /** a one-dimensional text[] without nulls */
  textArray(values: readonly string[]): this {
    const bytes = values.map((v) => Buffer.from(v, "utf8"));
    this.arrayHeader(values.length, 25, bytes.reduce((n, b) => n + 4 + b.length, 0));
    for (const b of bytes) {
      this.buf.writeInt32BE(b.length, this.at);
      b.copy(this.buf, this.at + 4);
      this.at += 4 + b.length;
    }
    return this;
  }

  /** an array field's length and header (ndim 1, no nulls, element type, its length, lower bound 1); `body` bytes follow */
  private arrayHeader(n: number, oid: number, body: number): void {
    const header = n ? 20 : 12;
    this.room(4 + header + body);
    this.buf.writeInt32BE(header + body, this.at);
    this.buf.writeInt32BE(n ? 1 : 0, this.at + 4);
    this.buf.writeInt32BE(0, this.at + 8);
    this.buf.writeInt32BE(oid, this.at + 12);
    if (n) {
      this.buf.writeInt32BE(n, this.at + 16);
      this.buf.writeInt32BE(1, this.at + 20);
    }
    this.at += 4 + header;
  }

  /** the bytes, with the trailer */
  done(): Buffer {
    this.room(2);
    this.buf.writeInt16BE(-1, this.at);
    this.at += 2;
    return this.buf.subarray(0, this.at);
  }
}

class CopyInQuery {
  readonly done: Promise<number>;
  private settle!: (err: unknown, count?: number) => void;
  private count = 0;

  constructor(readonly text: string, private readonly data: Buffer) {
    this.done = new Promise<number>((resolve, reject) => {
      let settled = false;
      this.settle = (err, count) => {
        if (settled) return;
        settled = true;
        if (err) reject(err instanceof Error ? err : new Error(String(err)));
        else resolve(count ?? 0);
      };
    });
  }
  submit(connection: { query(text: string): void }) {
    connection.query(this.text);
  }
  handleCopyInResponse(connection: { sendCopyFromChunk(b: Buffer): void; endCopyFrom(): void }) {
    for (let at = 0; at < this.data.length; at += CHUNK) connection.sendCopyFromChunk(this.data.subarray(at, at + CHUNK));
    connection.endCopyFrom();
  }
  handleCommandComplete(msg: { text?: string }) {
    this.count = Number(/(\d+)$/.exec(msg.text ?? "")?.[1] ?? 0);
  }
  handleError(err: unknown) {
    this.settle(err);
  }
  handleReadyForQuery() {
    this.settle(null, this.count);
  }
  handleRowDescription() {}
  handleDataRow() {}
  handleEmptyQuery() {}
  handleCopyData() {}
}

/** Runs `COPY <target> FROM STDIN (FORMAT binary)` with `rows`' bytes; returns the rows copied. */
export async function copyInBinary(client: Pick<PoolClient, "query">, target: string, rows: BinaryRows | Buffer): Promise<number> {
  const q = new CopyInQuery(`COPY ${target} FROM STDIN (FORMAT binary)`, Buffer.isBuffer(rows) ? rows : rows.done());
  (client as unknown as { query(q: CopyInQuery): unknown }).query(q);
  return q.done;
}
