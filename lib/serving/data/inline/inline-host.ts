// The inline versions of one gateway process (placement "inline"): loaded from the artifact store
// into the inline threads (inline-pool.ts), warmed up and probed for row independence like an
// inference worker's (model-host.ts), each with the workers' Batcher. `sync` follows the routing
// table; `run` is the one call the gateway makes.
import { stat } from "node:fs/promises";
import type { Signature } from "../../../onnx/signature";
import type { Batching } from "../../shared/routing";
import type { InlineVersionState } from "../../shared/gateway-registry";
import { tensorsToLists, toTensors, warmupFeeds, type Feeds, type Outputs, type Tensor } from "../../shared/tensors";
import { HttpError } from "../http";
import { Batcher, Overloaded, type BatchObserver } from "../inference/batcher";
import { probeRowIndependence } from "../inference/row-probe";
import { ModelTimeout } from "../inference/session-runner";
import { InlinePool, InlineUnavailable } from "./inline-pool";

export type InlineWant = { versionId: string; sha256: string; batching: Batching };

type Model = {
  sha256: string;
  state: "loading" | "ready" | "failed";
  error: string | null;
  failedAt: number;
  signature: Signature | null;
  batcher: Batcher | null;
  batched: boolean;
  unbatchedReason: string | null;
};

export type InlineHostOptions = {
  /** where a version's file is (the artifact store's local path) */
  fileOf: (sha256: string) => string;
  maxModelBytes: number;
  maxQueuedRows: number;
  observe?: (versionId: string) => BatchObserver;
  log?: (msg: string, extra?: object) => void;
};

/** A version that failed to load is tried again after this long, if it is still wanted. */
const RETRY_FAILED_MS = 30_000;

export class InlineHost {
  private models = new Map<string, Model>();
  private loading = new Set<Promise<void>>();

  constructor(private readonly pool: InlinePool, private readonly opts: InlineHostOptions) {}

  /** Loads what is wanted and not loaded, unloads what is loaded and no longer wanted. */
  sync(wants: InlineWant[], now = Date.now()): void {
    const wanted = new Map(wants.map((w) => [w.versionId, w]));
    for (const [versionId, m] of this.models) {
      if (!wanted.has(versionId)) {
        this.models.delete(versionId);
        this.pool.unload(versionId);
        this.opts.log?.("inline version unloaded", { versionId, state: m.state });
      }
    }
    for (const w of wanted.values()) {
      const m = this.models.get(w.versionId);
      if (m?.state === "failed" && now - m.failedAt > RETRY_FAILED_MS) this.models.delete(w.versionId);
      else if (m) { m.batcher?.configure(w.batching); continue; }
      const load = this.load(w);
      this.loading.add(load);
      void load.finally(() => this.loading.delete(load));
    }
  }

  /**
   * Resolves once every load under way has ended (ready or failed), or after `timeoutMs`. A gateway
   * process waits for it before it listens: a process started or restarted while traffic flows then
   * takes connections only once it can serve its inline variants, instead of answering 503 meanwhile.
   */
  async settled(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((r) => (timer = setTimeout(r, timeoutMs)));
    try {
      while (this.loading.size) await Promise.race([Promise.allSettled([...this.loading]), timeout.then(() => { throw new Error("timeout"); })]);
    } catch {
      /* past the time limit: the process listens; the versions still loading answer 503 until ready */
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * The version's outputs for `feeds` (validated against its signature by the gateway), or null
   * when this gateway cannot run it now (not loaded yet, failed, or no thread free).
   */
  run(versionId: string, feeds: Tensor[]): Promise<Tensor[]> | null {
    const m = this.models.get(versionId);
    if (!this.isReady(m) || !m.batcher) return null;
    return m.batcher.submit(feeds, feeds[0]?.dims[0] ?? 1).catch((err: Error) => { throw httpErrorOf(err); });
  }

  ready(versionId: string): boolean {
    return this.isReady(this.models.get(versionId));
  }

  /** Loaded, and a thread is live to run it. */
  private isReady(m: Model | undefined): m is Model {
    return m?.state === "ready" && this.pool.liveCount > 0;
  }

  states(): InlineVersionState[] {
    return [...this.models.entries()].map(([versionId, m]) => ({ versionId, ready: this.isReady(m), error: m.error, batched: m.batched, unbatchedReason: m.unbatchedReason, queueDepth: m.batcher?.depth ?? 0 }));
  }

  queueDepth(): number {
    let n = 0;
    for (const m of this.models.values()) n += m.batcher?.depth ?? 0;
    return n;
  }

  private async load(w: InlineWant): Promise<void> {
    const m: Model = { sha256: w.sha256, state: "loading", error: null, failedAt: 0, signature: null, batcher: null, batched: false, unbatchedReason: null };
    this.models.set(w.versionId, m);
    const current = () => this.models.get(w.versionId) === m;
    // dropped by sync while it loaded: sync's unload may have come before the pool held the version, so
    // unload it again (unless a newer load of the same version has begun and owns it now)
    const superseded = () => {
      if (!this.models.has(w.versionId)) this.pool.unload(w.versionId);
    };
    try {
      const file = this.opts.fileOf(w.sha256);
      const { size } = await stat(file);
      if (size > this.opts.maxModelBytes) throw new Error(`the model file is ${(size / 2 ** 20).toFixed(1)} MiB, over this gateway's INLINE_MAX_MODEL_MB (${(this.opts.maxModelBytes / 2 ** 20).toFixed(0)} MiB)`);
      const signature = await this.pool.load(w.versionId, file);
      // warm-up and probe speak lists; traffic goes to the batcher as typed arrays
      const run = async (feeds: Feeds): Promise<Outputs> => tensorsToLists(await this.pool.run(w.versionId, toTensors(feeds, signature)));
      await run(warmupFeeds(signature)).catch((err: Error) => { throw new Error(`warm-up failed: ${err.message}`); });
      const probe = await probeRowIndependence(run, signature).catch((err: Error) => { throw new Error(`row-independence probe failed: ${err.message}`); });
      if (!current()) return superseded();
      m.signature = signature;
      m.batched = probe.batched;
      m.unbatchedReason = probe.reason;
      m.batcher = new Batcher((feeds) => this.pool.run(w.versionId, feeds), w.batching, this.opts.maxQueuedRows, this.opts.observe?.(w.versionId), probe.batched);
      m.state = "ready";
      this.opts.log?.("inline version ready", { versionId: w.versionId, batched: probe.batched, unbatchedReason: probe.reason });
    } catch (err) {
      if (!current()) return superseded();
      m.state = "failed";
      m.error = (err as Error).message.slice(0, 500);
      m.failedAt = Date.now();
      this.pool.unload(w.versionId);
      this.opts.log?.("inline version failed to load", { versionId: w.versionId, err: m.error });
    }
  }
}

function httpErrorOf(err: Error): Error {
  if (err instanceof HttpError) return err;
  if (err instanceof ModelTimeout) return new HttpError(504, "model_timeout", err.message);
  if (err instanceof Overloaded) return new HttpError(503, "overloaded", err.message);
  if (err instanceof InlineUnavailable) return new HttpError(503, "unavailable", err.message);
  return new HttpError(500, "inference_failed", String(err.message ?? err).split("\n")[0].slice(0, 300));
}
