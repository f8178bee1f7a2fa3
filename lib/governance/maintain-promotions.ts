// Periodic upkeep of open promotions (one job worker runs it each period): expire those nobody
// decided in time, mark stale those whose evidence changed while they waited, and start approved
// ones whose endpoint was busy. `now` is injectable so expiry can be tested without waiting 72 h.
import type { Db } from "../db/client";
import { SYSTEM_ACTOR } from "../auth/principal";
import { AppError } from "../errors";
import { readJson } from "../db/json";
import { describeChange, evidenceSchema, hashEvidence } from "./evidence";
import { transition } from "./transition";
import { afterCommit } from "./after-commit";
import { freshEvidence, startPromotion } from "./start-promotion";
import { createLogger } from "../log";

const log = createLogger("promotions");

const BATCH = 50;

export async function maintainPromotions(opts: { db: Db; redisUrl: string; now?: Date; inlineMaxModelMb?: number }) {
  const { db } = opts;
  const now = opts.now ?? new Date();
  const counts = { expired: 0, stale: 0, started: 0 };
  const move = async (id: string, to: "expired" | "stale", reason: string) => {
    try {
      const deliveries = await db.$transaction((tx) => transition(tx, { id, from: "pending_approval", to, actor: SYSTEM_ACTOR, reason, now }));
      await afterCommit({ redisUrl: opts.redisUrl, deliveries });
      counts[to]++;
    } catch (err) {
      if (!(err instanceof AppError && err.code === "conflict")) throw err; // decided meanwhile
    }
  };

  const overdue = await db.promotion.findMany({ where: { status: "pending_approval", expiresAt: { lte: now } }, select: { id: true, expiresAt: true, createdAt: true }, take: BATCH });
  for (const p of overdue) await move(p.id, "expired", `nobody decided within ${Math.round((p.expiresAt.getTime() - p.createdAt.getTime()) / 3600_000)} h`);

  // the least recently looked at first; each one looked at moves to the back (updatedAt), so more than
  // BATCH waiting promotions are all checked in turn
  const waiting = await db.promotion.findMany({ where: { status: "pending_approval", expiresAt: { gt: now } }, orderBy: { updatedAt: "asc" }, take: BATCH });
  for (const p of waiting) {
    await oneByOne(p.id, async () => {
      const fresh = await freshEvidence(db, p, opts.inlineMaxModelMb);
      if (fresh.kind === "gone") await move(p.id, "stale", `${fresh.reason}; request it again`);
      else if (hashEvidence(fresh.evidence) !== p.evidenceHash) await move(p.id, "stale", `${describeChange(readJson(evidenceSchema, p.evidence, "evidence"), fresh.evidence)}; its approvals are void: request it again`);
      else await db.promotion.updateMany({ where: { id: p.id, status: "pending_approval" }, data: { updatedAt: new Date() } });
    });
  }

  const approved = await db.promotion.findMany({ where: { status: "approved" }, orderBy: { updatedAt: "asc" }, select: { id: true }, take: BATCH });
  for (const p of approved) {
    await oneByOne(p.id, async () => {
      const outcome = await startPromotion({ db, redisUrl: opts.redisUrl, promotionId: p.id, now, inlineMaxModelMb: opts.inlineMaxModelMb }).catch((err: unknown) => {
        if (err instanceof AppError && err.code === "conflict") return "waiting" as const;
        throw err;
      });
      if (outcome === "deploying" || outcome === "deployed") counts.started++;
      if (outcome === "stale") counts.stale++;
    });
  }
  return counts;
}

/** One promotion's trouble (a stored value that no longer reads, a lock timeout) never stops the others. */
async function oneByOne(id: string, fn: () => Promise<void>): Promise<void> {
  try {
    await fn();
  } catch (err) {
    log.warn({ promotion: id, err: (err as Error).message }, "promotions maintenance skipped a promotion this time");
  }
}
