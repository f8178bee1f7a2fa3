// One inline thread as the gateway sees it: a FIFO of tasks, one in flight, each with a time limit
// that starts when the thread takes it. Past the limit the task fails at once (ModelTimeout for a
// run, so the client gets 504) and the thread is "stuck": it takes nothing more, and it is
// terminated only when its native call returns (terminating it inside session.run would abort the
// gateway process; checked with onnxruntime-node 1.x on Node 20: `terminate called after throwing
// an instance of 'Napi::Error'`).
import { Worker } from "node:worker_threads";
import type { FromThread, ThreadTask, ToThread } from "./inline-protocol";
import { ModelTimeout, SessionExited } from "../inference/session-runner";

const ENTRY = new URL("./inline-thread.ts", import.meta.url).href;

/** Under tsx the thread needs tsx's loader registered before it can import a .ts entry. */
function threadScript(): string {
  if (!ENTRY.endsWith(".ts")) return `await import(${JSON.stringify(ENTRY)});`;
  return `import { register } from ${JSON.stringify(import.meta.resolve("tsx/esm/api"))}; register(); await import(${JSON.stringify(ENTRY)});`;
}

export type Task = { task: ThreadTask; timeoutMs: number; resolve: (v: unknown) => void; reject: (e: Error) => void };

export class InlineThread {
  private readonly worker: Worker;
  private queue: Task[] = [];
  private current: { t: Task; id: number; timer: NodeJS.Timeout } | null = null;
  private nextId = 1;
  private exited = false;
  /** its task ran past its limit; it is set aside until that task returns */
  stuck = false;

  constructor(
    heapMb: number,
    /** the in-flight task ran past its limit */
    private readonly onStuck: (t: InlineThread) => void,
    /** a stuck thread's task returned and the thread was terminated, or the thread died */
    private readonly onGone: (t: InlineThread, why: string) => void,
  ) {
    this.worker = new Worker(threadScript(), { eval: true, resourceLimits: { maxOldGenerationSizeMb: heapMb }, stdout: false, stderr: false });
    this.worker.unref();
    this.worker.on("message", (m: FromThread) => this.answer(m));
    this.worker.on("error", (err) => this.die(`the inline thread failed: ${err.message}`));
    this.worker.on("exit", (code) => this.die(`the inline thread exited (code ${code})`));
  }

  /** tasks queued or in flight */
  get depth(): number {
    return this.queue.length + (this.current ? 1 : 0);
  }

  get busy(): boolean {
    return this.current !== null;
  }

  submit(t: Task): void {
    if (this.exited || this.stuck) return t.reject(new SessionExited("the inline thread is gone"));
    this.queue.push(t);
    this.pump();
  }

  /** The queued tasks it has not started (a stuck thread hands them on). */
  drain(): Task[] {
    const q = this.queue;
    this.queue = [];
    return q;
  }

  /** Stops it now when idle; a busy one is left to finish (see the header). */
  close(): void {
    this.drain().forEach((t) => t.reject(new SessionExited("the gateway is stopping")));
    if (!this.current) void this.worker.terminate();
    else this.stuck = true;
  }

  private pump(): void {
    if (this.current || this.stuck || this.exited) return;
    const t = this.queue.shift();
    if (!t) return;
    const id = this.nextId++;
    const timer = setTimeout(() => {
      this.stuck = true;
      t.reject(t.task.type === "run"
        ? new ModelTimeout(`the model did not finish within ${t.timeoutMs} ms (INLINE_BATCH_TIMEOUT_MS); its thread was set aside`)
        : new Error(`${t.task.type} took longer than ${t.timeoutMs} ms (INLINE_LOAD_TIMEOUT_MS)`));
      this.onStuck(this);
    }, t.timeoutMs);
    this.current = { t, id, timer };
    const msg: ToThread = { ...t.task, id };
    this.worker.postMessage(msg);
  }

  private answer(m: FromThread): void {
    const c = this.current;
    if (!c || c.id !== m.id) return;
    clearTimeout(c.timer);
    this.current = null;
    if (this.stuck) {
      // its run has returned: terminating it is safe now
      void this.worker.terminate();
      return;
    }
    if (m.ok) c.t.resolve(m.value);
    else c.t.reject(new Error(m.message));
    this.pump();
  }

  private die(why: string): void {
    if (this.exited) return;
    this.exited = true;
    if (this.current) {
      clearTimeout(this.current.timer);
      if (!this.stuck) this.current.t.reject(new SessionExited(why));
      this.current = null;
    }
    this.drain().forEach((t) => t.reject(new SessionExited(why)));
    this.onGone(this, why);
  }
}
