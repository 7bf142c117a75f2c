// L2-regularised logistic regression with intercept, fitted by Newton's method with backtracking.
// Objective (as scikit-learn's): sum of log losses + ||w||^2 / (2C); the intercept is not penalised.
import { MlError, MlErrorCode } from './errors';
import { solveCholesky } from './linalg';
import type { FeatureMatrix } from './preprocess';

export interface LogisticParams {
  /** Inverse regularisation strength, as scikit-learn's C. */
  readonly C: number;
  readonly maxIter: number;
  /** Stop when no coefficient moves more than this in one step. */
  readonly tol: number;
}

export interface LogisticModel {
  readonly coefficients: Float32Array;
  readonly intercept: number;
  readonly iterations: number;
}

export const DEFAULT_LOGISTIC: LogisticParams = { C: 1, maxIter: 100, tol: 1e-8 };

export function fitLogistic(x: FeatureMatrix, y: Uint8Array, params: LogisticParams): LogisticModel {
  if (!(params.C > 0) || !Number.isFinite(params.C)) throw new MlError(MlErrorCode.InvalidParams, `C must be a positive number, got ${params.C}`);
  const { rows: n, cols: F, data } = x;
  const lambda = 1 / params.C;
  const dim = F + 1;
  const w = new Float64Array(dim); // w[F] is the intercept
  const margin = new Float64Array(n);
  const resid = new Float64Array(n);
  const weight = new Float64Array(n);
  const scratch = new Float64Array(n);
  const grad = new Float64Array(dim);
  const hess = new Float64Array(dim * dim);
  const trial = new Float64Array(dim);
  let objective = evaluate(w);
  let iterations = 0;
  for (; iterations < params.maxIter; iterations++) {
    // Gradient and Hessian at w (margins are current from the last evaluate()).
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]);
      resid[i] = p - y[i];
      weight[i] = Math.max(p * (1 - p), 1e-12);
    }
    for (let a = 0; a < F; a++) {
      const xa = data.subarray(a * n, (a + 1) * n);
      let g = 0;
      let h = 0;
      for (let i = 0; i < n; i++) {
        const v = weight[i] * xa[i];
        scratch[i] = v;
        g += resid[i] * xa[i];
        h += v;
      }
      grad[a] = g + lambda * w[a];
      hess[a * dim + F] = h;
      hess[F * dim + a] = h;
      for (let b = a; b < F; b++) {
        const hab = dot(scratch, data, b * n, n) + (a === b ? lambda : 0);
        hess[a * dim + b] = hab;
        hess[b * dim + a] = hab;
      }
    }
    let gb = 0;
    let hb = 0;
    for (let i = 0; i < n; i++) {
      gb += resid[i];
      hb += weight[i];
    }
    grad[F] = gb;
    hess[F * dim + F] = hb;
    const step = solveCholesky(hess, grad, dim);
    let maxStep = 0;
    for (const s of step) maxStep = Math.max(maxStep, Math.abs(s));
    // Backtracking: halve the Newton step until the objective does not increase.
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 30; k++, t /= 2) {
      for (let j = 0; j < dim; j++) trial[j] = w[j] - t * step[j];
      const value = evaluate(trial);
      if (value <= objective) {
        w.set(trial);
        objective = value;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      evaluate(w);
      break;
    }
    if (maxStep * t < params.tol) {
      iterations++;
      break;
    }
  }
  return { coefficients: Float32Array.from(w.subarray(0, F)), intercept: Math.fround(w[F]), iterations };

  // Fills `margin` for coefficients v and returns the penalised objective.
  function evaluate(v: Float64Array): number {
    margin.fill(v[F]);
    for (let f = 0; f < F; f++) {
      const c = v[f];
      if (c === 0) continue;
      const col = data.subarray(f * n, (f + 1) * n);
      for (let i = 0; i < n; i++) margin[i] += c * col[i];
    }
    let loss = 0;
    for (let i = 0; i < n; i++) {
      const s = margin[i];
      // log(1 + e^s) - y s, computed without overflow
      loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i] * s;
    }
    let penalty = 0;
    for (let f = 0; f < F; f++) penalty += v[f] * v[f];
    return loss + (lambda * penalty) / 2;
  }
}

/** w . x + b per row, in float64 over the float32 features and coefficients. */
export function logisticMargin(model: LogisticModel, x: FeatureMatrix): Float64Array {
  const { rows: n, cols: F, data } = x;
  const out = new Float64Array(n).fill(model.intercept);
  for (let f = 0; f < F; f++) {
    const c = model.coefficients[f];
    const col = data.subarray(f * n, (f + 1) * n);
    for (let i = 0; i < n; i++) out[i] += c * col[i];
  }
  return out;
}

export function sigmoid(s: number): number {
  return s >= 0 ? 1 / (1 + Math.exp(-s)) : Math.exp(s) / (1 + Math.exp(s));
}

function dot(a: Float64Array, data: Float32Array, offset: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += a[i] * data[offset + i];
    s1 += a[i + 1] * data[offset + i + 1];
    s2 += a[i + 2] * data[offset + i + 2];
    s3 += a[i + 3] * data[offset + i + 3];
  }
  for (; i < n; i++) s0 += a[i] * data[offset + i];
  return s0 + s1 + s2 + s3;
}
