import { computeMetrics } from '@keel/ml';
import { JoinStore, entityKey, requestKey } from './join-store';
import { PerformanceWindow, binaryLabel } from './performance-window';

const options = { ttlMs: 1000, maxEntries: 3, earlyLabelTtlMs: 100, maxEarlyLabels: 2 };
const p = (positive: number, at: number) => ({ model: 'm', version: 1, positive, at });

describe('JoinStore', () => {
  it('should join a label to its prediction once, by request id and row or by entity id', () => {
    const s = new JoinStore(options);
    s.addPrediction([requestKey('r1', 0), entityKey('c1')], p(0.9, 0));
    expect(s.takeForLabel(requestKey('r1', 0), 1, 10)).toMatchObject({ positive: 0.9 });
    expect(s.takeForLabel(entityKey('c1'), 1, 10)).toMatchObject({ positive: 0.9 });
    expect(s.takeForLabel(requestKey('r1', 0), 1, 10)).toBeNull();
    expect(s.counters.matched).toBe(2);
  });

  it('should keep at most maxEntries predictions and drop them after the TTL', () => {
    const s = new JoinStore(options);
    for (let i = 0; i < 5; i++) s.addPrediction([requestKey(`r${i}`, 0)], p(0.1, i));
    expect(s.size).toBe(3);
    expect(s.counters.evicted).toBe(2);
    s.expire(1003);
    expect(s.size).toBe(1);
    expect(s.counters.expired).toBe(2);
  });

  it('should count a label that never finds its prediction as unmatched without keeping it', () => {
    const s = new JoinStore(options);
    expect(s.takeForLabel(requestKey('late', 0), 1, 0)).toBeNull();
    expect(s.earlySize).toBe(1);
    s.expire(200);
    expect(s.earlySize).toBe(0);
    expect(s.counters.unmatched).toBe(1);
    for (let i = 0; i < 5; i++) s.takeForLabel(requestKey(`x${i}`, 0), 0, 300);
    expect(s.earlySize).toBe(2);
    expect(s.counters.unmatched).toBe(4);
  });

  it('should hand an early label to the prediction that arrives after it', () => {
    const s = new JoinStore(options);
    s.takeForLabel(requestKey('r9', 2), 1, 0);
    expect(s.addPrediction([requestKey('r9', 2)], p(0.4, 5))).toEqual({ label: 1, at: 0 });
    expect(s.size).toBe(0);
  });
});

describe('PerformanceWindow', () => {
  it('should close every N labels with the metrics libs/ml computes on the same rows', () => {
    const w = new PerformanceWindow(4);
    const scores = [0.9, 0.2, 0.7, 0.4];
    const labels = [1, 0, 0, 1] as const;
    const closed = scores.map((s, i) => w.add(s, labels[i]!, 100 + i)).filter((c) => c !== null);
    expect(closed).toHaveLength(1);
    const batch = computeMetrics(labels, scores);
    expect(closed[0]!.metrics).toEqual({
      rows: 4,
      positives: 2,
      auc: batch.auc,
      accuracy: batch.accuracy,
      precision: batch.precision,
      recall: batch.recall,
      f1: batch.f1,
      log_loss: batch.logLoss,
    });
    expect(closed[0]).toMatchObject({ seq: 1, from: 100, to: 103 });
    expect(w.pending).toBe(0);
  });

  it('should report a null AUC for a window with one class', () => {
    const w = new PerformanceWindow(2);
    w.add(0.3, 0, 1);
    expect(w.add(0.6, 0, 2)!.metrics.auc).toBeNull();
  });

  it('should read labels as 1 or 0 and refuse others', () => {
    expect([1, 0, true, false, 'yes', ' 0 ', 'TRUE'].map(binaryLabel)).toEqual([1, 0, 1, 0, 1, 0, 1]);
    expect([2, 'maybe'].map(binaryLabel)).toEqual([null, null]);
  });
});
