/**
 * @jest-environment ./libs/ml/src/learn/testing/onnxruntime-environment.cjs
 */
// The inference service as a process against a real registry and broker: a client generated from its own
// copy of the KServe proto layout gets metadata and predictions equal to onnxruntime run directly on the
// registered ONNX file; REST gives the same numbers; bad tensors get their statuses; a promotion under
// load fails no request; the prediction log reaches Kafka.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status, type ServiceError } from '@grpc/grpc-js';
import { inferenceClient } from '@keel/clients';
import { Kafka, logLevel } from 'kafkajs';
import * as ort from 'onnxruntime-node';
import {
  WORKSPACE_ROOT,
  startBroker,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
  type TestBroker,
} from '@keel/testing';
import type { FittedPipeline } from '@keel/ml';
import { features, loadChurnData, registerVersion, setAlias, trainChurn, type ChurnData } from './testing/churn-model';
import { oipClient, type Msg, type OipClient } from './testing/oip-client';

const MODEL = 'churn-serving';
const CANARY_WEIGHT = 0.3;
const ROWS = Array.from({ length: 40 }, (_, i) => i * 97);

interface Feature {
  name: string;
  numeric: boolean;
}

function typedInputs(data: ChurnData, feats: Feature[], rows: number[]): Msg[] {
  return feats.map((f) => {
    const cells = rows.map((r) => data.columns[f.name]![r]!);
    return {
      name: f.name,
      datatype: f.numeric ? 'FP32' : 'BYTES',
      shape: [rows.length, 1],
      contents: f.numeric
        ? { fp32_contents: cells.map((c) => (c === '' ? NaN : Number(c))) }
        : { bytes_contents: cells.map((c) => Buffer.from(c)) },
    };
  });
}

async function ortDirect(bytes: Uint8Array, data: ChurnData, feats: Feature[], rows: number[]) {
  const session = await ort.InferenceSession.create(bytes);
  const feeds: Record<string, ort.Tensor> = {};
  for (const f of feats) {
    const cells = rows.map((r) => data.columns[f.name]![r]!);
    feeds[f.name] = f.numeric
      ? new ort.Tensor(
          'float32',
          Float32Array.from(cells, (c) => (c === '' ? NaN : Number(c))),
          [rows.length, 1],
        )
      : new ort.Tensor('string', cells, [rows.length, 1]);
  }
  const out = await session.run(feeds);
  const result = {
    label: Array.from(out['label']!.data as BigInt64Array, Number),
    probabilities: Array.from(out['probabilities']!.data as Float32Array),
  };
  await session.release();
  return result;
}

function rawOf(data: ChurnData, f: Feature, rows: number[]): Buffer {
  const cells = rows.map((r) => data.columns[f.name]![r]!);
  if (f.numeric) return Buffer.from(Float32Array.from(cells, (c) => (c === '' ? NaN : Number(c))).buffer);
  return Buffer.concat(
    cells.flatMap((c) => {
      const b = Buffer.from(c);
      const len = Buffer.alloc(4);
      len.writeUInt32LE(b.length);
      return [len, b];
    }),
  );
}

async function expectCode(p: Promise<unknown>, code: status, text: string): Promise<void> {
  const err = (await p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  )) as ServiceError;
  expect({ code: err.code, has: err.details.includes(text) }).toEqual({ code, has: true });
}

/** Reads keel.inference.logged from the start until `done` says it has seen enough. */
async function readLog(brokers: string[], done: (entries: Msg[]) => boolean): Promise<Msg[]> {
  const kafka = new Kafka({ clientId: 'inference-test', brokers, logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `inference-log-${Date.now()}-${Math.random()}` });
  const entries: Msg[] = [];
  await consumer.connect();
  await consumer.subscribe({ topic: 'keel.inference.logged', fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      entries.push(JSON.parse(message.value!.toString()) as Msg);
    },
  });
  try {
    await waitFor(() => done(entries), { timeoutMs: 60_000, what: 'logged predictions' });
    return entries;
  } finally {
    await consumer.disconnect();
  }
}

