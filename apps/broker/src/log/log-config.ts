import type { FileOps } from './file-io';
import type { TopicConfig } from './topic-config';

export type FsyncPolicy = { kind: 'always' } | { kind: 'never' } | { kind: 'interval'; ms: number };

// What one partition needs to know; `topic` is replaced when the topic's configs are altered.
export interface LogConfig {
  readonly topic: TopicConfig;
  readonly fsync: FsyncPolicy;
  readonly producerIdExpirationMs: number;
  readonly ops?: FileOps; // tests inject failing writes and syncs
}
