import { DEFAULT_SERVICE_PORTS } from '@keel/contracts';
import { outboxSettings } from '@keel/event-bus';
import { serviceSettings, setting } from '@keel/runtime';

const HOST_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Every KEEL_* variable the monitoring service reads (documented in docs/configuration.md). */
export const monitoringSettings = {
  ...serviceSettings('monitoring', DEFAULT_SERVICE_PORTS.monitoring),
  ...outboxSettings('monitoring'),
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
  windowSize: setting.int('KEEL_MONITORING_WINDOW_SIZE', 'Default rows per drift window (0: windows by time).', {
    default: 1000,
    min: 0,
    max: 100_000_000,
  }),
  windowSeconds: setting.int(
    'KEEL_MONITORING_WINDOW_SECONDS',
    'Default seconds per drift window when KEEL_MONITORING_WINDOW_SIZE is 0.',
    { default: 0, min: 0, max: 30 * 86_400 },
  ),
  slidePanes: setting.int('KEEL_MONITORING_SLIDE_PANES', 'Panes of a sliding window (it slides by 1/panes).', {
    default: 4,
    min: 2,
    max: 100,
  }),
  driftShare: setting.string(
    'KEEL_MONITORING_DRIFT_SHARE',
    'Default share of drifted features at or above which the dataset drifts (critical alert).',
    { default: '0.5', pattern: /^(0(\.\d+)?|1(\.0+)?)$/ },
  ),
  exactLimit: setting.int(
    'KEEL_MONITORING_EXACT_LIMIT',
    'Values per feature a window keeps exactly before switching to a KLL sketch (bounds memory).',
    { default: 100_000, min: 1000, max: 10_000_000 },
  ),
  performanceWindow: setting.int('KEEL_MONITORING_PERFORMANCE_WINDOW', 'Labelled predictions per performance window.', {
    default: 500,
    min: 10,
    max: 1_000_000,
  }),
  performanceTolerance: setting.string(
    'KEEL_MONITORING_PERFORMANCE_TOLERANCE',
    'A performance alert fires when the metric falls below the training metric minus this.',
    { default: '0.05', pattern: /^(0(\.\d+)?|1(\.0+)?)$/ },
  ),
  alertCooldownSeconds: setting.int(
    'KEEL_MONITORING_ALERT_COOLDOWN_SECONDS',
    'A firing alert is re-sent at most once per this many seconds while it keeps firing.',
    { default: 3600, min: 0, max: 30 * 86_400 },
  ),
  retrainOn: setting.list(
    'KEEL_MONITORING_RETRAIN_ON',
    'Alerts that request retraining: drift, dataset_drift, performance, or none.',
    {
      default: 'dataset_drift,performance',
      item: /^(drift|dataset_drift|performance|none)$/,
      itemHint: 'drift, dataset_drift, performance or none',
    },
  ),
  retrainCooldownSeconds: setting.int(
    'KEEL_MONITORING_RETRAIN_COOLDOWN_SECONDS',
    'Minimum seconds between two retraining requests for one model.',
    { default: 86_400, min: 0, max: 365 * 86_400 },
  ),
  joinTtlSeconds: setting.int('KEEL_MONITORING_JOIN_TTL_SECONDS', 'How long a logged prediction waits for its label.', {
    default: 7 * 86_400,
    min: 1,
    max: 90 * 86_400,
  }),
  joinMaxEntries: setting.int(
    'KEEL_MONITORING_JOIN_MAX_ENTRIES',
    'Predictions kept waiting for labels at most (oldest dropped first).',
    { default: 200_000, min: 100, max: 10_000_000 },
  ),
  webhookUrl: setting.optionalUrl(
    'KEEL_MONITORING_WEBHOOK_URL',
    'Global webhook every alert is posted to (per-model URLs are set with `keel monitor set`).',
    ['http', 'https'],
  ),
  webhookSecret: setting.optionalString(
    'KEEL_MONITORING_WEBHOOK_SECRET',
    'Shared secret of the HMAC-SHA256 webhook signature.',
    { secret: true },
  ),
  webhookAllow: setting.list(
    'KEEL_MONITORING_WEBHOOK_ALLOW',
    'Hosts, addresses or CIDRs webhooks may reach although private or loopback (SSRF guard), comma-separated.',
    { default: 'none' },
  ),
  webhookTimeoutMs: setting.int('KEEL_MONITORING_WEBHOOK_TIMEOUT_MS', 'Deadline of one webhook request.', {
    default: 5000,
    min: 100,
    max: 60_000,
  }),
  webhookAttempts: setting.int('KEEL_MONITORING_WEBHOOK_ATTEMPTS', 'Tries per webhook delivery before it fails.', {
    default: 6,
    min: 1,
    max: 50,
  }),
  webhookRetryMs: setting.int(
    'KEEL_MONITORING_WEBHOOK_RETRY_MS',
    'First retry delay of a webhook delivery (doubles per attempt, capped at 10 minutes).',
    { default: 1000, min: 10, max: 600_000 },
  ),
};

export type MonitoringSettings = typeof monitoringSettings;
