// What a stopping gateway waits for before its last prediction-log flush: the shadow copies still running.
import { describe, expect, it } from "vitest";
import { InFlight } from "@/lib/serving/data/gateway/in-flight";

const later = <T>(ms: number, value: T, fail = false) => new Promise<T>((resolve, reject) => setTimeout(() => (fail ? reject(new Error("shadow failed")) : resolve(value)), ms));

describe("work in flight after the answer", () => {
  it("settles once every tracked run has ended, failed ones included", async () => {
    const f = new InFlight();
    const ended: number[] = [];
    f.track(later(30, 1).then((v) => ended.push(v)));
    const failing = later(60, 2, true);
    failing.catch(() => ended.push(2));
    f.track(failing);
    expect(f.size).toBe(2);
    await f.settled(5_000);
    expect(ended.sort()).toEqual([1, 2]);
    expect(f.size).toBe(0);
  });

  it("gives up after its timeout on a run that never ends, and settles at once when nothing runs", async () => {
    const f = new InFlight();
    const t0 = Date.now();
    await f.settled(5_000);
    expect(Date.now() - t0).toBeLessThan(50);
    f.track(new Promise(() => {}));
    await f.settled(80);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(75);
    expect(f.size).toBe(1);
  });
});
