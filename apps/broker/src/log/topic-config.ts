import { MAX_SEGMENT_BYTES } from './segment';

// Per-topic configuration: the Kafka topic configs this broker implements. Anything else named in
// CreateTopics, AlterConfigs or IncrementalAlterConfigs is refused with INVALID_CONFIG.
export type CleanupPolicy = readonly ('delete' | 'compact')[];

export interface TopicConfig {
  readonly retentionMs: number; // -1: no age limit
  readonly retentionBytes: number; // -1: no size limit
  readonly segmentBytes: number;
  readonly segmentMs: number;
  readonly maxMessageBytes: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly deleteRetentionMs: number;
  readonly minCleanableDirtyRatio: number;
}

export type ConfigType = 'long' | 'int' | 'list' | 'double';

export interface ConfigDef {
  readonly name: string;
  readonly key: keyof TopicConfig;
  readonly type: ConfigType;
  readonly synonym: string; // the broker-wide Kafka setting it defaults to
  readonly doc: string;
  readonly parse: (raw: string) => number | CleanupPolicy; // throws a message string
}

const INT_MAX = 2147483647;

const long =
  (min: number, max = Number.MAX_SAFE_INTEGER) =>
  (raw: string): number => {
    const n = Number(raw.trim());
    if (!/^-?\d+$/.test(raw.trim()) || n < min || n > max) throw `must be an integer in [${min}, ${max}]`;
    return n;
  };

const ratio = (raw: string): number => {
  const n = Number(raw.trim());
  if (raw.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1) throw 'must be a number in [0, 1]';
  return n;
};

export function parseCleanupPolicy(raw: string): CleanupPolicy {
  const parts = raw.split(',').map((p) => p.trim());
  const ok = parts.length > 0 && parts.every((p) => p === 'delete' || p === 'compact');
  if (!ok || new Set(parts).size !== parts.length) throw 'must be "delete", "compact" or "compact,delete"';
  return parts as CleanupPolicy;
}

export const TOPIC_CONFIG_DEFS: readonly ConfigDef[] = [
  {
    name: 'cleanup.policy',
    key: 'cleanupPolicy',
    type: 'list',
    synonym: 'log.cleanup.policy',
    doc: 'delete: drop old segments by retention.ms/retention.bytes; compact: keep the latest record per key',
    parse: parseCleanupPolicy,
  },
  {
    name: 'delete.retention.ms',
    key: 'deleteRetentionMs',
    type: 'long',
    synonym: 'log.cleaner.delete.retention.ms',
    doc: 'how long a tombstone (null value) stays readable in a compacted topic',
    parse: long(0),
  },
  {
    name: 'max.message.bytes',
    key: 'maxMessageBytes',
    type: 'int',
    synonym: 'message.max.bytes',
    doc: 'largest record batch accepted',
    parse: long(0, INT_MAX),
  },
  {
    name: 'min.cleanable.dirty.ratio',
    key: 'minCleanableDirtyRatio',
    type: 'double',
    synonym: 'log.cleaner.min.cleanable.ratio',
    doc: 'share of the log written since the last compaction pass that starts the next one (0: every roll)',
    parse: ratio,
  },
  {
    name: 'retention.bytes',
    key: 'retentionBytes',
    type: 'long',
    synonym: 'log.retention.bytes',
    doc: 'per-partition size limit before old segments are deleted (-1: none)',
    parse: long(-1),
  },
  {
    name: 'retention.ms',
    key: 'retentionMs',
    type: 'long',
    synonym: 'log.retention.ms',
    doc: 'age after which a segment is deleted, by its newest timestamp (-1: none)',
    parse: long(-1),
  },
  {
    name: 'segment.bytes',
    key: 'segmentBytes',
    type: 'int',
    synonym: 'log.segment.bytes',
    doc: 'roll to a new segment past this size (index positions are 32-bit)',
    parse: long(1024, MAX_SEGMENT_BYTES),
  },
  {
    name: 'segment.ms',
    key: 'segmentMs',
    type: 'long',
    synonym: 'log.roll.ms',
    doc: 'roll to a new segment once the active one is this old, so retention reaches quiet topics',
    parse: long(1),
  },
];

const BY_NAME = new Map(TOPIC_CONFIG_DEFS.map((d) => [d.name, d]));

export function configDef(name: string): ConfigDef | undefined {
  return BY_NAME.get(name);
}

export function formatValue(v: number | CleanupPolicy): string {
  return typeof v === 'number' ? String(v) : v.join(',');
}

// Overrides as stored (name -> string value) applied on top of the broker-wide defaults.
export function effectiveConfig(defaults: TopicConfig, overrides: Readonly<Record<string, string>>): TopicConfig {
  const out: Record<string, unknown> = { ...defaults };
  for (const [name, raw] of Object.entries(overrides)) {
    const def = BY_NAME.get(name);
    if (def) out[def.key] = def.parse(raw);
  }
  return out as unknown as TopicConfig;
}

// Checks a full set of overrides; returns every problem, naming each config.
export function validateOverrides(entries: readonly { name: string; value: string | null }[]): string[] {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const { name, value } of entries) {
    const def = BY_NAME.get(name);
    if (!def) {
      problems.push(`unsupported topic config "${name}" (supported: ${[...BY_NAME.keys()].join(', ')})`);
      continue;
    }
    if (seen.has(name)) problems.push(`config "${name}" given twice`);
    seen.add(name);
    if (value === null) {
      problems.push(`config "${name}" has a null value`);
      continue;
    }
    try {
      def.parse(value);
    } catch (e) {
      problems.push(`${name}=${JSON.stringify(value)}: ${typeof e === 'string' ? e : String(e)}`);
    }
  }
  return problems;
}

// Normalised stored form of validated entries.
export function toOverrides(entries: readonly { name: string; value: string | null }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { name, value } of entries) {
    const def = BY_NAME.get(name);
    if (def && value !== null) out[name] = formatValue(def.parse(value));
  }
  return out;
}
