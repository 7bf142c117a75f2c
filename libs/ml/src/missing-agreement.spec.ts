// Training and drift read missing cells with the one definition in core: the same cells that training
// leaves out (numeric NaN, categorical '') are the ones drift counts as missing.
import { isMissing } from './core';
import { detectDrift } from './drift';
import { fitPipeline, summarizeData } from './learn';

const cells = ['NA', ' n/a', 'NaN', 'null ', 'None', '', '\t', 'nan', 'NULL', 'x', 'N', 'nil', '\u00a0', 'NA-1'];

describe('one missing-value definition', () => {
  it('should count the same categorical cells as missing in drift and in training', () => {
    const column = [...cells, 'a', 'b', 'a'];
    const expected = column.filter((c) => isMissing(c)).length;
    expect(expected).toBe(9);
    const drift = detectDrift({ c: column }, { c: column });
    expect(drift.columns.c.missing_ref).toBeCloseTo(expected / column.length, 12);
    const label = column.map((_, i) => (i % 2 === 0 ? '1' : '0'));
    const pipeline = fitPipeline({ c: column, y: label }, { target: 'y', algo: 'lr', seed: 1 });
    const summary = summarizeData(pipeline, { c: column, y: label });
    expect(summary.columns[0]).toMatchObject({ type: 'categorical', missing: expected });
  });

  it('should count the same numeric cells as missing in drift and in training', () => {
    const missing = cells.filter((c) => isMissing(c));
    const column = [...missing, '1', '2', '3', '4'];
    const drift = detectDrift({ v: column }, { v: column });
    expect(drift.columns.v.kind).toBe('numeric');
    expect(drift.columns.v.missing_ref).toBeCloseTo(missing.length / column.length, 12);
    const label = column.map((_, i) => (i % 2 === 0 ? '1' : '0'));
    const pipeline = fitPipeline({ v: column, y: label }, { target: 'y', algo: 'gbdt', seed: 1 });
    expect(pipeline.card.features).toEqual([{ name: 'v', type: 'numeric' }]);
    expect(summarizeData(pipeline, { v: column, y: label }).columns[0]).toMatchObject({ missing: missing.length });
  });
});
