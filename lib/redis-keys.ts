// Every Redis key, channel and stream the product uses, declared once. Processes that share a
// Redis agree on these names; renaming one here renames it everywhere.
export const REDIS_KEYS = {
  /** pub/sub: an endpoint id whose routing changed; gateways reload at once */
  routingChannel: "sy:routing",
  /** stream of packed prediction records from gateways to the ingest consumer group */
  predictionStream: "sy:predictions",
  /** the ingest consumer group on `predictionStream` */
  ingestGroup: "ingest",
  /** stream of prediction records that Postgres refused (or that were not records at all), with the reason */
  deadLetterStream: "sy:predictions:dead",
  /** sorted set of dead-lettered records (`<entry id>#<index>`, scored by time), so a replayed entry does not dead-letter one twice */
  deadLetterSeen: "sy:predictions:dead:seen",
  /** sorted set: worker id → last heartbeat (ms) */
  workerSet: "sy:workers",
  /** one inference worker's heartbeat (JSON), expiring */
  worker: (workerId: string) => `sy:worker:${workerId}`,
  /** sorted set: gateway process id → last heartbeat (ms); its heartbeat lists its inline versions */
  gatewaySet: "sy:gateways",
  /** one gateway process's heartbeat (JSON), expiring */
  gateway: (gatewayId: string) => `sy:gateway:${gatewayId}`,
  /** per-token request counter for one fixed minute window */
  rateLimit: (tokenId: string, minute: number) => `sy:rl:${tokenId}:${minute}`,
  /** rate-limiter-flexible key prefix: credential sign-in attempts per account (sha256 of the email), 15-minute windows */
  signInAccountPrefix: "sy:signin:account",
  /** rate-limiter-flexible key prefix: credential sign-in attempts per client address, 15-minute windows */
  signInAddressPrefix: "sy:signin:address",
  /** held while a message goes to one Slack channel and for 1 s after: Slack takes about one message per second per channel */
  slackChannelSlot: (channelId: string) => `sy:notify:slack:${channelId}`,
} as const;
