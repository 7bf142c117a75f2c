// The design matrix as the Newton solver sees it: dense columns (numeric, standardised) kept
// column-major, and 0/1 indicator columns (one-hot blocks) as per-row lists of active columns, so
// the weighted Gram matrix X^T diag(h) X costs dense^2/2 contiguous products plus a few adds per row.
import type { FeatureMatrix } from './preprocess';

export class Design {
  readonly rows: number;
  readonly cols: number;
  private readonly dense: number[] = [];
  private readonly rowPtr: Int32Array;
  private readonly active: Int32Array;
  private readonly scratch: Float64Array;

  constructor(private readonly x: FeatureMatrix) {
    const { rows: n, cols: F, data } = x;
    this.rows = n;
    this.cols = F;
    const indicator: number[] = [];
    for (let f = 0; f < F; f++) (isIndicator(data.subarray(f * n, (f + 1) * n)) ? indicator : this.dense).push(f);
    this.rowPtr = new Int32Array(n + 1);
    for (const f of indicator) for (let i = 0, off = f * n; i < n; i++) if (data[off + i] !== 0) this.rowPtr[i + 1]++;
    for (let i = 0; i < n; i++) this.rowPtr[i + 1] += this.rowPtr[i];
    this.active = new Int32Array(this.rowPtr[n]);
    const fill = this.rowPtr.slice(0, n);
    for (const f of indicator) for (let i = 0, off = f * n; i < n; i++) if (data[off + i] !== 0) this.active[fill[i]++] = f;
    this.scratch = new Float64Array(n);
  }

  /** margin[i] = v[F] + sum_f v[f] x[i, f] (v has the intercept last). */
  margins(v: Float64Array, margin: Float64Array): void {
    const { rows: n, cols: F, data } = this.x;
    margin.fill(v[F]);
    for (const f of this.dense) {
      const c = v[f];
      for (let i = 0, off = f * n; i < n; i++) margin[i] += c * data[off + i];
    }
    const { rowPtr, active } = this;
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) s += v[active[k]];
      margin[i] += s;
    }
  }

  /** grad = X^T r (intercept last), overwritten. */
  gradient(r: Float64Array, grad: Float64Array): void {
    const { rows: n, cols: F, data } = this.x;
    grad.fill(0);
    for (const f of this.dense) {
      let g = 0;
      for (let i = 0, off = f * n; i < n; i++) g += r[i] * data[off + i];
      grad[f] = g;
    }
    const { rowPtr, active } = this;
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const ri = r[i];
      gb += ri;
      for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) grad[active[k]] += ri;
    }
    grad[F] = gb;
  }

  /** hess = [X 1]^T diag(h) [X 1], full symmetric (dim = cols + 1), overwritten. */
  gram(h: Float64Array, hess: Float64Array): void {
    const { rows: n, cols: F, data } = this.x;
    const dim = F + 1;
    const { rowPtr, active, scratch, dense } = this;
    hess.fill(0);
    for (let a = 0; a < dense.length; a++) {
      const fa = dense[a];
      let sum = 0;
      for (let i = 0, off = fa * n; i < n; i++) {
        const v = h[i] * data[off + i];
        scratch[i] = v;
        sum += v;
      }
      hess[fa * dim + F] = sum;
      for (let b = a; b < dense.length; b++) hess[fa * dim + dense[b]] = dot(scratch, data, dense[b] * n, n);
      // dense x indicator: scatter the weighted dense value into each active indicator's cell
      for (let i = 0; i < n; i++) {
        const v = scratch[i];
        for (let k = rowPtr[i]; k < rowPtr[i + 1]; k++) hess[fa * dim + active[k]] += v;
      }
    }
    let hb = 0;
    for (let i = 0; i < n; i++) {
      const hi = h[i];
      hb += hi;
      const end = rowPtr[i + 1];
      for (let k = rowPtr[i]; k < end; k++) {
        const base = active[k] * dim;
        for (let j = k; j < end; j++) hess[base + active[j]] += hi;
        hess[base + F] += hi;
      }
    }
    hess[F * dim + F] = hb;
    // Cells were written at [a][b] in whichever order the loops met them; fold into a symmetric matrix.
    for (let a = 0; a < dim; a++) {
      for (let b = a + 1; b < dim; b++) {
        const s = hess[a * dim + b] + hess[b * dim + a];
        hess[a * dim + b] = s;
        hess[b * dim + a] = s;
      }
    }
  }
}

function isIndicator(column: Float32Array): boolean {
  for (let i = 0; i < column.length; i++) if (column[i] !== 0 && column[i] !== 1) return false;
  return true;
}

function dot(a: Float64Array, data: Float32Array, offset: number, n: number): number {
  let s0 = 0;
  let s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    s0 += a[i] * data[offset + i];
    s1 += a[i + 1] * data[offset + i + 1];
  }
  if (i < n) s0 += a[i] * data[offset + i];
  return s0 + s1;
}
