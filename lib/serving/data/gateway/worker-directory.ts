// Which inference workers have which versions ready, from their Redis heartbeats. A worker stays
// known until the gateway itself has not seen its heartbeat for a full TTL, so a Redis restart
// (which forgets every heartbeat at once) does not empty the directory while workers re-announce.
// Only heartbeats signed with the cluster secret count; the others are counted as forged.
import type { Redis } from "ioredis";
import type { Refusal } from "../../shared/cluster-auth";
import { HEARTBEAT_TTL_MS, listWorkers, type ForgedHeartbeat, type WorkerInfo } from "../../shared/worker-registry";

export class WorkerDirectory {
  private seen = new Map<string, { info: WorkerInfo; at: number }>();
  private byVersion = new Map<string, WorkerInfo[]>();
  private rr = 0;
  private down = new Map<string, number>();
  private forgedKeys = new Set<string>();
  /** distinct forged heartbeats seen since start, by why they were refused */
  readonly forgedTotal = new Map<Refusal, number>();
  /** forged heartbeats in Redis at the last refresh */
  forgedNow = 0;

  constructor(private readonly redis: Redis, private readonly secret: string, private readonly ttlMs = HEARTBEAT_TTL_MS) {}

  async refresh(now = Date.now()): Promise<void> {
    const forged: ForgedHeartbeat[] = [];
    for (const w of await listWorkers(this.redis, { secret: this.secret, now, onForged: (f) => forged.push(f) })) this.seen.set(w.id, { info: w, at: now });
    this.countForged(forged);
    for (const [id, s] of this.seen) if (now - s.at > this.ttlMs) this.seen.delete(id);
    const next = new Map<string, WorkerInfo[]>();
    for (const { info: w } of this.seen.values()) {
      for (const l of w.loaded) if (l.ready) (next.get(l.versionId) ?? next.set(l.versionId, []).get(l.versionId)!).push(w);
    }
    this.byVersion = next;
  }

  /** Each forged worker id counts once per reason, however many refreshes (or rewrites) see it. */
  private countForged(forged: ForgedHeartbeat[]): void {
    this.forgedNow = forged.length;
    if (this.forgedKeys.size > 10_000) this.forgedKeys.clear();
    for (const f of forged) {
      const k = `${f.reason}|${f.id}`;
      if (this.forgedKeys.has(k)) continue;
      this.forgedKeys.add(k);
      this.forgedTotal.set(f.reason, (this.forgedTotal.get(f.reason) ?? 0) + 1);
    }
  }

  /** Ready replicas of a version, rotated for balance, ones that just failed to connect last. */
  replicas(versionId: string): WorkerInfo[] {
    const all = this.byVersion.get(versionId) ?? [];
    if (all.length <= 1) return all;
    const now = Date.now();
    const start = this.rr++ % all.length;
    const rotated = [...all.slice(start), ...all.slice(0, start)];
    const isDown = (w: WorkerInfo) => (this.down.get(w.id) ?? 0) >= now;
    return [...rotated.filter((w) => !isDown(w)), ...rotated.filter(isDown)];
  }

  /** workers whose signed heartbeat this gateway saw within the TTL */
  get workers(): number {
    return this.seen.size;
  }

  markDown(workerId: string, ms = 2_000): void {
    this.down.set(workerId, Date.now() + ms);
  }

  hasReplica(versionId: string): boolean {
    return (this.byVersion.get(versionId)?.length ?? 0) > 0;
  }
}
