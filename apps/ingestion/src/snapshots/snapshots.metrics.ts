import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@keel/telemetry';

const SIZE_BUCKETS = [1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];
const DURATION_BUCKETS = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

@Injectable()
export class SnapshotsMetrics {
  readonly duration;
  readonly partBytes;
  readonly rows;
  readonly staged;

  constructor(m: ServiceMetrics) {
    this.duration = m.histogram(
      'keel_ingest_snapshot_seconds',
      'Time to build a snapshot.',
      ['dataset'],
      DURATION_BUCKETS,
    );
    this.partBytes = m.histogram('keel_ingest_part_bytes', 'Size of each new Parquet part.', ['dataset'], SIZE_BUCKETS);
    this.rows = m.gauge('keel_ingest_snapshot_rows', 'Rows of the latest snapshot.', ['dataset']);
    this.staged = m.gauge('keel_ingest_staged_rows', 'Accepted rows waiting for the next snapshot.', ['dataset']);
  }
}
