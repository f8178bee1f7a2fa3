// The inline threads of one gateway process. Every live thread holds a session of every inline
// version; a run goes to the live thread with the shortest queue. A thread whose task runs past its
// limit is set aside (abandoned) and a fresh one, loaded and warmed up, takes its place, as long as
// no more than `maxAbandoned` threads are stuck at once: a model that never returns cannot make the
// gateway start threads (and burn cores) without end. With none live, runs fail with
// InlineUnavailable (the gateway answers from worker replicas, or 503).
import type { Signature } from "../../../onnx/signature";
import { warmupFeeds } from "../../shared/tensors";
import { feedsToWire, type WireFeeds } from "../inference/session-protocol";
import type { ThreadTask } from "./inline-protocol";
import { InlineThread, type Task } from "./inline-thread-handle";

export class InlineUnavailable extends Error {}

export type InlinePoolOptions = {
  threads: number;
  batchTimeoutMs: number;
  loadTimeoutMs: number;
  maxAbandoned: number;
  heapMb: number;
  intraOpThreads: number;
  /** "exhausted": every thread is stuck in a run past its limit and no more may be started; only a new process serves inline again */
  onEvent?: (event: "timeout" | "thread_gone" | "exhausted", detail: string) => void;
};

export class InlinePool {
  private live: InlineThread[] = [];
  private abandoned = new Set<InlineThread>();
  private versions = new Map<string, { file: string; signature: Signature | null }>();
  private closed = false;
  private started = false;

  constructor(private readonly opts: InlinePoolOptions) {}

  /** Threads start with the first inline version: a gateway without any never loads onnxruntime. */
  private start(): void {
    if (this.started) return;
    this.started = true;
    for (let i = 0; i < this.opts.threads; i++) this.spawn();
  }

  /** threads stuck in a timed-out task */
  get abandonedCount(): number {
    return this.abandoned.size;
  }

  get liveCount(): number {
    return this.live.length;
  }

  /** No thread live and none may be started: only a stuck run that ends (or a new process) brings inline serving back. */
  get exhausted(): boolean {
    return this.started && !this.closed && !this.live.length && this.abandoned.size > this.opts.maxAbandoned;
  }

  private said = false;
  /** Says "exhausted" once each time the pool becomes so: a thread set aside or one that died can each be the last. */
  private sayIfExhausted(): void {
    const now = this.exhausted;
    if (now && !this.said) this.opts.onEvent?.("exhausted", `${this.abandoned.size} inline thread(s) stuck in runs past their limit, none live`);
    this.said = now;
  }

  /** Loads a version on every live thread; its signature, or why it cannot be loaded. */
  async load(versionId: string, file: string): Promise<Signature> {
    this.start();
    if (!this.live.length) throw new InlineUnavailable("no inline thread is running in this gateway");
    this.versions.set(versionId, { file, signature: null });
    try {
      const sigs = await Promise.all(this.live.map((t) => this.send(t, { type: "load", versionId, file, intraOpThreads: this.opts.intraOpThreads }, this.opts.loadTimeoutMs)));
      // a thread set aside meanwhile answers null: its replacement loads the version itself
      const signature = sigs.find(Boolean) as Signature | undefined;
      if (!signature) throw new InlineUnavailable("every inline thread was set aside while loading");
      const v = this.versions.get(versionId);
      if (v) v.signature = signature;
      return signature;
    } catch (err) {
      this.unload(versionId);
      throw err;
    }
  }

  unload(versionId: string): void {
    if (!this.versions.delete(versionId)) return;
    for (const t of this.live) this.send(t, { type: "unload", versionId }, this.opts.loadTimeoutMs).catch(() => {});
  }

  run(versionId: string, feeds: WireFeeds): Promise<WireFeeds> {
    const t = this.pick();
    if (!t) return Promise.reject(new InlineUnavailable(`no inline thread is free in this gateway (${this.abandoned.size} stuck in runs past their limit)`));
    return this.send(t, { type: "run", versionId, feeds }, this.opts.batchTimeoutMs) as Promise<WireFeeds>;
  }

  close(): void {
    this.closed = true;
    for (const t of this.live) t.close();
    this.live = [];
  }

  private pick(): InlineThread | null {
    let best: InlineThread | null = null;
    for (const t of this.live) if (!best || t.depth < best.depth) best = t;
    return best;
  }

  private send(t: InlineThread, task: ThreadTask, timeoutMs: number): Promise<unknown> {
    return new Promise((resolve, reject) => t.submit({ task, timeoutMs, resolve, reject }));
  }

  private spawn(): void {
    if (this.closed) return;
    const t = new InlineThread(this.opts.heapMb, (x) => this.abandon(x), (x, why) => this.gone(x, why));
    this.live.push(t);
    // a replacement loads (and warms up) what the others hold before it takes runs: its queue is FIFO
    for (const [versionId, v] of this.versions) {
      this.send(t, { type: "load", versionId, file: v.file, intraOpThreads: this.opts.intraOpThreads }, this.opts.loadTimeoutMs).catch(() => {});
      if (v.signature) this.send(t, { type: "run", versionId, feeds: feedsToWire(warmupFeeds(v.signature), v.signature) }, this.opts.batchTimeoutMs).catch(() => {});
    }
  }

  private abandon(t: InlineThread): void {
    this.live = this.live.filter((x) => x !== t);
    this.abandoned.add(t);
    this.opts.onEvent?.("timeout", `${this.abandoned.size} inline thread(s) set aside`);
    if (this.abandoned.size <= this.opts.maxAbandoned && this.live.length < this.opts.threads) this.spawn();
    this.handOn(t.drain());
    this.sayIfExhausted();
  }

  private gone(t: InlineThread, why: string): void {
    const wasLive = this.live.includes(t);
    this.live = this.live.filter((x) => x !== t);
    this.abandoned.delete(t);
    if (wasLive) this.opts.onEvent?.("thread_gone", why);
    this.sayIfExhausted();
    // not at once: a thread that dies as it loads (its heap cap, say) must not respawn in a tight loop
    setTimeout(() => { if (this.live.length < this.opts.threads && this.abandoned.size <= this.opts.maxAbandoned) this.spawn(); }, 500).unref();
  }

  /** Tasks a stuck thread had not started go to the others (loads are redone by spawn). */
  private handOn(tasks: Task[]): void {
    for (const x of tasks) {
      if (x.task.type !== "run") { x.resolve(null); continue; }
      const t = this.pick();
      if (t) t.submit(x);
      else x.reject(new InlineUnavailable("no inline thread is free in this gateway"));
    }
  }
}
