import { Injectable } from '@nestjs/common';
import { readOrderBy, readPage, type ListQuery } from '@keel/domain';
import { DatasetsService, type SnapshotWithDataset } from '../datasets/datasets.service';
import { ModelsService } from '../models/models.service';
import type { VersionView } from '../models/models.repository';
import type { AliasChangeRow } from '../models/models.entities';
import type { ExperimentRow } from '../runs/runs.entities';
import type { RunView } from '../runs/runs.repository';
import { RunsService } from '../runs/runs.service';
import { LineageError, LineageErrorCode, lineageInput as v } from './lineage.errors';

/** One snapshot, by sha256 or by dataset and version. */
export interface SnapshotModelsQuery extends ListQuery {
  sha256: string;
  dataset: string;
  version: number;
}

export interface ModelLineageView {
  snapshot: SnapshotWithDataset | null;
  run: RunView | null;
  experiment: ExperimentRow | null;
  version: VersionView;
  aliasHistory: AliasChangeRow[];
}

/** Reads across the other contexts; it owns no tables of its own. */
@Injectable()
export class LineageService {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly runs: RunsService,
    private readonly models: ModelsService,
  ) {}

  /** snapshot -> run -> version -> alias moves, in one answer. */
  async modelLineage(modelName: string, versionNumber: number): Promise<ModelLineageView> {
    const { model } = await this.models.requireVersion(modelName, versionNumber);
    const version = await this.models.getVersion(model.name, versionNumber);
    const [snapshot, run, aliasHistory] = await Promise.all([
      this.datasets.findSnapshotBySha(version.snapshotSha256),
      this.runs.findRun(version.runId),
      this.models.versionAliasHistory(model.id, version.version),
    ]);
    const experiment = run ? await this.runs.findExperiment(run.experimentId) : null;
    return { snapshot, run, experiment, version, aliasHistory };
  }

  /** The model versions built from one snapshot, by sha256 or by dataset and version. */
  async snapshotModels(
    req: SnapshotModelsQuery,
  ): Promise<{ snapshot: SnapshotWithDataset | null; items: VersionView[]; nextPageToken: string }> {
    let snapshot: SnapshotWithDataset | null;
    let sha256: string;
    if (req.sha256) {
      sha256 = v.sha256(req.sha256, 'sha256');
      snapshot = await this.datasets.findSnapshotBySha(sha256);
    } else {
      if (!req.dataset) v.fail('sha256', 'give the snapshot sha256, or dataset and version');
      snapshot = await this.datasets.getSnapshot(req.dataset, v.positiveInt(req.version, 'version'), '');
      sha256 = snapshot.snapshot.sha256;
    }
    const page = readPage(req.page, v);
    const order = readOrderBy(
      req.orderBy,
      ['created_at', 'model'] as const,
      { key: 'created_at', direction: 'DESC' },
      v,
    );
    const { items, nextPageToken } = await this.models.versionsOfSnapshot(sha256, order, page);
    if (!snapshot && items.length === 0 && page.offset === 0) {
      throw new LineageError(
        LineageErrorCode.SnapshotNotFound,
        `no snapshot and no model version with sha256 ${sha256}`,
        'sha256',
      );
    }
    return { snapshot, items, nextPageToken };
  }
}
