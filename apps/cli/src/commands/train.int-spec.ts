/**
 * @jest-environment ./libs/ml/src/learn/testing/onnxruntime-environment.cjs
 */
// `keel train` as a user runs it: a real process on a real CSV, the model loaded by onnxruntime-node.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';

const ROOT = resolve(__dirname, '../../../..');

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, ['-r', './tools/register-ts.cjs', 'apps/cli/src/main.ts', 'train', ...args], {
      cwd: ROOT,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function csv(rows: number, classes: string[]): string {
  const lines = ['id,amount,region,label'];
  for (let i = 0; i < rows; i++) {
    const amount = (i * 37) % 101;
    const region = ['north', 'south', 'east'][i % 3];
    const label =
      classes.length > 2
        ? classes[i % classes.length]
        : amount + (region === 'east' ? 30 : 0) > 60 !== (i % 11 === 0)
          ? classes[1]
          : classes[0];
    lines.push(`${i},${i % 17 === 0 ? '' : amount},${region},${label}`);
  }
  return `${lines.join('\n')}\n`;
}

describe('keel train', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'keel-train-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('should write a model onnxruntime loads and print validation metrics when given a CSV', async () => {
    writeFileSync(join(dir, 'data.csv'), csv(400, ['No', 'Yes']));
    const out = join(dir, 'models', 'm.onnx');
    const result = await run([
      '--data',
      join(dir, 'data.csv'),
      '--target',
      'label',
      '--id-column',
      'id',
      '--algo',
      'gbdt',
      '--seed',
      '3',
      '--out',
      out,
      '--params',
      '{"minSamplesLeaf":5}',
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/target\s+label \(positive "Yes", negative "No"\)/);
    expect(result.stdout).toMatch(/rows\s+320 train, 80 validation/);
    expect(result.stdout).toMatch(/refit\s+on all 400 rows \(train \+ validation\) after validation/);
    const auc = Number(/auc\s+([\d.]+)/.exec(result.stdout)![1]);
    expect(auc).toBeGreaterThan(0.8);
    const session = await ort.InferenceSession.create(readFileSync(out));
    expect(session.inputNames).toEqual(['amount', 'region']);
    const scored = await session.run({
      amount: new ort.Tensor('float32', Float32Array.of(95, 5), [2, 1]),
      region: new ort.Tensor('string', ['east', 'north'], [2, 1]),
    });
    expect(Array.from(scored.label.data as BigInt64Array, Number)).toEqual([1, 0]);
  });

  it('should write the model card and ship the train-only model when given --card and --no-refit', async () => {
    writeFileSync(join(dir, 'data.csv'), csv(400, ['0', '1']));
    const card = join(dir, 'cards', 'card.json');
    const result = await run([
      '--data',
      join(dir, 'data.csv'),
      '--target',
      'label',
      '--id-column',
      'id',
      '--algo',
      'lr',
      '--seed',
      '5',
      '--out',
      join(dir, 'm.onnx'),
      '--no-refit',
      '--card',
      card,
    ]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/refit\s+off: the model saw the 320 train rows only/);
    const written = JSON.parse(readFileSync(card, 'utf8')) as {
      schema: string;
      model: { algo: string; seed: number; trainingRows: number };
      metrics: { validation: { auc: number } };
      data: { rows: number; columns: { name: string; missing: number }[] };
      importances: { model: { kind: string }; permutation: { columns: { name: string; mean: number }[] } };
    };
    expect(written.schema).toBe('keel.model-card/v1');
    expect(written.model).toMatchObject({ algo: 'lr', seed: 5, trainingRows: 320 });
    expect(written.metrics.validation.auc).toBeCloseTo(Number(/auc\s+([\d.]+)/.exec(result.stdout)![1]), 4);
    expect(written.data.rows).toBe(320); // the rows the shipped (train-only) model saw
    expect(written.data.columns.find((c) => c.name === 'amount')?.missing).toBeGreaterThan(10); // every 17th is blank
    expect(written.importances.model.kind).toBe('coefficient');
    const amount = written.importances.permutation.columns.find((c) => c.name === 'amount')!;
    expect(amount.mean).toBeGreaterThan(0.05);
  });

  it('should write byte-identical models when run twice with the same seed', async () => {
    writeFileSync(join(dir, 'data.csv'), csv(300, ['0', '1']));
    const args = (out: string) => [
      '--data',
      join(dir, 'data.csv'),
      '--target',
      'label',
      '--id-column',
      'id',
      '--algo',
      'rf',
      '--seed',
      '11',
      '--out',
      out,
    ];
    const [a, b] = await Promise.all([run(args(join(dir, 'a.onnx'))), run(args(join(dir, 'b.onnx')))]);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(readFileSync(join(dir, 'a.onnx')).equals(readFileSync(join(dir, 'b.onnx')))).toBe(true);
  });

  it.each([
    ['a three-class target', ['red', 'green', 'blue'], ['--algo', 'lr'], /target "label" has 3 classes/],
    ['an unknown algorithm', ['0', '1'], ['--algo', 'svm'], /--algo must be one of lr, rf, gbdt/],
    ['a missing target column', ['0', '1'], ['--algo', 'lr', '--target', 'nope'], /column "nope" is missing/],
    ['a text target without --positive', ['stay', 'leave'], ['--algo', 'lr'], /pass the positive value explicitly/],
  ])('should exit 1 with a clear message when given %s', async (_name, classes, extra, message) => {
    writeFileSync(join(dir, 'data.csv'), csv(60, classes));
    const result = await run([
      '--data',
      join(dir, 'data.csv'),
      '--target',
      'label',
      '--seed',
      '1',
      '--out',
      join(dir, 'm.onnx'),
      ...extra,
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
  });
});
