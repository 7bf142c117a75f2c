// Seeded bench windows: numeric columns of several shapes (some shifted in the current window) and
// categorical columns with Zipf-like shares (some reshuffled).
import { Random } from '@keel/ml';

export interface BenchColumns {
  numeric: Record<string, Float64Array>;
  categorical: Record<string, string[]>;
}

export function numericValue(r: Random, j: number, current: boolean): number {
  const shift = current && j % 3 === 0 ? 0.05 * (j + 1) : 0;
  switch (j % 5) {
    case 0:
      return r.nextFloat() + r.nextFloat() + r.nextFloat() + r.nextFloat() - 2 + shift;
    case 1:
      return 100 * r.nextFloat() ** 4 + shift;
    case 2:
      return 1 / (r.nextFloat() + 0.05) + shift;
    case 3:
      return r.nextInt(50) + Math.round(shift * 10);
    default:
      return 10 + 5 * r.nextFloat() + shift;
  }
}

export function categoryValue(r: Random, j: number, current: boolean): string {
  const k = 3 + 5 * j;
  // Zipf-ish: inverse-CDF on a power of a uniform; current windows of odd columns lean further.
  const p = current && j % 2 === 1 ? 1.6 : 1.4;
  return `c${j}_${Math.floor(k * r.nextFloat() ** p)}`;
}

export function makeWindow(rows: number, seed: number, current: boolean): BenchColumns {
  const r = new Random(seed);
  const out: BenchColumns = { numeric: {}, categorical: {} };
  for (let j = 0; j < 10; j++) {
    const xs = new Float64Array(rows);
    for (let i = 0; i < rows; i++) xs[i] = numericValue(r, j, current);
    out.numeric[`num${j}`] = xs;
    const cs = new Array<string>(rows);
    for (let i = 0; i < rows; i++) cs[i] = categoryValue(r, j, current);
    out.categorical[`cat${j}`] = cs;
  }
  return out;
}
