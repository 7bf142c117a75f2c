import { Injectable } from '@nestjs/common';
import { ServiceMetrics } from '@keel/telemetry';

/** Records accepted and rejected by dataset and reason, unknown fields, consumer lag. */
@Injectable()
export class RecordsMetrics {
  readonly accepted;
  readonly rejected;
  readonly unknownFields;
  readonly duplicates;
  readonly lag;

  constructor(m: ServiceMetrics) {
    this.accepted = m.counter('keel_ingest_records_accepted_total', 'Records validated and staged.', ['dataset']);
    this.rejected = m.counter('keel_ingest_records_rejected_total', 'Records dead-lettered, by reason.', [
      'dataset',
      'reason',
    ]);
    this.unknownFields = m.counter(
      'keel_ingest_unknown_fields_total',
      'Fields of accepted records the schema does not know (ignored).',
      ['dataset'],
    );
    this.duplicates = m.counter(
      'keel_ingest_records_duplicate_total',
      'Records skipped by dedupe: their (entity key, event time) was already accepted.',
      ['dataset'],
    );
    this.lag = m.gauge('keel_ingest_consumer_lag', 'Messages behind the high watermark, per partition.', [
      'topic',
      'partition',
    ]);
  }
}
