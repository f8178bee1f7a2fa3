// The four-byte hash of a request id that "PredictionBlock"."requestHashes" holds (FNV-1a over its UTF-8
// bytes, as a signed int4): a lookup by request id selects the blocks holding its hash through the GIN
// index, and finds the record itself by decoding them (a hash may collide; the id decides). Over bytes,
// so ingest hashes the ids of a block where they lie, without making a string of each.
const OFFSET = 0x811c9dc5;
const PRIME = 0x01000193;

export function requestHashOfBytes(bytes: Uint8Array, from: number, to: number): number {
  let h = OFFSET;
  for (let i = from; i < to; i++) h = Math.imul(h ^ bytes[i], PRIME);
  return h | 0;
}

export function requestHash(id: string): number {
  let h = OFFSET;
  for (let i = 0; i < id.length; i++) {
    const c = id.charCodeAt(i);
    // an ASCII character is its own UTF-8 byte; anything else: hash the id's bytes
    if (c >= 0x80) return requestHashOfBytes(Buffer.from(id, "utf8"), 0, Buffer.byteLength(id, "utf8"));
    h = Math.imul(h ^ c, PRIME);
  }
  return h | 0;
}
