// The champion/challenger gate as a pure function: minimum metrics, the largest regression allowed
// against production on the same rows, and signature compatibility with what production serves.
import type { GateDecisionRecord } from '../jobs/jobs.entities';

export interface PromotionPolicy {
  minMetrics: Record<string, number>;
  compareMetric: string;
  maxRegression: number;
  requireSignatureMatch: boolean;
}

/** Without a stored policy: no minimums, no regression against production, matching inputs. */
export const DEFAULT_PROMOTION_POLICY: PromotionPolicy = {
  minMetrics: {},
  compareMetric: 'auc',
  maxRegression: 0,
  requireSignatureMatch: true,
};

export interface GateInput {
  /** The challenger's metrics on its test rows. */
  challenger: Record<string, number>;
  challengerInputs: { name: string; datatype: string }[];
  /** Production now, scored on the same rows (null: nothing in production yet). */
  champion: {
    version: number;
    metrics: Record<string, number> | null;
    error?: string;
    inputs: { name: string; datatype: string }[];
  } | null;
  rows: number;
}

const fmt = (x: number): string => x.toFixed(4);

export function evaluateGate(policy: PromotionPolicy, input: GateInput): GateDecisionRecord {
  const reasons: string[] = [];
  for (const [metric, min] of Object.entries(policy.minMetrics)) {
    const value = input.challenger[metric];
    if (value === undefined) reasons.push(`${metric} is not measured (policy needs ${metric} >= ${min})`);
    else if (value < min) reasons.push(`${metric} ${fmt(value)} < ${min} (minimum)`);
  }
  const metric = policy.compareMetric;
  const challengerValue = input.challenger[metric] ?? Number.NaN;
  let championValue: number | null = null;
  const champion = input.champion;
  if (champion) {
    if (champion.metrics === null) {
      reasons.push(`production v${champion.version} cannot score the same rows: ${champion.error ?? 'unknown error'}`);
    } else {
      championValue = champion.metrics[metric] ?? null;
      if (championValue !== null && !(challengerValue >= championValue - policy.maxRegression)) {
        reasons.push(
          `${metric} ${fmt(challengerValue)} vs production v${champion.version} ${fmt(championValue)} on the same ` +
            `${input.rows} rows: regression ${fmt(championValue - challengerValue)} > ${policy.maxRegression} allowed`,
        );
      }
    }
    if (policy.requireSignatureMatch) {
      const key = (i: { name: string; datatype: string }): string => `${i.name}:${i.datatype}`;
      const want = new Set(champion.inputs.map(key));
      const have = new Set(input.challengerInputs.map(key));
      const missing = [...want].filter((k) => !have.has(k));
      const extra = [...have].filter((k) => !want.has(k));
      if (missing.length || extra.length) {
        reasons.push(
          `signature differs from production v${champion.version}` +
            (missing.length ? `; missing inputs ${missing.join(', ')}` : '') +
            (extra.length ? `; new inputs ${extra.join(', ')}` : ''),
        );
      }
    }
  }
  return {
    promoted: reasons.length === 0,
    reasons: reasons.length
      ? reasons
      : [champion ? `${metric} within policy of production v${champion.version}` : 'first version'],
    championVersion: champion?.version ?? null,
    metric,
    challengerValue: Number.isFinite(challengerValue) ? challengerValue : 0,
    championValue,
    rows: input.rows,
    forced: false,
  };
}
