import { Injectable, type OnModuleInit } from '@nestjs/common';
import type { GrpcServiceHandlers, ingestionV1 } from '@keel/contracts';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { columnsFromProto, datasetToProto } from '../datasets/datasets.mapper';
import { DatasetsService } from '../datasets/datasets.service';
import type { SnapshotRow } from '../snapshots/snapshots.repository';
import { SnapshotsService } from '../snapshots/snapshots.service';

export function snapshotToProto(s: SnapshotRow): ingestionV1.Snapshot {
  return {
    dataset: s.dataset,
    version: s.version,
    sha256: s.sha256,
    rows: s.rows,
    schemaVersion: s.schemaVersion,
    artifactUri: s.artifactUri,
    manifestJson: s.manifest,
    profileJson: s.profile,
    createdAtMs: s.createdAt,
    windowFromMs: s.windowFrom,
    windowToMs: s.windowTo,
  };
}

/** The scope each keel.ingestion.v1.DatasetService method needs (docs/security.md). */
export const INGESTION_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.ingestion.v1.DatasetService']> = {
  CreateDataset: 'write',
  UpdateSchema: 'write',
  GetDataset: 'read',
  ListDatasets: 'read',
  CreateSnapshot: 'write',
  GetSnapshot: 'read',
  ListSnapshots: 'read',
};

/** keel.ingestion.v1.DatasetService: translates messages and delegates to the datasets and snapshots services. */
@Injectable()
export class IngestionGrpcController implements OnModuleInit {
  constructor(
    private readonly datasets: DatasetsService,
    private readonly snapshots: SnapshotsService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    const withStaged = async (d: Awaited<ReturnType<DatasetsService['getDataset']>>) =>
      datasetToProto(d, await this.datasets.stagedCount(d.name));
    this.grpc.addService(
      'keel.ingestion.v1.DatasetService',
      {
        CreateDataset: async (req) =>
          withStaged(
            await this.datasets.createDataset({
              name: req.name,
              columns: columnsFromProto(req.columns),
              entityKey: req.entityKey,
              target: req.target,
              eventTime: req.eventTime,
              policy: {
                everyRecords: Number(req.policy?.everyRecords ?? 0),
                intervalSeconds: req.policy?.intervalSeconds ?? 0,
                windowRecords: Number(req.policy?.windowRecords ?? 0),
                windowSeconds: req.policy?.windowSeconds ?? 0,
              },
              dedupe: req.dedupe,
            }),
          ),
        UpdateSchema: async (req) =>
          withStaged(
            await this.datasets.updateSchema({
              name: req.name,
              columns: columnsFromProto(req.columns),
              force: req.force,
            }),
          ),
        GetDataset: async (req) => withStaged(await this.datasets.getDataset(req.name)),
        ListDatasets: async (req) => ({
          datasets: await Promise.all(
            (await this.datasets.listDatasets()).filter((d) => d.name.startsWith(req.namePrefix)).map(withStaged),
          ),
        }),
        CreateSnapshot: async (req) => {
          if (req.wait) return snapshotToProto(await this.snapshots.createSnapshot(req.dataset));
          await this.datasets.getDataset(req.dataset, 'dataset');
          // Started, not awaited: failures are logged by the scheduler's path and retried by the next request.
          this.snapshots.createSnapshot(req.dataset).catch(() => undefined);
          const latest = await this.snapshots.latest(req.dataset);
          return latest ? snapshotToProto(latest) : { dataset: req.dataset };
        },
        GetSnapshot: async (req) => snapshotToProto(await this.snapshots.getSnapshot(req.dataset, req.version)),
        ListSnapshots: async (req) => ({
          snapshots: (await this.snapshots.listSnapshots(req.dataset)).map(snapshotToProto),
        }),
      },
      INGESTION_RPC_SCOPES,
    );
  }
}
