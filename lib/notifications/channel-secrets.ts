// Channel secrets at rest: a webhook's signing secret, a Slack incoming-webhook URL (it carries its
// token) and a PagerDuty routing key are stored encrypted with AES-256-GCM. The key is derived with
// HKDF from NEXTAUTH_SECRET, which the web (that stores them) and the job workers (that send with
// them) both have; a database dump alone gives none of them away. Answers show them masked.
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

const VERSION = "v1";
const keys = new Map<string, Buffer>();

function keyOf(secret: string): Buffer {
  let k = keys.get(secret);
  if (!k) {
    k = Buffer.from(hkdfSync("sha256", secret, "switchyard", "notification-channel-secrets", 32));
    keys.set(secret, k);
  }
  return k;
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url parts. */
export function encryptSecret(plain: string, secretKey: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secretKey), iv);
  const ct = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ct].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".");
}

export class SecretUnreadable extends Error {}

export function decryptSecret(sealed: string, secretKey: string): string {
  const [v, iv, tag, ct] = sealed.split(".");
  if (v !== VERSION || !iv || !tag || ct === undefined) throw new SecretUnreadable("the stored channel secret is not in a known format");
  try {
    const d = createDecipheriv("aes-256-gcm", keyOf(secretKey), Buffer.from(iv, "base64url"));
    d.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([d.update(Buffer.from(ct, "base64url")), d.final()]).toString("utf8");
  } catch {
    throw new SecretUnreadable("the channel secret cannot be decrypted: NEXTAUTH_SECRET changed since the channel was created; create the channel again");
  }
}

/** The last 4 characters, e.g. `whsec_****abcd`. */
export function maskSecret(secret: string, keep = ""): string {
  return `${keep}****${secret.slice(-4)}`;
}

/** A URL with a token in its path (Slack): host kept, path hidden, e.g. `https://hooks.slack.com/…/****abcd`. */
export function maskUrl(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}/…/${maskSecret(u.pathname + u.search)}`;
}

/** A webhook signing secret: `whsec_` and 32 random bytes. */
export const generateWebhookSecret = () => `whsec_${randomBytes(32).toString("base64url")}`;
