// L2-regularised logistic regression with intercept. Objective (as scikit-learn's): sum of log losses +
// ||w||^2 / (2C); the intercept is not penalised. Newton's method with backtracking while the Hessian
// (features + 1)^2 is small; L-BFGS above newtonMaxFeatures, so a wide one-hot design cannot blow up
// the dense Newton step.
import { MlError, MlErrorCode } from './errors';
import { minimizeLbfgs } from './lbfgs';
import { cholesky, solveWithFactor } from './linalg';
import { Design } from './logistic-design';
import type { FeatureMatrix } from './preprocess';

export type LogisticSolver = 'newton' | 'lbfgs';

export interface LogisticParams {
  /** Inverse regularisation strength, as scikit-learn's C. */
  readonly C: number;
  readonly maxIter: number;
  /** Newton: stop when no coefficient moves more than this in one step. L-BFGS: when no component of the
   * gradient of the objective divided by the row count exceeds it. */
  readonly tol: number;
  /** 'auto' is Newton up to newtonMaxFeatures encoded features, L-BFGS above. */
  readonly solver: 'auto' | LogisticSolver;
  readonly newtonMaxFeatures: number;
}

export interface LogisticModel {
  readonly coefficients: Float32Array;
  readonly intercept: number;
  readonly iterations: number;
  readonly solver: LogisticSolver;
}

/** Steps smaller than this keep the current Hessian factor. */
const REUSE_BELOW = 0.2;

export const DEFAULT_LOGISTIC: LogisticParams = {
  C: 1,
  maxIter: 1000,
  tol: 1e-5,
  solver: 'auto',
  newtonMaxFeatures: 1000,
};

export function fitLogistic(x: FeatureMatrix, y: Uint8Array, params: LogisticParams): LogisticModel {
  if (!(params.C > 0) || !Number.isFinite(params.C))
    throw new MlError(MlErrorCode.InvalidParams, `C must be a positive number, got ${params.C}`);
  if (!(Number.isInteger(params.maxIter) && params.maxIter > 0))
    throw new MlError(MlErrorCode.InvalidParams, `maxIter must be a positive integer, got ${params.maxIter}`);
  const n = x.rows;
  const F = x.cols;
  const lambda = 1 / params.C;
  const design = new Design(x);
  const w = new Float64Array(F + 1); // w[F] is the intercept
  let positives = 0;
  for (let i = 0; i < n; i++) positives += y[i];
  w[F] = Math.log(Math.max(positives, 0.5) / Math.max(n - positives, 0.5)); // start from the prior log-odds
  const solver = params.solver === 'auto' ? (F <= params.newtonMaxFeatures ? 'newton' : 'lbfgs') : params.solver;
  const iterations = solver === 'newton' ? newton(design, y, w, lambda, params) : lbfgs(design, y, w, lambda, params);
  return { coefficients: Float32Array.from(w.subarray(0, F)), intercept: Math.fround(w[F]), iterations, solver };
}

function lbfgs(design: Design, y: Uint8Array, w: Float64Array, lambda: number, params: LogisticParams): number {
  const n = design.rows;
  const F = design.cols;
  const margin = new Float64Array(n);
  const resid = new Float64Array(n);
  const objective = (v: Float64Array, g: Float64Array): number => {
    const value = evaluate(design, y, v, lambda, margin);
    for (let i = 0; i < n; i++) resid[i] = sigmoid(margin[i]) - y[i];
    design.gradient(resid, g);
    for (let a = 0; a < F; a++) g[a] += lambda * v[a];
    return value;
  };
  const result = minimizeLbfgs(objective, w, { maxIter: params.maxIter, gtol: params.tol * Math.max(n, 1) });
  w.set(result.w);
  return result.iterations;
}

/** Newton's method from w (updated in place); returns the iterations taken. */
function newton(design: Design, y: Uint8Array, w: Float64Array, lambda: number, params: LogisticParams): number {
  const n = design.rows;
  const F = design.cols;
  const dim = F + 1;
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
  return iterations;
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
