// At most one message per second to each Slack channel, across every job worker: a Redis key is held
// while a message is sent and for 1 s after it was answered, so the next one starts (and so
// arrives) at least a second after the previous one arrived.
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { REDIS_KEYS } from "../redis-keys";

export const SLACK_INTERVAL_MS = 1_000;
/** a sender that dies mid-send frees the slot after this */
const HOLD_MS = 15_000;

export type SlackSlot = { release(): Promise<void> } | { waitMs: number };

export async function takeSlackSlot(redis: Redis, channelId: string): Promise<SlackSlot> {
  const key = REDIS_KEYS.slackChannelSlot(channelId);
  const token = randomBytes(8).toString("hex");
  if (await redis.set(key, token, "PX", HOLD_MS, "NX")) {
    return { release: async () => { await redis.set(key, token, "PX", SLACK_INTERVAL_MS); } };
  }
  // while a send is in flight the key still has its long hold: look again within a second
  const left = await redis.pttl(key);
  return { waitMs: Math.min(Math.max(left, 20), SLACK_INTERVAL_MS) };
}
