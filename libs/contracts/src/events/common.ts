// Building blocks shared by several event payloads.
import { z } from 'zod';

const NAME = /^[a-z][a-z0-9_-]{0,62}$/;

export const sha256Schema = z.string().regex(/^[a-f0-9]{64}$/, 'a lower-case hex sha256 (64 characters)');
export const datasetNameSchema = z
  .string()
  .regex(NAME, 'a lower-case name: letter first, then letters, digits, "-" or "_"');
export const modelNameSchema = z
  .string()
  .regex(NAME, 'a lower-case name: letter first, then letters, digits, "-" or "_"');
export const aliasSchema = z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'a lower-case alias such as "production"');
export const versionSchema = z.number().int().min(1);
export const idSchema = z.string().min(1).max(128);
export const timestampSchema = z.iso.datetime({ offset: true });
/** Where an artifact lives: file://, s3://, or any other scheme the artifact store understands. */
export const uriSchema = z.string().regex(/^[a-z][a-z0-9+.-]*:\S+$/, 'an absolute URI such as s3://bucket/key');
export const jsonObjectSchema = z.record(z.string(), z.unknown());
export const paramsSchema = z.record(z.string(), z.union([z.number(), z.string(), z.boolean(), z.null()]));
export const metricsSchema = z.record(z.string(), z.number());

export const columnTypeSchema = z.enum(['number', 'integer', 'string', 'boolean', 'category', 'timestamp']);

export const columnSchema = z.object({
  name: z.string().min(1).max(128),
  type: columnTypeSchema,
  nullable: z.boolean(),
  categories: z.array(z.string()).optional(),
});

export const datasetSchemaSchema = z.object({ columns: z.array(columnSchema).min(1) });

/** A fixed-bin histogram: counts[i] falls in [edges[i], edges[i+1]). */
export const histogramSchema = z.object({
  edges: z.array(z.number()).min(2),
  counts: z.array(z.number().int().min(0)).min(1),
});

export const columnProfileSchema = z.object({
  name: z.string().min(1),
  count: z.number().int().min(0),
  nulls: z.number().int().min(0),
  numeric: z
    .object({ min: z.number(), max: z.number(), mean: z.number(), std: z.number().min(0), histogram: histogramSchema })
    .optional(),
  categorical: z.object({ counts: z.record(z.string(), z.number().int().min(0)) }).optional(),
});

/**
 * Where the full drift reference of a snapshot lives: libs/ml's `ReferenceProfile.toJSON()` stored as an
 * artifact (JSON) in the registry's artifact store. Monitoring compares windows against it without
 * re-reading the snapshot's Parquet.
 */
export const referenceProfileRefSchema = z.object({
  sha256: sha256Schema,
  uri: uriSchema,
  format: z.literal('keel.drift.reference-profile.v1'),
});

/** The per-column summary of a snapshot, plus the address of its full drift reference. */
export const profileSchema = z.object({
  columns: z.array(columnProfileSchema),
  reference: referenceProfileRefSchema.optional(),
});

/** KServe V2 / Open Inference Protocol datatypes. */
export const tensorDatatypeSchema = z.enum([
  'BOOL',
  'UINT8',
  'UINT16',
  'UINT32',
  'UINT64',
  'INT8',
  'INT16',
  'INT32',
  'INT64',
  'FP16',
  'FP32',
  'FP64',
  'BYTES',
]);

export const tensorSpecSchema = z.object({
  name: z.string().min(1),
  datatype: tensorDatatypeSchema,
  /** -1 marks a variable dimension (usually the batch). */
  shape: z.array(z.number().int().min(-1)),
});

export const tensorSchema = tensorSpecSchema.extend({
  data: z.array(z.union([z.number(), z.string(), z.boolean()])),
});

export const timeWindowSchema = z.object({ from: timestampSchema, to: timestampSchema });
