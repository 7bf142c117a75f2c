import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { outboxSettings } from '@keel/event-bus';
import { serviceSettings, setting, type ConfigOf } from '@keel/runtime';

/** Every KEEL_* variable the registry service reads (documented in docs/configuration.md). */
export const registrySettings = {
  ...serviceSettings('registry', DEFAULT_SERVICE_PORTS.registry),
  ...outboxSettings('registry'),
  adminToken: setting.optionalString(
    'KEEL_ADMIN_TOKEN',
    'Bootstrap bearer token with the admin scope (stored as the token "admin"; at least 16 characters), ' +
      'to create the first tokens with `keel auth token create`.',
    { secret: true, pattern: /^[\x21-\x7e]{16,512}$/ },
  ),
  auditEvents: setting.bool(
    'KEEL_REGISTRY_AUDIT_EVENTS',
    true,
    'Consume keel.model.promotion_refused into the audit trail (connects to Kafka in the background).',
  ),
  artifactBackend: setting.oneOf(
    'KEEL_ARTIFACT_BACKEND',
    ['fs', 's3'] as const,
    'fs',
    'Where artifacts live: fs (under KEEL_DATA_DIR/artifacts) or s3 (any S3-compatible store).',
  ),
  s3Endpoint: setting.optionalUrl(
    'KEEL_S3_ENDPOINT',
    'S3 endpoint URL (MinIO, Ceph, localstack...); unset means AWS for the region.',
    ['http', 'https'],
  ),
  s3Bucket: setting.optionalString(
    'KEEL_S3_BUCKET',
    'Bucket holding the artifacts; required when KEEL_ARTIFACT_BACKEND=s3.',
    { pattern: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/ },
  ),
  s3Prefix: setting.optionalString(
    'KEEL_S3_PREFIX',
    'Key prefix inside the bucket (e.g. keel/), empty for the bucket root.',
    { pattern: /^[A-Za-z0-9_.\-/]{1,256}$/ },
  ),
  s3Region: setting.string('KEEL_S3_REGION', 'Region passed to the S3 client.', { default: 'us-east-1' }),
  s3AccessKeyId: setting.optionalString(
    'KEEL_S3_ACCESS_KEY_ID',
    'S3 access key id; unset uses the default AWS credential chain.',
    { secret: true },
  ),
  s3SecretAccessKey: setting.optionalString('KEEL_S3_SECRET_ACCESS_KEY', 'S3 secret access key.', { secret: true }),
  s3ForcePathStyle: setting.bool(
    'KEEL_S3_FORCE_PATH_STYLE',
    true,
    'Address buckets as endpoint/bucket (most S3-compatible servers need it).',
  ),
};

export type RegistrySettings = typeof registrySettings;
export type RegistryConfig = ConfigOf<RegistrySettings>;
