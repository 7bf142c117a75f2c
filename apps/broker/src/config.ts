import type { FsyncPolicy } from './log/log-config';
import { MAX_SEGMENT_BYTES } from './log/segment';
import { parseCleanupPolicy, type CleanupPolicy, type TopicConfig } from './log/topic-config';
import type { LogLevel } from './logger';

export interface BrokerConfig {
  readonly port: number;
  readonly host: string;
  readonly httpPort: number;
  readonly dataDir: string;
  readonly nodeId: number;
  readonly advertisedHost: string;
  readonly advertisedPort: number; // 0: the port the broker listens on
  readonly autoCreateTopics: boolean;
  readonly defaultPartitions: number;
  readonly fsync: FsyncPolicy;
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly retentionBytes: number;
  readonly retentionMs: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly deleteRetentionMs: number;
  readonly producerIdExpirationMs: number;
  readonly retentionCheckMs: number;
  readonly maxRequestBytes: number;
  readonly maxMessageBytes: number;
  readonly groupInitialRebalanceDelayMs: number;
  readonly logLevel: LogLevel;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid broker configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

type Parse = (raw: string) => unknown; // returns a value or throws a message string

interface Option {
  readonly flag: string;
  readonly env: string;
  readonly key: keyof BrokerConfig;
  readonly parse: Parse;
  readonly fallback: string;
  readonly help: string;
}

const int =
  (min: number, max = Number.MAX_SAFE_INTEGER): Parse =>
  (raw) => {
    const n = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) throw `must be an integer in [${min}, ${max}]`;
    return n;
  };
const bool: Parse = (raw) => {
  if (['true', '1', 'yes'].includes(raw)) return true;
  if (['false', '0', 'no'].includes(raw)) return false;
  throw 'must be true or false';
};
const text: Parse = (raw) => {
  if (raw.trim() === '') throw 'must not be empty';
  return raw;
};
const fsync: Parse = (raw): FsyncPolicy => {
  if (raw === 'always') return { kind: 'always' };
  if (raw === 'never') return { kind: 'never' };
  if (/^\d+$/.test(raw) && Number(raw) > 0) return { kind: 'interval', ms: Number(raw) };
  throw 'must be "always", "never" or an interval in milliseconds';
};
// The index stores 32-bit positions: a segment must stay addressable by them.
const segmentBytes: Parse = (raw) => {
  const n = int(1024)(raw) as number;
  if (n > MAX_SEGMENT_BYTES) {
    throw `must be at most ${MAX_SEGMENT_BYTES} (2 GiB - 1): segment index positions are 32-bit`;
  }
  return n;
};
const cleanupPolicy: Parse = (raw) => parseCleanupPolicy(raw);
const level: Parse = (raw) => {
  if (raw === 'debug' || raw === 'info' || raw === 'warn' || raw === 'error') return raw;
  throw 'must be debug, info, warn or error';
};

