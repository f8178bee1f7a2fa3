// The model versions loaded in one inference worker: each in its own session process (no
// session.run on this event loop), with its signature, its batcher and whether it may be batched.
import type { ArtifactStore } from "../../../storage/artifact-store";
import type { Signature } from "../../../onnx/signature";
import type { Batching } from "../../shared/routing";
import { InputError, MAX_ROWS, tensorsToLists, toTensors, validateFeeds, warmupFeeds, type Feeds, type Outputs, type Tensor } from "../../shared/tensors";
import type { FrameRequest } from "../../shared/batch-frame";
import { Batcher, type BatchObserver } from "./batcher";
import { probeRowIndependence } from "./row-probe";
import { IsolatedSession } from "./session-runner";

type Loaded = {
  versionId: string; sha256: string; session: IsolatedSession; signature: Signature; batcher: Batcher; ready: boolean;
  /** false when the row-independence probe failed: requests run one at a time */
  batched: boolean; unbatchedReason: string | null;
};

export class UnknownVersion extends Error {}

export type ModelHostOptions = {
  maxQueuedRows: number;
  intraOpThreads: number;
  /** per session.run (one batch); past it the batch fails with 504 and the version's process is replaced */
  batchTimeoutMs: number;
  /** per session creation in a fresh process */
  loadTimeoutMs: number;
  /** resident memory of a version's session process; past it its batch fails with 503 and the process is replaced */
  maxMemoryMb: number;
  observe?: (versionId: string) => BatchObserver;
  onRestart?: (versionId: string, reason: string) => void;
};

export class ModelHost {
  private models = new Map<string, Loaded>();
  private loading = new Map<string, Promise<Loaded>>();

  constructor(
    private readonly store: ArtifactStore,
    private readonly providers: string[],
    private readonly opts: ModelHostOptions,
  ) {}

  list() {
    return [...this.models.values()].map((m) => ({ versionId: m.versionId, ready: m.ready, batched: m.batched, unbatchedReason: m.unbatchedReason }));
  }

  queueDepth(): number {
    let n = 0;
    for (const m of this.models.values()) n += m.batcher.depth;
    return n;
  }

  get(versionId: string): Loaded {
    const m = this.models.get(versionId);
    if (!m?.ready) throw new UnknownVersion(`version ${versionId} is not loaded on this worker`);
    return m;
  }

  /** Idempotent: loading a loaded version only updates its batching. */
  async load(versionId: string, sha256: string, batching: Batching): Promise<Signature> {
    const have = this.models.get(versionId);
    if (have) {
      have.batcher.configure(batching);
      return have.signature;
    }
    let p = this.loading.get(versionId);
    if (!p) {
      p = this.open(versionId, sha256, batching).finally(() => this.loading.delete(versionId));
      this.loading.set(versionId, p);
    }
    return (await p).signature;
  }

  private async open(versionId: string, sha256: string, batching: Batching): Promise<Loaded> {
    const session = await IsolatedSession.open(
      { file: this.store.localPath(sha256), providers: this.providers, intraOpThreads: this.opts.intraOpThreads, loadTimeoutMs: this.opts.loadTimeoutMs, batchTimeoutMs: this.opts.batchTimeoutMs, maxMemoryMb: this.opts.maxMemoryMb },
      (reason) => this.opts.onRestart?.(versionId, reason),
    );
    try {
      const { signature } = session;
      // warm-up and probe speak lists; traffic goes to the batcher as typed arrays
      const run = async (feeds: Feeds): Promise<Outputs> => tensorsToLists(await session.run(toTensors(feeds, signature)));
      // first run allocates; do it before traffic arrives. warmupFeeds refuses absurd declared shapes.
      await Promise.resolve().then(() => run(warmupFeeds(signature))).catch((err: Error) => { throw new Error(`warm-up failed: ${err.message}`); });
      const probe = await probeRowIndependence(run, signature).catch((err: Error) => { throw new Error(`row-independence probe failed: ${err.message}`); });
      const batcher = new Batcher((feeds) => session.run(feeds), batching, this.opts.maxQueuedRows, this.opts.observe?.(versionId), probe.batched);
      const loaded: Loaded = { versionId, sha256, session, signature, batcher, ready: true, batched: probe.batched, unbatchedReason: probe.reason };
      this.models.set(versionId, loaded);
      return loaded;
    } catch (err) {
      session.close();
      throw err;
    }
  }

  async unload(versionId: string): Promise<boolean> {
    const m = this.models.get(versionId);
    if (!m) return false;
    this.models.delete(versionId);
    m.session.close();
    return true;
  }

  /** Stops every session process (the worker is shutting down). */
  close(): void {
    for (const m of this.models.values()) m.session.close();
    this.models.clear();
  }

  /** Validates raw inputs (a direct OIP call's, by name) against the version's signature, then queues them for a batch. */
  async infer(versionId: string, rawInputs: unknown): Promise<Tensor[]> {
    const m = this.get(versionId);
    const { feeds, rows } = validateFeeds(rawInputs, m.signature);
    return m.batcher.submit(toTensors(feeds, m.signature), rows);
  }

  /**
   * Queues one request of a gateway's batch frame. Its values were checked by the gateway (the call
   * is signed); here its structure is checked against this worker's signature, so a tensor that does
   * not match the model never reaches session.run: the inputs are named from the signature.
   */
  async inferTyped(versionId: string, req: FrameRequest): Promise<Tensor[]> {
    const m = this.get(versionId);
    const specs = m.signature.inputs;
    const { inputs, rows } = req;
    if (inputs.length !== specs.length) throw new InputError(`the model takes ${specs.length} inputs, the call carries ${inputs.length}`);
    if (rows < 1 || rows > MAX_ROWS) throw new InputError(`a request needs 1 to ${MAX_ROWS} rows, got ${rows}`);
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i];
      const t = inputs[i];
      if (t.type !== spec.type) throw new InputError(`input "${spec.name}": ${t.type} values, the model expects ${spec.type}`);
      if (t.dims.length !== spec.shape.length || (t.dims.length ? t.dims[0] : 1) !== rows) throw new InputError(`input "${spec.name}": shape [${t.dims}] does not fit the model's [${spec.shape}] with ${rows} rows`);
      for (let d = 0; d < t.dims.length; d++) {
        const want = spec.shape[d];
        if (typeof want === "number" && want >= 0 && t.dims[d] !== want) throw new InputError(`input "${spec.name}": dimension ${d} is ${t.dims[d]}, the model expects ${want}`);
      }
      t.name = spec.name;
    }
    return m.batcher.submit(inputs, rows);
  }
}
