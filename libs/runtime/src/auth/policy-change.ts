import type { PolicyChanged } from '@keel/contracts';
import { activeTraceIds } from '@keel/telemetry';
import { actorName } from './principal';

/**
 * The keel.policy.changed payload for a policy a service just saved: published through the service's
 * outbox in the same transaction, the registry records it in the audit trail with who changed it.
 */
export function policyChange(
  service: PolicyChanged['service'],
  kind: PolicyChanged['kind'],
  name: string,
  policy: Record<string, unknown>,
): PolicyChanged {
  return { service, kind, name, actor: actorName(), policy, traceId: activeTraceIds()?.trace_id ?? '' };
}
