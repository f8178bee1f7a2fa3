// Inside the cluster, processes prove they hold CLUSTER_SECRET (lib/env/cluster-secret.ts): an
// inference worker signs its heartbeats, and the gateway and the job workers sign every call they
// make to a worker (/admin/load, /admin/unload, /batch, OIP /v2/models/…/infer). HMAC-SHA256 with a
// timestamp; a signature older or newer than MAX_SKEW_MS is refused, so a copied one is only good
// for that long (and admin calls are refused a second time: see ReplayGuard).
import { createHash, createHmac, timingSafeEqual } from "node:crypto";

/** Header that carries a call's signature: `t=<ms since epoch>,v1=<hex HMAC>`. */
export const SIGNATURE_HEADER = "x-switchyard-signature";
/** How far a signature's timestamp may be from the verifier's clock. */
export const MAX_SKEW_MS = 30_000;

const hmac = (secret: string, text: string | Buffer, ...parts: string[]) => {
  const h = createHmac("sha256", secret);
  for (const p of parts) h.update(p).update("\n");
  return h.update(text).digest("hex");
};

const sameHex = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** Why a signature was refused (a label in metrics and logs; never the secret). */
export type Refusal = "unsigned" | "malformed" | "stale" | "bad_signature" | "wrong_worker";

// ---------- heartbeats ----------

/** The value stored in Redis for one heartbeat: `<hex HMAC>.<JSON>`, the HMAC over the JSON text. */
export function signHeartbeat(secret: string, json: string): string {
  return `${hmac(secret, json, "heartbeat")}.${json}`;
}

/**
 * The heartbeat's JSON if it is signed with `secret`, is the heartbeat of `workerId` (the key it
 * was stored under) and its `at` is within MAX_SKEW_MS of `now`; otherwise why not.
 */
export function openHeartbeat<T extends { id: string; at: number }>(secret: string, stored: string, workerId: string, now: number): { ok: true; info: T } | { ok: false; reason: Refusal } {
  const dot = stored.indexOf(".");
  if (dot !== 64 || !/^[0-9a-f]{64}$/.test(stored.slice(0, 64))) return { ok: false, reason: stored.startsWith("{") ? "unsigned" : "malformed" };
  const json = stored.slice(dot + 1);
  if (!sameHex(stored.slice(0, 64), hmac(secret, json, "heartbeat"))) return { ok: false, reason: "bad_signature" };
  let info: T;
  try {
    info = JSON.parse(json) as T;
  } catch {
    return { ok: false, reason: "malformed" };
  }
  if (info?.id !== workerId) return { ok: false, reason: "wrong_worker" };
  if (typeof info.at !== "number" || Math.abs(now - info.at) > MAX_SKEW_MS) return { ok: false, reason: "stale" };
  return { ok: true, info };
}

// ---------- calls to inference workers ----------

export type SignedCall = {
  method: string;
  /** the request path with its query, as the server sees it in `req.url` */
  path: string;
  /** the worker the call is meant for: a call signed for one worker is refused by every other */
  workerId: string;
  body: string | Buffer;
};

const bodyHash = (body: string | Buffer) => createHash("sha256").update(body).digest("hex");

/** The signature header's value for a call made now. */
export function signCall(secret: string, call: SignedCall, now = Date.now()): string {
  return `t=${now},v1=${hmac(secret, bodyHash(call.body), "call", call.method.toUpperCase(), call.path, call.workerId, String(now))}`;
}

/** Reads `t=…,v1=…`; null when absent or not of that shape. */
export function parseSignature(header: string | string[] | undefined): { t: number; v1: string } | null {
  if (typeof header !== "string") return null;
  const m = /^t=(\d{1,16}),v1=([0-9a-f]{64})$/.exec(header.trim());
  return m ? { t: Number(m[1]), v1: m[2] } : null;
}

/**
 * Checks what can be checked before the body is read (present, well formed, fresh), so an
 * unsigned client is turned away without its body being read.
 */
export function precheckCall(header: string | string[] | undefined, now = Date.now()): { ok: true; t: number; v1: string } | { ok: false; reason: Refusal } {
  if (header === undefined) return { ok: false, reason: "unsigned" };
  const sig = parseSignature(header);
  if (!sig) return { ok: false, reason: "malformed" };
  if (Math.abs(now - sig.t) > MAX_SKEW_MS) return { ok: false, reason: "stale" };
  return { ok: true, ...sig };
}

export function verifyCall(secret: string, header: string | string[] | undefined, call: SignedCall, now = Date.now()): { ok: true; v1: string } | { ok: false; reason: Refusal } {
  const pre = precheckCall(header, now);
  if (!pre.ok) return pre;
  const expected = hmac(secret, bodyHash(call.body), "call", call.method.toUpperCase(), call.path, call.workerId, String(pre.t));
  return sameHex(pre.v1, expected) ? { ok: true, v1: pre.v1 } : { ok: false, reason: "bad_signature" };
}

/** Remembers signatures seen in the last MAX_SKEW_MS (twice that, to be safe), so a copied admin call is refused. */
export class ReplayGuard {
  private seen = new Map<string, number>();

  /** True the first time a signature is seen; false for a replay. */
  firstUse(signature: string, now = Date.now()): boolean {
    if (this.seen.size > 1_000) for (const [s, at] of this.seen) if (now - at > 2 * MAX_SKEW_MS) this.seen.delete(s);
    if (this.seen.has(signature)) return false;
    this.seen.set(signature, now);
    return true;
  }
}

export const REFUSAL_MESSAGES: Record<Refusal, string> = {
  unsigned: `calls to inference workers must be signed with the cluster secret (${SIGNATURE_HEADER})`,
  malformed: `${SIGNATURE_HEADER} must be "t=<ms>,v1=<hex>"`,
  stale: `the signature's time is more than ${MAX_SKEW_MS / 1000} s from this worker's clock`,
  bad_signature: "the signature does not match (another CLUSTER_SECRET, or a changed request)",
  wrong_worker: "the signature is for another worker",
};
