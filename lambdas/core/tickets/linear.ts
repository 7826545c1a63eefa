/**
 * Linear multi-class learners over sparse vectors. Weights are feature-major (`w[slot * K + k]`) so scoring a
 * document walks its non-zeros once and touches K adjacent numbers per feature.
 *
 * Two learners, both deterministic for a given seed:
 * - `svm`: one-vs-rest L2-regularised squared-hinge SVM by dual coordinate descent (Hsieh et al., ICML 2008,
 *   the LIBLINEAR solver). Fast, robust on small text data.
 * - `logreg`: multinomial logistic regression, L2, by L-BFGS. Gives probabilities directly.
 */
import type { SparseVector } from './features.ts';

export interface LinearWeights {
  classes: number;
  dim: number;
  weights: Float64Array;
  bias: Float64Array;
}

export interface TrainOptions {
  learner: 'svm' | 'logreg';
  /** Inverse regularisation strength (LIBLINEAR's C). */
  c: number;
  seed: number;
  maxIterations?: number;
  /** Optional per-example weight (e.g. to balance classes). */
  sampleWeights?: ArrayLike<number>;
}

export function scores(model: LinearWeights, x: SparseVector, out: Float64Array): Float64Array {
  const K = model.classes;
  for (let k = 0; k < K; k++) out[k] = model.bias[k] ?? 0;
  const w = model.weights;
  for (let i = 0; i < x.index.length; i++) {
    const base = (x.index[i] ?? 0) * K;
    const v = x.value[i] ?? 0;
    for (let k = 0; k < K; k++) out[k] = (out[k] ?? 0) + (w[base + k] ?? 0) * v;
  }
  return out;
}

