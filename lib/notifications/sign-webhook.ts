// The sender's side of webhook signatures, like Stripe's: `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`.
// The receiver's side is lib/notifications/verify-signature.ts.
import { createHmac } from "node:crypto";

export const SIGNATURE_HEADER = "Switchyard-Signature";

export function signatureOf(secret: string, timestamp: number, rawBody: string): string {
  return createHmac("sha256", secret).update(`${timestamp}.${rawBody}`).digest("hex");
}

export function signatureHeader(secret: string, rawBody: string, now = Date.now()): string {
  const t = Math.floor(now / 1000);
  return `t=${t},v1=${signatureOf(secret, t, rawBody)}`;
}
