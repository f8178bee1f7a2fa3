// Data-plane access control: endpoint keys (`Authorization: Bearer sk_…`), checked against the
// hashes the routing table holds (one SHA-256 and one Map lookup; no Postgres, no Redis per request),
// and a per-key rate limit kept in this gateway's memory (rate-limiter-flexible): with n gateways
// behind a load balancer a key gets up to n times the rate, and no request waits on Redis for it.
import { sameSecret } from "../../../secrets";
import type { IncomingMessage } from "node:http";
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";
import { ENDPOINT_KEY_PREFIX, hashEndpointKey } from "../../../tokens/endpoint-key-format";
import { HttpError } from "../http";
import type { EndpointRoute, KeyEntry } from "./routing-table";

export type AuthRefusal = "missing" | "malformed" | "not_endpoint_key" | "unknown" | "revoked" | "other_endpoint" | "rate_limited";

const BEARER = /^Bearer\s+(\S+)$/i;
const CHALLENGE = { "www-authenticate": 'Bearer realm="switchyard"' };

export class EndpointAuth {
  private readonly limiter: RateLimiterMemory | null;
  private readonly onRefused: (reason: AuthRefusal) => void;
  private indexes = new WeakMap<Map<string, EndpointRoute>, Map<string, KeyEntry>>();

  constructor(opts: { ratePerSecond: number; onRefused?: (reason: AuthRefusal) => void }) {
    this.limiter = opts.ratePerSecond > 0 ? new RateLimiterMemory({ points: opts.ratePerSecond, duration: 1 }) : null;
    this.onRefused = opts.onRefused ?? (() => {});
  }

  private refuse(reason: AuthRefusal, status: number, code: string, message: string, headers: Record<string, string> = CHALLENGE): HttpError {
    this.onRefused(reason);
    return new HttpError(status, code, message, headers);
  }

  /** Every key of every endpoint by hash, built once per routing table, to tell "another endpoint's key" from "no such key". */
  private index(table: Map<string, EndpointRoute>): Map<string, KeyEntry> {
    let idx = this.indexes.get(table);
    if (!idx) {
      idx = new Map();
      for (const r of table.values()) for (const [h, k] of r.keys) idx.set(h, k);
      this.indexes.set(table, idx);
    }
    return idx;
  }

  /**
   * The key id a request presents for `route`, or null when it presents none and the endpoint does
   * not need one. Throws 401 (no, bad or revoked key), 403 (another endpoint's key) or 429 (over the
   * key's rate, with Retry-After), each with the documented error shape.
   */
  async check(req: IncomingMessage, route: EndpointRoute, table: Map<string, EndpointRoute>): Promise<string | null> {
    const header = req.headers.authorization;
    if (header === undefined) {
      if (!route.requireKey) return null;
      throw this.refuse("missing", 401, "unauthorized", `endpoint "${route.name}" needs an endpoint key: send Authorization: Bearer ${ENDPOINT_KEY_PREFIX}…`);
    }
    const m = BEARER.exec(header);
    if (!m) throw this.refuse("malformed", 401, "unauthorized", `Authorization header must be 'Bearer ${ENDPOINT_KEY_PREFIX}…'`);
    if (!m[1].startsWith(ENDPOINT_KEY_PREFIX)) throw this.refuse("not_endpoint_key", 401, "unauthorized", `the data plane takes endpoint keys (${ENDPOINT_KEY_PREFIX}…); API tokens are for the REST API`);
    const hash = hashEndpointKey(m[1]);
    const own = route.keys.get(hash);
    if (!own) {
      const other = this.index(table).get(hash);
      if (other && !other.revoked) throw this.refuse("other_endpoint", 403, "forbidden", `this endpoint key is not for endpoint "${route.name}"`, {});
      throw this.refuse("unknown", 401, "unauthorized", "invalid endpoint key");
    }
    if (own.revoked) throw this.refuse("revoked", 401, "unauthorized", "this endpoint key has been revoked");
    if (this.limiter) {
      try {
        await this.limiter.consume(own.id);
      } catch (res) {
        if (!(res instanceof RateLimiterRes)) throw res;
        const retryAfter = Math.max(1, Math.ceil(res.msBeforeNext / 1000));
        throw this.refuse("rate_limited", 429, "rate_limited", `this endpoint key made more than ${this.limiter.points} requests this second (GATEWAY_KEY_RATE_PER_SECOND)`, { "retry-after": String(retryAfter) });
      }
    }
    return own.id;
  }
}

/** Whether a request carries `Authorization: Bearer <token>` for exactly this token (compared in constant time). */
export function hasBearer(req: IncomingMessage, token: string): boolean {
  const m = BEARER.exec(req.headers.authorization ?? "");
  return m !== null && sameSecret(m[1], token);
}
