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