/** Seeded PRNG (mulberry32) so that training is reproducible bit for bit. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function shuffle<T>(items: T[], random: () => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const a = items[i];
    const b = items[j];
    if (a === undefined || b === undefined) continue;
    items[i] = b;
    items[j] = a;
  }
  return items;
}

export function trainLinear(
  xs: readonly SparseVector[],
  ys: readonly number[],
  classes: number,
  dim: number,
  options: TrainOptions,
): LinearWeights {
  return options.learner === 'svm'
    ? trainSvm(xs, ys, classes, dim, options)
    : trainLogreg(xs, ys, classes, dim, options);
}

function trainSvm(
  xs: readonly SparseVector[],
  ys: readonly number[],
  classes: number,
  dim: number,
  options: TrainOptions,
): LinearWeights {
  const weights = new Float64Array(dim * classes);
  const bias = new Float64Array(classes);
  const n = xs.length;
  // Bias as a constant feature of value 1, regularised like the others (LIBLINEAR's -B 1).
  const qii = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    let s = 1;
    if (x) for (let j = 0; j < x.value.length; j++) s += (x.value[j] ?? 0) ** 2;
    qii[i] = s;
  }
  const maxIter = options.maxIterations ?? 300;
  const eps = 0.01;
  const random = rng(options.seed);
  const order = Array.from({ length: n }, (_, i) => i);
  for (let k = 0; k < classes; k++) {
    const w = new Float64Array(dim);
    let b = 0;
    const alpha = new Float64Array(n);
    const dii = new Float64Array(n);
    for (let i = 0; i < n; i++) dii[i] = 1 / (2 * options.c * (options.sampleWeights?.[i] ?? 1));
    for (let iter = 0; iter < maxIter; iter++) {
      shuffle(order, random);
      let maxPg = Number.NEGATIVE_INFINITY;
      let minPg = Number.POSITIVE_INFINITY;
      for (const i of order) {
        const x = xs[i];
        if (!x) continue;
        const y = ys[i] === k ? 1 : -1;
        let wx = b;
        for (let j = 0; j < x.index.length; j++) wx += (w[x.index[j] ?? 0] ?? 0) * (x.value[j] ?? 0);
        const a = alpha[i] ?? 0;
        const d = dii[i] ?? 0;
        const g = y * wx - 1 + d * a;
        const pg = a === 0 ? Math.min(g, 0) : g;
        maxPg = Math.max(maxPg, pg);
        minPg = Math.min(minPg, pg);
        if (Math.abs(pg) > 1e-12) {
          const next = Math.max(a - g / ((qii[i] ?? 1) + d), 0);
          const delta = (next - a) * y;
          alpha[i] = next;
          for (let j = 0; j < x.index.length; j++) {
            const idx = x.index[j] ?? 0;
            w[idx] = (w[idx] ?? 0) + delta * (x.value[j] ?? 0);
          }
          b += delta;
        }
      }
      if (maxPg - minPg < eps) break;
    }
    for (let j = 0; j < dim; j++) weights[j * classes + k] = w[j] ?? 0;
    bias[k] = b;
  }
  return { classes, dim, weights, bias };
}

function trainLogreg(
  xs: readonly SparseVector[],
  ys: readonly number[],
  classes: number,
  dim: number,
  options: TrainOptions,
): LinearWeights {
  const K = classes;
  const size = dim * K + K;
  const lambda = 1 / options.c;
  const probs = new Float64Array(K);
  const objective = (theta: Float64Array, grad: Float64Array): number => {
    grad.fill(0);
    let loss = 0;
    const model: LinearWeights = {
      classes: K,
      dim,
      weights: theta.subarray(0, dim * K),
      bias: theta.subarray(dim * K),
    };
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i];
      if (!x) continue;
      const sw = options.sampleWeights?.[i] ?? 1;
      scores(model, x, probs);
      const y = ys[i] ?? 0;
      let max = Number.NEGATIVE_INFINITY;
      for (let k = 0; k < K; k++) max = Math.max(max, probs[k] ?? 0);
      let z = 0;
      for (let k = 0; k < K; k++) {
        const e = Math.exp((probs[k] ?? 0) - max);
        probs[k] = e;
        z += e;
      }
      loss += sw * -Math.log(Math.max((probs[y] ?? 0) / z, 1e-300));
      for (let k = 0; k < K; k++) {
        const g = sw * ((probs[k] ?? 0) / z - (k === y ? 1 : 0));
        probs[k] = g;
        grad[dim * K + k] = (grad[dim * K + k] ?? 0) + g;
      }
      for (let j = 0; j < x.index.length; j++) {
        const base = (x.index[j] ?? 0) * K;
        const v = x.value[j] ?? 0;
        for (let k = 0; k < K; k++) grad[base + k] = (grad[base + k] ?? 0) + (probs[k] ?? 0) * v;
      }
    }
    let reg = 0;
    for (let j = 0; j < dim * K; j++) {
      const t = theta[j] ?? 0;
      reg += t * t;
      grad[j] = (grad[j] ?? 0) + lambda * t;
    }
    return loss + 0.5 * lambda * reg;
  };
  const theta = lbfgs(objective, new Float64Array(size), options.maxIterations ?? 300);
  return { classes: K, dim, weights: theta.slice(0, dim * K), bias: theta.slice(dim * K) };
}

/** Plain L-BFGS (m = 7) with a backtracking Armijo line search. */
function lbfgs(
  f: (x: Float64Array, g: Float64Array) => number,
  x0: Float64Array,
  maxIterations: number,
): Float64Array {
  const m = 7;
  const n = x0.length;
  let x: Float64Array = x0;
  let g: Float64Array = new Float64Array(n);
  let fx = f(x, g);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const dir = new Float64Array(n);
  const alphas = new Float64Array(m);
  let xNew: Float64Array = new Float64Array(n);
  let gNew: Float64Array = new Float64Array(n);
  const dot = (a: Float64Array, b: Float64Array): number => {
    let t = 0;
    for (let i = 0; i < n; i++) t += (a[i] ?? 0) * (b[i] ?? 0);
    return t;
  };
  for (let iter = 0; iter < maxIterations; iter++) {
    dir.set(g);
    for (let i = s.length - 1; i >= 0; i--) {
      const si = s[i];
      const yi = y[i];
      if (!si || !yi) continue;
      const a = (rho[i] ?? 0) * dot(si, dir);
      alphas[i] = a;
      for (let j = 0; j < n; j++) dir[j] = (dir[j] ?? 0) - a * (yi[j] ?? 0);
    }
    const last = s.length - 1;
    const sl = s[last];
    const yl = y[last];
    const gamma = sl && yl ? dot(sl, yl) / dot(yl, yl) : 1 / Math.max(Math.sqrt(dot(g, g)), 1e-12);
    for (let j = 0; j < n; j++) dir[j] = (dir[j] ?? 0) * gamma;
    for (let i = 0; i < s.length; i++) {
      const si = s[i];
      const yi = y[i];
      if (!si || !yi) continue;
      const b = (rho[i] ?? 0) * dot(yi, dir);
      const a = alphas[i] ?? 0;
      for (let j = 0; j < n; j++) dir[j] = (dir[j] ?? 0) + (a - b) * (si[j] ?? 0);
    }
    // dir now approximates H·g; we step along -dir.
    const slope = -dot(g, dir);
    if (slope >= 0) break;
    let step = 1;
    let fNew = 0;
    for (let tries = 0; tries < 30; tries++) {
      for (let j = 0; j < n; j++) xNew[j] = (x[j] ?? 0) - step * (dir[j] ?? 0);
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope) break;
      step *= 0.5;
    }
    const sk = new Float64Array(n);
    const yk = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      sk[j] = (xNew[j] ?? 0) - (x[j] ?? 0);
      yk[j] = (gNew[j] ?? 0) - (g[j] ?? 0);
    }
    const sy = dot(sk, yk);
    const converged = Math.abs(fx - fNew) <= 1e-7 * Math.max(1, Math.abs(fx));
    [x, xNew] = [xNew, x];
    [g, gNew] = [gNew, g];
    fx = fNew;
    if (sy > 1e-12) {
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
      if (s.length > m) {
        s.shift();
        y.shift();
        rho.shift();
      }
    }
    if (converged) break;
  }
  return x;
}
