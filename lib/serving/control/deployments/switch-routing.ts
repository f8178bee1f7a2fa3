import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import type { Routing } from "../../shared/routing";
import { REDIS_KEYS } from "../../../redis-keys";
import { toJson } from "../../../db/json";

type Tx = Pick<Db, "endpoint">;

/** Makes `routing` the endpoint's live routing. Call inside the transaction that records the step. */
export async function writeRouting(tx: Tx, endpointId: string, routing: Routing): Promise<number> {
  const e = await tx.endpoint.update({ where: { id: endpointId }, data: { routing: toJson(routing), routingVersion: { increment: 1 } } });
  return e.routingVersion;
}

/** Tells gateways to reload now. Best effort: they also reload on a timer. */
export async function announceRouting(redis: Redis, endpointId: string): Promise<void> {
  await redis.publish(REDIS_KEYS.routingChannel, endpointId).catch(() => {});
}
