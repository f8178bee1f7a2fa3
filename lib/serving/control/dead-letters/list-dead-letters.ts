// A team's dead-lettered prediction records: the ones ingest could not store, newest first, with
// the reason. Records belong to the team whose endpoint they name; any other record (another team's,
// or one that names no endpoint of anyone's) is never shown.
import type { Redis } from "ioredis";
import type { Db } from "../../../db/client";
import { REDIS_KEYS } from "../../../redis-keys";
import { decodeDeadLetter } from "../../shared/dead-letters";

export type DeadLetterView = {
  id: string;
  at: string;
  endpoint: string;
  variant: string;
  version: number | null;
  requestId: string;
  recordTime: string | null;
  reason: string;
};

const PAGE = 500;
const STREAM_ID = /^\d+-\d+$/;

/** Newest first, at most `limit`, older than the entry `before` (a dead letter's id) when given. */
export async function listDeadLetters(opts: { db: Db; redis: Redis; teamId: string; limit: number; before?: string }): Promise<{ deadLetters: DeadLetterView[]; nextBefore: string | null }> {
  const endpoints = await opts.db.endpoint.findMany({ where: { teamId: opts.teamId }, select: { id: true, name: true } });
  const names = new Map(endpoints.map((e) => [e.id, e.name]));
  const out: DeadLetterView[] = [];
  if (!names.size) return { deadLetters: out, nextBefore: null };
  let end = opts.before && STREAM_ID.test(opts.before) ? `(${opts.before}` : "+";
  // The stream is bounded (about DEAD_LETTER_MAX_ENTRIES), so reading through it for one team stays cheap.
  for (;;) {
    const page = (await opts.redis.xrevrange(REDIS_KEYS.deadLetterStream, end, "-", "COUNT", PAGE)) as [string, string[]][];
    for (const [id, fields] of page) {
      const d = decodeDeadLetter(fields);
      const endpoint = d ? names.get(d.endpointId) : undefined;
      if (!d || endpoint === undefined) continue;
      if (out.length === opts.limit) return { deadLetters: out, nextBefore: out[out.length - 1].id };
      out.push({
        id, at: new Date(d.at).toISOString(), endpoint, variant: d.variant, version: d.version, requestId: d.requestId,
        recordTime: d.recordTime !== null && Number.isFinite(new Date(d.recordTime).getTime()) ? new Date(d.recordTime).toISOString() : null, reason: d.reason,
      });
    }
    if (page.length < PAGE) return { deadLetters: out, nextBefore: null };
    end = `(${page[page.length - 1][0]}`;
  }
}
