import { z } from 'zod';
import { TOPICS } from '../topics';
import { aliasSchema, modelNameSchema, versionSchema } from './common';
import { defineEvent } from './define-event';

export const modelPromotionRefusedSchema = z.object({
  model: modelNameSchema,
  /** The version the gate refused to move the alias to. */
  version: versionSchema,
  alias: aliasSchema,
  decision: z.literal('rejected'),
  /** Why, one line per failed rule (e.g. "auc 0.7100 < 0.8000"). */
  reasons: z.array(z.string().max(1024)).min(1),
  /** The version the alias still points to; null when nothing is in production. */
  championVersion: versionSchema.nullable(),
  /** The compared metric on the same rows (the challenger's test rows). */
  comparison: z.object({
    metric: z.string().min(1),
    champion: z.number().nullable(),
    challenger: z.number(),
    rows: z.number().int().min(0),
  }),
  /** Who asked: "training job <id>" after a job, the actor of a manual promote. */
  requestedBy: z.string().min(1),
});

export type ModelPromotionRefused = z.infer<typeof modelPromotionRefusedSchema>;

export const modelPromotionRefused = defineEvent({
  type: TOPICS.modelPromotionRefused,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.modelPromotionRefused },
  key: 'model name',
  description: 'The champion/challenger gate refused to promote a model version (the alias did not move).',
  schema: modelPromotionRefusedSchema,
});
