// E-commerce churn: each learner against scikit-learn 1.2.1 on the same stratified 80/20 split, fit
// times as the median of `repeats` fits (after one warm-up fit), both measured in this run.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALGOS, csvColumns, fitPipeline, parseCsv, selectRows, toTable, type Algo, type Metrics } from '@keel/ml';

export const ECOMMERCE_CSV = join(__dirname, '../../../shared/data/ecommerce-customer-churn.csv');

interface SklearnResult {
  auc: number;
  accuracy: number;
  f1: number;
  log_loss: number;
  fit_s: number;
}

interface SklearnRun {
  sklearn: string;
  train: number[];
  test: number[];
  results: Record<Algo, SklearnResult>;
}

export function runSklearn(csv: string, repeats: number): SklearnRun {
  const script = join(__dirname, 'sklearn-reference.py');
  const run = spawnSync('/usr/bin/python3', [script, csv, 'Churn', 'CustomerID', String(repeats)], {
    encoding: 'utf8',
    env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    timeout: 300_000,
  });
  if (run.status !== 0) throw new Error(`scikit-learn reference failed (is python3-sklearn installed?): ${run.stderr || run.error?.message}`);
  return JSON.parse(run.stdout) as SklearnRun;
}

export function benchEcommerce(csv: string, repeats: number, print: (name: string, value: number, unit: string) => void): void {
  const reference = runSklearn(csv, repeats);
  const table = toTable(csvColumns(parseCsv(readFileSync(csv, 'utf8'))));
  const train = selectRows(table, reference.train);
  const test = selectRows(table, reference.test);
  process.stdout.write(`# scikit-learn ${reference.sklearn}, ${reference.train.length} train / ${reference.test.length} test rows, median of ${repeats} fits\n`);
  for (const algo of ALGOS) {
    const options = { target: 'Churn', idColumn: 'CustomerID', algo, seed: 42 };
    fitPipeline(train, options); // warm-up: JIT compilation, as scikit-learn's imports are already done
    const times: number[] = [];
    let pipeline = fitPipeline(train, options);
    for (let r = 0; r < repeats; r++) {
      const start = process.hrtime.bigint();
      pipeline = fitPipeline(train, options);
      times.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    const seconds = median(times);
    const m: Metrics = pipeline.evaluate(test);
    const sk = reference.results[algo];
    print(`${algo}_auc`, m.auc, 'auc');
    print(`${algo}_sklearn_auc`, sk.auc, 'auc');
    print(`${algo}_auc_delta`, m.auc - sk.auc, 'auc');
    print(`${algo}_accuracy`, m.accuracy, 'fraction');
    print(`${algo}_sklearn_accuracy`, sk.accuracy, 'fraction');
    print(`${algo}_f1`, m.f1, 'f1');
    print(`${algo}_sklearn_f1`, sk.f1, 'f1');
    print(`${algo}_log_loss`, m.logLoss, 'nats');
    print(`${algo}_sklearn_log_loss`, sk.log_loss, 'nats');
    print(`${algo}_train_s`, seconds, 's');
    print(`${algo}_sklearn_train_s`, sk.fit_s, 's');
    print(`${algo}_vs_sklearn_time`, seconds / sk.fit_s, 'ratio');
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
