// A dense network (ReLU hidden layers, sigmoid output) trained with full-batch Adam on
// binary cross-entropy. Small on purpose: enough to fit tabular demo models in seconds.
import type { DenseLayer } from "../onnx/tabular-model";
import { seededRandom } from "./random";

type Layer = { inputs: number; outputs: number; w: Float64Array; b: Float64Array };

export function initLayers(sizes: number[], seed: number): Layer[] {
  const rand = seededRandom(seed);
  const layers: Layer[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    const [inputs, outputs] = [sizes[i], sizes[i + 1]];
    const scale = Math.sqrt(2 / inputs);
    const w = Float64Array.from({ length: inputs * outputs }, () => (rand() * 2 - 1) * scale);
    layers.push({ inputs, outputs, w, b: new Float64Array(outputs) });
  }
  return layers;
}

function forward(layers: Layer[], x: Float64Array, n: number): Float64Array[] {
  const acts = [x];
  layers.forEach((L, li) => {
    const prev = acts[li];
    const out = new Float64Array(n * L.outputs);
    for (let r = 0; r < n; r++) {
      for (let o = 0; o < L.outputs; o++) {
        let s = L.b[o];
        for (let k = 0; k < L.inputs; k++) s += prev[r * L.inputs + k] * L.w[k * L.outputs + o];
        out[r * L.outputs + o] = li === layers.length - 1 ? 1 / (1 + Math.exp(-s)) : Math.max(0, s);
      }
    }
    acts.push(out);
  });
  return acts;
}

export function predict(layers: Layer[], x: Float64Array, n: number): number[] {
  return Array.from(forward(layers, x, n).at(-1)!);
}

export function train(layers: Layer[], x: Float64Array, y: number[], opts: { epochs: number; learningRate: number; l2: number }): void {
  const n = y.length;
  const params = layers.flatMap((L) => [L.w, L.b]);
  const m = params.map((p) => new Float64Array(p.length));
  const v = params.map((p) => new Float64Array(p.length));
  const [b1, b2, eps] = [0.9, 0.999, 1e-8];
  for (let t = 1; t <= opts.epochs; t++) {
    const acts = forward(layers, x, n);
    // dL/dz at the sigmoid output for mean BCE
    let delta = Float64Array.from(acts.at(-1)!, (p, i) => (p - y[i]) / n);
    const grads: Float64Array[] = [];
    for (let li = layers.length - 1; li >= 0; li--) {
      const L = layers[li];
      const input = acts[li];
      const gw = new Float64Array(L.w.length);
      const gb = new Float64Array(L.outputs);
      for (let r = 0; r < n; r++) {
        for (let o = 0; o < L.outputs; o++) {
          const d = delta[r * L.outputs + o];
          if (d === 0) continue;
          gb[o] += d;
          for (let k = 0; k < L.inputs; k++) gw[k * L.outputs + o] += d * input[r * L.inputs + k];
        }
      }
      for (let i = 0; i < gw.length; i++) gw[i] += opts.l2 * L.w[i];
      if (li > 0) {
        const next = new Float64Array(n * L.inputs);
        for (let r = 0; r < n; r++) {
          for (let k = 0; k < L.inputs; k++) {
            if (input[r * L.inputs + k] <= 0) continue; // ReLU gate
            let s = 0;
            for (let o = 0; o < L.outputs; o++) s += delta[r * L.outputs + o] * L.w[k * L.outputs + o];
            next[r * L.inputs + k] = s;
          }
        }
        delta = next;
      }
      grads.unshift(gw, gb);
    }
    params.forEach((p, pi) => {
      const g = grads[pi];
      for (let i = 0; i < p.length; i++) {
        m[pi][i] = b1 * m[pi][i] + (1 - b1) * g[i];
        v[pi][i] = b2 * v[pi][i] + (1 - b2) * g[i] * g[i];
        p[i] -= (opts.learningRate * (m[pi][i] / (1 - b1 ** t))) / (Math.sqrt(v[pi][i] / (1 - b2 ** t)) + eps);
      }
    });
  }
}

export function toDenseLayers(layers: Layer[]): DenseLayer[] {
  return layers.map((L) => ({ inputs: L.inputs, outputs: L.outputs, weights: L.w, bias: L.b }));
}
