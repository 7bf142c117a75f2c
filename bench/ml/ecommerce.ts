// E-commerce churn: each learner against scikit-learn 1.2.1 on the same stratified 80/20 split; fit
// times are medians of `repeats` fits, scikit-learn's and ours alternating so both see the same load.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ALGOS, csvColumns, fitPipeline, parseCsv, selectRows, toTable, type Metrics } from '@keel/ml';
import { SklearnClient } from './sklearn-client';

export const ECOMMERCE_CSV = join(__dirname, '../../../shared/data/ecommerce-customer-churn.csv');

const WARMUP = 3;

export async function benchEcommerce(
  csv: string,
  repeats: number,
  print: (name: string, value: number, unit: string) => void,
): Promise<void> {
  const sklearn = new SklearnClient(csv);
  try {
    const split = await sklearn.split();
    const table = toTable(csvColumns(parseCsv(readFileSync(csv, 'utf8'))));
    const train = selectRows(table, split.train);
    const test = selectRows(table, split.test);
    process.stdout.write(
      `# scikit-learn ${split.sklearn}, ${split.train.length} train / ${split.test.length} test rows, median of ${repeats} interleaved fits\n`,
    );
    for (const algo of ALGOS) {
      const options = { target: 'Churn', idColumn: 'CustomerID', algo, seed: 42 };
      // Warm-up fits on both sides (JIT compilation here, first-call caches there), then alternate.
      for (let w = 0; w < WARMUP; w++) {
        fitPipeline(train, options);
        await sklearn.fit(algo);
      }
      const ours: number[] = [];
      const theirs: number[] = [];
      let pipeline = fitPipeline(train, options);
      for (let r = 0; r < repeats; r++) {
        theirs.push(await sklearn.fit(algo));
        const start = process.hrtime.bigint();
        pipeline = fitPipeline(train, options);
        ours.push(Number(process.hrtime.bigint() - start) / 1e9);
      }
      const m: Metrics = pipeline.evaluate(test);
      const sk = await sklearn.metrics(algo);
      const seconds = median(ours);
      const skSeconds = median(theirs);
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
      print(`${algo}_sklearn_train_s`, skSeconds, 's');
      print(`${algo}_vs_sklearn_time`, seconds / skSeconds, 'ratio');
    }
  } finally {
    sklearn.close();
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
