// Per-endpoint sampling of the inputs the prediction log keeps (Endpoint.logInputs, 0…1). Every request
// is still logged and counted; a request left out of the sample is logged without its inputs (`ns`).
// The decision is a hash of the request id, not a coin: a shadow copy, a replay or another gateway
// process decides the same for one request, so a request's served answer and its shadow copies keep
// their inputs together or not at all. The gateway keys the hash (HMAC-SHA256 under a key derived from the
// cluster secret, about a microsecond): the request id may be the client's own, and a client that could
// compute the hash could choose ids whose inputs are never kept, and so stay out of the drift reports.

import { createHmac } from "node:crypto";

/** Whether the inputs of request `requestId` are kept at sampling rate `rate` (1: all, 0: none). */
export function sampleInputs(rate: number, requestId: string, key?: Buffer): boolean {
  if (rate >= 1) return true;
  if (!(rate > 0)) return false;
  if (key) return createHmac("sha256", key).update(requestId).digest().readUInt32LE(0) / 4294967296 < rate;
  // FNV-1a, 32 bits: spreads request ids (uuids, counters, client-chosen strings) evenly enough for a share
  let h = 0x811c9dc5;
  for (let i = 0; i < requestId.length; i++) {
    h ^= requestId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // a final mix: ids that differ only in their last characters land far apart
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return (h >>> 0) / 4294967296 < rate;
}

/** The key every process of every gateway derives from the cluster secret (so all decide alike). */
export function samplingKeyOf(clusterSecret: string): Buffer {
  return createHmac("sha256", clusterSecret).update("switchyard input sampling").digest();
}
