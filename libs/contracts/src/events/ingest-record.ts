import { z } from 'zod';
import { defineEvent } from './define-event';

/** The `ce_type` given to records on `keel.ingest.<dataset>`, whether or not the producer sent one. */
export const INGEST_RECORD_TYPE = 'keel.ingest.record';

// Any JSON object: the dataset's own schema is checked by the ingestion service, which knows it.
export const ingestRecordSchema = z.record(z.string(), z.unknown());

export type IngestRecord = z.infer<typeof ingestRecordSchema>;

export const ingestRecord = defineEvent({
  type: INGEST_RECORD_TYPE,
  version: 1,
  topic: { kind: 'ingest' },
  key: 'entity id',
  description:
    'A raw record from an external producer on keel.ingest.<dataset>: one JSON object; CloudEvents headers are optional.',
  schema: ingestRecordSchema,
});
