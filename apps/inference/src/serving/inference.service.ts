// One use case per method: infer (validate against the signature, queue for the batcher, pick the
// requested outputs, count, log), metadata and readiness. Transports decode and encode around it.
import { randomUUID } from 'node:crypto';
import { loadPipeline } from '@keel/ml';
import { withSpan } from '@keel/telemetry';
import type { Span } from '@opentelemetry/api';
import type { ModelStore, ModelVersionEntry } from '../models/model-store';
import type { LogEntry, PredictionLog } from '../log/prediction-log';
import { InferenceError } from './inference.errors';
import type { InferenceMetrics } from './inference-metrics';
import type { Candidate, Route } from './routing';
import { checkOutputs, matchSignature } from './validate';
import type { ModelSignature, Tensor, TensorData } from './tensors';

export interface InferCommand {
  model: string;
  version: string;
  id: string;
  inputs: Tensor[];
  /** Output names asked for; empty = all. */
  outputs: string[];
  /** Absolute time (ms since epoch) after which queuing is pointless. */
  deadline: number;
  /** Add the per-row feature attributions as the extra output `explanation`. */
  explain?: boolean;
}

export interface InferAnswer {
  model: string;
  version: number;
  id: string;
  outputs: Tensor[];
  /** Response parameters (the explanation's columns, expected value and units). */
  parameters: Record<string, string | number>;
}

export const EXPLANATION_OUTPUT = 'explanation';

export interface ModelMetadata {
  name: string;
  versions: string[];
  platform: string;
  signature: ModelSignature;
}

export const SERVER_NAME = 'keel-inference';
export const SERVER_VERSION = '0.1.0';
export const SERVER_EXTENSIONS = ['model_repository', 'binary_tensor_data', 'statistics'];

export class InferenceService {
  constructor(
    private readonly store: ModelStore,
    private readonly metrics: InferenceMetrics,
    private readonly log: PredictionLog,
    private readonly queueTimeoutMs: number,
    private readonly routes: Map<string, Route> = new Map(),
    private readonly random: () => number = Math.random,
  ) {}

  get ready(): boolean {
    return this.store.ready;
  }

  modelReady(model: string, version: string): boolean {
    return this.store.isReady(model, version);
  }

  async metadata(model: string, version: string): Promise<ModelMetadata> {
    const entry = await this.store.resolve(model, version);
    return {
      name: model,
      versions: this.store.versionsOf(model).map(String),
      platform: 'onnxruntime_onnx',
      signature: entry.signature,
    };
  }

  /** Runs a copy of the request on the shadow candidate and logs its answer (role shadow); never throws. */
  private async shadow(model: string, c: Candidate, inputs: Tensor[], id: string, deadline: number): Promise<void> {
    const started = process.hrtime.bigint();
    try {
      const entry = await this.store.resolve(model, c.version, c.alias || undefined);
      const matched = matchSignature(entry.signature, inputs);
      const result = await entry.batcher.submit(matched.rows, matched.inputs, deadline);
      const latencyMs = Number(process.hrtime.bigint() - started) / 1e6;
      this.log.offer(
        (): LogEntry => ({
          requestId: id.slice(0, 128),
          model,
          version: entry.version,
          inputs: matched.inputs.map(logTensor),
          outputs: result.outputs.map(logTensor),
          latencyMs,
          role: 'shadow',
        }),
        elementsOf(matched.inputs, result.outputs),
      );
    } catch {
      // A shadow's failure is nobody's answer: the copy is only missing from the log.
      return;
    }
  }

  /** The deadline a request gets: the client's if sooner than the queue timeout. */
  deadline(clientDeadline: number | undefined): number {
    const own = Date.now() + this.queueTimeoutMs;
    return clientDeadline !== undefined && clientDeadline < own ? clientDeadline : own;
  }

  /** One request, in its own span linked to the load of the version that answers it. */
  infer(cmd: InferCommand): Promise<InferAnswer> {
    return withSpan(
      `predict ${cmd.model}`,
      (span) => this.inferIn(cmd, span),
      {
        attributes: { 'keel.model': cmd.model },
      },
      { tracerName: '@keel/inference' },
    );
  }

