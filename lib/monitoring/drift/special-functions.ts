// The two distribution tails a drift report needs, accurate to a few units in the last place across
// their whole range (a p-value of 1e-200 is as right as one of 0.5): the Kolmogorov distribution's
// survival function (`scipy.special.kolmogorov`) and chi²'s (`scipy.stats.chi2.sf`, i.e. the
// regularized upper incomplete gamma function `scipy.special.gammaincc(dof/2, x/2)`).

const EPS = Number.EPSILON;
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const LN_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);
/** Below this, Kolmogorov's two series trade places: each converges in a handful of terms either side. */
const KOLMOGOROV_CUTOVER = 0.82;

const clip01 = (p: number) => (p < 0 ? 0 : p > 1 ? 1 : p);

/** Σ terms, smallest first: the series below are summed from their tails for the last bit of accuracy. */
function sumBackwards(terms: number[]): number {
  let s = 0;
  for (let i = terms.length - 1; i >= 0; i--) s += terms[i];
  return s;
}

/**
 * `scipy.special.kolmogorov(x)`: P(K > x) for the limiting distribution of √n·D.
 * Small x: 1 − √(2π)/x · Σ_{k≥1} exp(−(2k−1)²π²/(8x²)) (the complement is tiny, so 1 − it is exact);
 * larger x: 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²x²), which keeps its relative accuracy down to underflow.
 */
export function kolmogorovSf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  const terms: number[] = [];
  if (x <= KOLMOGOROV_CUTOVER) {
    const alpha = -(Math.PI * Math.PI) / (8 * x * x);
    for (let k = 1; ; k += 2) {
      const t = Math.exp(alpha * k * k);
      if (t === 0) break;
      terms.push(t);
      if (t <= terms[0] * EPS * 0.5) break;
    }
    return clip01(1 - (SQRT_2PI / x) * sumBackwards(terms));
  }
  const alpha = -2 * x * x;
  for (let k = 1; ; k++) {
    const t = Math.exp(alpha * k * k);
    if (t === 0) break;
    terms.push(k % 2 === 1 ? t : -t);
    if (t <= terms[0] * EPS * 0.5) break;
  }
  return clip01(2 * sumBackwards(terms));
}

/** `scipy.stats.chi2.sf(x, dof)` = Q(dof/2, x/2). */
export function chiSquareSf(x: number, dof: number): number {
  if (!(dof > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return gammaQ(dof / 2, x / 2);
}

/**
 * The regularized upper incomplete gamma function Q(a, x) = Γ(a, x)/Γ(a) (`scipy.special.gammaincc`):
 * 1 − the power series for P below x = a + 1 (there Q ≥ about ½, so nothing cancels), Legendre's
 * continued fraction for Q above (relative accuracy into the far tail). Both converge in O(√a) terms.
 */
export function gammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  if (x < a + 1) return clip01(1 - lowerSeries(a, x));
  return clip01(upperFraction(a, x));
}

/** P(a, x) = x^a e^−x / Γ(a+1) · Σ_{n≥0} x^n / ((a+1)…(a+n)). */
function lowerSeries(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < 1_000_000; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (term < sum * EPS * 0.5) break;
  }
  return sum * powExpOverGamma(a, x);
}

/** Q(a, x) = x^a e^−x / Γ(a) · 1/(x+1−a− 1·(1−a)/(x+3−a− 2·(2−a)/(x+5−a− …))), by modified Lentz. */
function upperFraction(a: number, x: number): number {
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1_000_000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) <= EPS) break;
  }
  return h * powExpOverGamma(a, x);
}

/**
 * x^a e^−x / Γ(a). For a ≥ 10 through Stirling, as √(a/2π) · exp(a·(ln(1+t) − t) − stirlingCorrection(a))
 * with t = (x−a)/a: the exponent is computed without the cancellation of a·ln x − x − lnΓ(a), which
 * would cost digits when a is large.
 */
function powExpOverGamma(a: number, x: number): number {
  if (a >= 10) return Math.sqrt(a / (2 * Math.PI)) * Math.exp(a * log1pmx((x - a) / a) - stirlingCorrection(a));
  return Math.exp(a * Math.log(x) - x - lnGamma(a));
}

/** ln Γ(z) for z > 0: Stirling's series, shifted up to z ≥ 10 by the recurrence. */
export function lnGamma(z: number): number {
  let shift = 1;
  while (z < 10) {
    shift *= z;
    z += 1;
  }
  return (z - 0.5) * Math.log(z) - z + LN_SQRT_2PI + stirlingCorrection(z) - Math.log(shift);
}

/** lnΓ(z) − ((z−½)ln z − z + ½ln 2π) for z ≥ 10, to below 1e-16. */
function stirlingCorrection(z: number): number {
  const r = 1 / z;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 * (1 / 1680 - r2 * (1 / 1188 - r2 * (691 / 360360 - r2 / 156))))));
}

/** ln(1+t) − t, accurate for small |t| too (through atanh's series in u = t/(2+t)). */
export function log1pmx(t: number): number {
  if (Math.abs(t) >= 0.5) return Math.log1p(t) - t;
  // ln(1+t) = 2·atanh(u) = 2(u + u³/3 + u⁵/5 + …), and 2u − t = −t²/(2+t) exactly in real arithmetic
  const u = t / (2 + t);
  const u2 = u * u;
  let power = u * u2;
  let series = 0;
  for (let k = 3; k < 200; k += 2) {
    const term = power / k;
    series += term;
    if (Math.abs(term) <= Math.abs(series) * EPS * 0.5) break;
    power *= u2;
  }
  return (-t * t) / (2 + t) + 2 * series;
}
