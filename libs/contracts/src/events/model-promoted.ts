import { z } from 'zod';
import { TOPICS } from '../topics';
import { aliasSchema, modelNameSchema, sha256Schema, uriSchema, versionSchema } from './common';
import { modelFormatSchema } from './model-registered';
import { defineEvent } from './define-event';

export const modelPromotedSchema = z.object({
  model: modelNameSchema,
  alias: aliasSchema,
  /** The version the alias pointed to before; null on the first promotion. */
  fromVersion: versionSchema.nullable(),
  toVersion: versionSchema,
  /** So a server can load the new version without asking the registry. */
  artifactSha256: sha256Schema,
  artifactUri: uriSchema,
  format: modelFormatSchema,
  reason: z.string().max(1024).optional(),
  promotedBy: z.string().min(1).optional(),
  /** Champion/challenger evidence when a policy promoted automatically. */
  comparison: z
    .object({
      metric: z.string().min(1),
      champion: z.number().nullable(),
      challenger: z.number(),
      rows: z.number().int().min(0),
    })
    .optional(),
});

export type ModelPromoted = z.infer<typeof modelPromotedSchema>;

export const modelPromoted = defineEvent({
  type: TOPICS.modelPromoted,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.modelPromoted },
  key: 'model name',
  description: 'A model alias (e.g. production) moved to another version.',
  schema: modelPromotedSchema,
});
