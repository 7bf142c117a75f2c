import { computeMetrics, rocAuc } from './metrics';

describe('metrics', () => {
  it('should compute AUC 1 for a perfect ranking and 0.5 for all-tied scores', () => {
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.2, 0.8, 0.9])).toBe(1);
    expect(rocAuc([0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5])).toBe(0.5);
  });

  it('should count ties as half when scores tie across classes', () => {
    // pairs (pos, neg): (0.4 vs 0.1) win, (0.4 vs 0.4) tie, (0.9 vs both) win -> (1 + 0.5 + 2) / 4
    expect(rocAuc([0, 0, 1, 1], [0.1, 0.4, 0.4, 0.9])).toBeCloseTo(0.875, 12);
  });

  it('should match scikit-learn on a small example when computing every metric', () => {
    const y = [1, 0, 1, 1, 0, 0, 1, 0];
    const p = [0.9, 0.3, 0.6, 0.4, 0.7, 0.2, 0.8, 0.1];
    const m = computeMetrics(y, p);
    expect(m.confusion).toEqual({ tn: 3, fp: 1, fn: 1, tp: 3 });
    expect(m.accuracy).toBe(0.75);
    expect(m.precision).toBe(0.75);
    expect(m.recall).toBe(0.75);
    expect(m.f1).toBe(0.75);
    // sklearn.metrics.roc_auc_score / log_loss on the same arrays
    expect(m.auc).toBeCloseTo(0.875, 12);
    expect(m.logLoss).toBeCloseTo(0.45559653, 7);
  });

  it('should reject probabilities outside [0, 1] when evaluating', () => {
    expect(() => computeMetrics([0, 1], [0.2, NaN])).toThrow(/row 2/);
  });

  it('should return NaN AUC and zero precision when only one class is present', () => {
    const m = computeMetrics([0, 0], [0.1, 0.2]);
    expect(m.auc).toBeNaN();
    expect(m.precision).toBe(0);
    expect(m.f1).toBe(0);
  });
});
