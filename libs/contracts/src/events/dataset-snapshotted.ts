import { z } from 'zod';
import { TOPICS } from '../topics';
import {
  datasetNameSchema,
  datasetSchemaSchema,
  profileSchema,
  sha256Schema,
  timeWindowSchema,
  uriSchema,
  versionSchema,
} from './common';
import { defineEvent } from './define-event';

export const datasetSnapshottedSchema = z.object({
  dataset: datasetNameSchema,
  version: versionSchema,
  /** Content address of the columnar snapshot. */
  sha256: sha256Schema,
  rows: z.number().int().min(0),
  schema: datasetSchemaSchema,
  profile: profileSchema,
  artifactUri: uriSchema,
  /** The records the snapshot holds: their time range and, per partition, the last ingest offset included. */
  window: timeWindowSchema.extend({
    offsets: z.array(z.object({ partition: z.number().int().min(0), offset: z.string().regex(/^\d+$/) })).optional(),
  }),
});

export type DatasetSnapshotted = z.infer<typeof datasetSnapshottedSchema>;

export const datasetSnapshotted = defineEvent({
  type: TOPICS.datasetSnapshotted,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.datasetSnapshotted },
  key: 'dataset name',
  description: 'A new immutable, content-addressed dataset version with its schema and profile.',
  schema: datasetSnapshottedSchema,
});
