/** Area under the ROC curve (rank formulation, ties averaged). */
export function rocAuc(labels: number[], scores: number[]): number {
  const order = scores.map((s, i) => [s, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(scores.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const pos = labels.filter((l) => l === 1).length;
  const neg = labels.length - pos;
  if (!pos || !neg) return NaN;
  const rankSum = labels.reduce((s, l, i) => (l === 1 ? s + ranks[i] : s), 0);
  return (rankSum - (pos * (pos + 1)) / 2) / (pos * neg);
}

export function accuracy(labels: number[], scores: number[], threshold = 0.5): number {
  return labels.reduce((n, l, i) => n + ((scores[i] >= threshold ? 1 : 0) === l ? 1 : 0), 0) / labels.length;
}

export function logLoss(labels: number[], scores: number[]): number {
  const eps = 1e-7;
  return -labels.reduce((s, l, i) => {
    const p = Math.min(1 - eps, Math.max(eps, scores[i]));
    return s + (l ? Math.log(p) : Math.log(1 - p));
  }, 0) / labels.length;
}

export function round(x: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
