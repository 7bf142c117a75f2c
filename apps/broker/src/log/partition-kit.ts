// Shared by the log's unit tests: default configs and a reader that walks a partition's batches.
import { ErrorCode } from '../protocol/errors';
import type { LogConfig } from './log-config';
import type { PartitionLog } from './partition-log';
import { parseBatches } from './record-batch';
import type { TopicConfig } from './topic-config';

export const TOPIC: TopicConfig = {
  segmentBytes: 4096,
  segmentMs: 7 * 24 * 3600 * 1000,
  retentionBytes: -1,
  retentionMs: -1,
  maxMessageBytes: 1 << 20,
  cleanupPolicy: ['delete'],
  deleteRetentionMs: 86_400_000,
  minCleanableDirtyRatio: 0.5,
};

export const CONFIG: LogConfig = { topic: TOPIC, fsync: { kind: 'always' }, producerIdExpirationMs: 86_400_000 };

export function withTopic(t: Partial<TopicConfig>, c: Partial<LogConfig> = {}): LogConfig {
  return { ...CONFIG, ...c, topic: { ...TOPIC, ...t } };
}

// Base offsets of every batch from `from` up to the high watermark.
export async function readAll(log: PartitionLog, from = 0): Promise<number[]> {
  const bases: number[] = [];
  let offset = Math.max(from, log.logStartOffset);
  while (offset < log.highWatermark) {
    const r = await log.read(offset, 1 << 20);
    if (r.errorCode !== ErrorCode.NONE) throw new Error(`read at ${offset} failed with ${r.errorCode}`);
    const batches = parseBatches(Buffer.concat(r.records), true);
    if (batches.length === 0) break;
    for (const b of batches) {
      if (b.baseOffset + b.lastOffsetDelta < offset) continue;
      bases.push(b.baseOffset);
      offset = b.baseOffset + b.lastOffsetDelta + 1;
    }
  }
  return bases;
}
