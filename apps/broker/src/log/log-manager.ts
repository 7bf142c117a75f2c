import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from './partition-log';
import { writeFileAtomic } from './atomic-file';
import { isValidTopicName } from './topic-name';
import { effectiveConfig, type TopicConfig } from './topic-config';
import type { FsyncPolicy } from './log-config';
import type { FileOps } from './file-io';
import type { Logger } from '../logger';

export interface TopicInfo {
  readonly name: string;
  readonly partitions: PartitionLog[];
  // Per-topic overrides (Kafka config name -> value); everything else is the broker default.
  configs: Record<string, string>;
}

export interface LogManagerOptions {
  readonly defaults: TopicConfig;
  readonly fsync: FsyncPolicy;
  readonly producerIdExpirationMs: number;
  readonly ops?: FileOps;
}

export type CreateTopicOutcome = 'created' | 'exists' | 'invalid-name' | 'invalid-partitions';
export type AddPartitionsOutcome = 'ok' | 'unknown-topic' | 'not-more' | 'too-many';

const TOPICS_FILE = 'topics.json';
// Each partition holds a descriptor per segment; this keeps one topic from exhausting them.
export const MAX_PARTITIONS_PER_TOPIC = 1000;
const LOGS_DIR = 'logs';

interface StoredTopic {
  name: string;
  partitions: number;
  configs?: Record<string, string>;
}

// Owns every topic's partitions, their configs and the persisted topic list (topics.json).
export class LogManager {
  private readonly topics = new Map<string, TopicInfo>();
  truncatedBytes = 0;
  offlinePartitions = 0;
  compactedBytes = 0;
  private compacting = false;

  constructor(
    private readonly dataDir: string,
    private readonly options: LogManagerOptions,
    private readonly logger: Logger,
  ) {}

  get defaults(): TopicConfig {
    return this.options.defaults;
  }

  load(): void {
    fs.mkdirSync(path.join(this.dataDir, LOGS_DIR), { recursive: true });
    const file = path.join(this.dataDir, TOPICS_FILE);
    if (!fs.existsSync(file)) return;
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { topics: StoredTopic[] };
    for (const t of parsed.topics) {
      const info: TopicInfo = { name: t.name, partitions: [], configs: t.configs ?? {} };
      this.topics.set(t.name, info);
      this.openPartitions(info, t.partitions);
    }
  }

  private openPartitions(info: TopicInfo, count: number): void {
    const topic = effectiveConfig(this.options.defaults, info.configs);
    for (let p = info.partitions.length; p < count; p++) {
      const dir = path.join(this.dataDir, LOGS_DIR, `${info.name}-${p}`);
      const fields = { topic: info.name, partition: p };
      const log = PartitionLog.open(
        dir,
        {
          topic,
          fsync: this.options.fsync,
          producerIdExpirationMs: this.options.producerIdExpirationMs,
          ops: this.options.ops,
        },
        {
          onTruncate: (bytes) => {
            this.truncatedBytes += bytes;
            this.logger.warn('recovery truncated a torn tail', { ...fields, bytes });
          },
          onCorruptRegion: (r) => {
            this.truncatedBytes += r.bytes;
            this.logger.error('recovery cut out a corrupt region and kept the batches after it', { ...fields, ...r });
          },
          onFailure: (e) => {
            this.offlinePartitions++;
            this.logger.error('partition taken out of service after a failed write or sync', {
              ...fields,
              error: e.message,
            });
          },
        },
      );
      info.partitions.push(log);
    }
  }

  private persist(): void {
    const topics: StoredTopic[] = [...this.topics.values()].map((t) => ({
      name: t.name,
      partitions: t.partitions.length,
      ...(Object.keys(t.configs).length > 0 ? { configs: t.configs } : {}),
    }));
    writeFileAtomic(path.join(this.dataDir, TOPICS_FILE), JSON.stringify({ topics }, null, 1));
  }

  get(name: string): TopicInfo | undefined {
    return this.topics.get(name);
  }

