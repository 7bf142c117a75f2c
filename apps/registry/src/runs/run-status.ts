import type { Validator } from '@keel/domain';
import type { RunStatusName } from './runs.entities';

export const TERMINAL_STATUSES: readonly RunStatusName[] = ['FINISHED', 'FAILED', 'KILLED'];

/** RUN_STATUS_FINISHED (proto) -> FINISHED (stored); UNSPECIFIED and unknown names are a field error. */
export function runStatus(value: string, field: string, v: Validator): RunStatusName {
  const name = value.replace(/^RUN_STATUS_/, '');
  if (name === 'RUNNING' || name === 'FINISHED' || name === 'FAILED' || name === 'KILLED') return name;
  return v.fail(field, 'must be RUN_STATUS_RUNNING, RUN_STATUS_FINISHED, RUN_STATUS_FAILED or RUN_STATUS_KILLED');
}