describe('inference service (OIP over gRPC and REST)', () => {
  let broker: TestBroker;
  let registry: ServiceProcess;
  let inference: ServiceProcess;
  let client: OipClient;
  let data: ChurnData;
  let feats: Feature[];
  let v1: { version: number; bytes: Uint8Array };
  let p1: FittedPipeline;

  beforeAll(async () => {
    data = loadChurnData();
    p1 = trainChurn(data, 'lr', 7);
    feats = features(p1);
    broker = await startBroker();
    const brokers = broker.brokers.join(',');
    registry = await startServiceProcess('registry', {
      env: { KEEL_KAFKA_BROKERS: brokers, KEEL_LOG_LEVEL: 'warn' },
      readyTimeoutMs: 120_000,
    });
    v1 = await registerVersion(registry.grpcAddress, MODEL, p1);
    await setAlias(registry.grpcAddress, MODEL, v1.version);
    inference = await startServiceProcess('inference', {
      readyTimeoutMs: 120_000,
      env: {
        KEEL_KAFKA_BROKERS: brokers,
        KEEL_REGISTRY_ADDRESS: registry.grpcAddress,
        KEEL_LOG_LEVEL: 'warn',
        KEEL_INFERENCE_WORKERS: '2',
        KEEL_INFERENCE_CANARY: `${MODEL}=challenger:${CANARY_WEIGHT}`,
        KEEL_INFERENCE_SHADOW: `${MODEL}=staging`,
      },
    });
    client = oipClient(inference.grpcAddress);
  }, 300_000);

  afterAll(async () => {
    client?.close();
    await inference?.stop();
    await registry?.stop();
    await broker?.stop();
  }, 60_000);

  it('answers health and metadata from the registered signature', async () => {
    expect(await client.call('ServerLive', {})).toEqual({ live: true });
    expect(await client.call('ServerReady', {})).toEqual({ ready: true });
    expect(await client.call('ModelReady', { name: MODEL, version: '' })).toEqual({ ready: true });
    const server = await client.call('ServerMetadata', {});
    expect(server['name']).toBe('keel-inference');
    const meta = await client.call('ModelMetadata', { name: MODEL, version: '' });
    expect(meta).toEqual({
      name: MODEL,
      versions: [String(v1.version)],
      platform: 'onnxruntime_onnx',
      inputs: feats.map((f) => ({ name: f.name, datatype: f.numeric ? 'FP32' : 'BYTES', shape: [-1, 1] })),
      outputs: [
        { name: 'label', datatype: 'INT64', shape: [-1] },
        { name: 'probabilities', datatype: 'FP32', shape: [-1, 2] },
      ],
    });
  });

  it('predicts exactly what onnxruntime gives on the same ONNX file, typed, raw and over REST', async () => {
    const want = await ortDirect(v1.bytes, data, feats, ROWS);
    const typed = await client.call('ModelInfer', {
      model_name: MODEL,
      id: 'req-typed',
      inputs: typedInputs(data, feats, ROWS),
    });
    expect(typed['id']).toBe('req-typed');
    expect(typed['model_version']).toBe(String(v1.version));
    const outs = typed['outputs'] as { name: string; shape: number[]; contents: Msg }[];
    expect(outs.map((o) => [o.name, o.shape])).toEqual([
      ['label', [ROWS.length]],
      ['probabilities', [ROWS.length, 2]],
    ]);
    expect(outs[0]!.contents['int64_contents']).toEqual(want.label);
    expect(outs[1]!.contents['fp32_contents']).toEqual(want.probabilities);

    // raw_input_contents (BYTES with the 4-byte length prefix), only one output, raw output bytes.
    const raw = await client.call('ModelInfer', {
      model_name: MODEL,
      model_version: String(v1.version),
      inputs: feats.map((f) => ({ name: f.name, datatype: f.numeric ? 'FP32' : 'BYTES', shape: [ROWS.length, 1] })),
      raw_input_contents: feats.map((f) => rawOf(data, f, ROWS)),
      outputs: [{ name: 'probabilities', parameters: { binary_data: { bool_param: true } } }],
    });
    expect(typeof raw['id']).toBe('string');
    expect((raw['id'] as string).length).toBeGreaterThan(0);
    expect((raw['outputs'] as { name: string }[]).map((o) => o.name)).toEqual(['probabilities']);
    const bytes = (raw['raw_output_contents'] as Buffer[])[0]!;
    const copy = new Uint8Array(bytes.length);
    copy.set(bytes);
    expect(Array.from(new Float32Array(copy.buffer))).toEqual(want.probabilities);

    const res = await fetch(`${inference.httpUrl}/v2/models/${MODEL}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'req-rest',
        inputs: feats.map((f) => ({
          name: f.name,
          datatype: f.numeric ? 'FP32' : 'BYTES',
          shape: [ROWS.length, 1],
          data: ROWS.map((r) => {
            const c = data.columns[f.name]![r]!;
            return f.numeric ? (c === '' ? 'NaN' : Number(c)) : c;
          }),
        })),
      }),
    });
    expect(res.status).toBe(200);
    const json = (await res.json()) as { id: string; outputs: { name: string; data: number[] }[] };
    expect(json.id).toBe('req-rest');
    expect(json.outputs[0]!.data).toEqual(want.label);
    expect(json.outputs[1]!.data).toEqual(want.probabilities);
    const meta = await fetch(`${inference.httpUrl}/v2/models/${MODEL}`);
    expect(((await meta.json()) as { name: string }).name).toBe(MODEL);
  });

  it('scores a CSV with `keel predict --json` the same way', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'keel-predict-'));
    const csv = join(dir, 'rows.csv');
    const names = feats.map((f) => f.name);
    const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c);
    writeFileSync(
      csv,
      [names.join(','), ...ROWS.map((r) => names.map((n) => quote(data.columns[n]![r]!)).join(','))].join('\n'),
    );
    const child = spawn(
      process.execPath,
      ['-r', './tools/register-ts.cjs', 'apps/cli/src/main.ts', 'predict', MODEL, '--csv', csv, '--json'],
      { cwd: WORKSPACE_ROOT, env: { ...process.env, KEEL_INFERENCE_ADDRESS: inference.grpcAddress } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    rmSync(dir, { recursive: true, force: true });
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    const out = JSON.parse(stdout) as {
      model: string;
      version: number;
      predictions: { label: number; probability: number }[];
    };
    const want = await ortDirect(v1.bytes, data, feats, ROWS);
    expect(out.model).toBe(MODEL);
    expect(out.version).toBe(v1.version);
    expect(out.predictions.map((p) => p.label)).toEqual(want.label);
    expect(out.predictions.map((p) => p.probability)).toEqual(want.probabilities.filter((_, i) => i % 2 === 1));
  }, 120_000);

  it('explains predictions on request with libs/ml attributions as an extra output', async () => {
    const res = await client.call('ModelInfer', {
      model_name: MODEL,
      inputs: typedInputs(data, feats, ROWS),
      parameters: { explain: { bool_param: true } },
    });
    const outs = res['outputs'] as { name: string; shape: number[]; contents: Msg }[];
    expect(outs.map((o) => o.name)).toEqual(['label', 'probabilities', 'explanation']);
    expect(outs[2]!.shape).toEqual([ROWS.length, feats.length]);
    const table: Record<string, string[]> = {};
    for (const f of feats) table[f.name] = ROWS.map((r) => data.columns[f.name]![r]!);
    const want = p1.explain(table);
    const params = res['parameters'] as Record<string, { string_param: string }>;
    expect(params['explanation_columns']!.string_param).toBe(want.columns.join(','));
    const got = outs[2]!.contents['fp32_contents'] as number[];
    const worst = Math.max(...Array.from(want.values, (v, i) => Math.abs(v - got[i]!)));
    expect(worst).toBeLessThan(1e-4);
  });

  it('answers ModelStreamInfer requests on the stream and lists the repository (Triton extensions)', async () => {
    const keel = inferenceClient(inference.grpcAddress);
    try {
      const stream = keel.raw.ModelStreamInfer();
      const answers: { errorMessage: string; id: string }[] = [];
      stream.on('data', (m: { errorMessage: string; inferResponse: { id: string } | null }) =>
        answers.push({ errorMessage: m.errorMessage, id: m.inferResponse?.id ?? '' }),
      );
      const inputs = typedInputs(data, feats, [1, 2]).map((t) => ({
        ...t,
        contents: {
          fp32Contents: (t.contents as { fp32_contents?: number[] }).fp32_contents ?? [],
          bytesContents: (t.contents as { bytes_contents?: Buffer[] }).bytes_contents ?? [],
        },
      }));
      stream.write({ modelName: MODEL, id: 's-1', inputs });
      stream.write({ modelName: 'no-such-model', id: 's-2', inputs });
      stream.end();
      await once(stream, 'end');
      expect(answers.sort((a, b) => a.id.localeCompare(b.id))).toEqual([
        { errorMessage: '', id: 's-1' },
        { errorMessage: expect.stringContaining('no-such-model') as string, id: 's-2' },
      ]);
      const index = await keel.RepositoryIndex({ ready: true });
      expect(index.models.some((m) => m.name === MODEL && m.state === 'READY')).toBe(true);
    } finally {
      keel.close();
    }
  });

  it('answers bad tensors INVALID_ARGUMENT naming the tensor, unknown models NOT_FOUND', async () => {
    const good = typedInputs(data, feats, [1, 2]);
    const num = feats.findIndex((f) => f.numeric);
    const name = feats[num]!.name;
    const infer = (inputs: Msg[], extra: Msg = {}) =>
      client.call('ModelInfer', { model_name: MODEL, inputs, ...extra });
    await expectCode(infer([...good, { ...good[num]!, name: 'nope' }]), status.INVALID_ARGUMENT, '"nope"');
    await expectCode(infer(good.filter((_, i) => i !== num)), status.INVALID_ARGUMENT, `"${name}"`);
    const retyped = good.map((t, i) =>
      i === num ? { ...t, datatype: 'FP64', contents: { fp64_contents: [1, 2] } } : t,
    );
    await expectCode(infer(retyped), status.INVALID_ARGUMENT, `"${name}"`);
    const reshaped = good.map((t, i) => (i === num ? { ...t, shape: [1, 2] } : t));
    await expectCode(infer(reshaped), status.INVALID_ARGUMENT, `"${name}"`);
    const resized = good.map((t, i) => (i === num ? { ...t, contents: { fp32_contents: [1, 2, 3] } } : t));
    await expectCode(infer(resized), status.INVALID_ARGUMENT, `"${name}"`);
    await expectCode(infer(good, { outputs: [{ name: 'scores' }] }), status.INVALID_ARGUMENT, '"scores"');
    await expectCode(
      client.call('ModelInfer', { model_name: 'no-such-model', inputs: good }),
      status.NOT_FOUND,
      'no-such-model',
    );
    await expectCode(infer(good, { model_version: '99' }), status.NOT_FOUND, '99');
    const res = await fetch(`${inference.httpUrl}/v2/models/${MODEL}/infer`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: [{ name, datatype: 'FP32', shape: [2, 1], data: [1] }] }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toContain(`"${name}"`);
  });

  it('switches to a promoted version under load without one failed request, and logs to Kafka', async () => {
    const p2 = trainChurn(data, 'gbdt', 11);
    const v2 = await registerVersion(registry.grpcAddress, MODEL, p2);
    const inputs = typedInputs(data, feats, [3, 4, 5]);
    let failures = 0;
    let ok = 0;
    const seen = new Set<string>();
    let stop = false;
    const loop = async (n: number) => {
      for (let i = 0; !stop; i++) {
        try {
          const res = await client.call('ModelInfer', { model_name: MODEL, id: `load-${n}-${i}`, inputs });
          seen.add(res['model_version'] as string);
          ok++;
        } catch {
          failures++;
        }
      }
    };
    const loops = Array.from({ length: 8 }, (_, n) => loop(n));
    await waitFor(() => ok > 50, { timeoutMs: 60_000, what: 'requests flowing' });
    await setAlias(registry.grpcAddress, MODEL, v2.version);
    await waitFor(() => seen.has(String(v2.version)), { timeoutMs: 90_000, what: 'the promoted version answering' });
    const after = ok;
    await waitFor(() => ok > after + 50, { timeoutMs: 60_000, what: 'requests after the swap' });
    stop = true;
    await Promise.all(loops);
    expect({ failures, versions: [...seen].sort() }).toEqual({
      failures: 0,
      versions: [String(v1.version), String(v2.version)].sort(),
    });

    const ids = (entries: Msg[]) => new Set(entries.map((e) => e['requestId']));
    await readLog(broker.brokers, (entries) => ids(entries).has('req-typed') && ids(entries).has('req-rest'));
  }, 300_000);

  it('sends the canary its share of traffic and logs the shadow, never returning it', async () => {
    const v3 = await registerVersion(registry.grpcAddress, MODEL, trainChurn(data, 'lr', 23));
    await setAlias(registry.grpcAddress, MODEL, v3.version, 'challenger');
    await setAlias(registry.grpcAddress, MODEL, v1.version, 'staging');
    const inputs = typedInputs(data, feats, [6]);
    const infer = async (id: string) =>
      (await client.call('ModelInfer', { model_name: MODEL, id, inputs }))['model_version'] as string;
    // The canary loads on first use; until then the primary answers.
    await waitFor(async () => (await infer('warm')) === String(v3.version), {
      timeoutMs: 90_000,
      what: 'the canary answering',
    });
    const n = 400;
    const answered: string[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, w) => {
        for (let i = w; i < n; i += 8) answered.push(await infer(`canary-${i}`));
      }),
    );
    const share = answered.filter((v) => v === String(v3.version)).length / n;
    const sigma = Math.sqrt((CANARY_WEIGHT * (1 - CANARY_WEIGHT)) / n);
    expect(Math.abs(share - CANARY_WEIGHT)).toBeLessThan(4 * sigma);
    // The primary (whatever production is now) and the canary, nothing else.
    expect(new Set(answered).size).toBe(2);
    const shadowed = (entries: Msg[]) =>
      entries.filter((e) => e['role'] === 'shadow' && String(e['requestId']).startsWith('canary-'));
    const entries = await readLog(broker.brokers, (e) => shadowed(e).length > 0);
    expect(shadowed(entries).every((e) => e['version'] === v1.version)).toBe(true);
  }, 300_000);
});
