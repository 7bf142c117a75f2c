import { trace, type SpanContext } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { EventBus } from '@keel/event-bus';
import { ServiceMetrics, startTelemetry, withSpan } from '@keel/telemetry';
import { PredictionLog } from '../log/prediction-log';
import { ModelStore } from '../models/model-store';
import type { RegistrySource, VersionInfo } from '../models/registry-source';
import { InferenceMetrics } from './inference-metrics';
import { InferenceService } from './inference.service';
import type { WorkerPool } from './worker-pool';

// Unit test of inference's trace links with an in-memory exporter: a stand-in registry and worker pool
// (one FP32 input x, one output p = x), and a stand-in bus that records the active span each log event
// is published in.
const exporter = new InMemorySpanExporter();
const telemetry = startTelemetry({ serviceName: 'spec', spanProcessors: [new SimpleSpanProcessor(exporter)], env: {} });
afterAll(() => telemetry.shutdown());

function setup() {
  const info: VersionInfo = {
    model: 'churn',
    version: 1,
    artifactSha256: 'a',
    signature: {
      inputs: [{ name: 'x', datatype: 'FP32', shape: [-1, 1] }],
      outputs: [{ name: 'p', datatype: 'FP32', shape: [-1, 1] }],
    },
  };
  const registry = {
    version: async () => info,
    byAlias: async () => info,
    download: async () => Buffer.alloc(10),
  } as unknown as RegistrySource;
  const pool = {
    size: 1,
    idleCount: () => 1,
    onIdle: () => undefined,
    load: async () => undefined,
    run: async (_k: string, batch: { data: Float32Array; shape: number[] }[][]) => ({
      outputs: [{ name: 'p', datatype: 'FP32', shape: batch[0]![0]!.shape, data: batch[0]![0]!.data }],
      computeNs: 1,
    }),
  } as unknown as WorkerPool;
  const logger = { info: () => undefined, warn: () => undefined };
  const batching = { maxBatchSize: 8, maxQueueDelayUs: 0, preferredBatchSizes: [], maxQueueRows: 100 };
  const store = new ModelStore(registry, pool, 'production', batching, logger, () => undefined);
  return { store };
}

describe('inference trace links', () => {
  it('should link the load to its promotion, each prediction to the load, and log in the request trace', async () => {
    const { store } = setup();
    const promotion: SpanContext = { traceId: '1'.repeat(32), spanId: '2'.repeat(16), traceFlags: 1, isRemote: true };
    await store.promote('churn', 1, undefined, 'production', promotion);

    const contexts: (SpanContext | undefined)[] = [];
    const bus = {
      publish: async () => void contexts.push(trace.getActiveSpan()?.spanContext()),
    } as unknown as EventBus;
    const log = new PredictionLog(bus, { capacity: 10, sample: 1, onDrop: () => undefined, onError: () => undefined });
    log.start();
    const service = new InferenceService(store, new InferenceMetrics(new ServiceMetrics('spec')), log, 1000);
    let request: SpanContext | undefined;
    await withSpan('grpc ModelInfer', async (span) => {
      request = span.spanContext();
      await service.infer({
        model: 'churn',
        version: '',
        id: 'r1',
        inputs: [{ name: 'x', datatype: 'FP32', shape: [2, 1], data: Float32Array.from([0.1, 0.9]) }],
        outputs: [],
        deadline: Date.now() + 1000,
      });
    });
    await log.stop();

    const spans = exporter.getFinishedSpans();
    const load = spans.find((s) => s.name === 'load model')!;
    expect(load.links.map((l) => l.context.spanId)).toEqual([promotion.spanId]);
    const predict = spans.find((s) => s.name === 'predict churn')!;
    expect(predict.parentSpanContext?.spanId).toBe(request!.spanId);
    expect(predict.links.map((l) => l.context.spanId)).toEqual([load.spanContext().spanId]);
    expect(predict.attributes).toMatchObject({ 'keel.model.version': 1, 'keel.request.id': 'r1' });
    // The log event is published later, off the request path, but inside the request's trace.
    expect(contexts).toHaveLength(1);
    expect(contexts[0]?.traceId).toBe(request!.traceId);
  });
});
