import { availableParallelism } from 'node:os';
import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { outboxSettings } from '@keel/event-bus';
import { serviceSettings, setting } from '@keel/runtime';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Every KEEL_* variable the training service reads (documented in docs/configuration.md). */
export const trainingSettings = {
  ...serviceSettings('training', DEFAULT_SERVICE_PORTS.training),
  ...outboxSettings('training'),
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
  workers: setting.int(
    'KEEL_TRAINING_WORKERS',
    'Training worker threads (jobs that run at once); 0 means one below the core count, at least one.',
    { default: 0, min: 0, max: 256 },
  ),
  leaseMs: setting.int(
    'KEEL_TRAINING_LEASE_MS',
    'A running job whose heartbeat is older than this is re-queued (its worker or process died).',
    { default: 15_000, min: 500, max: 3_600_000 },
  ),
  maxAttempts: setting.int(
    'KEEL_TRAINING_MAX_ATTEMPTS',
    'Times a job is started before a lost worker fails it (WORKER_LOST) instead of re-queueing it.',
    { default: 3, min: 1, max: 100 },
  ),
  workerNice: setting.int(
    'KEEL_TRAINING_WORKER_NICE',
    'Nice steps each training thread lowers itself by (Linux, per thread) so the event loop runs first; 0 keeps it.',
    { default: 10, min: 0, max: 19 },
  ),
  pollMs: setting.int('KEEL_TRAINING_POLL_MS', 'How often idle workers look for queued jobs.', {
    default: 250,
    min: 10,
    max: 60_000,
  }),
};

export type TrainingSettings = typeof trainingSettings;

/** The pool size: the setting, or one below the core count (at least one). */
export function poolSize(workers: number): number {
  return workers > 0 ? workers : Math.max(1, availableParallelism() - 1);
}
