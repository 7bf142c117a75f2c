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
  /** The same indicator cells by column: rows of indicator[j] are colRows[colPtr[j] .. colPtr[j + 1]). */
  private readonly indicator: Int32Array;
  private readonly colPtr: Int32Array;
  private readonly colRows: Int32Array;
  private readonly scratch: Float64Array;
  /** Dense columns widened to float64 once (d-th dense column at d * rows). */
  private readonly denseData: Float64Array;

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
    for (const f of indicator)
      for (let i = 0, off = f * n; i < n; i++) if (data[off + i] !== 0) this.active[fill[i]++] = f;
    this.indicator = Int32Array.from(indicator);
    this.colPtr = new Int32Array(indicator.length + 1);
    this.colRows = new Int32Array(this.rowPtr[n]);
    indicator.forEach((f, j) => {
      let k = this.colPtr[j];
      for (let i = 0, off = f * n; i < n; i++) if (data[off + i] !== 0) this.colRows[k++] = i;
      this.colPtr[j + 1] = k;
    });
    this.scratch = new Float64Array(n);
    this.denseData = new Float64Array(this.dense.length * n);
    this.dense.forEach((f, d) => this.denseData.set(data.subarray(f * n, (f + 1) * n), d * n));
  }

  /** margin[i] = v[F] + sum_f v[f] x[i, f] (v has the intercept last). */
  margins(v: Float64Array, margin: Float64Array): void {
    const { rows: n, cols: F } = this.x;
    const { dense, denseData } = this;
    margin.fill(v[F]);
    for (let d = 0; d < dense.length; d++) {
      const c = v[dense[d]];
      for (let i = 0, off = d * n; i < n; i++) margin[i] += c * denseData[off + i];
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
    const { rows: n, cols: F } = this.x;
    const { dense, denseData } = this;
    grad.fill(0);
    for (let d = 0; d < dense.length; d++) {
      let g = 0;
      for (let i = 0, off = d * n; i < n; i++) g += r[i] * denseData[off + i];
      grad[dense[d]] = g;
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
    const { rows: n, cols: F } = this.x;
    const dim = F + 1;
    const { rowPtr, active, scratch, dense, indicator, colPtr, colRows, denseData } = this;
    hess.fill(0);
    for (let a = 0; a < dense.length; a++) {
      const fa = dense[a];
      let sum = 0;
      for (let i = 0, off = a * n; i < n; i++) {
        const v = h[i] * denseData[off + i];
        scratch[i] = v;
        sum += v;
      }
      hess[fa * dim + F] = sum;
      for (let b = a; b < dense.length; b++) hess[fa * dim + dense[b]] = dot(scratch, denseData, b * n, n);
      // dense x indicator: sum the weighted dense values over each indicator's rows
      for (let j = 0; j < indicator.length; j++) {
        let s = 0;
        for (let p = colPtr[j]; p < colPtr[j + 1]; p++) s += scratch[colRows[p]];
        hess[fa * dim + indicator[j]] = s;
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

function dot(a: Float64Array, data: Float64Array, offset: number, n: number): number {
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
