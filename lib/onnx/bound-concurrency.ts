// A per-process semaphore with a bounded waiting queue: at most `concurrency` tasks run at once,
// at most `queue` more wait (first come, first served), and a task beyond that is refused at once
// with `busy()` instead of waiting. Used to cap the upload validator's child processes
// (inspect-model.ts: MODEL_VALIDATION_CONCURRENCY, MODEL_VALIDATION_QUEUE).

export type Bounded = {
  <T>(task: () => Promise<T>): Promise<T>;
  /** tasks running now */
  readonly running: number;
  /** tasks waiting for a slot now */
  readonly waiting: number;
};

export function boundConcurrency(opts: { concurrency: number; queue: number; busy: () => Error }): Bounded {
  let running = 0;
  const waiting: (() => void)[] = [];

  const run = async <T>(task: () => Promise<T>): Promise<T> => {
    if (running >= opts.concurrency) {
      if (waiting.length >= opts.queue) throw opts.busy();
      await new Promise<void>((resolve) => waiting.push(resolve));
    } else {
      running++;
    }
    try {
      return await task();
    } finally {
      // the slot passes straight to the next waiter, so a newcomer cannot overtake the queue
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
  return Object.defineProperties(run, {
    running: { get: () => running },
    waiting: { get: () => waiting.length },
  }) as Bounded;
}

const shared = new Map<string, Bounded>();

/**
 * One semaphore per kind of work and (concurrency, queue) setting, for the life of the process (a web
 * has one setting, so one semaphore per kind). A task refused for want of room is a 503 saying what is
 * busy and which settings size it, with Retry-After.
 */
export function sharedSlots(kind: string, limits: { concurrency: number; queue: number }, busy: () => Error): Bounded {
  const key = `${kind}/${limits.concurrency}/${limits.queue}`;
  let s = shared.get(key);
  if (!s) shared.set(key, (s = boundConcurrency({ concurrency: limits.concurrency, queue: limits.queue, busy })));
  return s;
}
