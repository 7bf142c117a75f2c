import { z } from 'zod';
import { TOPICS } from '../topics';
import {
  datasetNameSchema,
  idSchema,
  metricsSchema,
  modelNameSchema,
  paramsSchema,
  sha256Schema,
  uriSchema,
  versionSchema,
} from './common';
import { defineEvent } from './define-event';

export const trainingCompletedSchema = z.object({
  jobId: idSchema,
  runId: idSchema,
  model: modelNameSchema,
  dataset: datasetNameSchema,
  datasetVersion: versionSchema,
  snapshotSha256: sha256Schema,
  algorithm: z.string().min(1).max(64),
  params: paramsSchema,
  seed: z.number().int().min(0),
  /** Evaluation metrics on the held-out split, e.g. auc, accuracy, f1. */
  metrics: metricsSchema,
  artifactSha256: sha256Schema,
  artifactUri: uriSchema,
  codeVersion: z.string().min(1),
  durationMs: z.number().min(0),
});

export type TrainingCompleted = z.infer<typeof trainingCompletedSchema>;

export const trainingCompleted = defineEvent({
  type: TOPICS.trainingCompleted,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.trainingCompleted },
  key: 'job id',
  description: 'A training job finished and produced a model artifact with its evaluation metrics.',
  schema: trainingCompletedSchema,
});
