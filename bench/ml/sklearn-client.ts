// Drives bench/ml/sklearn-reference.py as a child process, one request per line, so scikit-learn fits
// can be interleaved with Keel fits and both see the same machine load.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import type { Algo } from '@keel/ml';

export interface SklearnSplit {
  sklearn: string;
  train: number[];
  test: number[];
}

export interface SklearnMetrics {
  auc: number;
  accuracy: number;
  f1: number;
  log_loss: number;
}

export class SklearnClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly pending: ((line: string) => void)[] = [];
  private stderr = '';

  constructor(csv: string) {
    const script = join(__dirname, 'sklearn-reference.py');
    this.child = spawn('/usr/bin/python3', [script, csv, 'Churn', 'CustomerID'], {
      env: { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    this.child.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on('line', (line) => this.pending.shift()?.(line));
  }

  split(): Promise<SklearnSplit> {
    return this.next<SklearnSplit>();
  }

  async fit(algo: Algo): Promise<number> {
    const reply = this.next<{ fit_s: number }>();
    this.child.stdin.write(`fit ${algo}\n`);
    return (await reply).fit_s;
  }

  metrics(algo: Algo): Promise<SklearnMetrics> {
    const reply = this.next<SklearnMetrics>();
    this.child.stdin.write(`metrics ${algo}\n`);
    return reply;
  }

  close(): void {
    this.child.stdin.end();
  }

  private next<T>(): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`scikit-learn reference exited (${code}); is python3-sklearn installed? ${this.stderr}`));
      this.child.once('exit', onExit);
      this.pending.push((line) => {
        this.child.off('exit', onExit);
        resolve(JSON.parse(line) as T);
      });
    });
  }
}
