// Runs a model version's session in its own process (session-process.ts), so that session.run never
// blocks the worker's event loop, with a time limit per load and per batch. A batch past its limit
// fails with ModelTimeout and the process is killed: onnxruntime's native run cannot be interrupted
// (terminating a worker thread inside session.run aborts the whole worker), a process can be.
// Its resident memory is watched too (every 25 ms, lib/proc/watch-rss.ts): past maxMemoryMb the
// process is killed and its in-flight batches fail with ModelMemory, so a model that sizes tensors
// from an input cannot starve the other versions on the worker.
// IsolatedSession replaces a killed or crashed process with a fresh, warmed-up one.
import { fork, type ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { Signature } from "../../../onnx/signature";
import { warmupFeeds, type Tensor } from "../../shared/tensors";
import { feedsToWire, type FromSession, type SessionConfig, type ToSession, type WireFeeds } from "./session-protocol";
import { modelProcessEnv } from "../../../env/model-process-env";
import { watchRss } from "../../../proc/watch-rss";

const SCRIPT = fileURLToPath(new URL("./session-process.ts", import.meta.url));

/** The model did not finish a batch within its limit (the client gets 504). */
export class ModelTimeout extends Error {}
/** The model's process used more resident memory than its limit and was killed (the client gets 503). */
export class ModelMemory extends Error {}
/** The session process is gone (killed after a timeout, or crashed). */
export class SessionExited extends Error {}

export type SessionOptions = SessionConfig & { loadTimeoutMs: number; batchTimeoutMs: number; maxMemoryMb: number };

type Pending = { resolve: (o: WireFeeds) => void; reject: (e: Error) => void; timer: NodeJS.Timeout };

export class SessionProcess {
  private pending = new Map<number, Pending>();
  private nextId = 1;
  private gone: string | null = null;
  private overMemory: ModelMemory | null = null;
  private readonly stopWatch: () => void;

  private constructor(private readonly child: ChildProcess, maxMemoryMb: number) {
    this.stopWatch = watchRss({
      pid: child.pid,
      maxMb: maxMemoryMb,
      onOver: () => {
        this.overMemory = new ModelMemory(`the model used more than ${maxMemoryMb} MB (INFERENCE_SESSION_MAX_MEMORY_MB) and was stopped`);
        this.fail(this.overMemory);
        this.kill();
      },
    });
    child.on("message", (m: FromSession) => {
      if (m.type !== "result" && m.type !== "run_failed") return;
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      clearTimeout(p.timer);
      if (m.type === "result") p.resolve(m.outputs);
      else p.reject(new Error(m.message));
    });
    child.on("exit", (code, signal) => this.fail(new SessionExited(`the model's process exited (${signal ?? `code ${code}`})`)));
    child.on("error", (err) => this.fail(new SessionExited(`the model's process failed: ${err.message}`)));
  }

  /** Forks a session process and loads the model in it, within `loadTimeoutMs`. */
  static async start(opts: SessionOptions): Promise<{ proc: SessionProcess; signature: Signature }> {
    // The worker runs under tsx; fork passes its loader on (process.execArgv) to the child.
    const child = fork(SCRIPT, [], { serialization: "advanced", stdio: ["ignore", "inherit", "inherit", "ipc"], env: modelProcessEnv() as NodeJS.ProcessEnv });
    const proc = new SessionProcess(child, opts.maxMemoryMb);
    try {
      const signature = await new Promise<Signature>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`loading the model took longer than ${opts.loadTimeoutMs} ms (INFERENCE_LOAD_TIMEOUT_MS)`)), opts.loadTimeoutMs);
        child.on("message", (m: FromSession) => {
          if (m.type === "loaded") resolve(m.signature);
          if (m.type === "load_failed") reject(new Error(`not a loadable ONNX model: ${m.message}`));
          if (m.type === "loaded" || m.type === "load_failed") clearTimeout(timer);
        });
        child.once("exit", (code, signal) => { clearTimeout(timer); reject(proc.overMemory ?? new Error(`the model's process exited while loading (${signal ?? `code ${code}`})`)); });
        const load: ToSession = { type: "load", file: opts.file, providers: opts.providers, intraOpThreads: opts.intraOpThreads };
        child.send(load);
      });
      return { proc, signature };
    } catch (err) {
      proc.kill();
      throw err;
    }
  }

  get exited(): boolean {
    return this.gone !== null;
  }

  /** Runs one batch; past `timeoutMs` the process is killed and the batch fails with ModelTimeout. */
  run(feeds: WireFeeds, timeoutMs: number): Promise<WireFeeds> {
    if (this.gone) return Promise.reject(new SessionExited(this.gone));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new ModelTimeout(`the model did not finish within ${timeoutMs} ms (INFERENCE_BATCH_TIMEOUT_MS) and was stopped`));
        this.kill();
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      const msg: ToSession = { type: "run", id, feeds };
      this.child.send(msg, (err) => { if (err) this.fail(new SessionExited(`could not reach the model's process: ${err.message}`)); });
    });
  }

  kill(): void {
    this.fail(new SessionExited("the model's process was stopped"));
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }

  private fail(err: SessionExited | ModelMemory): void {
    this.stopWatch();
    this.gone ??= err.message;
    for (const p of this.pending.values()) {
      clearTimeout(p.timer);
      p.reject(err);
    }
    this.pending.clear();
  }
}

