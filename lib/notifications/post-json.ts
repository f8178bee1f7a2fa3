// One outbound POST of a notification, connected to the address checked beforehand
// (lib/notifications/outbound-url.ts): the request's `lookup` answers with that address only, so
// the connection cannot go anywhere else, while the Host header and TLS name stay the URL's host.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import type { ResolvedAddress } from "./outbound-url";

export const USER_AGENT = "Switchyard-Notifications/1.0 (+https://github.com/switchyard)";
const MAX_BODY_READ = 64 * 1024;

export type PostResult = { status: number; body: string; retryAfter: string | null };

/** Resolves with the answer (any status); rejects on a network error or after `timeoutMs` in all. */
export function postJson(opts: { url: URL; body: string; headers: Record<string, string>; pinned: ResolvedAddress; timeoutMs: number }): Promise<PostResult> {
  const { url, pinned } = opts;
  const lookup = ((_host: string, o: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (o?.all) cb(null, [{ address: pinned.address, family: pinned.family }]);
    else cb(null, pinned.address, pinned.family);
  }) as unknown as LookupFunction;
  const mod = url.protocol === "https:" ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    const req = mod.request(url, {
      method: "POST",
      lookup,
      headers: { "content-type": "application/json", "user-agent": USER_AGENT, "content-length": Buffer.byteLength(opts.body), ...opts.headers },
      // never follow redirects (node:http does not): a 3xx is an answer, not a new destination
    }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on("data", (c: Buffer) => {
        if (size < MAX_BODY_READ) chunks.push(c);
        size += c.length;
      });
      res.on("end", () => {
        clearTimeout(timer);
        const ra = res.headers["retry-after"];
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).subarray(0, MAX_BODY_READ).toString("utf8"), retryAfter: Array.isArray(ra) ? ra[0] : (ra ?? null) });
      });
      res.on("error", (err) => { clearTimeout(timer); reject(err); });
    });
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${opts.timeoutMs / 1000} s`)), opts.timeoutMs);
    req.on("error", (err) => { clearTimeout(timer); reject(err); });
    req.end(opts.body);
  });
}
