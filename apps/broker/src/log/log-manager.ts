import * as fs from 'node:fs';
import * as path from 'node:path';
import { PartitionLog } from './partition-log';
import { writeFileAtomic } from './atomic-file';
import { isValidTopicName } from './topic-name';
import type { LogConfig } from './log-config';
import type { Logger } from '../logger';

export interface TopicInfo {
  readonly name: string;
  readonly partitions: PartitionLog[];
}

export type CreateTopicOutcome = 'created' | 'exists' | 'invalid-name' | 'invalid-partitions';

const TOPICS_FILE = 'topics.json';
// Each partition holds two descriptors per segment; this keeps one topic from exhausting them.
export const MAX_PARTITIONS_PER_TOPIC = 1000;
const LOGS_DIR = 'logs';

// Owns every topic's partitions and the persisted topic list (topics.json).
export class LogManager {
  private readonly topics = new Map<string, TopicInfo>();
  truncatedBytes = 0;

  constructor(
    private readonly dataDir: string,
    private readonly config: LogConfig,
    private readonly logger: Logger,
  ) {}

  load(): void {
    fs.mkdirSync(path.join(this.dataDir, LOGS_DIR), { recursive: true });
    const file = path.join(this.dataDir, TOPICS_FILE);
    if (!fs.existsSync(file)) return;
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as { topics: { name: string; partitions: number }[] };
    for (const t of parsed.topics) this.openTopic(t.name, t.partitions);
  }

  private openTopic(name: string, count: number): TopicInfo {
    const partitions: PartitionLog[] = [];
    for (let p = 0; p < count; p++) {
      const dir = path.join(this.dataDir, LOGS_DIR, `${name}-${p}`);
      partitions.push(
        PartitionLog.open(dir, this.config, (bytes) => {
          this.truncatedBytes += bytes;
          this.logger.warn('recovery truncated a torn tail', { topic: name, partition: p, bytes });
        }),
      );
    }
    const info = { name, partitions };
    this.topics.set(name, info);
    return info;
  }

  private persist(): void {
    const topics = [...this.topics.values()].map((t) => ({ name: t.name, partitions: t.partitions.length }));
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

  create(name: string, partitions: number, validateOnly = false): CreateTopicOutcome {
    if (!isValidTopicName(name)) return 'invalid-name';
    if (this.topics.has(name)) return 'exists';
    if (!Number.isInteger(partitions) || partitions < 1 || partitions > MAX_PARTITIONS_PER_TOPIC)
      return 'invalid-partitions';
    if (validateOnly) return 'created';
    this.openTopic(name, partitions);
    this.persist();
    this.logger.info('topic created', { topic: name, partitions });
    return 'created';
  }

  delete(name: string): boolean {
    const t = this.topics.get(name);
    if (!t) return false;
    this.topics.delete(name);
    this.persist();
    for (const p of t.partitions) p.remove();
    this.logger.info('topic deleted', { topic: name });
    return true;
  }

  applyRetention(now: number): number {
    let removed = 0;
    for (const t of this.topics.values()) for (const p of t.partitions) removed += p.applyRetention(now);
    return removed;
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
    await Promise.all(this.all().flatMap((t) => t.partitions.map((p) => p.flush())));
  }

  close(): void {
    for (const t of this.topics.values()) for (const p of t.partitions) p.close();
  }
}
