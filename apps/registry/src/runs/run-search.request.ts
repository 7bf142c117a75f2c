import type { registryV1 } from '@keel/contracts';
import { readPage, type Direction, type Validator } from '@keel/domain';
import type { ComparisonOp, RunSearch } from './run-search.query';
import { runStatus } from './run-status';

const OPS: Record<string, ComparisonOp> = {
  COMPARISON_EQ: '=',
  COMPARISON_NE: '<>',
  COMPARISON_LT: '<',
  COMPARISON_LE: '<=',
  COMPARISON_GT: '>',
  COMPARISON_GE: '>=',
};
const MAX_FILTERS = 20;

/** Checks a search request field by field and turns it into the query's terms. */
export function readRunSearch(req: registryV1.SearchRunsRequest__Output, v: Validator): RunSearch {
  if (req.experimentIds.length > 100) v.fail('experiment_ids', 'must list at most 100 experiments');
  for (const [field, list] of [
    ['params', req.params],
    ['tags', req.tags],
    ['metrics', req.metrics],
  ] as const) {
    if (list.length > MAX_FILTERS) v.fail(field, `must hold at most ${MAX_FILTERS} filters`);
  }
  return {
    experimentIds: req.experimentIds.map((id, i) => v.id(id, `experiment_ids[${i}]`)),
    statuses: req.statuses.map((s, i) => runStatus(s, `statuses[${i}]`, v)),
    params: req.params.map((p, i) => ({ key: v.key(p.key, `params[${i}].key`), value: p.value })),
    tags: req.tags.map((t, i) => ({ key: v.key(t.key, `tags[${i}].key`), value: t.value })),
    metrics: req.metrics.map((m, i) => ({
      key: v.key(m.key, `metrics[${i}].key`),
      op:
        OPS[m.comparison] ??
        v.fail(`metrics[${i}].comparison`, 'must be one of COMPARISON_EQ, _NE, _LT, _LE, _GT, _GE'),
      value: Number.isFinite(m.value) ? m.value : v.fail(`metrics[${i}].value`, 'must be a finite number'),
    })),
    order: readRunOrder(req.orderBy, v),
    page: readPage(req.page, v),
  };
}

function readRunOrder(value: string, v: Validator): RunSearch['order'] {
  const trimmed = value.trim();
  if (trimmed === '') return { kind: 'attribute', column: 'start_time', direction: 'DESC' };
  const match = /^(start_time|end_time|name|metrics\.(\S+))(?:\s+(asc|desc))?$/i.exec(trimmed);
  if (!match)
    return v.fail(
      'order_by',
      'must be start_time, end_time, name or metrics.<key>, optionally followed by asc or desc',
    );
  const direction = (match[3]?.toUpperCase() ?? 'ASC') as Direction;
  if (match[2] !== undefined) return { kind: 'metric', key: v.key(match[2], 'order_by'), direction };
  return { kind: 'attribute', column: match[1]!.toLowerCase() as 'start_time' | 'end_time' | 'name', direction };
}
