import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { serviceSettings, setting } from '@keel/runtime';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Every KEEL_* variable the ingestion service reads (documented in docs/configuration.md). */
export const ingestionSettings = {
  ...serviceSettings('ingestion', DEFAULT_SERVICE_PORTS.ingestion),
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
  consumerGroup: setting.string('KEEL_INGESTION_GROUP', 'Consumer group shared by the ingestion replicas.', {
    default: 'keel-ingestion',
    pattern: /^[A-Za-z0-9._-]{1,200}$/,
  }),
  maxRecordBytes: setting.int('KEEL_INGESTION_MAX_RECORD_BYTES', 'Records larger than this are dead-lettered.', {
    default: 1024 * 1024,
    min: 64,
    max: 64 * 1024 * 1024,
  }),
  topicRefreshSeconds: setting.int(
    'KEEL_INGESTION_TOPIC_REFRESH_SECONDS',
    'How often new keel.ingest.<dataset> topics are looked for (the consumer then resubscribes).',
    { default: 10, min: 1, max: 3600 },
  ),
  stagingWorker: setting.bool(
    'KEEL_INGESTION_STAGING_WORKER',
    true,
    'On SQLite, validate and stage records of datasets that do not dedupe on a worker thread with its own connection, so the event loop decodes the next fetch meanwhile (false: everything on the event loop).',
  ),
  maxChunksInFlight: setting.int(
    'KEEL_INGESTION_MAX_CHUNKS_IN_FLIGHT',
    'Chunks (of up to 2,000 records) handed on for staging and not yet committed, over all partitions: the consumer fetches ahead until this many are pending.',
    { default: 32, min: 1, max: 256 },
  ),
  leaseSeconds: setting.int(
    'KEEL_INGESTION_LEASE_SECONDS',
    'Snapshot-builder lease of a dataset: renewed every third of it while a replica builds; a replica that died mid-build loses it after this long.',
    { default: 15, min: 3, max: 3600 },
  ),
};

export type IngestionSettings = typeof ingestionSettings;
