import { Random } from '../core';
import { linearProblem } from './learners.fixtures';
import { DEFAULT_LOGISTIC, fitLogistic, logisticMargin, sigmoid } from './logistic';

describe('fitLogistic', () => {
  it('should reach the optimum (zero gradient of the penalised loss) when fitted', () => {
    const { x, y } = linearProblem(2000, 1);
    const model = fitLogistic(x, y, { ...DEFAULT_LOGISTIC, tol: 1e-9 });
    const p = logisticMargin(model, x).map(sigmoid);
    const grad = new Float64Array(x.cols + 1);
    for (let i = 0; i < x.rows; i++) {
      const r = p[i] - y[i];
      for (let f = 0; f < x.cols; f++) grad[f] += r * x.data[f * x.rows + i];
      grad[x.cols] += r;
    }
    for (let f = 0; f < x.cols; f++) grad[f] += model.coefficients[f] / DEFAULT_LOGISTIC.C;
    // float32 coefficients leave a small residual; a wrong solution is off by whole units
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(0.05);
  });

  it('should recover the generating coefficients when the data is large', () => {
    const { x, y } = linearProblem(20000, 2);
    const { coefficients } = fitLogistic(x, y, DEFAULT_LOGISTIC);
    expect(coefficients[0]).toBeCloseTo(1.5, 0);
    expect(coefficients[1]).toBeCloseTo(-2, 0);
    expect(coefficients[2]).toBeCloseTo(0.5, 0);
    expect(coefficients[3] - coefficients[4]).toBeCloseTo(1.4, 0);
  });

  it('should shrink coefficients when C is smaller', () => {
    const { x, y } = linearProblem(2000, 3);
    const strong = fitLogistic(x, y, { ...DEFAULT_LOGISTIC, C: 0.001 });
    const weak = fitLogistic(x, y, { ...DEFAULT_LOGISTIC, C: 100 });
    expect(Math.abs(strong.coefficients[1])).toBeLessThan(Math.abs(weak.coefficients[1]) / 5);
  });

  it('should stay finite when the classes are perfectly separable', () => {
    const rows = 200;
    const data = new Float32Array(rows);
    const y = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      data[i] = i < 100 ? -1 - i / 100 : 1 + i / 100;
      y[i] = i < 100 ? 0 : 1;
    }
    const model = fitLogistic({ rows, cols: 1, data }, y, DEFAULT_LOGISTIC);
    expect(Number.isFinite(model.coefficients[0])).toBe(true);
    expect(model.coefficients[0]).toBeGreaterThan(1);
  });

  it('should throw when C is not positive', () => {
    const { x, y } = linearProblem(10, 1);
    expect(() => fitLogistic(x, y, { ...DEFAULT_LOGISTIC, C: 0 })).toThrow(/C must be a positive number/);
  });
});

describe('fitLogistic solvers', () => {
  it('should reach the same optimum with L-BFGS as with Newton when both are asked for', () => {
    const { x, y } = linearProblem(3000, 4);
    const newton = fitLogistic(x, y, { ...DEFAULT_LOGISTIC, solver: 'newton', tol: 1e-9 });
    const lbfgs = fitLogistic(x, y, { ...DEFAULT_LOGISTIC, solver: 'lbfgs', tol: 1e-9 });
    expect(newton.solver).toBe('newton');
    expect(lbfgs.solver).toBe('lbfgs');
    for (let f = 0; f < x.cols; f++) expect(lbfgs.coefficients[f]).toBeCloseTo(newton.coefficients[f], 3);
    expect(lbfgs.intercept).toBeCloseTo(newton.intercept, 3);
  });

  it('should switch to L-BFGS when the design is wider than newtonMaxFeatures', () => {
    const { x, y } = linearProblem(500, 5);
    expect(fitLogistic(x, y, { ...DEFAULT_LOGISTIC, newtonMaxFeatures: 4 }).solver).toBe('lbfgs');
    expect(fitLogistic(x, y, { ...DEFAULT_LOGISTIC, newtonMaxFeatures: 5 }).solver).toBe('newton');
  });

  it('should fit a one-hot block of 3,000 levels with L-BFGS to a near-zero gradient when left on auto', () => {
    const rows = 6000;
    const levels = 3000;
    const random = new Random(8);
    const data = new Float32Array(rows * (levels + 1));
    const y = new Uint8Array(rows);
    for (let i = 0; i < rows; i++) {
      const v = random.nextFloat() * 2 - 1;
      const level = random.nextInt(levels);
      data[i] = v;
      data[(1 + level) * rows + i] = 1;
      y[i] = random.nextFloat() < 1 / (1 + Math.exp(-(2 * v + (level % 2 === 0 ? 1 : -1)))) ? 1 : 0;
    }
    const x = { rows, cols: levels + 1, data };
    const model = fitLogistic(x, y, DEFAULT_LOGISTIC);
    expect(model.solver).toBe('lbfgs');
    const p = logisticMargin(model, x).map(sigmoid);
    const grad = new Float64Array(x.cols);
    for (let i = 0; i < rows; i++) for (let f = 0; f < x.cols; f++) grad[f] += (p[i] - y[i]) * data[f * rows + i];
    for (let f = 0; f < x.cols; f++) grad[f] += model.coefficients[f] / DEFAULT_LOGISTIC.C;
    // tol 1e-5 per row bounds the float64 gradient; float32 coefficients add a little
    expect(Math.max(...Array.from(grad, Math.abs))).toBeLessThan(0.1);
    expect(model.coefficients[0]).toBeGreaterThan(1);
  });
});