export const OPTIONS: readonly Option[] = [
  { flag: 'port', env: 'PORT', key: 'port', parse: int(0, 65535), fallback: '9092', help: 'Kafka listener port' },
  { flag: 'host', env: 'HOST', key: 'host', parse: text, fallback: '127.0.0.1', help: 'address to bind' },
  {
    flag: 'http-port',
    env: 'HTTP_PORT',
    key: 'httpPort',
    parse: int(0, 65535),
    fallback: '9100',
    help: '/metrics and /healthz port',
  },
  {
    flag: 'data-dir',
    env: 'DATA_DIR',
    key: 'dataDir',
    parse: text,
    fallback: '.keel/broker',
    help: 'where logs and offsets live',
  },
  {
    flag: 'node-id',
    env: 'NODE_ID',
    key: 'nodeId',
    parse: int(0, 2147483647),
    fallback: '1',
    help: 'broker and controller id',
  },
  {
    flag: 'advertised-host',
    env: 'ADVERTISED_HOST',
    key: 'advertisedHost',
    parse: text,
    fallback: '',
    help: 'host given to clients (default: --host, or 127.0.0.1 for 0.0.0.0)',
  },
  {
    flag: 'advertised-port',
    env: 'ADVERTISED_PORT',
    key: 'advertisedPort',
    parse: int(0, 65535),
    fallback: '0',
    help: 'port given to clients (0: the listener port; set it when clients connect through a proxy)',
  },
  {
    flag: 'auto-create-topics',
    env: 'AUTO_CREATE_TOPICS',
    key: 'autoCreateTopics',
    parse: bool,
    fallback: 'true',
    help: 'create unknown topics on metadata requests',
  },
  {
    flag: 'default-partitions',
    env: 'DEFAULT_PARTITIONS',
    key: 'defaultPartitions',
    parse: int(1, 10000),
    fallback: '1',
    help: 'partitions of auto-created topics',
  },
  {
    flag: 'fsync',
    env: 'FSYNC',
    key: 'fsync',
    parse: fsync,
    fallback: 'always',
    help: 'always | never | <ms> interval',
  },
  {
    flag: 'segment-bytes',
    env: 'SEGMENT_BYTES',
    key: 'segmentBytes',
    parse: segmentBytes,
    fallback: String(64 * 1024 * 1024),
    help: 'roll segments past this size (topic config segment.bytes)',
  },
  {
    flag: 'segment-ms',
    env: 'SEGMENT_MS',
    key: 'segmentMs',
    parse: int(1),
    fallback: String(7 * 24 * 3600 * 1000),
    help: 'roll the active segment once it is this old (topic config segment.ms)',
  },
  {
    flag: 'retention-bytes',
    env: 'RETENTION_BYTES',
    key: 'retentionBytes',
    parse: int(-1),
    fallback: '-1',
    help: 'per-partition size limit, -1: none (topic config retention.bytes)',
  },
  {
    flag: 'retention-ms',
    env: 'RETENTION_MS',
    key: 'retentionMs',
    parse: int(-1),
    fallback: String(7 * 24 * 3600 * 1000),
    help: 'age limit, -1: none (topic config retention.ms)',
  },
  {
    flag: 'cleanup-policy',
    env: 'CLEANUP_POLICY',
    key: 'cleanupPolicy',
    parse: cleanupPolicy,
    fallback: 'delete',
    help: 'delete | compact | compact,delete (topic config cleanup.policy)',
  },
  {
    flag: 'delete-retention-ms',
    env: 'DELETE_RETENTION_MS',
    key: 'deleteRetentionMs',
    parse: int(0),
    fallback: String(24 * 3600 * 1000),
    help: 'how long tombstones stay in compacted topics (topic config delete.retention.ms)',
  },
  {
    flag: 'producer-id-expiration-ms',
    env: 'PRODUCER_ID_EXPIRATION_MS',
    key: 'producerIdExpirationMs',
    parse: int(1),
    fallback: String(24 * 3600 * 1000),
    help: 'forget an idempotent producer idle this long',
  },
  {
    flag: 'retention-check-ms',
    env: 'RETENTION_CHECK_MS',
    key: 'retentionCheckMs',
    parse: int(100),
    fallback: '30000',
    help: 'how often retention, compaction and producer expiry run',
  },
  {
    flag: 'max-request-bytes',
    env: 'MAX_REQUEST_BYTES',
    key: 'maxRequestBytes',
    parse: int(1024),
    fallback: String(100 * 1024 * 1024),
    help: 'largest accepted request frame',
  },
  {
    flag: 'max-message-bytes',
    env: 'MAX_MESSAGE_BYTES',
    key: 'maxMessageBytes',
    parse: int(128),
    fallback: String(1024 * 1024 + 12),
    help: 'largest accepted record batch (topic config max.message.bytes)',
  },
  {
    flag: 'group-initial-rebalance-delay-ms',
    env: 'GROUP_INITIAL_REBALANCE_DELAY_MS',
    key: 'groupInitialRebalanceDelayMs',
    parse: int(0, 300000),
    fallback: '3000',
    help: 'wait for more members when a group forms',
  },
  {
    flag: 'log-level',
    env: 'LOG_LEVEL',
    key: 'logLevel',
    parse: level,
    fallback: 'info',
    help: 'debug | info | warn | error',
  },
];

// Flags win over KEEL_BROKER_* variables, which win over defaults. Every problem is collected.
export function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): BrokerConfig {
  const problems: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(arg);
    const opt = m ? OPTIONS.find((o) => o.flag === m[1]) : undefined;
    if (!m || !opt) {
      problems.push(`unknown argument "${arg}"`);
      continue;
    }
    const value = m[2] ?? argv[i + 1];
    if (m[2] === undefined) i++;
    if (value === undefined) problems.push(`--${opt.flag} needs a value`);
    else flags.set(opt.flag, value);
  }
  const values: Record<string, unknown> = {};
  for (const o of OPTIONS) {
    const envName = `KEEL_BROKER_${o.env}`;
    const raw = flags.get(o.flag) ?? env[envName] ?? o.fallback;
    const source = flags.has(o.flag) ? `--${o.flag}` : env[envName] !== undefined ? envName : `default of ${o.flag}`;
    if (o.key === 'advertisedHost' && raw === '') continue;
    try {
      values[o.key] = o.parse(raw);
    } catch (e) {
      problems.push(`${source}=${JSON.stringify(raw)}: ${typeof e === 'string' ? e : String(e)}`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  const host = values.host as string;
  values.advertisedHost ??= host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  return values as unknown as BrokerConfig;
}

// The broker-wide defaults of every topic config.
export function topicDefaults(c: BrokerConfig): TopicConfig {
  return {
    retentionMs: c.retentionMs,
    retentionBytes: c.retentionBytes,
    segmentBytes: c.segmentBytes,
    segmentMs: c.segmentMs,
    maxMessageBytes: c.maxMessageBytes,
    cleanupPolicy: c.cleanupPolicy,
    deleteRetentionMs: c.deleteRetentionMs,
    minCleanableDirtyRatio: 0.5,
  };
}

export function usage(): string {
  return OPTIONS.map((o) => `  --${o.flag.padEnd(34)} KEEL_BROKER_${o.env.padEnd(34)} ${o.help} [${o.fallback}]`).join(
    '\n',
  );
}
