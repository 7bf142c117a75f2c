import { z } from 'zod';
import { TOPICS } from '../topics';
import { idSchema, modelNameSchema, timestampSchema } from './common';
import { defineEvent } from './define-event';

export const feedbackSchema = z
  .object({
    requestId: idSchema.optional(),
    entityId: idSchema.optional(),
    model: modelNameSchema.optional(),
    /** Row of a multi-row request the label belongs to (default 0). */
    row: z.number().int().min(0).optional(),
    /** The ground truth: a class label, a boolean or a numeric target. */
    label: z.union([z.number(), z.string(), z.boolean()]),
    observedAt: timestampSchema.optional(),
  })
  .refine((f) => f.requestId !== undefined || f.entityId !== undefined, {
    message: 'feedback needs a requestId or an entityId to join it to a prediction',
    path: ['requestId'],
  });

export type Feedback = z.infer<typeof feedbackSchema>;

export const feedback = defineEvent({
  type: TOPICS.feedback,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.feedback },
  key: 'request id or entity id',
  description: 'Ground truth from a producer, joined to logged predictions by request id or entity id.',
  schema: feedbackSchema,
  jsonSchemaExtra: { anyOf: [{ required: ['requestId'] }, { required: ['entityId'] }] },
});
