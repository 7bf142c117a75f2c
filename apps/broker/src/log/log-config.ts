export type FsyncPolicy = { kind: 'always' } | { kind: 'never' } | { kind: 'interval'; ms: number };

export interface LogConfig {
  readonly segmentBytes: number;
  readonly retentionBytes: number; // -1: unlimited
  readonly retentionMs: number; // -1: unlimited
  readonly fsync: FsyncPolicy;
  readonly maxMessageBytes: number;
}
