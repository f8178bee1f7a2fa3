import { describe, expect, it } from "vitest";
import { boundConcurrency } from "@/lib/onnx/bound-concurrency";

class Busy extends Error {}

/** A task that runs until `finish()` is called. */
function pending() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { finish, task: () => done };
}

describe("boundConcurrency", () => {
  it("runs at most `concurrency` tasks, queues `queue` more in order, refuses the rest at once", async () => {
    const run = boundConcurrency({ concurrency: 2, queue: 2, busy: () => new Busy("busy") });
    const started: number[] = [];
    let active = 0;
    let maxActive = 0;
    const gates = Array.from({ length: 5 }, () => pending());
    const results = gates.map((g, i) =>
      run(async () => {
        started.push(i);
        maxActive = Math.max(maxActive, ++active);
        await g.task();
        active--;
        return i;
      }).catch((e: unknown) => e),
    );
    await Promise.resolve();
    expect(started).toEqual([0, 1]);
    expect([run.running, run.waiting]).toEqual([2, 2]);
    expect(await results[4]).toBeInstanceOf(Busy); // 2 running + 2 waiting: the fifth is refused

    gates[1].finish();
    expect(await results[1]).toBe(1);
    expect(started).toEqual([0, 1, 2]); // first come, first served
    gates[0].finish();
    gates[2].finish();
    gates[3].finish();
    expect(await Promise.all(results.slice(0, 4))).toEqual([0, 1, 2, 3]);
    expect(maxActive).toBe(2);
    expect([run.running, run.waiting]).toEqual([0, 0]);
  });

  it("frees the slot when a task fails, and takes new tasks after a refusal", async () => {
    const run = boundConcurrency({ concurrency: 1, queue: 0, busy: () => new Busy("busy") });
    const g = pending();
    const first = run(g.task);
    await expect(run(async () => 1)).rejects.toBeInstanceOf(Busy);
    g.finish();
    await first;
    await expect(run(async () => { throw new Error("boom"); })).rejects.toThrow("boom");
    expect(await run(async () => 2)).toBe(2);
    expect(run.running).toBe(0);
  });
});
