// Performance metrics over labelled predictions, each exactly as sklearn computes it (tests compare them at
// 1e-9): accuracy_score, roc_auc_score, log_loss (clipped at float64 eps, sklearn ≥ 1.2), calibration_curve
// (strategy="uniform", 10 bins), mean_absolute_error and the root of mean_squared_error. Every metric takes
// optional weights (how many times a bootstrap resample drew each prediction), so a resample costs O(n):
// the AUC's sort by score is done once, in prepareSample.
export const METRICS = ["auc", "accuracy", "log_loss", "mae", "rmse"] as const;
export type Metric = (typeof METRICS)[number];
/** Whether a larger value is better (for the verdict's words). */
export const HIGHER_IS_BETTER: Record<Metric, boolean> = { auc: true, accuracy: true, log_loss: false, mae: false, rmse: false };

export type Labelled = { actual: number | null; score: number | null; correct: boolean | null };

export type Sample = {
  n: number;
  actual: Float64Array; // NaN: none
  score: Float64Array; // NaN: none
  correct: Int8Array; // -1: none
  /** rows with a 0/1 actual and a score, ascending by score (AUC, log loss, calibration read these) */
  binary: Int32Array;
  /** for the AUC, in the order of `binary`: whether the row is positive, and where each run of tied scores ends */
  binaryPositive: Uint8Array;
  tieEnds: Int32Array;
};

export function prepareSample(rows: Labelled[]): Sample {
  const n = rows.length;
  const actual = new Float64Array(n);
  const score = new Float64Array(n);
  const correct = new Int8Array(n);
  const binary: number[] = [];
  rows.forEach((r, i) => {
    actual[i] = r.actual ?? NaN;
    score[i] = r.score ?? NaN;
    correct[i] = r.correct === null ? -1 : r.correct ? 1 : 0;
    if ((r.actual === 0 || r.actual === 1) && r.score !== null) binary.push(i);
  });
  binary.sort((a, b) => score[a] - score[b]);
  const tieEnds: number[] = [];
  for (let j = 1; j <= binary.length; j++) if (j === binary.length || score[binary[j]] !== score[binary[j - 1]]) tieEnds.push(j);
  return { n, actual, score, correct, binary: Int32Array.from(binary), binaryPositive: Uint8Array.from(binary, (i) => actual[i]), tieEnds: Int32Array.from(tieEnds) };
}

/** How many times each prediction counts (a bootstrap resample's draw counts); null: once each. */
type Weights = Float64Array | null;
// one loop shape for both cases keeps the hot loops monomorphic: a cached array of ones stands for null
let ones = new Float64Array(0);
function weightsOf(s: Sample, weights: Weights): Float64Array {
  if (weights) return weights;
  if (ones.length < s.n) ones = new Float64Array(s.n).fill(1);
  return ones;
}

export function accuracy(s: Sample, weights: Weights = null): number | null {
  const wt = weightsOf(s, weights);
  let hit = 0, total = 0;
  for (let i = 0; i < s.n; i++) {
    if (s.correct[i] < 0) continue;
    const k = wt[i];
    total += k;
    if (s.correct[i] === 1) hit += k;
  }
  return total ? hit / total : null;
}

/** Mann–Whitney form: each positive scores 1 per negative below it and ½ per tie; null with one class only. */
export function rocAuc(s: Sample, weights: Weights = null): number | null {
  const wt = weightsOf(s, weights);
  const b = s.binary, positive = s.binaryPositive, ends = s.tieEnds;
  let pos = 0, neg = 0, area = 0;
  for (let g = 0, j = 0; g < ends.length; g++) {
    let groupPos = 0, groupNeg = 0;
    for (const end = ends[g]; j < end; j++) {
      if (positive[j]) groupPos += wt[b[j]];
      else groupNeg += wt[b[j]];
    }
    area += groupPos * (neg + groupNeg / 2);
    pos += groupPos;
    neg += groupNeg;
  }
  return pos && neg ? area / (pos * neg) : null;
}

const EPS = Number.EPSILON;

export function logLoss(s: Sample, weights: Weights = null): number | null {
  const wt = weightsOf(s, weights);
  let sum = 0, total = 0;
  for (const i of s.binary) {
    const k = wt[i];
    if (!k) continue;
    const p = Math.min(1 - EPS, Math.max(EPS, s.score[i]));
    sum -= k * (s.actual[i] === 1 ? Math.log(p) : Math.log(1 - p));
    total += k;
  }
  return total ? sum / total : null;
}

export type CalibrationBin = { lower: number; upper: number; count: number; meanPredicted: number | null; fractionPositive: number | null };

export const CALIBRATION_BINS = 10;

/**
 * sklearn's uniform bins: edges i/10 (numpy.linspace), a score goes to numpy.searchsorted(inner edges, p)
 * (side "left": 0.1 falls in the first bin). Empty bins are kept, with null means, so every curve has 10.
 */
export function calibration(s: Sample, weights: Weights = null): CalibrationBin[] {
  const wt = weightsOf(s, weights);
  const edges = Array.from({ length: CALIBRATION_BINS + 1 }, (_, i) => (i === CALIBRATION_BINS ? 1 : i * (1 / CALIBRATION_BINS)));
  const sums = new Float64Array(CALIBRATION_BINS), trues = new Float64Array(CALIBRATION_BINS), totals = new Float64Array(CALIBRATION_BINS);
  for (const i of s.binary) {
    const k = wt[i];
    const p = s.score[i];
    let bin = 0;
    while (bin < CALIBRATION_BINS - 1 && edges[bin + 1] < p) bin++;
    sums[bin] += k * p;
    trues[bin] += k * s.actual[i];
    totals[bin] += k;
  }
  return Array.from({ length: CALIBRATION_BINS }, (_, b) => ({
    lower: edges[b], upper: edges[b + 1], count: totals[b],
    meanPredicted: totals[b] ? sums[b] / totals[b] : null, fractionPositive: totals[b] ? trues[b] / totals[b] : null,
  }));
}

function meanError(s: Sample, weights: Weights, squared: boolean): number | null {
  const wt = weightsOf(s, weights);
  let sum = 0, total = 0;
  for (let i = 0; i < s.n; i++) {
    if (Number.isNaN(s.actual[i]) || Number.isNaN(s.score[i])) continue;
    const k = wt[i];
    const d = s.actual[i] - s.score[i];
    sum += k * (squared ? d * d : Math.abs(d));
    total += k;
  }
  return total ? sum / total : null;
}

export const mae = (s: Sample, weights: Weights = null) => meanError(s, weights, false);

export function rmse(s: Sample, weights: Weights = null): number | null {
  const mse = meanError(s, weights, true);
  return mse === null ? null : Math.sqrt(mse);
}

export const METRIC_FNS: Record<Metric, (s: Sample, weights?: Weights) => number | null> = { auc: rocAuc, accuracy, log_loss: logLoss, mae, rmse };
