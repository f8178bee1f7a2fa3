// Work a request leaves behind once its answer is sent (shadow copies): a stopping gateway waits for it
// before its last prediction-log flush, so that the shadows' records are not lost with the process.
export class InFlight {
  private count = 0;
  private waiters: (() => void)[] = [];

  track(p: Promise<unknown>): void {
    this.count++;
    const done = () => {
      if (--this.count === 0) for (const w of this.waiters.splice(0)) w();
    };
    // both ways: a run that fails is over too (and its failure is its owner's to handle, not an unhandled rejection here)
    p.then(done, done);
  }

  get size(): number {
    return this.count;
  }

  /** Resolves once nothing is in flight, or after `timeoutMs`. */
  settled(timeoutMs: number): Promise<void> {
    if (!this.count) return Promise.resolve();
    return new Promise((resolve) => {
      const t = setTimeout(resolve, timeoutMs);
      this.waiters.push(() => {
        clearTimeout(t);
        resolve();
      });
    });
  }
}
