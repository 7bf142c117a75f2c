// What `npm run train` ships, measured from outside: write the scikit-learn train rows to a CSV, run the
// command exactly as a user does (with and without --no-refit), load the written ONNX file in
// onnxruntime-node and score the held-out test rows.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Algo, type CsvTable, isMissing, rocAuc } from '@keel/ml';
import * as ort from 'onnxruntime-node';

const ROOT = resolve(__dirname, '../..');

export interface ShippedModel {
  readonly auc: number;
  readonly seconds: number;
}

export class TrainCommand {
  private readonly dir = mkdtempSync(join(tmpdir(), 'keel-bench-ml-'));
  private readonly data: string;

  constructor(
    private readonly csv: CsvTable,
    train: readonly number[],
    private readonly test: readonly number[],
  ) {
    this.data = join(this.dir, 'train.csv');
    const lines = [csv.header, ...train.map((i) => csv.rows[i])].map((fields) => fields.map(quote).join(','));
    writeFileSync(this.data, `${lines.join('\n')}\n`);
  }

  /** Runs `npm run -s train -- ...` and scores the written model on the test rows. */
  async ship(algo: Algo, refit: boolean): Promise<ShippedModel> {
    const out = join(this.dir, `${algo}-${refit ? 'refit' : 'norefit'}.onnx`);
    const args = ['run', '-s', 'train', '--', '--data', this.data, '--target', 'Churn', '--id-column', 'CustomerID'];
    args.push('--algo', algo, '--seed', '42', '--out', out, ...(refit ? [] : ['--no-refit']));
    const start = process.hrtime.bigint();
    const run = spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', timeout: 600_000 });
    const seconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (run.status !== 0) throw new Error(`npm run train failed (${run.status}): ${run.stderr}`);
    const session = await ort.InferenceSession.create(readFileSync(out), { logSeverityLevel: 3 });
    const feeds: Record<string, ort.Tensor> = {};
    for (const input of session.inputMetadata) {
      const c = this.csv.header.indexOf(input.name);
      const cells = this.test.map((i) => this.csv.rows[i][c]);
      const text = 'type' in input && input.type === 'string';
      feeds[input.name] = text
        ? new ort.Tensor('string', cells, [cells.length, 1])
        : new ort.Tensor(
            'float32',
            Float32Array.from(cells, (v) => (isMissing(v) ? NaN : Number(v))),
            [cells.length, 1],
          );
    }
    const output = await session.run(feeds, ['probabilities']);
    const probs = output.probabilities.data as Float32Array;
    const target = this.csv.header.indexOf('Churn');
    const y = this.test.map((i) => Number(this.csv.rows[i][target]));
    return {
      auc: rocAuc(
        y,
        Float64Array.from(y, (_, k) => probs[2 * k + 1]),
      ),
      seconds,
    };
  }

  close(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

function quote(field: string): string {
  return /[",\n\r]/.test(field) ? `"${field.replace(/"/g, '""')}"` : field;
}
