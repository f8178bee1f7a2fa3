// Dynamic batching for one model version: concurrent requests are merged into one session.run,
// up to maxBatch rows or maxQueueDelayMs of waiting, whichever comes first. A failed batch is
// retried request by request so one bad request fails alone. A version whose rows are not
// independent (row-probe.ts) is not batched: each request runs alone, in arrival order.
import type { Batching } from "../../shared/routing";
import { mergeTensors, splitTensors, type Tensor } from "../../shared/tensors";

type Pending = { feeds: Tensor[]; rows: number; resolve: (o: Tensor[]) => void; reject: (e: Error) => void };
/** Typed inputs in the signature's order → the model's outputs (shared/tensors.ts Tensor). */
export type RunFn = (feeds: Tensor[]) => Promise<Tensor[]>;
export type BatchObserver = (rows: number, requests: number, seconds: number) => void;

export class Overloaded extends Error {}

export class Batcher {
  private queue: Pending[] = [];
  private queuedRows = 0;
  private timer: NodeJS.Timeout | null = null;
  private running = false;

  constructor(
    private readonly run: RunFn,
    private batching: Batching,
    private readonly maxQueuedRows: number,
    private readonly observe: BatchObserver = () => {},
    /** false: never merge requests (the model mixes rows) */
    private readonly merge = true,
  ) {}

  get depth(): number {
    return this.queuedRows;
  }

  configure(batching: Batching): void {
    this.batching = batching;
  }

  submit(feeds: Tensor[], rows: number): Promise<Tensor[]> {
    if (this.queuedRows + rows > this.maxQueuedRows) return Promise.reject(new Overloaded(`queue full (${this.queuedRows} rows waiting)`));
    return new Promise((resolve, reject) => {
      this.queue.push({ feeds, rows, resolve, reject });
      this.queuedRows += rows;
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.running) return; // the loop picks the queue up when the current batch is done
    if (this.queuedRows >= this.batching.maxBatch || this.batching.maxQueueDelayMs === 0) {
      this.clearTimer();
      setImmediate(() => this.flush());
    } else if (!this.timer) {
      this.timer = setTimeout(() => this.flush(), this.batching.maxQueueDelayMs);
    }
  }

  private clearTimer(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  private async flush(): Promise<void> {
    this.clearTimer();
    if (this.running || !this.queue.length) return;
    this.running = true;
    try {
      const batch: Pending[] = [];
      let rows = 0;
      while (this.queue.length && (batch.length === 0 || (this.merge && rows + this.queue[0].rows <= this.batching.maxBatch))) {
        const p = this.queue.shift()!;
        batch.push(p);
        rows += p.rows;
      }
      this.queuedRows -= rows;
      await this.execute(batch, rows);
    } finally {
      this.running = false;
      if (this.queue.length) this.schedule();
    }
  }

  private async execute(batch: Pending[], rows: number): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      // merged by rows into one array per input; the answers are views into the batch's output arrays
      const out = await this.run(mergeTensors(batch.map((b) => b.feeds)));
      const parts = splitTensors(out, batch.map((b) => b.rows));
      batch.forEach((b, i) => b.resolve(parts[i]));
    } catch (err) {
      if (batch.length === 1) batch[0].reject(err as Error);
      else for (const b of batch) await this.run(b.feeds).then(b.resolve, b.reject);
    } finally {
      this.observe(rows, batch.length, Number(process.hrtime.bigint() - started) / 1e9);
    }
  }
}
