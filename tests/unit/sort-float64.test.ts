// The radix sort under the numeric drift statistics orders doubles exactly as TypedArray#sort does.
import { describe, expect, it } from "vitest";
import { sortFloat64 } from "@/lib/monitoring/drift/sort-float64";
import { seededRandom } from "@/lib/training/random";

const rand = seededRandom(99);
const sorted = (xs: Float64Array) => Array.from(xs.slice().sort());

describe("sortFloat64", () => {
  it("sorts negatives, zeros of both signs, subnormals, huge values and ties", () => {
    const special = [0, -0, 5e-324, -5e-324, Number.MAX_VALUE, -Number.MAX_VALUE, 1, -1, 1e-300, -1e-300];
    const xs = Float64Array.from({ length: 20_000 }, (_, i) =>
      i % 10 === 0 ? special[(i / 10) % special.length] : i % 3 === 0 ? Math.round(rand() * 50) - 25 : (rand() - 0.5) * Math.exp(rand() * 40 - 20),
    );
    const want = sorted(xs);
    expect(Array.from(sortFloat64(xs))).toEqual(want);
  });

  it("sorts integer-valued data (passes where every value shares a digit are skipped) and small arrays", () => {
    const ints = Float64Array.from({ length: 50_000 }, () => Math.floor(rand() * 1000));
    expect(Array.from(sortFloat64(ints.slice()))).toEqual(sorted(ints));
    const constant = new Float64Array(10_000).fill(3.5);
    expect(Array.from(sortFloat64(constant.slice()))).toEqual(Array.from(constant));
    const small = Float64Array.of(3, -1, 2, 2, 0);
    expect(Array.from(sortFloat64(small))).toEqual([-1, 0, 2, 2, 3]);
  });
});
