// Small synthetic problems shared by the learner tests (seeded, so every run sees the same rows).
import { Random } from '../core';
import type { FeatureMatrix } from './preprocess';

export interface Problem {
  readonly x: FeatureMatrix;
  readonly y: Uint8Array;
}

/** Two numeric features; the label is an XOR of their signs (not linearly separable), with 5% noise. */
export function xorProblem(rows: number, seed: number): Problem {
  const random = new Random(seed);
  const data = new Float32Array(rows * 2);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const a = random.nextFloat() * 2 - 1;
    const b = random.nextFloat() * 2 - 1;
    data[i] = a;
    data[rows + i] = b;
    y[i] = a > 0 !== b > 0 ? 1 : 0;
    if (random.nextFloat() < 0.05) y[i] ^= 1;
  }
  return { x: { rows, cols: 2, data }, y };
}

/** Three numeric features and a one-hot pair; the label follows a known logistic model. */
export function linearProblem(rows: number, seed: number): Problem {
  const random = new Random(seed);
  const cols = 5;
  const data = new Float32Array(rows * cols);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = [random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2, random.nextFloat() * 4 - 2];
    const hot = random.nextInt(2);
    v.forEach((value, f) => (data[f * rows + i] = Math.fround(value)));
    data[(3 + hot) * rows + i] = 1;
    const s = 1.5 * v[0] - 2 * v[1] + 0.5 * v[2] + (hot === 0 ? 0.7 : -0.7);
    y[i] = random.nextFloat() < 1 / (1 + Math.exp(-s)) ? 1 : 0;
  }
  return { x: { rows, cols, data }, y };
}

/**
 * One feature with a step at 0.5 (10% label noise) where a `missingShare` of the cells are missing (NaN)
 * and a missing cell's label is positive with probability `missingPositive`.
 */
export function missingProblem(rows: number, seed: number, missingShare: number, missingPositive: number): Problem {
  const random = new Random(seed);
  const data = new Float32Array(rows);
  const y = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    if (random.nextFloat() < missingShare) {
      data[i] = NaN;
      y[i] = random.nextFloat() < missingPositive ? 1 : 0;
      continue;
    }
    const v = random.nextFloat();
    data[i] = v;
    y[i] = v > 0.5 !== random.nextFloat() < 0.1 ? 1 : 0;
  }
  return { x: { rows, cols: 1, data }, y };
}

/** One row per value of a single-feature matrix. */
export function column(...values: number[]): FeatureMatrix {
  return { rows: values.length, cols: 1, data: Float32Array.from(values) };
}
