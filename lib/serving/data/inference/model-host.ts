// The model versions loaded in one inference worker: sessions, their signatures and batchers.
import * as ort from "onnxruntime-node";
import type { ArtifactStore } from "../../../storage/artifact-store";
import { inspectModel, type Signature } from "../../../onnx/inspect-model";
import type { Batching } from "../../shared/routing";
import { validateFeeds, warmupFeeds, type Feeds, type Outputs } from "../../shared/tensors";
import { Batcher, type BatchObserver } from "./batcher";
import { fromOrtOutputs, toOrtFeeds } from "./ort-tensors";

type Loaded = { versionId: string; sha256: string; session: ort.InferenceSession; signature: Signature; batcher: Batcher; ready: boolean };

export class UnknownVersion extends Error {}

export class ModelHost {
  private models = new Map<string, Loaded>();
  private loading = new Map<string, Promise<Loaded>>();

  constructor(
    private readonly store: ArtifactStore,
    private readonly providers: string[],
    private readonly opts: { maxQueuedRows: number; intraOpThreads: number; observe?: (versionId: string) => BatchObserver },
  ) {}

  list() {
    return [...this.models.values()].map((m) => ({ versionId: m.versionId, ready: m.ready }));
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
    const file = this.store.localPath(sha256);
    const signature = await inspectModel(file, 1);
    const session = await ort.InferenceSession.create(file, {
      executionProviders: this.providers as ort.InferenceSession.ExecutionProviderConfig[],
      intraOpNumThreads: this.opts.intraOpThreads,
      interOpNumThreads: 1,
      graphOptimizationLevel: "all",
    });
    const run = async (feeds: Feeds): Promise<Outputs> => fromOrtOutputs(await session.run(toOrtFeeds(feeds, signature)));
    await run(warmupFeeds(signature)); // first run allocates; do it before traffic arrives
    const loaded: Loaded = { versionId, sha256, session, signature, batcher: new Batcher(run, batching, this.opts.maxQueuedRows, this.opts.observe?.(versionId)), ready: true };
    this.models.set(versionId, loaded);
    return loaded;
  }

  async unload(versionId: string): Promise<boolean> {
    const m = this.models.get(versionId);
    if (!m) return false;
    this.models.delete(versionId);
    await m.session.release();
    return true;
  }

  /** Validates raw inputs against the version's signature, then queues them for a batch. */
  async infer(versionId: string, rawInputs: unknown): Promise<Outputs> {
    const m = this.get(versionId);
    const { feeds, rows } = validateFeeds(rawInputs, m.signature);
    return m.batcher.submit(feeds, rows);
  }
}
