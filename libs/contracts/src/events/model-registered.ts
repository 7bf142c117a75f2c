import { z } from 'zod';
import { TOPICS } from '../topics';
import {
  idSchema,
  metricsSchema,
  modelNameSchema,
  sha256Schema,
  tensorSpecSchema,
  uriSchema,
  versionSchema,
} from './common';
import { defineEvent } from './define-event';

export const modelFormatSchema = z.enum(['onnx', 'keel-json']);

export const modelRegisteredSchema = z.object({
  model: modelNameSchema,
  version: versionSchema,
  runId: idSchema,
  snapshotSha256: sha256Schema,
  artifactSha256: sha256Schema,
  artifactUri: uriSchema,
  format: modelFormatSchema,
  /** Inputs and outputs as the inference server will expose them (Open Inference Protocol). */
  signature: z.object({ inputs: z.array(tensorSpecSchema).min(1), outputs: z.array(tensorSpecSchema).min(1) }),
  metrics: metricsSchema.optional(),
});

export type ModelRegistered = z.infer<typeof modelRegisteredSchema>;

export const modelRegistered = defineEvent({
  type: TOPICS.modelRegistered,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.modelRegistered },
  key: 'model name',
  description: 'A new model version was recorded in the registry with its lineage and artifact.',
  schema: modelRegisteredSchema,
});