  private async inferIn(cmd: InferCommand, span: Span): Promise<InferAnswer> {
    const started = process.hrtime.bigint();
    const id = cmd.id || randomUUID();
    span.setAttribute('keel.request.id', id);
    let labels = { model: cmd.model, version: cmd.version };
    try {
      const route = cmd.version ? undefined : this.routes.get(cmd.model);
      let role: 'primary' | 'canary' = 'primary';
      let canary: ModelVersionEntry | undefined;
      if (route?.canary && this.random() < route.canary.weight) {
        // A canary that is not loaded (yet) or missing never fails the request: the primary answers.
        canary = await this.store
          .resolve(cmd.model, route.canary.version, route.canary.alias || undefined)
          .catch(() => undefined);
        if (canary) role = 'canary';
      }
      const entry = canary ?? (await this.store.resolve(cmd.model, cmd.version));
      labels = { model: cmd.model, version: String(entry.version) };
      span.setAttributes({ 'keel.model.version': entry.version, 'keel.role': role });
      if (entry.loadSpan) span.addLink({ context: entry.loadSpan, attributes: { 'keel.link': 'loaded' } });
      const { rows, inputs } = matchSignature(entry.signature, cmd.inputs);
      checkOutputs(entry.signature, cmd.outputs, cmd.explain ? [EXPLANATION_OUTPUT] : []);
      this.metrics.pending.inc();
      let result;
      try {
        result = await entry.batcher.submit(rows, inputs, cmd.deadline);
      } finally {
        this.metrics.pending.dec();
      }
      const byName = new Map(result.outputs.map((t) => [t.name, t]));
      const parameters: Record<string, string | number> = {};
      if (cmd.explain) {
        const e = explainRows(entry, inputs);
        byName.set(EXPLANATION_OUTPUT, e.tensor);
        Object.assign(parameters, e.parameters);
      }
      const all = entry.signature.outputs.map((o) => o.name);
      const wanted = cmd.outputs.length ? cmd.outputs : cmd.explain ? [...all, EXPLANATION_OUTPUT] : all;
      const outputs = wanted.map((name) => {
        const t = byName.get(name);
        if (!t) throw new InferenceError('unavailable', `the model did not produce output "${name}"`, name);
        return t;
      });
      const totalUs = Number(process.hrtime.bigint() - started) / 1000;
      this.metrics.success.inc(labels);
      this.metrics.inferenceCount.inc(labels, rows);
      this.metrics.requestUs.inc(labels, totalUs);
      this.metrics.queueUs.inc(labels, result.queueNs / 1000);
      this.metrics.requestSeconds.observe(labels, totalUs / 1e6);
      this.log.offer(
        (): LogEntry => ({
          requestId: id.slice(0, 128),
          model: cmd.model,
          version: entry.version,
          inputs: inputs.map(logTensor),
          outputs: outputs.map(logTensor),
          latencyMs: totalUs / 1000,
          role,
        }),
        elementsOf(inputs, outputs),
      );
      if (route?.shadow) void this.shadow(cmd.model, route.shadow, inputs, id, cmd.deadline);
      return { model: cmd.model, version: entry.version, id, outputs, parameters };
    } catch (err) {
      const reason = err instanceof InferenceError ? err.kind : 'internal';
      this.metrics.failure.inc({ ...labels, reason });
      throw err;
    }
  }
}

/**
 * Per-row attributions over the input columns from libs/ml (exact TreeSHAP for forests and boosting,
 * coefficient × standardised value for logistic regression), read back from the version's ONNX bytes.
 */
function explainRows(
  entry: ModelVersionEntry,
  inputs: Tensor[],
): { tensor: Tensor; parameters: Record<string, string | number> } {
  if (!entry.pipeline) {
    try {
      entry.pipeline = loadPipeline(entry.bytes ?? new Uint8Array());
    } catch (err) {
      throw new InferenceError(
        'invalid',
        `model ${entry.model} version ${entry.version} cannot explain: ${(err as Error).message}`,
        'explain',
      );
    }
  }
  const table: Record<string, string[] | Float64Array> = {};
  for (const t of inputs) table[t.name] = Array.isArray(t.data) ? t.data : Float64Array.from(t.data as Float32Array);
  const e = entry.pipeline.explain(table);
  return {
    tensor: {
      name: EXPLANATION_OUTPUT,
      datatype: 'FP32',
      shape: [e.rows, e.columns.length],
      data: Float32Array.from(e.values),
    },
    parameters: {
      explanation_columns: e.columns.join(','),
      explanation_expected_value: e.expectedValue,
      explanation_output: e.output,
    },
  };
}

function elementsOf(inputs: Tensor[], outputs: Tensor[]): number {
  let n = 0;
  for (const t of inputs) n += t.data.length;
  for (const t of outputs) n += t.data.length;
  return n;
}

function logTensor(t: Tensor): LogEntry['inputs'][number] {
  return { name: t.name, datatype: t.datatype, shape: t.shape, data: logData(t.data) };
}

/** JSON-safe elements: NaN and infinities as text, int64 as numbers. */
function logData(data: TensorData): (number | string)[] {
  if (Array.isArray(data)) return data;
  const out: (number | string)[] = new Array<number | string>(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Number(data[i]);
    out[i] = Number.isFinite(v) ? v : String(v);
  }
  return out;
}
