import { z } from 'zod';
import { TOPICS } from '../topics';
import { datasetNameSchema, idSchema, modelNameSchema, sha256Schema, timeWindowSchema, versionSchema } from './common';
import { defineEvent } from './define-event';

export const driftTestSchema = z.enum(['ks', 'wasserstein', 'chi2', 'jensenshannon', 'psi', 'z']);

export const featureDriftSchema = z.object({
  feature: z.string().min(1),
  test: driftTestSchema,
  statistic: z.number(),
  /** Only for hypothesis tests (ks, chi2, z; for z the statistic is the p-value too). */
  pValue: z.number().min(0).max(1).nullable(),
  threshold: z.number(),
  drifted: z.boolean(),
});

export const monitoringAlertSchema = z.object({
  alertId: idSchema,
  model: modelNameSchema,
  version: versionSchema,
  kind: z.enum(['data_drift', 'prediction_drift', 'performance']),
  severity: z.enum(['warning', 'critical']),
  window: timeWindowSchema.extend({ rows: z.number().int().min(0) }),
  /** The training snapshot the window was compared against: the way back to the data. */
  baselineSnapshotSha256: sha256Schema,
  /** The dataset and version of that snapshot (the reference version). */
  dataset: datasetNameSchema.optional(),
  datasetVersion: versionSchema.optional(),
  /** The monitoring window the alert comes from (see `keel drift report <model> --window <id>`). */
  windowId: idSchema.optional(),
  /** Absent means firing; a resolved event follows when a later window is back to normal. */
  status: z.enum(['firing', 'resolved']).optional(),
  evidence: z.object({
    features: z.array(featureDriftSchema),
    datasetDrift: z.boolean().optional(),
    /** Drift of the positive-class probability, reported apart from the input features. */
    prediction: featureDriftSchema.optional(),
    driftedShare: z.number().min(0).max(1).optional(),
    metric: z
      .object({ name: z.string().min(1), value: z.number(), baseline: z.number(), threshold: z.number() })
      .optional(),
  }),
  message: z.string().min(1).max(4096),
  /** Set when a retrain policy asked for a new training job. */
  retrainJobId: idSchema.optional(),
});

export type MonitoringAlert = z.infer<typeof monitoringAlertSchema>;

export const monitoringAlert = defineEvent({
  type: TOPICS.monitoringAlert,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.monitoringAlert },
  key: 'model name',
  description: 'A drift or performance alert for a model version, with the evidence.',
  schema: monitoringAlertSchema,
});
