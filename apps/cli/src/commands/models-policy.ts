// `keel models policy <model> [--min auc=0.8 ...] [--compare-metric auc] [--max-regression 0.01]
// [--no-signature-match] [--json]`: the model's promotion policy (no flag but --json: show it).
import type { trainingV1 } from '@keel/contracts';
import type { Command } from 'commander';
import { usageError } from './monitoring-client';
import { withTraining } from './train-client';

export interface PolicyFlags {
  min?: string[];
  compareMetric?: string;
  maxRegression?: string;
  signatureMatch: boolean;
  json?: boolean;
}

/** The flags as a SetPromotionPolicy request; null when none was given (show the policy). */
export function policyRequest(model: string, f: PolicyFlags): trainingV1.PromotionPolicy | null {
  if (f.min === undefined && f.compareMetric === undefined && f.maxRegression === undefined && f.signatureMatch)
    return null;
  const minMetrics = (f.min ?? []).map((text) => {
    const m = /^([a-z][a-z0-9_]{0,31})=(-?\d+(?:\.\d+)?)$/.exec(text);
    if (!m) throw usageError(`--min must be metric=value, e.g. auc=0.8, got "${text}"`);
    return { metric: m[1], min: Number(m[2]) };
  });
  const maxRegression = f.maxRegression === undefined ? 0 : Number(f.maxRegression);
  if (!(maxRegression >= 0 && maxRegression <= 1))
    throw usageError(`--max-regression must be a number in 0..1, got "${f.maxRegression}"`);
  return {
    model,
    minMetrics,
    compareMetric: f.compareMetric ?? 'auc',
    maxRegression,
    requireSignatureMatch: f.signatureMatch,
  };
}

export function registerModelsPolicy(models: Command): void {
  models
    .command('policy <model>')
    .description('show or set the promotion policy the champion/challenger gate applies')
    .option('--min <metric=value...>', 'minimum test metrics, e.g. --min auc=0.8 f1=0.5')
    .option('--compare-metric <metric>', 'metric compared against production on the same rows (default auc)')
    .option('--max-regression <x>', 'how much worse than production the challenger may be (default 0)')
    .option('--no-signature-match', 'allow inputs that differ from what production serves')
    .option('--json', 'print the policy as JSON')
    .action(async (model: string, f: PolicyFlags) => {
      const req = policyRequest(model, f);
      const p = await withTraining((c) =>
        req ? c.promotion.SetPromotionPolicy(req) : c.promotion.GetPromotionPolicy({ model }),
      );
      const item = {
        model: p.model,
        minMetrics: Object.fromEntries(p.minMetrics.map((m) => [m.metric, m.min])),
        compareMetric: p.compareMetric,
        maxRegression: p.maxRegression,
        requireSignatureMatch: p.requireSignatureMatch,
      };
      if (f.json) process.stdout.write(`${JSON.stringify(item, null, 2)}\n`);
      else
        process.stdout.write(
          `${item.model}: ${Object.entries(item.minMetrics)
            .map(([k, v]) => `${k} >= ${v}, `)
            .join('')}${item.compareMetric} at most ${item.maxRegression} below production` +
            `${item.requireSignatureMatch ? ', same inputs as production' : ''}\n`,
        );
    });
}
