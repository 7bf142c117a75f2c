// The gate's use cases: after a job, on `models promote` (re-scoring both models on the challenger's test
// rows), and rollback. A passing gate moves `production` by compare-and-set in the registry, which
// announces keel.model.promoted; every decision and its reasons are recorded on the version's tags, and a
// refusal is announced as keel.model.promotion_refused through the outbox.
import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@keel/event-bus';
import { writeTransaction } from '@keel/persistence';
import { policyChange } from '@keel/runtime';
import { createHash } from 'node:crypto';
import type { GateDecisionRecord } from '../jobs/jobs.entities';
import { JobError, jobInput } from '../jobs/jobs.errors';
import { snapshotParquet } from '../jobs/snapshot-parquet';
import { PromotionRepository } from './promotion.repository';
import { REGISTRY, WORKER_POOL } from '../common/tokens';
import { type Champion, isAborted, isNotFound, RegistryGateway } from '../registry/registry-gateway';
import type { TensorSpec } from '../worker/train-task';
import { WorkerPool } from '../worker/worker-pool';
import { DEFAULT_PROMOTION_POLICY, evaluateGate, type PromotionPolicy } from './gate';

export interface AfterTraining {
  model: string;
  version: number;
  challenger: Record<string, number>;
  challengerInputs: TensorSpec[];
  champion: Champion | null;
  championScore: { test: Record<string, number> } | { error: string } | null;
  rows: number;
  actor: string;
}

@Injectable()
export class PromotionGate {
  constructor(
    @Inject(REGISTRY) private readonly registry: RegistryGateway,
    @Inject(WORKER_POOL) private readonly pool: WorkerPool,
    private readonly repo: PromotionRepository,
    private readonly outbox: Outbox,
  ) {}

  async policy(model: string): Promise<PromotionPolicy & { model: string }> {
    const row = await this.repo.get(model);
    return { model, ...(row ?? DEFAULT_PROMOTION_POLICY) };
  }

  async productionVersion(model: string): Promise<number> {
    jobInput.name(model, 'model');
    return (await this.registry.champion(model))?.version ?? 0;
  }

  async setPolicy(model: string, p: PromotionPolicy): Promise<PromotionPolicy & { model: string }> {
    jobInput.name(model, 'model');
    for (const [k, v] of Object.entries(p.minMetrics))
      if (!Number.isFinite(v)) jobInput.fail(`min_metrics.${k}`, 'must be a finite number');
    if (!(p.maxRegression >= 0 && p.maxRegression <= 1)) jobInput.fail('max_regression', 'must be in 0..1');
    const compareMetric = p.compareMetric || 'auc';
    if (!/^[a-z][a-z0-9_]{0,31}$/.test(compareMetric))
      jobInput.fail('compare_metric', 'must be a metric name such as auc');
    await writeTransaction(this.repo.dataSource, async (m) => {
      await this.repo.save({ model, ...p, compareMetric, updatedAt: Date.now() }, m);
      const policy = { ...p, compareMetric };
      await this.outbox.publish(m, 'keel.policy.changed', policyChange('training', 'promotion', model, policy), {
        key: model,
      });
    });
    return this.policy(model);
  }

  async decideAfterTraining(a: AfterTraining): Promise<GateDecisionRecord> {
    const policy = await this.policy(a.model);
    const decision = evaluateGate(policy, {
      challenger: a.challenger,
      challengerInputs: a.challengerInputs,
      champion: a.champion && {
        version: a.champion.version,
        metrics: a.championScore && 'test' in a.championScore ? a.championScore.test : null,
        error: a.championScore && 'error' in a.championScore ? a.championScore.error : 'not scored',
        inputs: a.champion.signature,
      },
      rows: a.rows,
    });
    return this.apply(a.model, a.version, decision, a.champion?.revision ?? 0, a.actor);
  }

