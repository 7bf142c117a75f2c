import { z } from 'zod';
import { TOPICS } from '../topics';
import { idSchema, modelNameSchema, tensorSchema, versionSchema } from './common';
import { defineEvent } from './define-event';

export const inferenceLoggedSchema = z.object({
  requestId: idSchema,
  model: modelNameSchema,
  version: versionSchema,
  /** Joins the prediction to ground truth arriving later on keel.feedback. */
  entityId: idSchema.optional(),
  /** One entity id per row when the request carried them (row i of every tensor belongs to entityIds[i]). */
  entityIds: z.array(idSchema).optional(),
  /** Which deployment slot answered: the primary (alias) version, a canary, or a shadow (never returned). */
  role: z.enum(['primary', 'canary', 'shadow']).optional(),
  inputs: z.array(tensorSchema).min(1),
  outputs: z.array(tensorSchema).min(1),
  latencyMs: z.number().min(0),
});

export type InferenceLogged = z.infer<typeof inferenceLoggedSchema>;

export const inferenceLogged = defineEvent({
  type: TOPICS.inferenceLogged,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.inferenceLogged },
  key: 'model name',
  description: 'One prediction served: request id, model version, input and output tensors.',
  schema: inferenceLoggedSchema,
});
