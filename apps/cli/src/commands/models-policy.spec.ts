import { policyRequest } from './models-policy';

describe('policyRequest', () => {
  it('should return null when no flag sets anything', () => {
    expect(policyRequest('churn', { signatureMatch: true })).toBeNull();
  });

  it('should build the policy from --min, --compare-metric, --max-regression and --no-signature-match', () => {
    expect(
      policyRequest('churn', { min: ['auc=0.8', 'f1=0.5'], maxRegression: '0.01', signatureMatch: false }),
    ).toEqual({
      model: 'churn',
      minMetrics: [
        { metric: 'auc', min: 0.8 },
        { metric: 'f1', min: 0.5 },
      ],
      compareMetric: 'auc',
      maxRegression: 0.01,
      requireSignatureMatch: false,
    });
  });

  it('should reject a malformed bound or regression with a usage error', () => {
    expect(() => policyRequest('churn', { min: ['auc>0.8'], signatureMatch: true })).toThrow(/--min must be/);
    expect(() => policyRequest('churn', { maxRegression: '2', signatureMatch: true })).toThrow(/--max-regression/);
  });
});
