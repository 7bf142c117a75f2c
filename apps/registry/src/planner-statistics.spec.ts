import { tablesToAnalyze } from './planner-statistics';

describe('tablesToAnalyze', () => {
  it('should pick tables never analysed, and tables changed by more than 200 rows + 10 % since', () => {
    expect(
      tablesToAnalyze([
        { relname: 'runs', live: 0, changed: 0, analyzed: false },
        { relname: 'run_params', live: '10000', changed: '1201', analyzed: true },
        { relname: 'run_tags', live: '10000', changed: '1200', analyzed: true },
        { relname: 'run_latest_metrics', live: 150, changed: 216, analyzed: true },
      ]),
    ).toEqual(['runs', 'run_params', 'run_latest_metrics']);
  });

  it('should leave fresh statistics alone', () => {
    expect(tablesToAnalyze([{ relname: 'runs', live: 100000, changed: 5000, analyzed: true }])).toEqual([]);
  });
});
