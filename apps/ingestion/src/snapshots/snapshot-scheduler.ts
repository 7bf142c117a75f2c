// The automatic triggers of a dataset's snapshot policy: every N accepted records (counted as batches
// commit) and every T seconds while records are staged. On-demand builds go through the same service.
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { isDomainError } from '@keel/domain';
import { LOGGER } from '@keel/runtime';
import type { Logger } from '@keel/telemetry';
import { DatasetsService } from '../datasets/datasets.service';
import { RecordsService } from '../records/records.service';
import { SnapshotsMetrics } from './snapshots.metrics';
import { SnapshotsService } from './snapshots.service';

const TICK_MS = 1000;

@Injectable()
export class SnapshotScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  /** Rows this replica staged since its last build, per dataset. */
  private readonly sinceBuild = new Map<string, number>();
  private readonly lastBuild = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private ticking = false;
  private stopped = false;

  constructor(
    private readonly snapshots: SnapshotsService,
    private readonly datasets: DatasetsService,
    private readonly metrics: SnapshotsMetrics,
    records: RecordsService,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    records.onStaged((name, n) => void this.staged(name, n));
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  private async staged(name: string, n: number): Promise<void> {
    const total = (this.sinceBuild.get(name) ?? 0) + n;
    this.sinceBuild.set(name, total);
    const dataset = await this.datasets.findDataset(name).catch(() => null);
    if (dataset && dataset.policy.everyRecords > 0 && total >= dataset.policy.everyRecords) this.trigger(name);
  }

  private async tick(): Promise<void> {
    if (this.ticking || this.stopped) return;
    this.ticking = true;
    try {
      for (const d of await this.datasets.listDatasets()) {
        const staged = await this.datasets.stagedCount(d.name);
        this.metrics.staged.set({ dataset: d.name }, staged);
        if (d.policy.intervalSeconds <= 0 || staged === 0) continue;
        const last = this.lastBuild.get(d.name) ?? (await this.snapshots.latest(d.name))?.createdAt ?? d.createdAt;
        if (Date.now() - last >= d.policy.intervalSeconds * 1000) this.trigger(d.name);
      }
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'snapshot policy check failed');
    } finally {
      this.ticking = false;
    }
  }

  private trigger(name: string): void {
    if (this.stopped || this.snapshots.isBuilding(name)) return;
    this.sinceBuild.set(name, 0);
    this.lastBuild.set(name, Date.now());
    this.snapshots.createSnapshot(name).then(
      (s) => this.logger.info({ dataset: name, version: s.version, rows: s.rows }, 'policy snapshot built'),
      (err: unknown) =>
        // Busy (another replica builds) and registry outages are retried at the next trigger.
        this.logger.warn(
          { dataset: name, err: (err as Error).message, code: isDomainError(err) ? err.code : undefined },
          'policy snapshot not built',
        ),
    );
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
