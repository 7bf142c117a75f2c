import type { GrpcServiceHandlers } from '@keel/contracts';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { GrpcServerHost, type RpcScopes } from '@keel/runtime';
import { snapshotToProto } from '../datasets/datasets.mapper';
import { aliasChangeToProto, versionToProto } from '../models/models.mapper';
import { experimentToProto, runToProto } from '../runs/runs.mapper';
import { LineageService } from './lineage.service';

/** The scope each keel.registry.v1.LineageService method needs (docs/security.md). */
export const LINEAGE_RPC_SCOPES: RpcScopes<GrpcServiceHandlers['keel.registry.v1.LineageService']> = {
  GetModelLineage: 'read',
  ListSnapshotModels: 'read',
};

/** keel.registry.v1.LineageService: translates messages and delegates to LineageService. */
@Injectable()
export class LineageGrpcController implements OnModuleInit {
  constructor(
    private readonly lineage: LineageService,
    private readonly grpc: GrpcServerHost,
  ) {}

  onModuleInit(): void {
    this.grpc.addService(
      'keel.registry.v1.LineageService',
      {
        GetModelLineage: async (req) => {
          const l = await this.lineage.modelLineage(req.model, req.version);
          return {
            snapshot: l.snapshot ? snapshotToProto(l.snapshot.dataset, l.snapshot.snapshot) : null,
            run: l.run ? runToProto(l.run) : null,
            experiment: l.experiment ? experimentToProto(l.experiment) : null,
            version: versionToProto(l.version),
            aliasHistory: l.aliasHistory.map(aliasChangeToProto),
          };
        },
        ListSnapshotModels: async (req) => {
          const { snapshot, items, nextPageToken } = await this.lineage.snapshotModels(req);
          return {
            snapshot: snapshot ? snapshotToProto(snapshot.dataset, snapshot.snapshot) : null,
            versions: items.map(versionToProto),
            nextPageToken,
          };
        },
      },
      LINEAGE_RPC_SCOPES,
    );
  }
}