  partition(name: string, index: number): PartitionLog | undefined {
    return this.topics.get(name)?.partitions[index];
  }

  all(): TopicInfo[] {
    return [...this.topics.values()];
  }

  // `configs` must already be validated (validateOverrides).
  create(
    name: string,
    partitions: number,
    configs: Record<string, string> = {},
    validateOnly = false,
  ): CreateTopicOutcome {
    if (!isValidTopicName(name)) return 'invalid-name';
    if (this.topics.has(name)) return 'exists';
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS_PER_TOPIC)
      return 'invalid-partitions';
    if (validateOnly) return 'created';
    const info: TopicInfo = { name, partitions: [], configs: { ...configs } };
    this.topics.set(name, info);
    this.openPartitions(info, partitions);
    this.persist();
    this.logger.info('topic created', { topic: name, partitions, configs });
    return 'created';
  }

  // CreatePartitions: partitions are only ever added.
  addPartitions(name: string, count: number, validateOnly = false): AddPartitionsOutcome {
    const info = this.topics.get(name);
    if (!info) return 'unknown-topic';
    if (count <= info.partitions.length) return 'not-more';
    if (count > MAX_PARTITIONS_PER_TOPIC) return 'too-many';
    if (validateOnly) return 'ok';
    this.openPartitions(info, count);
    this.persist();
    this.logger.info('partitions added', { topic: name, partitions: count });
    return 'ok';
  }

  // Replaces a topic's overrides (validated by the caller) and applies them to every partition.
  setConfigs(name: string, configs: Record<string, string>): boolean {
    const info = this.topics.get(name);
    if (!info) return false;
    info.configs = { ...configs };
    const topic = effectiveConfig(this.options.defaults, info.configs);
    for (const p of info.partitions) p.setTopicConfig(topic);
    this.persist();
    this.logger.info('topic configs altered', { topic: name, configs });
    return true;
  }

  delete(name: string): boolean {
    const t = this.topics.get(name);
    if (!t) return false;
    this.topics.delete(name);
    this.persist();
    for (const p of t.partitions) {
      p.remove().catch((e: unknown) => this.logger.error('topic removal failed', { topic: name, error: String(e) }));
    }
    this.logger.info('topic deleted', { topic: name });
    return true;
  }

  applyRetention(now: number): number {
    let removed = 0;
    for (const t of this.topics.values()) for (const p of t.partitions) removed += p.applyRetention(now);
    return removed;
  }

  // One compaction pass over every compacted partition that needs it; never two passes at once.
  async compact(now: number): Promise<void> {
    if (this.compacting) return;
    this.compacting = true;
    try {
      for (const t of this.all()) {
        for (const [p, log] of t.partitions.entries()) {
          try {
            const res = await log.compact(now);
            if (!res || res.rewrittenSegments === 0) continue;
            this.compactedBytes += res.removedBytes;
            this.logger.info('log compacted', { topic: t.name, partition: p, ...res });
          } catch (e) {
            this.logger.error('log compaction failed', { topic: t.name, partition: p, error: String(e) });
          }
        }
      }
    } finally {
      this.compacting = false;
    }
  }

  expireProducers(now: number): number {
    let n = 0;
    for (const t of this.topics.values()) for (const p of t.partitions) n += p.expireProducers(now);
    return n;
  }

  totalBytes(): number {
    let n = 0;
    for (const t of this.topics.values()) for (const p of t.partitions) n += p.sizeBytes;
    return n;
  }

  partitionCount(): number {
    let n = 0;
    for (const t of this.topics.values()) n += t.partitions.length;
    return n;
  }

  async flush(): Promise<void> {
    const all = this.all().flatMap((t) => t.partitions.map((p) => p.flush()));
    const results = await Promise.allSettled(all);
    const failed = results.filter((r) => r.status === 'rejected').length;
    if (failed > 0) throw new Error(`fsync failed for ${failed} partition(s)`);
  }

  async close(): Promise<void> {
    await Promise.all(this.all().flatMap((t) => t.partitions.map((p) => p.close())));
  }
}
