// Dense symmetric positive-definite solve for the Newton step (dimension = features + 1, small).
import { MlError, MlErrorCode } from './errors';

/** Solves A x = b for symmetric positive-definite A (row-major, n x n) by Cholesky; A is not modified. */
export function solveCholesky(a: Float64Array, b: Float64Array, n: number): Float64Array {
  return solveWithFactor(cholesky(a, n), b, n);
}

/** The lower-triangular L with A = L L^T. */
export function cholesky(a: Float64Array, n: number): Float64Array {
  const l = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      if (i === j) {
        if (!(s > 0))
          throw new MlError(
            MlErrorCode.InvalidParams,
            'Hessian is not positive definite; is C too large for this data?',
          );
        l[i * n + i] = Math.sqrt(s);
      } else l[i * n + j] = s / l[j * n + j];
    }
  }
  return l;
}

/** Solves L L^T x = b given the factor from cholesky(). */
export function solveWithFactor(l: Float64Array, b: Float64Array, n: number): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
