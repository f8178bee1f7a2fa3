// How a receiver checks a Switchyard webhook (the README shows the same steps): take the raw body as
// received (before any JSON parsing), recompute the HMAC over "<t>.<raw body>" with the channel's
// secret, compare in constant time, and refuse a timestamp more than 5 minutes away (a replay).
import { createHmac, timingSafeEqual } from "node:crypto";

export const DEFAULT_TOLERANCE_SECONDS = 300;

export type Verification = { ok: true; timestamp: number } | { ok: false; reason: string };

export function verifySignature(opts: { rawBody: string | Buffer; header: string | null | undefined; secret: string; toleranceSeconds?: number; now?: number }): Verification {
  if (!opts.header) return { ok: false, reason: "no Switchyard-Signature header" };
  const parts = opts.header.split(",").map((p) => p.trim().split("="));
  const t = parts.find(([k]) => k === "t")?.[1];
  const sigs = parts.filter(([k]) => k === "v1").map(([, v]) => v ?? "");
  if (!t || !/^\d+$/.test(t) || !sigs.length) return { ok: false, reason: "malformed Switchyard-Signature header" };
  const timestamp = Number(t);
  const now = Math.floor((opts.now ?? Date.now()) / 1000);
  if (Math.abs(now - timestamp) > (opts.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: "timestamp outside the tolerance" };
  const expected = createHmac("sha256", opts.secret).update(`${t}.`).update(opts.rawBody).digest();
  const matches = sigs.some((s) => {
    const given = Buffer.from(s, "hex");
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true, timestamp } : { ok: false, reason: "signature does not match" };
}
