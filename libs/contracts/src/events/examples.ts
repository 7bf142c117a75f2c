import type { EventMap } from './event-map';

const SHA_A = 'a'.repeat(64);
const SHA_B = '0123456789abcdef'.repeat(4);
const SHA_C = 'c0ffee'.repeat(10) + 'beef';

/** One valid payload per event: documentation in the JSON Schemas and fixtures for tests. */
export const EVENT_EXAMPLES: EventMap = {
  'keel.dataset.snapshotted': {
    dataset: 'churn',
    version: 3,
    sha256: SHA_A,
    rows: 5630,
    schema: {
      columns: [
        { name: 'tenure', type: 'number', nullable: true },
        { name: 'city_tier', type: 'category', nullable: false, categories: ['1', '2', '3'] },
        { name: 'churn', type: 'boolean', nullable: false },
      ],
    },
    profile: {
      columns: [
        {
          name: 'tenure',
          count: 5630,
          nulls: 264,
          numeric: { min: 0, max: 61, mean: 10.19, std: 8.56, histogram: { edges: [0, 20, 40, 61], counts: [4500, 800, 66] } },
        },
        { name: 'city_tier', count: 5630, nulls: 0, categorical: { counts: { '1': 3666, '2': 242, '3': 1722 } } },
      ],
    },
    artifactUri: `file:///var/keel/artifacts/${SHA_A}`,
    window: { from: '2026-11-01T00:00:00.000Z', to: '2026-11-27T12:00:00.000Z', offsets: [{ partition: 0, offset: '5629' }] },
  },
  'keel.training.requested': {
    jobId: 'job-01',
    model: 'churn-gbt',
    dataset: 'churn',
    datasetVersion: 3,
    snapshotSha256: SHA_A,
    algorithm: 'gradient-boosting',
    params: { trees: 100, depth: 4, learningRate: 0.1 },
    target: 'churn',
    seed: 42,
    reason: 'manual',
    requestedBy: 'operator',
  },
  'keel.training.completed': {
    jobId: 'job-01',
    runId: 'run-01',
    model: 'churn-gbt',
    dataset: 'churn',
    datasetVersion: 3,
    snapshotSha256: SHA_A,
    algorithm: 'gradient-boosting',
    params: { trees: 100, depth: 4, learningRate: 0.1 },
    seed: 42,
    metrics: { auc: 0.93, accuracy: 0.9, f1: 0.71 },
    artifactSha256: SHA_B,
    artifactUri: `file:///var/keel/artifacts/${SHA_B}`,
    codeVersion: '0.1.0+abc123',
    durationMs: 4210,
  },
  'keel.training.failed': {
    jobId: 'job-02',
    runId: null,
    model: 'churn-gbt',
    code: 'DATA_UNAVAILABLE',
    message: 'snapshot churn@7 does not exist',
    retryable: false,
  },
  'keel.model.registered': {
    model: 'churn-gbt',
    version: 1,
    runId: 'run-01',
    snapshotSha256: SHA_A,
    artifactSha256: SHA_B,
    artifactUri: `file:///var/keel/artifacts/${SHA_B}`,
    format: 'onnx',
    signature: {
      inputs: [{ name: 'features', datatype: 'FP32', shape: [-1, 18] }],
      outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [-1, 2] }],
    },
    metrics: { auc: 0.93 },
  },
  'keel.model.promoted': {
    model: 'churn-gbt',
    alias: 'production',
    fromVersion: null,
    toVersion: 1,
    artifactSha256: SHA_B,
    artifactUri: `file:///var/keel/artifacts/${SHA_B}`,
    format: 'onnx',
    reason: 'first model',
    promotedBy: 'operator',
  },
  'keel.inference.logged': {
    requestId: 'req-7',
    model: 'churn-gbt',
    version: 1,
    entityId: 'customer-50001',
    inputs: [{ name: 'features', datatype: 'FP32', shape: [1, 3], data: [4, 3, 6] }],
    outputs: [{ name: 'probabilities', datatype: 'FP32', shape: [1, 2], data: [0.8, 0.2] }],
    latencyMs: 1.7,
  },
  'keel.feedback': { requestId: 'req-7', entityId: 'customer-50001', model: 'churn-gbt', label: 1, observedAt: '2026-11-27T12:30:00.000Z' },
  'keel.monitoring.alert': {
    alertId: 'alert-01',
    model: 'churn-gbt',
    version: 1,
    kind: 'data_drift',
    severity: 'critical',
    window: { from: '2026-11-27T12:00:00.000Z', to: '2026-11-27T13:00:00.000Z', rows: 1000 },
    baselineSnapshotSha256: SHA_C,
    evidence: {
      features: [{ feature: 'tenure', test: 'ks', statistic: 0.31, pValue: 0.0001, threshold: 0.05, drifted: true }],
      datasetDrift: true,
      driftedShare: 0.55,
    },
    message: '10 of 18 features drifted',
    retrainJobId: 'job-03',
  },
  'keel.ingest.record': { CustomerID: 50001, Churn: 1, Tenure: 4, PreferredLoginDevice: 'Mobile Phone', CityTier: 3 },
};
