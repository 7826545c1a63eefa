/** Evaluation helpers shared by the benchmark and the trainer's internal cross-validation. */
import { rng, shuffle } from './linear.ts';

export interface ClassScore {
  label: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface Scorecard {
  perClass: ClassScore[];
  macroF1: number;
  accuracy: number;
}

/** Per-class precision/recall/F1 and their unweighted mean, over the given labels. */
export function score(
  labels: readonly string[],
  truth: readonly string[],
  predicted: readonly string[],
): Scorecard {
  const perClass = labels.map((label) => {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < truth.length; i++) {
      const t = truth[i] === label;
      const p = predicted[i] === label;
      if (t && p) tp++;
      else if (p) fp++;
      else if (t) fn++;
    }
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { label, precision, recall, f1, support: tp + fn };
  });
  let correct = 0;
  for (let i = 0; i < truth.length; i++) if (truth[i] === predicted[i]) correct++;
  return {
    perClass,
    macroF1: perClass.reduce((s, c) => s + c.f1, 0) / Math.max(perClass.length, 1),
    accuracy: truth.length === 0 ? 0 : correct / truth.length,
  };
}

/**
 * Fold number (0..k-1) per example, stratified by `strata` (label, or project+label): each stratum is shuffled
 * with the seed and dealt round-robin, so every fold gets the same class mix.
 */
export function stratifiedFolds(strata: readonly string[], k: number, seed: number): number[] {
  const random = rng(seed);
  const groups = new Map<string, number[]>();
  strata.forEach((s, i) => {
    const g = groups.get(s) ?? [];
    g.push(i);
    groups.set(s, g);
  });
  const folds = new Array<number>(strata.length).fill(0);
  let offset = 0;
  for (const key of [...groups.keys()].sort()) {
    const members = shuffle([...(groups.get(key) ?? [])], random);
    members.forEach((i, j) => {
      folds[i] = (offset + j) % k;
    });
    offset += members.length;
  }
  return folds;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? 0;
}