  /** `models promote`: both models on the challenger's test rows, then the gate (or --force). */
  async decideForVersion(model: string, version: number, actor: string, force: boolean): Promise<GateDecisionRecord> {
    jobInput.name(model, 'model');
    if (!(Number.isInteger(version) && version >= 1)) jobInput.fail('version', 'must be a version number >= 1');
    const v = await this.registry.version(model, version).catch((err: unknown) => {
      if (isNotFound(err))
        throw new JobError('TRAINING_VERSION_NOT_FOUND', `${model} v${version} not found`, 'version');
      throw err;
    });
    const champion = await this.registry.champion(model);
    const tag = (k: string): string => v.tags.find((t) => t.key === k)?.value ?? '';
    const inputs = (v.signature?.inputs ?? []).map((i) => ({ name: i.name, datatype: i.datatype, shape: [] }));
    let decision: GateDecisionRecord;
    const dataset = tag('keel.dataset');
    if (dataset) {
      const snapshot = await this.registry.snapshot(dataset, Number(tag('keel.dataset_version')));
      const ds = await this.registry.dataset(dataset);
      const run = await this.registry.r.runs.GetRun({ runId: v.runId });
      const target = run.params.find((p) => p.key === 'target')?.value ?? ds.target;
      const parquetSha = /([0-9a-f]{64})(?:\.parquet)?$/.exec(snapshot.artifactUri)?.[1] ?? snapshot.sha256;
      const artifact = await this.registry.download(parquetSha);
      if (createHash('sha256').update(artifact).digest('hex') !== parquetSha)
        throw new JobError('TRAINING_REGISTRY_UNAVAILABLE', `snapshot ${parquetSha} does not match its sha256`);
      const parquet = await snapshotParquet(artifact, (sha) => this.registry.download(sha));
      const scored = await this.pool.evaluate(
        {
          kind: 'evaluate',
          parquet: new Uint8Array(parquet),
          target,
          seed: Number(tag('keel.seed')),
          challenger: new Uint8Array(await this.registry.download(v.artifactSha256)),
          champion: champion ? new Uint8Array(await this.registry.download(champion.artifactSha256)) : null,
        },
        new AbortController().signal,
      );
      decision = evaluateGate(await this.policy(model), {
        challenger: 'test' in scored.challenger ? scored.challenger.test : {},
        challengerInputs: inputs,
        champion: champion && {
          version: champion.version,
          metrics: scored.champion && 'test' in scored.champion ? scored.champion.test : null,
          error: scored.champion && 'error' in scored.champion ? scored.champion.error : undefined,
          inputs: champion.signature,
        },
        rows: scored.rows,
      });
    } else {
      decision = {
        promoted: false,
        reasons: [`${model} v${version} has no training lineage to evaluate it on`],
        championVersion: champion?.version ?? null,
        metric: 'auc',
        challengerValue: 0,
        championValue: null,
        rows: 0,
        forced: false,
      };
    }
    if (force && !decision.promoted)
      decision = { ...decision, promoted: true, forced: true, reasons: [`forced by ${actor}`, ...decision.reasons] };
    return this.apply(model, version, decision, champion?.revision ?? 0, actor);
  }

  async rollback(model: string, actor: string): Promise<{ fromVersion: number; toVersion: number }> {
    jobInput.name(model, 'model');
    const champion = await this.registry.champion(model);
    if (!champion) throw new JobError('TRAINING_VERSION_NOT_FOUND', `${model} has no production version`, 'model');
    const history = await this.registry.aliasHistory(model);
    const last = history.changes.find((c) => c.toVersion === champion.version && c.fromVersion > 0);
    if (!last)
      throw new JobError(
        'TRAINING_VERSION_NOT_FOUND',
        `${model}: production has no earlier version to go back to`,
        'model',
      );
    try {
      await this.registry.setProduction(
        model,
        last.fromVersion,
        champion.revision,
        `rollback from v${champion.version}`,
        actor,
      );
    } catch (err) {
      if (isAborted(err)) throw new JobError('TRAINING_ALIAS_CONFLICT', `${model}: production moved meanwhile`);
      throw err;
    }
    return { fromVersion: champion.version, toVersion: last.fromVersion };
  }

  private async apply(
    model: string,
    version: number,
    decision: GateDecisionRecord,
    revision: number,
    actor: string,
  ): Promise<GateDecisionRecord> {
    let d = decision;
    if (d.promoted && d.championVersion !== version) {
      try {
        await this.registry.setProduction(model, version, revision, d.reasons.join('; ').slice(0, 1000), actor);
      } catch (err) {
        if (!isAborted(err)) throw err;
        d = { ...d, promoted: false, reasons: ['production moved while the gate ran (compare-and-set lost)'] };
      }
    }
    await this.registry.tagVersion(model, version, {
      'keel.gate.decision': d.promoted ? 'promoted' : 'rejected',
      'keel.gate.reasons': d.reasons.join('; ').slice(0, 1000),
      'keel.gate.record': JSON.stringify(d).slice(0, 1024),
    });
    if (!d.promoted) await this.announceRefusal(model, version, d, actor);
    return d;
  }

  private async announceRefusal(model: string, version: number, d: GateDecisionRecord, actor: string): Promise<void> {
    await writeTransaction(this.repo.dataSource, (m) =>
      this.outbox.publish(
        m,
        'keel.model.promotion_refused',
        {
          model,
          version,
          alias: 'production',
          decision: 'rejected',
          reasons: (d.reasons.length ? d.reasons : ['refused']).map((r) => r.slice(0, 1024)),
          championVersion: d.championVersion,
          comparison: { metric: d.metric, champion: d.championValue, challenger: d.challengerValue, rows: d.rows },
          requestedBy: actor || 'unknown',
        },
        { key: model },
      ),
    );
  }
}
