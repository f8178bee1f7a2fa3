// Queues as producers (the web, the CLI's scripts, other jobs) hold them: one per queue name and
// process, created on first use. An "error" listener keeps a Redis that is away from crashing the
// process: the add that needed it reports it by not settling in time (added-in-time.ts).
import { Queue } from "bullmq";
import { bullConnection } from "./queues";

const queues = new Map<string, Queue>();

export function producerQueue(name: string, redisUrl: string): Queue {
  const key = `${name}\n${redisUrl}`;
  let q = queues.get(key);
  if (!q) {
    q = new Queue(name, { connection: bullConnection(redisUrl) });
    q.on("error", () => {});
    queues.set(key, q);
  }
  return q;
}

/** For short-lived processes (seed, scripts): lets the process exit. */
export async function closeProducerQueues(): Promise<void> {
  const all = [...queues.values()];
  queues.clear();
  await Promise.all(all.map((q) => q.close().catch(() => {})));
}
