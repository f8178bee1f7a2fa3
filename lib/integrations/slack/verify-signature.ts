// Slack signs every request to the app: X-Slack-Signature is `v0=` + hex HMAC-SHA256 of
// `v0:<X-Slack-Request-Timestamp>:<raw body>` with the app's signing secret. A request more than five
// minutes away from now is refused too, so a captured request cannot be replayed later.
import { createHmac } from "node:crypto";
import { AppError } from "../../errors";
import { sameSecret } from "../../secrets";

export const SLACK_MAX_SKEW_SECONDS = 5 * 60;

export function verifySlackSignature(opts: { secret: string; rawBody: string; signature: string | null; timestamp: string | null; now?: Date }): void {
  const ts = opts.timestamp?.trim() ?? "";
  if (!/^\d{1,12}$/.test(ts)) throw new AppError("unauthorized", "X-Slack-Request-Timestamp is missing or not a number of seconds: only Slack may call this");
  const nowSeconds = (opts.now ?? new Date()).getTime() / 1000;
  if (Math.abs(nowSeconds - Number(ts)) > SLACK_MAX_SKEW_SECONDS) {
    throw new AppError("unauthorized", "X-Slack-Request-Timestamp is more than 5 minutes from now: an old request replayed, or a clock that is off");
  }
  if (!opts.signature) throw new AppError("unauthorized", "X-Slack-Signature is missing: only Slack may call this");
  const expected = `v0=${createHmac("sha256", opts.secret).update(`v0:${ts}:${opts.rawBody}`, "utf8").digest("hex")}`;
  if (!sameSecret(opts.signature.trim(), expected)) {
    throw new AppError("unauthorized", "X-Slack-Signature does not match the body: check that SLACK_SIGNING_SECRET is the Slack app's signing secret");
  }
}
