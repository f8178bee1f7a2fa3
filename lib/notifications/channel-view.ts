import type { Channel } from "../generated/prisma/client";
import { maskedSecretOf, readChannelConfig, targetOf } from "./channel-config";

/** A channel as answers and the audit show it: secrets masked, never in clear. */
export function toChannelView(c: Channel) {
  const config = readChannelConfig(c.kind, c.config);
  return {
    id: c.id,
    name: c.name,
    kind: c.kind,
    target: targetOf(config),
    secret: maskedSecretOf(config),
    events: c.events,
    createdBy: c.createdBy,
    createdAt: c.createdAt.toISOString(),
  };
}
export type ChannelView = ReturnType<typeof toChannelView>;
