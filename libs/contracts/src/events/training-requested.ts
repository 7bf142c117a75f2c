import { z } from 'zod';
import { TOPICS } from '../topics';
import { datasetNameSchema, idSchema, modelNameSchema, paramsSchema, sha256Schema, versionSchema } from './common';
import { defineEvent } from './define-event';

export const trainingReasonSchema = z.enum(['manual', 'snapshot', 'drift', 'performance', 'schedule']);

export const trainingRequestedSchema = z.object({
  jobId: idSchema,
  model: modelNameSchema,
  dataset: datasetNameSchema,
  /** The snapshot to train on; absent means the dataset's latest snapshot when the job starts. */
  datasetVersion: versionSchema.optional(),
  snapshotSha256: sha256Schema.optional(),
  /**
   * Absent algorithm/params/target/seed mean: take them from the dataset's training policy (or, for a
   * retrain request from monitoring, from the current production version's lineage).
   */
  algorithm: z.string().min(1).max(64).optional(),
  params: paramsSchema.optional(),
  target: z.string().min(1).optional(),
  seed: z.number().int().min(0).optional(),
  reason: trainingReasonSchema,
  /** The alert that asked for retraining, when reason is drift or performance. */
  alertId: idSchema.optional(),
  requestedBy: z.string().min(1).optional(),
});

export type TrainingRequested = z.infer<typeof trainingRequestedSchema>;

export const trainingRequested = defineEvent({
  type: TOPICS.trainingRequested,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.trainingRequested },
  key: 'job id',
  description: 'A training job was asked for (by an operator, a new snapshot or a retrain policy).',
  schema: trainingRequestedSchema,
});
