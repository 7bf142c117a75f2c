// Limited-memory BFGS for smooth convex objectives: the two-loop recursion over the last `memory`
// (step, gradient change) pairs and a backtracking Armijo line search. Memory is O(memory x dim), so it
// takes the place of Newton's dim x dim Hessian when the one-hot blocks make dim large.

/** Writes the gradient at w into g and returns the objective value. */
export type Objective = (w: Float64Array, g: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIter: number;
  /** Stop when every gradient component is at most this. */
  readonly gtol: number;
  readonly memory?: number;
}

export interface LbfgsResult {
  readonly w: Float64Array;
  readonly value: number;
  readonly iterations: number;
}

const ARMIJO = 1e-4;

export function minimizeLbfgs(objective: Objective, start: Float64Array, options: LbfgsOptions): LbfgsResult {
  const dim = start.length;
  const memory = options.memory ?? 10;
  const w = Float64Array.from(start);
  const g = new Float64Array(dim);
  const trial = new Float64Array(dim);
  const gTrial = new Float64Array(dim);
  const dir = new Float64Array(dim);
  const s: Float64Array[] = [];
  const y: Float64Array[] = [];
  const rho: number[] = [];
  const alpha = new Float64Array(memory);
  let value = objective(w, g);
  let iterations = 0;
  for (; iterations < options.maxIter; iterations++) {
    if (maxAbs(g) <= options.gtol) break;
    direction(g, s, y, rho, alpha, dir);
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (curvature pairs went stale): restart from steepest descent.
      s.length = y.length = rho.length = 0;
      for (let j = 0; j < dim; j++) dir[j] = -g[j];
      slope = -dot(g, g);
    }
    // The first step has no curvature information: keep its length at most 1.
    let t = s.length === 0 ? Math.min(1, 1 / Math.sqrt(-slope)) : 1;
    let accepted = false;
    let next = value;
    for (let k = 0; k < 50; k++, t /= 2) {
      for (let j = 0; j < dim; j++) trial[j] = w[j] + t * dir[j];
      next = objective(trial, gTrial);
      if (next <= value + ARMIJO * t * slope) {
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      if (s.length === 0) break; // steepest descent cannot improve either: at the optimum to precision
      s.length = y.length = rho.length = 0;
      objective(w, g);
      continue;
    }
    const sk = new Float64Array(dim);
    const yk = new Float64Array(dim);
    for (let j = 0; j < dim; j++) {
      sk[j] = trial[j] - w[j];
      yk[j] = gTrial[j] - g[j];
    }
    const sy = dot(sk, yk);
    if (sy > 1e-12 * Math.sqrt(dot(sk, sk) * dot(yk, yk))) {
      if (s.length === memory) {
        s.shift();
        y.shift();
        rho.shift();
      }
      s.push(sk);
      y.push(yk);
      rho.push(1 / sy);
    }
    w.set(trial);
    g.set(gTrial);
    const decrease = value - next;
    value = next;
    if (decrease <= 1e-15 * Math.max(Math.abs(value), 1)) {
      iterations++;
      break;
    }
  }
  return { w, value, iterations };
}

/** dir = -H g by the two-loop recursion, H scaled by the latest s.y / y.y. */
function direction(
  g: Float64Array,
  s: Float64Array[],
  y: Float64Array[],
  rho: number[],
  alpha: Float64Array,
  dir: Float64Array,
): void {
  const m = s.length;
  for (let j = 0; j < g.length; j++) dir[j] = -g[j];
  for (let k = m - 1; k >= 0; k--) {
    alpha[k] = rho[k] * dot(s[k], dir);
    axpy(-alpha[k], y[k], dir);
  }
  if (m > 0) {
    const gamma = 1 / (rho[m - 1] * dot(y[m - 1], y[m - 1]));
    for (let j = 0; j < dir.length; j++) dir[j] *= gamma;
  }
  for (let k = 0; k < m; k++) {
    const beta = rho[k] * dot(y[k], dir);
    axpy(alpha[k] - beta, s[k], dir);
  }
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < a.length; j++) sum += a[j] * b[j];
  return sum;
}

function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let j = 0; j < x.length; j++) y[j] += a * x[j];
}

function maxAbs(v: Float64Array): number {
  let m = 0;
  for (let j = 0; j < v.length; j++) m = Math.max(m, Math.abs(v[j]));
  return m;
}
