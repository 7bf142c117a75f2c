import { compareRuns } from './run-compare';
import type { RunView } from './runs.repository';

const run = (id: string, params: Record<string, string>, metrics: Record<string, number>): RunView => ({
  id,
  experimentId: 'e',
  name: id,
  status: 'FINISHED',
  startTime: 1,
  endTime: 2,
  snapshotSha256: null,
  params: Object.entries(params).map(([key, value]) => ({ runId: id, key, value })),
  tags: [],
  latestMetrics: Object.entries(metrics).map(([key, value]) => ({ runId: id, key, value, step: 0, timestamp: 0 })),
});

describe('compareRuns', () => {
  it('should line up every key across runs and flag only those that differ', () => {
    const res = compareRuns([
      run('a', { lr: '0.1', depth: '4' }, { auc: 0.8 }),
      run('b', { lr: '0.1' }, { auc: 0.8, loss: 0.2 }),
    ]);
    expect(res.params).toEqual([
      { key: 'depth', values: ['4', ''], differs: true },
      { key: 'lr', values: ['0.1', '0.1'], differs: false },
    ]);
    expect(res.metrics).toEqual([
      { key: 'auc', values: ['0.8', '0.8'], differs: false },
      { key: 'loss', values: ['', '0.2'], differs: true },
    ]);
  });
});
