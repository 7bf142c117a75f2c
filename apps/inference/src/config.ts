import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { serviceSettings, setting } from '@keel/runtime';
import { CANARY_ITEM, SHADOW_ITEM } from './serving/routing';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Every KEEL_* variable the inference service reads (documented in docs/configuration.md). */
export const inferenceSettings = {
  ...serviceSettings('inference', DEFAULT_SERVICE_PORTS.inference),
  registryAddress: setting.optionalString(
    'KEEL_REGISTRY_ADDRESS',
    'host:port of the registry gRPC API (default: 127.0.0.1 on KEEL_REGISTRY_GRPC_PORT).',
    { pattern: HOST_PORT },
  ),
  registryGrpcPort: setting.port(
    'KEEL_REGISTRY_GRPC_PORT',
    DEFAULT_SERVICE_PORTS.registry.grpc,
    'gRPC port of the registry, used when KEEL_REGISTRY_ADDRESS is unset.',
  ),
  alias: setting.string('KEEL_INFERENCE_ALIAS', 'Registry alias served when a request names no version.', {
    default: 'production',
    pattern: /^[a-z][a-z0-9_-]{0,62}$/,
  }),
  workers: setting.int('KEEL_INFERENCE_WORKERS', 'worker_threads running ONNX sessions (one session per worker).', {
    default: 1,
    min: 1,
    max: 64,
  }),
  maxBatchSize: setting.int(
    'KEEL_INFERENCE_MAX_BATCH_SIZE',
    'Rows merged into one model run at most (1: no batching).',
    {
      default: 256,
      min: 1,
      max: 100_000,
    },
  ),
  maxQueueDelayUs: setting.int(
    'KEEL_INFERENCE_MAX_QUEUE_DELAY_US',
    'Microseconds a request may wait for others to fill a preferred batch size.',
    { default: 0, min: 0, max: 10_000_000 },
  ),
  preferredBatchSizes: setting.list(
    'KEEL_INFERENCE_PREFERRED_BATCH_SIZES',
    'Batch sizes (rows) worth waiting for up to the max queue delay, comma-separated, or none.',
    { default: 'none', item: /^(none|[1-9]\d{0,5})$/, itemHint: 'a positive integer or none' },
  ),
  queueTimeoutMs: setting.int(
    'KEEL_INFERENCE_QUEUE_TIMEOUT_MS',
    'Milliseconds a request may wait in the queue (a shorter client deadline wins).',
    { default: 10_000, min: 1, max: 600_000 },
  ),
  maxQueueRows: setting.int(
    'KEEL_INFERENCE_MAX_QUEUE_ROWS',
    'Rows queued per model version before RESOURCE_EXHAUSTED.',
    {
      default: 100_000,
      min: 1,
      max: 100_000_000,
    },
  ),
  canary: setting.list(
    'KEEL_INFERENCE_CANARY',
    'Canaries: model=candidate:weight items (candidate an alias or version; weight the share of traffic), or none.',
    { default: 'none', item: CANARY_ITEM, itemHint: 'model=alias-or-version:weight, e.g. churn=challenger:0.1' },
  ),
  shadow: setting.list(
    'KEEL_INFERENCE_SHADOW',
    'Shadows: model=candidate items; the candidate gets a copy of each request, logged, never returned.',
    { default: 'none', item: SHADOW_ITEM, itemHint: 'model=alias-or-version, e.g. churn=staging' },
  ),
  memoryBudgetMb: setting.int(
    'KEEL_INFERENCE_MEMORY_BUDGET_MB',
    'Memory for loaded model versions (artifact size × workers); beyond it the least recently used ' +
      'unpinned versions are unloaded (0: no limit).',
    { default: 2048, min: 0, max: 1_048_576 },
  ),
  logQueueSize: setting.int(
    'KEEL_INFERENCE_LOG_QUEUE_SIZE',
    'Prediction log entries waiting for Kafka at most; beyond it entries are dropped and counted (0: no log).',
    { default: 10_000, min: 0, max: 10_000_000 },
  ),
  logLingerMs: setting.int(
    'KEEL_INFERENCE_LOG_LINGER_MS',
    'How long the prediction log lets a first entry wait for others before sending them in one produce ' +
      'request (0: as soon as the answers of that moment are written).',
    { default: 5, min: 0, max: 1000 },
  ),
  logSample: setting.string('KEEL_INFERENCE_LOG_SAMPLE', 'Share of requests written to the prediction log.', {
    default: '1',
    pattern: /^(0(\.\d+)?|1(\.0+)?)$/,
  }),
};

export type InferenceSettings = typeof inferenceSettings;
