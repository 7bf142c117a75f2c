import { z } from 'zod';
import { TOPICS } from '../topics';
import { defineEvent } from './define-event';

export const policyChangedSchema = z.object({
  /** The service whose policy changed. */
  service: z.enum(['training', 'monitoring']),
  /** Which policy: a dataset's training policy, a model's promotion gate or a model's monitor settings. */
  kind: z.enum(['training', 'promotion', 'monitor']),
  /** The dataset or model the policy belongs to. */
  name: z.string().min(1).max(63),
  /** The token's name that changed it (`local` when auth is off). */
  actor: z.string().min(1).max(255),
  /** The policy as it is now (the monitor's overrides, not the defaults). */
  policy: z.record(z.string(), z.unknown()),
  /** The trace the change ran in (32 hex digits; empty when there was none). */
  traceId: z.string().max(32),
});

export type PolicyChanged = z.infer<typeof policyChangedSchema>;

export const policyChanged = defineEvent({
  type: TOPICS.policyChanged,
  version: 1,
  topic: { kind: 'fixed', name: TOPICS.policyChanged },
  key: 'dataset or model name',
  description: 'An operator changed a training, promotion or monitoring policy (recorded in the audit trail).',
  schema: policyChangedSchema,
});
