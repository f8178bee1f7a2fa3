// Sums that agree with numpy's. `numpySum` is numpy's own pairwise summation (what `np.sum` does on a
// contiguous float64 array), so short sums whose terms cancel (Jensen–Shannon, chi²) round exactly as
// scipy's do; `compensatedSum` is for long streams of terms that we never hold in one array.

/** `np.sum(a[start:start+n])` for float64, bit for bit: blocks of 8 accumulators, halves above 128. */
export function numpySum(a: ArrayLike<number>, start = 0, n = a.length - start): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const o = start + i;
      r0 += a[o]; r1 += a[o + 1]; r2 += a[o + 2]; r3 += a[o + 3];
      r4 += a[o + 4]; r5 += a[o + 5]; r6 += a[o + 6]; r7 += a[o + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return numpySum(a, start, n2) + numpySum(a, start + n2, n - n2);
}

/** A running sum with Neumaier's compensation: as accurate as numpy's pairwise sum, or more. */
export class CompensatedSum {
  private sum = 0;
  private carry = 0;

  add(x: number): void {
    const t = this.sum + x;
    if (Math.abs(this.sum) >= Math.abs(x)) this.carry += this.sum - t + x;
    else this.carry += x - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return this.sum + this.carry;
  }
}
