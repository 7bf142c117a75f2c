// Job output of the CLI: the `--json` shape of a job (docs/cli.md) and its one-line and detailed text.
import type { trainingV1 } from '@keel/contracts';

export const ALGO_FLAGS: Record<string, trainingV1.Algorithm> = {
  lr: 'ALGORITHM_LR',
  rf: 'ALGORITHM_RF',
  gbdt: 'ALGORITHM_GBDT',
};

/** One job in `--json` output (stable fields, documented in docs/cli.md). */
export interface JobItem {
  id: string;
  state: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  model: string;
  dataset: string;
  datasetVersion: number | null;
  snapshotSha256: string | null;
  algo: string;
  params: Record<string, unknown>;
  seed: number;
  trigger: string;
  attempts: number;
  progress: { stage: string; iteration: number; total: number; etaMs: number } | null;
  failure: { code: string; message: string } | null;
  modelVersion: number | null;
  runId: string | null;
  metrics: { validation: Record<string, number>; test: Record<string, number> } | null;
  gate: { promoted: boolean; forced: boolean; reasons: string[]; championVersion: number | null } | null;
  search: { strategy: string; space: Record<string, unknown>; budget: number } | null;
  bestParams: Record<string, unknown> | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const iso = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);

export function jobItem(j: trainingV1.Job__Output): JobItem {
  const g = j.gate;
  return {
    id: j.id,
    state: j.state.replace('JOB_STATE_', '').toLowerCase() as JobItem['state'],
    model: j.model,
    dataset: j.dataset,
    datasetVersion: j.datasetVersion || null,
    snapshotSha256: j.snapshotSha256 || null,
    algo: j.algorithm.replace('ALGORITHM_', '').toLowerCase(),
    params: JSON.parse(j.paramsJson || '{}') as Record<string, unknown>,
    seed: j.seed,
    trigger: j.trigger,
    attempts: j.attempts,
    progress: j.progress
      ? { stage: j.progress.stage, iteration: j.progress.iteration, total: j.progress.total, etaMs: j.progress.etaMs }
      : null,
    failure: j.failureCode ? { code: j.failureCode, message: j.failureMessage } : null,
    modelVersion: j.modelVersion || null,
    runId: j.runId || null,
    metrics: j.metricsJson ? (JSON.parse(j.metricsJson) as JobItem['metrics']) : null,
    gate: g?.evaluated
      ? { promoted: g.promoted, forced: g.forced, reasons: g.reasons, championVersion: g.championVersion || null }
      : null,
    search: j.searchJson ? (JSON.parse(j.searchJson) as JobItem['search']) : null,
    bestParams: j.bestParamsJson ? (JSON.parse(j.bestParamsJson) as Record<string, unknown>) : null,
    createdAt: iso(j.createdAtMs)!,
    startedAt: iso(j.startedAtMs),
    finishedAt: iso(j.finishedAtMs),
  };
}

export function jobDetails(j: JobItem): string {
  const lines = [
    `job          ${j.id}`,
    `state        ${j.state}${j.failure ? ` (${j.failure.code}: ${j.failure.message})` : ''}`,
    `model        ${j.model}${j.modelVersion ? ` v${j.modelVersion}` : ''}`,
    `dataset      ${j.dataset} ${j.datasetVersion ? `v${j.datasetVersion}` : '(latest)'}`,
    `algo         ${j.algo} seed ${j.seed} params ${JSON.stringify(j.params)}`,
    `trigger      ${j.trigger}, attempts ${j.attempts}`,
  ];
  if (j.runId) lines.push(`run          ${j.runId}`);
  if (j.search)
    lines.push(`search       ${j.search.strategy}, ${j.search.budget} trials; best ${JSON.stringify(j.bestParams)}`);
  if (j.metrics) {
    const f = (m: Record<string, number>) =>
      `auc ${m.auc?.toFixed(4)} accuracy ${m.accuracy?.toFixed(4)} f1 ${m.f1?.toFixed(4)}`;
    lines.push(`validation   ${f(j.metrics.validation)}`, `test         ${f(j.metrics.test)}`);
  }
  if (j.gate) {
    lines.push(`gate         ${j.gate.promoted ? 'promoted' : 'not promoted'}${j.gate.forced ? ' (forced)' : ''}`);
    for (const r of j.gate.reasons) lines.push(`  - ${r}`);
  }
  return `${lines.join('\n')}\n`;
}

export function progressBar(j: JobItem, width = 30): string {
  const p = j.progress;
  if (!p || p.total <= 0) return `${j.state.padEnd(9)} ${p?.stage ?? ''}`;
  const share = Math.min(1, p.iteration / p.total);
  const filled = Math.round(share * width);
  const eta = p.etaMs > 0 ? ` eta ${Math.ceil(p.etaMs / 1000)}s` : '';
  return `${p.stage.padEnd(8)} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.iteration}/${p.total}${eta}`;
}

export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
