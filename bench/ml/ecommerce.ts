// E-commerce churn: each learner against scikit-learn 1.2.1 on the same stratified 80/20 split; fit
// times are medians of `repeats` fits, scikit-learn's and ours alternating so both see the same load.
// Then what `npm run train` ships (refitted after validation, and with --no-refit) scored on the same
// held-out rows, and the cost of explaining a row against scoring it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ALGOS, csvColumns, fitPipeline, parseCsv, selectRows, toTable, type Metrics } from '@keel/ml';
import { SklearnClient } from './sklearn-client';
import { TrainCommand } from './train-command';

/** shared/data/ecommerce-customer-churn.csv in the nearest directory above this checkout that has it. */
export function ecommerceCsv(): string {
  for (let dir = __dirname; dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'shared', 'data', 'ecommerce-customer-churn.csv');
    if (existsSync(candidate)) return candidate;
  }
  throw new Error('cannot find shared/data/ecommerce-customer-churn.csv above the checkout; pass --data');
}

const WARMUP = 3;

export async function benchEcommerce(
  csv: string,
  repeats: number,
  print: (name: string, value: number, unit: string) => void,
): Promise<void> {
  const sklearn = new SklearnClient(csv);
  const parsed = parseCsv(readFileSync(csv, 'utf8'));
  let command: TrainCommand | null = null;
  try {
    const split = await sklearn.split();
    command = new TrainCommand(parsed, split.train, split.test);
    const table = toTable(csvColumns(parsed));
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
      // What the command ships: refitted on every train row after its own 80/20 validation, or not.
      const shipped = await command.ship(algo, true);
      const trainOnly = await command.ship(algo, false);
      print(`${algo}_train_cmd_auc`, shipped.auc, 'auc');
      print(`${algo}_train_cmd_auc_delta`, shipped.auc - sk.auc, 'auc');
      print(`${algo}_train_cmd_norefit_auc`, trainOnly.auc, 'auc');
      print(`${algo}_train_cmd_norefit_auc_delta`, trainOnly.auc - sk.auc, 'auc');
      print(`${algo}_train_cmd_s`, shipped.seconds, 's');
      // Explanations (TreeSHAP / linear) against plain scoring of the same test rows.
      const scoreSeconds = timed(() => pipeline.predictProba(test), 3);
      const explainSeconds = timed(() => pipeline.explain(test), 1);
      print(`${algo}_explain_ms_per_row`, (explainSeconds * 1000) / test.rows, 'ms');
      print(`${algo}_explain_vs_predict_time`, explainSeconds / scoreSeconds, 'ratio');
    }
  } finally {
    sklearn.close();
    command?.close();
  }
}

/** Median seconds of `repeats` runs after one warm-up run. */
function timed(run: () => unknown, repeats: number): number {
  run();
  const seconds: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const start = process.hrtime.bigint();
    run();
    seconds.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return median(seconds);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
