import { csvColumns, loadPipeline, parseCsv } from '@keel/ml';
import { readFileSync } from 'node:fs';
import { CHURN_CSV } from '../testing/churn-snapshot';
import { runEvaluateTask, runTrainTask, type TrainTaskInput } from './train-task';

describe('runTrainTask', () => {
  const columns = Object.fromEntries(
    // The first 1000 rows keep the test fast; the integration test trains on every row.
    [...csvColumns(parseCsv(readFileSync(CHURN_CSV, 'utf8')))].map(([k, v]) => [k, [...v].slice(0, 1000)]),
  );
  const input: TrainTaskInput = {
    columns,
    target: 'Churn',
    idColumn: 'CustomerID',
    algo: 'lr',
    params: {},
    seed: 7,
    champion: null,
  };
  const first = runTrainTask(input, () => undefined);

  it('should ship a model refitted on train + validation and measured on the held-out test rows', () => {
    const total = columns['Churn'].length;
    expect(first.rows.train + first.rows.validation + first.rows.test).toBe(total);
    expect(first.rows.test).toBeGreaterThan(total * 0.19);
    expect(loadPipeline(first.onnx).card.trainingRows).toBe(first.rows.train + first.rows.validation);
    expect(first.metrics.test.auc).toBeGreaterThan(0.7);
    expect(first.signature.inputs.map((i) => i.name)).not.toContain('CustomerID');
    expect(first.card.importances.permutation?.columns.length).toBeGreaterThan(0);
  });

  it('should write byte-identical ONNX when run again with the same data, params and seed', () => {
    const again = runTrainTask(input, () => undefined);
    expect(Buffer.from(again.onnx).equals(Buffer.from(first.onnx))).toBe(true);
  });

  it('should score the champion on the same test rows as the challenger', () => {
    const scored = runEvaluateTask({ columns, target: 'Churn', seed: 7, challenger: first.onnx, champion: first.onnx });
    expect(scored.rows).toBe(first.rows.test);
    expect(scored.challenger).toEqual({ test: first.metrics.test });
    expect(scored.champion).toEqual({ test: first.metrics.test });
  });

  it('should report a champion that cannot score the rows instead of failing', () => {
    const { Tenure: _t, ...withoutTenure } = columns;
    const scored = runEvaluateTask({
      columns: withoutTenure,
      target: 'Churn',
      seed: 7,
      challenger: first.onnx,
      champion: null,
    });
    expect(scored.challenger).toEqual({ error: expect.stringContaining('Tenure') });
  });
});
