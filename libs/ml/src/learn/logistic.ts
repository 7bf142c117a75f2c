// L2-regularised logistic regression with intercept, fitted by Newton's method with backtracking.
// Objective (as scikit-learn's): sum of log losses + ||w||^2 / (2C); the intercept is not penalised.
import { MlError, MlErrorCode } from './errors';
import { cholesky, solveWithFactor } from './linalg';
import { Design } from './logistic-design';
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

/** Steps smaller than this keep the current Hessian factor. */
const REUSE_BELOW = 0.2;

export const DEFAULT_LOGISTIC: LogisticParams = { C: 1, maxIter: 100, tol: 1e-5 };

export function fitLogistic(x: FeatureMatrix, y: Uint8Array, params: LogisticParams): LogisticModel {
  if (!(params.C > 0) || !Number.isFinite(params.C))
    throw new MlError(MlErrorCode.InvalidParams, `C must be a positive number, got ${params.C}`);
  const n = x.rows;
  const F = x.cols;
  const lambda = 1 / params.C;
  const dim = F + 1;
  const design = new Design(x);
  const w = new Float64Array(dim); // w[F] is the intercept
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  w[F] = Math.log(Math.max(positives, 0.5) / Math.max(n - positives, 0.5)); // start from the prior log-odds
  const margin = new Float64Array(n);
  const resid = new Float64Array(n);
  const weight = new Float64Array(n);
  const grad = new Float64Array(dim);
  const hess = new Float64Array(dim * dim);
  const trial = new Float64Array(dim);
  let objective = evaluate(design, y, w, lambda, margin);
  let iterations = 0;
  // Near the optimum the Hessian barely changes, so its factor is reused and a step costs two passes.
  let factor: Float64Array | null = null;
  for (; iterations < params.maxIter; iterations++) {
    const fresh = factor === null;
    for (let i = 0; i < n; i++) {
      const p = sigmoid(margin[i]);
      resid[i] = p - y[i];
      weight[i] = Math.max(p * (1 - p), 1e-12);
    }
    design.gradient(resid, grad);
    for (let a = 0; a < F; a++) grad[a] += lambda * w[a];
    if (factor === null) {
      design.gram(weight, hess);
      for (let a = 0; a < F; a++) hess[a * dim + a] += lambda;
      factor = cholesky(hess, dim);
    }
    const step = solveWithFactor(factor, grad, dim);
    let maxStep = 0;
    for (let j = 0; j < dim; j++) maxStep = Math.max(maxStep, Math.abs(step[j]));
    // Backtracking: halve the Newton step until the objective does not increase.
    let t = 1;
    let accepted = false;
    for (let k = 0; k < 30; k++, t /= 2) {
      for (let j = 0; j < dim; j++) trial[j] = w[j] - t * step[j];
      const value = evaluate(design, y, trial, lambda, margin);
      if (value <= objective) {
        w.set(trial);
        objective = value;
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      evaluate(design, y, w, lambda, margin);
      if (fresh) break;
      factor = null; // a stale Hessian stopped helping: refresh it
      continue;
    }
    if (maxStep * t < params.tol) {
      iterations++;
      break;
    }
    if (maxStep * t > REUSE_BELOW) factor = null;
  }
  return { coefficients: Float32Array.from(w.subarray(0, F)), intercept: Math.fround(w[F]), iterations };
}

/** Fills `margin` for coefficients v (intercept last) and returns the penalised objective. */
function evaluate(design: Design, y: Uint8Array, v: Float64Array, lambda: number, margin: Float64Array): number {
  design.margins(v, margin);
  let loss = 0;
  for (let i = 0; i < margin.length; i++) {
    const s = margin[i];
    // log(1 + e^s) - y s, computed without overflow
    loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i] * s;
  }
  let penalty = 0;
  for (let f = 0; f < v.length - 1; f++) penalty += v[f] * v[f];
  return loss + (lambda * penalty) / 2;
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
