import { z } from 'zod';
import { TOPICS } from '../topics';
import { idSchema, modelNameSchema } from './common';
import { defineEvent } from './define-event';

export const trainingFailureCodeSchema = z.enum([
  'INVALID_PARAMS',
  'DATA_UNAVAILABLE',
  'TRAINING_ERROR',
  'CANCELLED',
  'TIMEOUT',
]);

export const trainingFailedSchema = z.object({
  jobId: idSchema,
  runId: idSchema.nullable(),
  model: modelNameSchema,
  code: trainingFailureCodeSchema,
  message: z.string().min(1).max(4096),
  /** Whether running the same request again may succeed. */
  retryable: z.boolean(),
});

export type TrainingFailed = z.infer<typeof trainingFailedSchema>;

export const trainingFailed = defineEvent({
  type: TOPICS.trainingFailed,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.trainingFailed },
  key: 'job id',
  description: 'A training job stopped without a model: bad parameters, missing data, an error, a cancel or a timeout.',
  schema: trainingFailedSchema,
});
