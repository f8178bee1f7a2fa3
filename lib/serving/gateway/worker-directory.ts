// Which inference workers have which versions ready, from their Redis heartbeats.
// Keeps the last good view while Redis is away.
import type { Redis } from "ioredis";
import { listWorkers, type WorkerInfo } from "../worker-registry";

export class WorkerDirectory {
  private byVersion = new Map<string, WorkerInfo[]>();
  private rr = 0;
  private down = new Map<string, number>();

  constructor(private readonly redis: Redis) {}

  async refresh(): Promise<void> {
    const workers = await listWorkers(this.redis);
    const next = new Map<string, WorkerInfo[]>();
    for (const w of workers) for (const l of w.loaded) if (l.ready) (next.get(l.versionId) ?? next.set(l.versionId, []).get(l.versionId)!).push(w);
    this.byVersion = next;
  }

  /** Ready replicas of a version, rotated for balance, skipping ones that just failed to connect. */
  replicas(versionId: string): WorkerInfo[] {
    const all = this.byVersion.get(versionId) ?? [];
    if (all.length <= 1) return all;
    const now = Date.now();
    const start = this.rr++ % all.length;
    const rotated = [...all.slice(start), ...all.slice(0, start)];
    return [...rotated.filter((w) => (this.down.get(w.id) ?? 0) < now), ...rotated.filter((w) => (this.down.get(w.id) ?? 0) >= now)];
  }

  markDown(workerId: string, ms = 2_000): void {
    this.down.set(workerId, Date.now() + ms);
  }

  hasReplica(versionId: string): boolean {
    return (this.byVersion.get(versionId)?.length ?? 0) > 0;
  }
}
