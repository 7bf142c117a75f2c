// Synthetic 30-column table (25 numeric with 2% missing, 5 categorical), a noisy non-linear target.
// Each learner and size runs in its own process; it reports fit time and peak RSS above the data.
import { spawnSync } from 'node:child_process';
import { type Algo, ALGOS, fitPipeline, isAlgo, Random, type Cell, type ColumnValues } from '@keel/ml';

const NUMERIC = 25;
const CATEGORICAL = 5;
const LEVELS = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
// Full-depth forests on a million noisy rows hold tens of millions of nodes: the big run caps the depth
// and draws each bootstrap sample as 10 % of the rows (scikit-learn's max_samples).
const SYNTHETIC_PARAMS: Record<Algo, Record<string, unknown>> = {
  lr: {},
  rf: { maxDepth: 12, maxSamples: 0.1 },
  gbdt: {},
};

export function syntheticTable(rows: number, seed: number): Map<string, ColumnValues> {
  const random = new Random(seed);
  const columns = new Map<string, ColumnValues>();
  const numeric: Float64Array[] = [];
  for (let c = 0; c < NUMERIC; c++) {
    const values = new Float64Array(rows);
    for (let i = 0; i < rows; i++) values[i] = random.nextFloat() < 0.02 ? NaN : gaussian(random) * (c + 1);
    numeric.push(values);
    columns.set(`x${c}`, values);
  }
  const categorical: Uint8Array[] = [];
  for (let c = 0; c < CATEGORICAL; c++) {
    const codes = new Uint8Array(rows);
    const values = new Array<Cell>(rows);
    for (let i = 0; i < rows; i++) {
      codes[i] = random.nextInt(LEVELS.length);
      values[i] = LEVELS[codes[i]];
    }
    categorical.push(codes);
    columns.set(`c${c}`, values);
  }
  const target = new Float64Array(rows);
  for (let i = 0; i < rows; i++) {
    const v = (c: number): number => (Number.isNaN(numeric[c][i]) ? 0 : numeric[c][i] / (c + 1));
    const s =
      1.2 * v(0) -
      0.8 * v(1) +
      0.6 * v(2) * v(3) +
      (v(4) > 0.5 ? 1 : -0.5) +
      0.4 * Math.sin(3 * v(5)) +
      (categorical[0][i] < 3 ? 0.7 : -0.3) -
      0.5;
    target[i] = random.nextFloat() < 1 / (1 + Math.exp(-2 * s)) ? 1 : 0;
  }
  columns.set('y', target);
  return columns;
}

export function runSyntheticChild(algo: string, rows: number): void {
  if (!isAlgo(algo)) throw new Error(`unknown algo ${algo}`);
  const table = syntheticTable(rows, 7);
  const before = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  const pipeline = fitPipeline(table, { target: 'y', algo, seed: 42, params: SYNTHETIC_PARAMS[algo] });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const peak = process.resourceUsage().maxRSS * 1024;
  const auc = pipeline.evaluate(syntheticTable(50_000, 8)).auc;
  const iterations = pipeline.card.iterations;
  process.stdout.write(
    `${JSON.stringify({ seconds, dataMb: before / 2 ** 20, peakMb: peak / 2 ** 20, auc, iterations })}\n`,
  );
}

export function benchSynthetic(
  script: string,
  sizes: number[],
  print: (name: string, value: number, unit: string) => void,
): void {
  process.stdout.write(
    `# synthetic ${NUMERIC} numeric + ${CATEGORICAL} categorical columns, rows ${sizes.join(', ')}; params ${JSON.stringify(SYNTHETIC_PARAMS)}\n`,
  );
  for (const algo of ALGOS) {
    let first: { rows: number; seconds: number; perIteration: number } | null = null;
    for (const rows of sizes) {
      const run = spawnSync(
        process.execPath,
        ['--max-old-space-size=4096', '-r', './tools/register-ts.cjs', script, '--child', algo, String(rows)],
        {
          encoding: 'utf8',
          timeout: 900_000,
        },
      );
      if (run.status !== 0) throw new Error(`synthetic ${algo} ${rows} failed: ${run.stderr}`);
      const result = JSON.parse(run.stdout.trim().split('\n').pop()!) as {
        seconds: number;
        dataMb: number;
        peakMb: number;
        auc: number;
        iterations: number;
      };
      const tag = `${algo}_synthetic_${rows >= 1e6 ? `${rows / 1e6}m` : `${rows / 1e3}k`}`;
      print(`${tag}_train_s`, result.seconds, 's');
      print(`${tag}_peak_rss_mb`, result.peakMb, 'MB');
      print(`${tag}_data_rss_mb`, result.dataMb, 'MB');
      print(`${tag}_auc`, result.auc, 'auc');
      print(`${tag}_iterations`, result.iterations, 'count');
      print(`${tag}_s_per_iteration`, result.seconds / result.iterations, 's');
      const perIteration = result.seconds / result.iterations;
      if (first === null) first = { rows, seconds: result.seconds, perIteration };
      else {
        print(`${tag}_time_growth`, result.seconds / first.seconds / (rows / first.rows), 'ratio_to_linear');
        print(
          `${tag}_iteration_time_growth`,
          perIteration / first.perIteration / (rows / first.rows),
          'ratio_to_linear',
        );
      }
    }
  }
}

function gaussian(random: Random): number {
  const u = 1 - random.nextFloat();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextFloat());
}
