import { DEFAULT_PROMOTION_POLICY, evaluateGate, type GateInput } from './gate';

const inputs = [
  { name: 'Tenure', datatype: 'FP32' },
  { name: 'Gender', datatype: 'BYTES' },
];

function gate(over: Partial<GateInput>, policy = DEFAULT_PROMOTION_POLICY) {
  return evaluateGate(policy, {
    challenger: { auc: 0.9, accuracy: 0.88 },
    challengerInputs: inputs,
    champion: { version: 1, metrics: { auc: 0.89 }, inputs },
    rows: 100,
    ...over,
  });
}

describe('evaluateGate', () => {
  it('should promote when there is no champion and no minimum fails', () => {
    const d = gate({ champion: null });
    expect(d).toMatchObject({ promoted: true, championVersion: null, reasons: ['first version'] });
  });

  it('should promote when the challenger beats production on the same rows', () => {
    expect(gate({})).toMatchObject({ promoted: true, championVersion: 1, championValue: 0.89 });
  });

  it('should refuse with the numbers when the challenger regresses more than allowed', () => {
    const d = gate({ challenger: { auc: 0.8 } });
    expect(d.promoted).toBe(false);
    expect(d.reasons[0]).toBe('auc 0.8000 vs production v1 0.8900 on the same 100 rows: regression 0.0900 > 0 allowed');
  });

  it('should allow a regression within max_regression', () => {
    expect(gate({ challenger: { auc: 0.88 } }, { ...DEFAULT_PROMOTION_POLICY, maxRegression: 0.02 }).promoted).toBe(
      true,
    );
  });

  it('should refuse when a minimum metric is not met', () => {
    const d = gate({ champion: null }, { ...DEFAULT_PROMOTION_POLICY, minMetrics: { auc: 0.95 } });
    expect(d).toMatchObject({ promoted: false, reasons: ['auc 0.9000 < 0.95 (minimum)'] });
  });

  it('should refuse when the inputs differ from production', () => {
    const d = gate({ challengerInputs: [{ name: 'Tenure', datatype: 'FP32' }] });
    expect(d.promoted).toBe(false);
    expect(d.reasons).toEqual(['signature differs from production v1; missing inputs Gender:BYTES']);
  });

  it('should refuse when production cannot score the rows', () => {
    const d = gate({ champion: { version: 2, metrics: null, error: 'column "X" is missing', inputs } });
    expect(d.reasons[0]).toContain('production v2 cannot score the same rows: column "X" is missing');
  });
});