/**
 * A model version's session that survives its process: after a timeout or a crash, the next
 * batch waits for a fresh process (loaded and warmed up) instead of failing for good.
 */
export class IsolatedSession {
  private replacing: Promise<SessionProcess> | null = null;
  private closed = false;

  private constructor(
    private readonly opts: SessionOptions,
    private proc: SessionProcess,
    readonly signature: Signature,
    private readonly onRestart: (reason: string) => void,
  ) {}

  static async open(opts: SessionOptions, onRestart: (reason: string) => void = () => {}): Promise<IsolatedSession> {
    const { proc, signature } = await SessionProcess.start(opts);
    return new IsolatedSession(opts, proc, signature, onRestart);
  }

  /** One batch: typed inputs in the signature's order → the model's outputs, typed, in its order. */
  async run(feeds: Tensor[]): Promise<Tensor[]> {
    const proc = await this.current();
    try {
      return await proc.run(feeds, this.opts.batchTimeoutMs);
    } catch (err) {
      if (err instanceof ModelTimeout || err instanceof ModelMemory || err instanceof SessionExited) this.replace(proc, err.message);
      throw err;
    }
  }

  /** The live process; while one is being replaced, the fresh one (or why it could not start). */
  private current(): Promise<SessionProcess> {
    if (this.closed) return Promise.reject(new SessionExited("the version was unloaded"));
    if (!this.replacing && this.proc.exited) this.replace(this.proc, "its process had exited");
    return this.replacing ?? Promise.resolve(this.proc);
  }

  close(): void {
    this.closed = true;
    this.proc.kill();
    void this.replacing?.then((p) => p.kill(), () => {});
  }

  private replace(dead: SessionProcess, reason: string): void {
    if (this.closed || dead !== this.proc || this.replacing) return;
    dead.kill();
    this.onRestart(reason);
    const next = (async () => {
      const { proc } = await SessionProcess.start(this.opts);
      try {
        await proc.run(feedsToWire(warmupFeeds(this.signature), this.signature), this.opts.batchTimeoutMs);
      } catch (err) {
        proc.kill();
        throw err;
      }
      if (this.closed) proc.kill();
      return proc;
    })();
    this.replacing = next;
    next.then(
      (proc) => { this.proc = proc; this.replacing = null; },
      () => { this.replacing = null; }, // this.proc stays the dead one: the next batch tries again
    );
  }
}
